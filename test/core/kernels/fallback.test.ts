// Backends without our kernels (tfjs-node's "tensorflow", webgl…) take the portable path: tf.gather
// forward and the same scatter-add on downloaded values. Simulated here with a cpu backend
// registered under another name that has every tfjs cpu kernel but none of ours.
import { describe, it, expect, beforeAll, afterAll, afterEach, vi } from "vitest";
import { tf, ready, seed, embeddingLookup, embeddingBagLookup, embeddingBag, renormRows, hasFastKernels } from "@embedlab/core";

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
