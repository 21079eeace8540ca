import { describe, it, expect, beforeAll, afterEach, vi } from "vitest";
import {
  tf,
  ready,
  seed,
  memoryLimit,
  checkAllocation,
  embedding,
  Embedding,
  embeddingBag,
  categoryEmbedding,
  transformerInput,
  oneHot,
  WordVectors,
  embeddingLookup,
} from "@embedlab/core";

/** 2^22 × 2^11 float32 = 32 GiB: more than a typed array holds (16 GiB), and more than the wasm heap. */
const HUGE = { rows: 2 ** 22, dim: 2 ** 11 };

/** The parts every refusal names: size in GiB, the limit, and the three ways out. */
function expectRefusal(f: () => unknown, fn: string, backend: string): void {
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RangeError);
  const message = (error as Error).message;
  expect(message).toMatch(new RegExp(`^${fn.replace(/[.]/g, "\\.")}: expected .* \\(\\d+\\.\\d\\d GiB of (float32|int32)\\) to fit the ${backend} backend, at most \\d+\\.\\d\\d GiB now \\(.+\\), but got \\d+\\.\\d\\d GiB; `));
  expect(message).toContain("loadVectors(path, { vocab })");
  expect(message).toContain("wv.toEmbedding({ vocab })");
  expect(message).toContain('ready({ backend: "cpu" })');
  expect(message).toContain("@tensorflow/tfjs-node");
  expect(message).not.toMatch(/out of bounds/);
  expect(tf.memory().numTensors).toBe(before);
}

/** A fitting embedding still trains: one SGD step on a sum-of-squares loss lowers it. */
function expectSmallTableTrains(): void {
  seed(3);
  const layer = embedding({ numEmbeddings: 50, embeddingDim: 8, paddingIdx: 0 });
  const ids = tf.tensor2d([[1, 2, 3], [4, 0, 6]], [2, 3], "int32");
  const opt = tf.train.sgd(0.1);
  const loss = () => tf.tidy(() => tf.sum(tf.square(layer.apply(ids) as tf.Tensor)) as tf.Scalar);
  const first = loss();
  opt.minimize(loss, false);
  const second = loss();
  expect(second.dataSync()[0]).toBeLessThan(first.dataSync()[0]);
  expect(layer.weight.arraySync()[0]).toEqual(new Array(8).fill(0)); // padding row: zero, no gradient
  tf.dispose([first, second, ids]);
  opt.dispose();
  layer.dispose();
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`memory limits on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });
    afterEach(() => seed(null));

    it("memoryLimit() names the active backend and a limit below its capacity", () => {
      const limit = memoryLimit();
      expect(limit.backend).toBe(backend);
      expect(limit.bytes).toBeGreaterThan(2 ** 20);
      expect(limit.bytes).toBeLessThanOrEqual(backend === "wasm" ? 2 ** 32 : 2 ** 34);
      expect(limit.inUse).toBeGreaterThan(0);
      expect(limit.reason.length).toBeGreaterThan(10);
      if (backend === "wasm") {
        expect(limit.capacity).toBe(4294901760); // 65536 pages of 64 KiB, less one
        expect(limit.reason).toMatch(/^the wasm backend's 32-bit heap holds 4\.00 GiB, \d+\.\d\d GiB of it in use$/);
      }
    });

    it("embedding({ numEmbeddings: 2^22, embeddingDim: 2^11 }) throws a RangeError naming 32.00 GiB, the limit and the ways out; a small table still trains", () => {
      expectRefusal(() => embedding({ numEmbeddings: HUGE.rows, embeddingDim: HUGE.dim }), "embedding", backend);
      expect(() => embedding({ numEmbeddings: HUGE.rows, embeddingDim: HUGE.dim })).toThrow(
        /embedding: expected the table \[4194304, 2048\] \(32\.00 GiB of float32\) to fit/,
      );
      expectSmallTableTrains();
    });

    it("embeddingBag, categoryEmbedding, transformerInput and checkAllocation refuse a 32 GiB table the same way", () => {
      expectRefusal(() => embeddingBag({ numEmbeddings: HUGE.rows, embeddingDim: HUGE.dim }), "embeddingBag", backend);
      expectRefusal(() => categoryEmbedding({ embeddingDim: 4, columns: [{ numCategories: 10 }, { numCategories: HUGE.rows, embeddingDim: HUGE.dim }] }), "categoryEmbedding", backend);
      expect(() => categoryEmbedding({ embeddingDim: 4, columns: [{ numCategories: 10 }, { numCategories: HUGE.rows, embeddingDim: HUGE.dim }] })).toThrow(
        /expected the tables \[10, 4\] \+ \[4194304, 2048\] \(32\.00 GiB of float32\)/,
      );
      expectRefusal(() => transformerInput({ vocabSize: HUGE.rows, dModel: HUGE.dim, maxSeqLen: 8 }), "transformerInput", backend);
      expectRefusal(() => checkAllocation("myTable", "the table", [HUGE.rows, HUGE.dim]), "myTable", backend);
      expectSmallTableTrains();
    });

    it("a table that fits is not refused: checkAllocation passes for 1 MiB", () => {
      expect(() => checkAllocation("embedding", "the table", [1024, 256])).not.toThrow();
    });
  });
}

describe("memory limits on wasm: the heap in use counts", () => {
  beforeAll(async () => {
    await ready({ backend: "wasm", quiet: true });
  });

  /**
   * Takes all but `leave` bytes of the wasm heap with one block that is never written (its pages
   * are never committed, so this costs address space, not memory). Returns a tensor to dispose.
   */
  function occupyHeap(leave: number): tf.Tensor {
    const taken = Math.floor((memoryLimit().bytes - leave) / 4);
    const backend = tf.backend() as unknown as { makeOutput(shape: number[], dtype: string): tf.TensorInfo };
    return tf.engine().makeTensorFromTensorInfo(backend.makeOutput([taken], "float32"));
  }

  it("with the heap nearly full, fromPretrained, toEmbedding, oneHot and embedding refuse small tables, then work again once it is freed", () => {
    const before = tf.memory().numTensors;
    const block = occupyHeap(8 * 2 ** 20); // 8 MiB left (more when the block landed below the heap's size at start-up)
    expect(memoryLimit().bytes).toBeLessThan(32 * 2 ** 20);
    const matrix = new Float32Array(10_000 * 1000); // 40 MB: fits any empty heap
    expectRefusal(() => Embedding.fromPretrained(matrix, { shape: [10_000, 1000] }), "Embedding.fromPretrained", "wasm");
    const words = Array.from({ length: 10_000 }, (_, i) => `w${i}`);
    const wv = new WordVectors(words, matrix);
    expectRefusal(() => wv.toEmbedding(), "toEmbedding", "wasm");
    expectRefusal(() => oneHot(new Int32Array(10_000), 1000), "oneHot", "wasm");
    expectRefusal(() => embedding({ numEmbeddings: 10_000, embeddingDim: 1000 }), "embedding", "wasm");
    // A raw tfjs op past the limit: a RangeError from the heap guard, never "memory access out of bounds".
    expect(() => tf.zeros([10_000, 1000])).toThrow(/^wasm backend: expected a tensor to fit the wasm heap, at most \d+\.\d\d GiB now .*, but got 0\.04 GiB; keep only the rows you need/);
    block.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const emb = wv.toEmbedding({ vocab: words.slice(0, 100) });
    expect(emb.weight.shape).toEqual([100, 1000]);
    emb.dispose();
    expectSmallTableTrains();
  });
});

describe("memory limits on cpu: a table that fits but whose dense gradient does not", () => {
  beforeAll(async () => {
    await ready({ backend: "cpu", quiet: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    seed(null);
  });

  /** 20,000 × 1,000 float32 = 76 MiB: above the 64 MiB under which the cpu backend skips the check. */
  const V = 20_000;
  const D = 1000;

  const layers = {
    embedding: () => embedding({ numEmbeddings: V, embeddingDim: D }),
    embeddingBag: () => embeddingBag({ numEmbeddings: V, embeddingDim: D }),
    transformerInput: () => transformerInput({ vocabSize: V, dModel: D, maxSeqLen: 4 }),
  };
  it.each(Object.keys(layers) as (keyof typeof layers)[])(
    "%s: training stops at the first backward pass with a RangeError naming the gradient; no weight changes, nothing leaks, and it trains once memory is back",
    (fn) => {
      seed(5);
      const layer = layers[fn]();
      const ids = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32");
      const weight = layer.getWeights()[0];
      const rows = () => tf.tidy(() => tf.gather(weight, [1, 6]).arraySync());
      const touched = rows();
      const opt = tf.train.sgd(0.1);
      const loss = () => tf.tidy(() => tf.sum(tf.square(layer.apply(ids) as tf.Tensor)) as tf.Scalar);
      // a memory limit this process is already past: the 76 MiB table exists, nothing more fits
      vi.spyOn(process, "constrainedMemory").mockReturnValue(1);
      const before = tf.memory().numTensors;
      expect(() => opt.minimize(loss)).toThrow(
        new RegExp(
          `^${fn}: expected the dense gradient of the table \\[20000, 1000\\] \\(0\\.07 GiB of float32\\) to fit the cpu backend, ` +
            `at most 0\\.00 GiB now \\(this machine has 0\\.00 GiB of its \\d+\\.\\d\\d GiB available now\\), but got 0\\.07 GiB; ` +
            `freeze the table \\(trainable: false, or wv\\.toEmbedding\\(\\{ freeze: true \\}\\)\\), keep only the rows you need`,
        ),
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(rows()).toEqual(touched); // no step was taken
      vi.restoreAllMocks();
      opt.minimize(loss);
      const after = rows();
      expect(after[0]).not.toEqual(touched[0]); // both rows were looked up: both moved
      expect(after[1]).not.toEqual(touched[1]);
      opt.dispose();
      layer.dispose();
      ids.dispose();
    },
  );

  it("minimize(f, true, varList) and tf.variableGrads(f, varList) that leave the table out train the rest: no dense gradient is made, so nothing is refused", () => {
    seed(6);
    const layer = embedding({ numEmbeddings: V, embeddingDim: D });
    const table = layer.trainableWeights[0].read() as tf.Variable;
    const head = tf.variable(tf.fill([D, 1], 0.01), true, "left-head");
    const ids = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32");
    const rows = () => tf.tidy(() => tf.gather(table, [1, 6]).arraySync());
    const touched = rows();
    const headBefore = head.arraySync();
    // [2, 3, D] -> [6, D] x [D, 1] -> [6, 1]
    const loss = () => tf.tidy(() => tf.sum(tf.square(tf.matMul(tf.reshape(layer.apply(ids) as tf.Tensor, [6, D]), head))) as tf.Scalar);
    const opt = tf.train.sgd(0.1);
    vi.spyOn(process, "constrainedMemory").mockReturnValue(1); // nothing more fits
    const before = tf.memory().numTensors;

    const cost = opt.minimize(loss, true, [head]) as tf.Scalar;
    expect(cost.dataSync()[0]).toBeGreaterThan(0);
    cost.dispose();
    expect(head.arraySync()).not.toEqual(headBefore); // the head took a step
    expect(rows()).toEqual(touched); // the table did not
    const { value, grads } = tf.variableGrads(loss, [head]);
    expect(Object.keys(grads)).toEqual([head.name]);
    expect(grads[head.name].shape).toEqual([D, 1]);
    tf.dispose([value, grads[head.name]]);
    expect(tf.memory().numTensors).toBe(before);

    // the table in the list: refused before anything is recorded, as with no list at all
    const headNow = head.arraySync();
    for (const run of [() => opt.minimize(loss, true, [head, table]), () => tf.variableGrads(loss, [table])]) {
      expect(run).toThrow(/^embedding: expected the dense gradient of the table \[20000, 1000\] \(0\.07 GiB of float32\) to fit the cpu backend, at most 0\.00 GiB now .*; freeze the table/);
      expect(tf.memory().numTensors).toBe(before);
      expect(rows()).toEqual(touched);
      expect(head.arraySync()).toEqual(headNow);
    }
    // a tape that did not come through engine.gradients: what it differentiates is unknown, so refused
    const engine = tf.engine();
    engine.startTape();
    try {
      expect(() => layer.apply(ids)).toThrow(/^embedding: expected the dense gradient of the table/);
    } finally {
      engine.endTape();
    }
    expect(tf.memory().numTensors).toBe(before);
    vi.restoreAllMocks();
    tf.dispose([ids, head]);
    opt.dispose();
    layer.dispose();
  });

  it("a refusal inside optimizer.minimize or tf.grad frees what the tape kept for ops recorded before it: nothing leaks, and training works after", () => {
    seed(8);
    const layer = embeddingBag({ numEmbeddings: V, embeddingDim: D, mode: "sum" });
    const gate = tf.variable(tf.zeros([2, 3]), true, "refused-gate");
    const ids = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32");
    // sigmoid is recorded (it keeps its output for the backward pass) before the lookup refuses
    const loss = () => tf.tidy(() => tf.sum(tf.square(layer.apply([ids, tf.sigmoid(gate)]) as tf.Tensor)) as tf.Scalar);
    const opt = tf.train.sgd(0.1);
    const table = layer.weight;
    const plain = tf.zeros([V, D]);
    vi.spyOn(process, "constrainedMemory").mockReturnValue(1);
    const before = tf.memory().numTensors;
    expect(() => opt.minimize(loss, true, [gate, table])).toThrow(/^embeddingBag: expected the dense gradient of the table \[20000, 1000\]/);
    expect(tf.memory().numTensors).toBe(before);
    // refused in the backward pass (a plain tensor has no check ahead), after the forward pass kept its tensors
    expect(() => tf.grad((t: tf.Tensor) => tf.sum(embeddingLookup(tf.sigmoid(t), ids)))(plain)).toThrow(/^embeddingLookup: expected the dense gradient of the table/);
    expect(tf.memory().numTensors).toBe(before);
    const gateBefore = gate.arraySync();
    opt.minimize(loss, false, [gate]); // the table left out: no dense gradient, so it trains
    expect(gate.arraySync()).not.toEqual(gateBefore);
    expect(tf.memory().numTensors).toBe(before);
    vi.restoreAllMocks();
    tf.dispose([gate, ids, plain]);
    opt.dispose();
    layer.dispose();
  });

  it("a gradient taken of a plain tensor (no variable to check ahead) is refused by the backward kernel with the same message", () => {
    const table = tf.zeros([V, D]);
    const ids = tf.tensor1d([1, 2], "int32");
    vi.spyOn(process, "constrainedMemory").mockReturnValue(1);
    expect(() => tf.grad((t: tf.Tensor) => tf.sum(embeddingLookup(t, ids)))(table)).toThrow(
      /^embeddingLookup: expected the dense gradient of the table \[20000, 1000\] \(0\.07 GiB of float32\) to fit the cpu backend, at most .*; freeze the table/,
    );
    vi.restoreAllMocks();
    const g = tf.grad((t: tf.Tensor) => tf.sum(embeddingLookup(t, ids)))(table);
    expect(g.shape).toEqual([V, D]);
    tf.dispose([g, table, ids]);
  });
});
