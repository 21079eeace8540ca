// Backends without our kernels (tfjs-node's "tensorflow", webgl…) take the portable path: tf.gather
// forward and the same scatter-add on downloaded values. Simulated here with a cpu backend
// registered under another name that has every tfjs cpu kernel but none of ours.
import { describe, it, expect, beforeAll, afterAll, afterEach, vi } from "vitest";
import { tf, ready, seed, embedding, embeddingLookup, embeddingBagLookup, embeddingBag, renormRows, hasFastKernels } from "@embedlab/core";

const NAME = "embedlab-fallback-test";
const OURS = /^Embedlab/;

function run(f: () => tf.Tensor | tf.Tensor[]): number[][] {
  const out = f();
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => Array.from(t.dataSync()));
  tf.dispose(list);
  return values;
}

describe("the portable fallback (a backend without embedlab kernels)", () => {
  const table = () => tf.tensor2d(Array.from({ length: 40 }, (_, i) => Math.sin(i) * 3), [10, 4]);
  const ids = () => tf.tensor2d([[1, 4, 4], [9, 0, 4]], [2, 3], "int32");
  const cases: Record<string, () => tf.Tensor | tf.Tensor[]> = {
    lookup: () => tf.tidy(() => embeddingLookup(table(), ids())),
    lookupGrad: () => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.square(embeddingLookup(t, ids(), { paddingIdx: 9, scaleGradByFreq: true }))))(table())),
    // a table computed under the tape (not a leaf): its gradient flows on to t
    lookupOfComputedTableGrad: () => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.square(embeddingLookup(tf.mul(t, 2), ids()))))(table())),
    bagMax: () => tf.tidy(() => embeddingBagLookup(table(), ids(), { mode: "max" })),
    bagMeanGrad: () => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.square(embeddingBagLookup(t, ids(), { mode: "mean", paddingIdx: 0 }))))(table())),
    bagOfComputedTableGrad: () => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.square(embeddingBagLookup(tf.mul(t, 2), ids(), { mode: "sum" }))))(table())),
    bagWeightedGrads: () =>
      tf.tidy(() => tf.grads((t: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(embeddingBagLookup(t, ids(), { mode: "sum", perSampleWeights: w }))))([table(), tf.tensor2d([[1, 2, 3], [-1, 0.5, 2]])])),
    renorm: () => {
      const t = table();
      const v = tf.variable(t);
      const i = ids();
      renormRows(v, i, { maxNorm: 2, normType: 3 });
      const out = v.clone();
      tf.dispose([t, v, i]);
      return out;
    },
    // maxNorm inside a training step: the renorm runs under the tape, then the step
    renormUnderTape: () => {
      seed(2);
      const layer = embedding({ numEmbeddings: 10, embeddingDim: 4, maxNorm: 1.5, normType: 3 });
      const i = ids();
      const opt = tf.train.sgd(0.1);
      opt.minimize(() => tf.sum(tf.square(layer.apply(i) as tf.Tensor)) as tf.Scalar);
      const out = layer.weight.clone();
      opt.dispose();
      layer.dispose();
      i.dispose();
      seed(null);
      return out;
    },
  };
  const expected: Record<string, number[][]> = {};

  beforeAll(async () => {
    await ready({ backend: "cpu", quiet: true });
    for (const [k, f] of Object.entries(cases)) expected[k] = run(f);
    const cpu = tf.findBackend("cpu") as tf.KernelBackend;
    const Ctor = cpu.constructor as new () => tf.KernelBackend;
    tf.registerBackend(NAME, () => new Ctor());
    for (const k of tf.getKernelsForBackend("cpu")) if (!OURS.test(k.kernelName)) tf.registerKernel({ ...k, backendName: NAME });
    await tf.setBackend(NAME);
  });

  afterAll(async () => {
    await ready({ backend: "cpu", quiet: true });
    tf.removeBackend(NAME);
  });

  it("has no fast kernels there", () => {
    expect(hasFastKernels()).toBe(false);
  });

  afterEach(() => vi.restoreAllMocks());

  for (const name of Object.keys(cases)) {
    it(`${name} gives the same values as the cpu kernels and leaks nothing`, () => {
      const before = tf.memory().numTensors;
      const got = run(cases[name]);
      expect(got).toEqual(expected[name]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  /** Records the length of every array the backend hands back to JS (`dataSync`, `arraySync`…). */
  function spyReads() {
    const backend = tf.backend();
    const lengths: number[] = [];
    const original = backend.readSync.bind(backend);
    vi.spyOn(backend, "readSync").mockImplementation((dataId: object) => {
      const values = original(dataId);
      lengths.push(values.length);
      return values;
    });
    return lengths;
  }

  it("renormRows reads back only the looked-up rows, and leaves the table's storage alone when none exceeds maxNorm", () => {
    const rows = Array.from({ length: 50 }, (_, r) => [r % 7 === 0 ? 3 : 0.1, 0.2, -0.1, 0.05]); // rows 0, 7, 14… have 2-norm > 1
    const v = tf.variable(tf.tensor2d(rows), true, "renorm-reads");
    const idle = tf.tensor2d([[1, 2, 2], [5, 1, 3]], [2, 3], "int32"); // rows 1, 2, 3, 5: all within maxNorm
    const busy = tf.tensor1d([1, 7, 7, 14], "int32"); // rows 7 and 14 exceed it
    const before = tf.memory().numTensors;
    const storage = v.dataId;
    const reads = spyReads();
    expect(renormRows(v, idle, { maxNorm: 1 })).toBe(0);
    expect(v.dataId).toBe(storage); // nothing assigned
    expect(reads).toEqual([6, 4 * 4]); // the ids, then the 4 distinct rows [4, D]; never the [50, 4] table
    reads.length = 0;
    expect(renormRows(v, busy, { maxNorm: 1 })).toBe(2);
    expect(reads).toEqual([4, 3 * 4]); // the ids, then rows 1, 7, 14
    vi.restoreAllMocks();
    expect(tf.memory().numTensors).toBe(before);
    const after = v.arraySync();
    for (const r of [7, 14]) expect(Math.hypot(...after[r])).toBeCloseTo(1, 5);
    // every other row keeps its exact value (scaled by 1)
    expect(after.filter((_, r) => r !== 7 && r !== 14)).toEqual(rows.map((row) => row.map(Math.fround)).filter((_, r) => r !== 7 && r !== 14));
    tf.dispose([v, idle, busy]);
  });

  it("renormRows on a tensor's shared storage changes only the variable, never the tensor it was made from", () => {
    const source = tf.tensor2d([[3, 4], [0, 1]]);
    const v = tf.variable(source); // shares storage with source
    const ids = tf.tensor1d([0], "int32");
    expect(renormRows(v, ids, { maxNorm: 1 })).toBe(1);
    expect(source.arraySync()).toEqual([[3, 4], [0, 1]]);
    expect(v.arraySync()[0].map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0.6, 0.8]);
    tf.dispose([source, v, ids]);
  });

  /** 20,000 × 1,000 float32 = 76 MiB: above the 64 MiB under which the limit check is skipped off wasm. */
  const V = 20_000;
  const D = 1000;
  // [2, 3] ids -> the lookup's [2, 3, D] or the bag's [2, D], as rows of D for the head
  const lookups = {
    embeddingLookup: (t: tf.Tensor, i: tf.Tensor) => tf.reshape(embeddingLookup(t, i), [-1, D]),
    embeddingBagLookup: (t: tf.Tensor, i: tf.Tensor) => embeddingBagLookup(t, i, { mode: "sum" }),
  };
  type Fn = keyof typeof lookups;

  /** A trainable big table, a head on it, and the loss through the fallback. */
  function setup(fn: Fn) {
    const table = tf.variable(tf.fill([V, D], 0.02), true, `fallback-table-${fn}`);
    const head = tf.variable(tf.fill([D, 1], 0.01), true, `fallback-head-${fn}`);
    const ids = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32");
    // [N, D] x [D, 1] -> [N, 1]
    const loss = () => tf.tidy(() => tf.sum(tf.square(tf.matMul(lookups[fn](table, ids), head))) as tf.Scalar);
    const rows = () => tf.tidy(() => tf.gather(table, [1, 6]).arraySync());
    const dispose = () => tf.dispose([table, head, ids]);
    return { table, head, ids, loss, rows, dispose };
  }

  it.each(Object.keys(lookups) as Fn[])(
    "%s: a table the tape does not differentiate (varList without it, trainable: false) gets no dense gradient, so a head on it trains where the gradient could not fit; nothing leaks",
    (fn) => {
      const { table, head, loss, rows, dispose } = setup(fn);
      const touched = rows();
      const opt = tf.train.sgd(0.1);
      vi.spyOn(process, "constrainedMemory").mockReturnValue(1); // nothing more fits: a [V, D] gradient would be refused
      const before = tf.memory().numTensors;

      let headBefore = head.arraySync();
      const cost = opt.minimize(loss, true, [head]) as tf.Scalar;
      expect(cost.dataSync()[0]).toBeGreaterThan(0);
      cost.dispose();
      expect(head.arraySync()).not.toEqual(headBefore); // the head took a step
      expect(rows()).toEqual(touched); // the table did not
      const { value, grads } = tf.variableGrads(loss, [head]);
      expect(Object.keys(grads)).toEqual([head.name]);
      expect(grads[head.name].shape).toEqual([D, 1]);
      tf.dispose([value, grads[head.name]]);

      // frozen: minimize() with no list differentiates the trainable variables only
      table.trainable = false;
      headBefore = head.arraySync();
      opt.minimize(loss);
      expect(head.arraySync()).not.toEqual(headBefore);
      expect(rows()).toEqual(touched);
      expect(tf.memory().numTensors).toBe(before);

      vi.restoreAllMocks();
      opt.dispose();
      dispose();
    },
  );

  it.each(Object.keys(lookups) as Fn[])(
    "%s: a table the tape differentiates is still refused with the dense-gradient RangeError, before anything changes; nothing leaks",
    (fn) => {
      const { table, head, loss, rows, dispose } = setup(fn);
      const touched = rows();
      const headBefore = head.arraySync();
      const opt = tf.train.sgd(0.1);
      vi.spyOn(process, "constrainedMemory").mockReturnValue(1);
      const before = tf.memory().numTensors;
      const refusal = new RegExp(
        `^${fn}: expected the dense gradient of the table \\[20000, 1000\\] \\(0\\.07 GiB of float32\\) to fit the ${NAME} backend, ` +
          `at most 0\\.00 GiB now \\(.*\\), but got 0\\.07 GiB; freeze the table`,
      );
      for (const run of [() => opt.minimize(loss), () => opt.minimize(loss, true, [head, table]), () => tf.variableGrads(loss, [table])]) {
        expect(run).toThrow(refusal);
        expect(tf.memory().numTensors).toBe(before);
        expect(rows()).toEqual(touched);
        expect(head.arraySync()).toEqual(headBefore);
      }
      vi.restoreAllMocks();
      opt.dispose();
      dispose();
    },
  );

  it.each(Object.keys(lookups) as Fn[])(
    "%s: a plain tensor as the table (nothing to check ahead) is refused in the backward pass when differentiated, leaking nothing, and not when only the head is",
    (fn) => {
      const table = tf.fill([V, D], 0.02);
      const head = tf.fill([D, 1], 0.01);
      const ids = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32");
      const f = (t: tf.Tensor, h: tf.Tensor) => tf.sum(tf.square(tf.matMul(lookups[fn](t, ids), h)));
      vi.spyOn(process, "constrainedMemory").mockReturnValue(1);
      const before = tf.memory().numTensors;
      expect(() => tf.tidy(() => tf.grad((t: tf.Tensor) => f(t, head))(table))).toThrow(
        new RegExp(`^${fn}: expected the dense gradient of the table \\[20000, 1000\\] \\(0\\.07 GiB of float32\\) to fit the ${NAME} backend, .*; freeze the table`),
      );
      expect(tf.memory().numTensors).toBe(before); // what the tape kept for the backward pass is freed
      const g = tf.grad((h: tf.Tensor) => f(table, h))(head);
      expect(g.shape).toEqual([D, 1]);
      // lookup: 6 rows of 0.02, each · head = 0.2, so dL/dh = 6 · 2 · 0.2 · 0.02; bag (sum of 3): 2 rows of 0.06, each · head = 0.6
      const expected = fn === "embeddingLookup" ? 6 * 2 * 0.2 * 0.02 : 2 * 2 * 0.6 * 0.06;
      expect(Array.from(g.dataSync()).every((v) => Math.abs(v - expected) < 1e-5)).toBe(true);
      g.dispose();
      expect(tf.memory().numTensors).toBe(before);
      vi.restoreAllMocks();
      tf.dispose([table, head, ids]);
    },
  );

  it("renormRows on a big table: the new [V, D] table is checked before it is made; refused, the table is unchanged and nothing leaks", () => {
    const table = tf.variable(tf.fill([V, D], 0.02), true, "renorm-big");
    const over = tf.tensor1d([3, 4], "int32");
    const within = tf.tensor1d([4, 5], "int32");
    tf.tidy(() => table.assign(tf.tensorScatterUpdate(table, tf.tensor2d([[3]], [1, 1], "int32"), tf.fill([1, D], 1)))); // row 3: 2-norm √1000
    const rows = () => tf.tidy(() => tf.gather(table, [3, 4]).arraySync());
    const touched = rows();
    vi.spyOn(process, "constrainedMemory").mockReturnValue(1); // nothing more fits
    const before = tf.memory().numTensors;
    expect(renormRows(table, within, { maxNorm: 1 })).toBe(0); // nothing to rescale: nothing to allocate, no refusal
    expect(() => renormRows(table, over, { maxNorm: 1 })).toThrow(
      new RegExp(`^renormRows: expected the renormalised table \\[20000, 1000\\] \\(0\\.07 GiB of float32\\) to fit the ${NAME} backend, at most 0\\.00 GiB now`),
    );
    expect(rows()).toEqual(touched);
    expect(tf.memory().numTensors).toBe(before);
    vi.restoreAllMocks();
    expect(renormRows(table, over, { maxNorm: 1 })).toBe(1);
    expect(Math.hypot(...rows()[0])).toBeCloseTo(1, 4);
    expect(rows()[1]).toEqual(touched[1]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([table, over, within]);
  });

  it("embeddingLookup: the gradient of float ids (zero, as with the kernels) over a big plain table makes no dense table gradient", () => {
    const table = tf.fill([V, D], 0.02);
    const ids = tf.tensor2d([[1, 2, 3], [4, 5, 6]]); // float32 whole numbers
    vi.spyOn(process, "constrainedMemory").mockReturnValue(1);
    const before = tf.memory().numTensors;
    const g = tf.grad((x: tf.Tensor) => tf.sum(embeddingLookup(table, x)))(ids);
    expect(g.shape).toEqual([2, 3]);
    expect(Array.from(g.dataSync())).toEqual(new Array(6).fill(0));
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    vi.restoreAllMocks();
    tf.dispose([table, ids]);
  });

  it("embeddingBagLookup: the gradient of perSampleWeights alone, over a big plain table, makes no dense table gradient", () => {
    const table = tf.fill([V, D], 0.02);
    const ids = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32");
    const w = tf.tensor2d([[1, 2, 3], [-1, 0.5, 2]]);
    vi.spyOn(process, "constrainedMemory").mockReturnValue(1);
    const before = tf.memory().numTensors;
    const g = tf.grad((x: tf.Tensor) => tf.sum(embeddingBagLookup(table, ids, { mode: "sum", perSampleWeights: x })))(w);
    // d/dw[i] of sum over the bag's row w·table[id]: the row's sum, 0.02 · D = 20
    expect(Array.from(g.dataSync()).map((v) => Math.round(v * 1e3) / 1e3)).toEqual(new Array(6).fill(20));
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    vi.restoreAllMocks();
    tf.dispose([table, ids, w]);
  });

  it("embeddingBag with learnt perSampleWeights over a big table left out of the varList: the weights train, the table gets no dense gradient; the table in the list is still refused", () => {
    seed(7);
    const layer = embeddingBag({ numEmbeddings: V, embeddingDim: D, mode: "sum" });
    const table = layer.weight;
    const gate = tf.variable(tf.zeros([2, 3]), true, "fallback-gate");
    const ids = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32");
    // per-sample weights sigmoid(gate) [2, 3]; bags [2, 3] -> [2, D]
    const loss = () => tf.tidy(() => tf.sum(tf.square(layer.apply([ids, tf.sigmoid(gate)]) as tf.Tensor)) as tf.Scalar);
    const rows = () => tf.tidy(() => tf.gather(table, [1, 6]).arraySync());
    const touched = rows();
    const opt = tf.train.sgd(0.1);
    vi.spyOn(process, "constrainedMemory").mockReturnValue(1); // a [V, D] gradient would be refused
    const before = tf.memory().numTensors;
    const first = loss();
    opt.minimize(loss, false, [gate]);
    const second = loss();
    expect(second.dataSync()[0]).toBeLessThan(first.dataSync()[0]); // the gate learnt to shrink the weights
    expect(rows()).toEqual(touched);
    tf.dispose([first, second]);
    expect(tf.memory().numTensors).toBe(before);

    const gateNow = gate.arraySync();
    expect(() => opt.minimize(loss, true, [gate, table])).toThrow(/^embeddingBag: expected the dense gradient of the table \[20000, 1000\] .*; freeze the table/);
    expect(tf.memory().numTensors).toBe(before);
    expect(gate.arraySync()).toEqual(gateNow);
    expect(rows()).toEqual(touched);
    vi.restoreAllMocks();
    seed(null);
    opt.dispose();
    layer.dispose();
    tf.dispose([gate, ids]);
  });
});
