import { describe, it, expect, beforeAll } from "vitest";
import { tf, ready, embeddingLookup, hasFastKernels, checkIndices } from "@embedlab/core";

/** Deterministic pseudo-random numbers (no Math.random: tests are seeded). */
function lcg(seedValue: number) {
  let x = seedValue >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** The plain definition: out[i] = table[ids[i]]; grad[k] += (1/count[k]) * dy[i], padding row skipped. */
function reference(table: Float32Array, ids: Int32Array, dy: Float32Array, v: number, d: number, paddingIdx: number, scale: boolean) {
  const out = new Float32Array(ids.length * d);
  for (let i = 0; i < ids.length; i++) for (let j = 0; j < d; j++) out[i * d + j] = table[ids[i] * d + j];
  const counts = new Int32Array(v);
  for (const k of ids) counts[k]++;
  const grad = new Float32Array(v * d);
  for (let i = 0; i < ids.length; i++) {
    const k = ids[i];
    if (k === paddingIdx) continue;
    const alpha = scale ? Math.fround(1 / counts[k]) : 1;
    for (let j = 0; j < d; j++) grad[k * d + j] += alpha * dy[i * d + j];
  }
  return { out, grad };
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`embeddingLookup on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("uses the registered fast kernels", () => {
      expect(hasFastKernels()).toBe(true);
    });

    for (const [v, d, shape, paddingIdx, scale] of [
      [50, 8, [7, 13], -1, false],
      [50, 8, [7, 13], 3, false],
      [20, 5, [4, 3, 9], -1, true],
      [20, 5, [4, 3, 9], 0, true],
      [1000, 33, [300], 999, false],
      [3, 1, [64], -1, true],
    ] as [number, number, number[], number, boolean][]) {
      it(`embeddingLookup(V=${v}, D=${d}, ids [${shape}], paddingIdx ${paddingIdx}, scaleGradByFreq ${scale}) is bit-identical to a plain reference, forward and gradient`, () => {
        const rand = lcg(v * 31 + d);
        const n = shape.reduce((a, b) => a * b, 1);
        const tableValues = Float32Array.from({ length: v * d }, () => rand() * 4 - 2);
        // few distinct ids so rows repeat and the scatter really adds
        const idValues = Int32Array.from({ length: n }, () => Math.floor(rand() * Math.min(v, 12)) * Math.max(1, Math.floor(v / 12)) % v);
        const dyValues = Float32Array.from({ length: n * d }, () => rand() * 2 - 1);
        const before = tf.memory().numTensors;
        const table = tf.tensor2d(tableValues, [v, d]);
        const ids = tf.tensor(idValues, shape, "int32");
        const dy = tf.tensor(dyValues, [...shape, d]);
        const options = { ...(paddingIdx >= 0 ? { paddingIdx } : {}), scaleGradByFreq: scale };
        const out = embeddingLookup(table, ids, options);
        expect(out.shape).toEqual([...shape, d]);
        const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t, ids, options), dy)))(table);
        const ref = reference(tableValues, idValues, dyValues, v, d, paddingIdx, scale);
        expect(Array.from(out.dataSync())).toEqual(Array.from(ref.out));
        // tf.mul by dy then the sum's gradient hands dy back exactly (dy * 1)
        expect(Array.from(grad.dataSync())).toEqual(Array.from(ref.grad));
        if (paddingIdx >= 0) expect(Array.from(grad.dataSync().slice(paddingIdx * d, (paddingIdx + 1) * d)).every((x) => x === 0)).toBe(true);
        tf.dispose([table, ids, dy, out, grad]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it("embeddingLookup accepts float32 ids holding whole numbers", () => {
      const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
      const ids = tf.tensor1d([2, 0]);
      const before = tf.memory().numTensors;
      const out = embeddingLookup(table, ids);
      expect(out.arraySync()).toEqual([[5, 6], [1, 2]]);
      out.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([table, ids]);
    });

    it("embeddingLookup throws on fractions, NaN, negatives and ids >= V, naming value, position and numEmbeddings, without leaking", () => {
      const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
      const cases: [tf.Tensor, RegExp, ErrorConstructor][] = [
        [tf.tensor2d([[0, 1.9]]), /^embeddingLookup: index 1\.9 at position \[0, 1\] is not an integer \(indices must be int32 or whole numbers in \[0, 3\)\)$/, TypeError],
        [tf.tensor1d([0, NaN]), /^embeddingLookup: index NaN at position \[1\] is not an integer/, TypeError],
        [tf.tensor2d([[0, 1], [2, -1]], [2, 2], "int32"), /^embeddingLookup: index -1 at position \[1, 1\] is out of range for numEmbeddings 3$/, RangeError],
        [tf.tensor2d([[0, 1], [3, 1]], [2, 2], "int32"), /^embeddingLookup: index 3 at position \[1, 0\] is out of range for numEmbeddings 3$/, RangeError],
        [tf.tensor1d([1e9]), /^embeddingLookup: index 1000000000 at position \[0\] is out of range for numEmbeddings 3$/, RangeError],
        [tf.tensor1d([true, false] as unknown as number[], "bool"), /^embeddingLookup: expected indices to be an int32 tensor \(or float32 holding whole numbers\), but got a bool tensor of shape \[2\]$/, TypeError],
      ];
      const before = tf.memory().numTensors;
      for (const [ids, message, type] of cases) {
        expect(() => embeddingLookup(table, ids)).toThrow(type);
        expect(() => embeddingLookup(table, ids)).toThrow(message);
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(() => embeddingLookup(table, [0, 1] as unknown as tf.Tensor)).toThrow(/^embeddingLookup: expected indices to be a tensor, but got an array of length 2$/);
      expect(() => embeddingLookup(tf.tensor1d([1]) as tf.Tensor, cases[2][0])).toThrow(/^embeddingLookup: expected table to be a 2-D float32 tensor, but got a float32 tensor of shape \[1\]$/);
      expect(() => embeddingLookup(table, cases[2][0], { paddingIdx: 3 })).toThrow(/^embeddingLookup: expected options\.paddingIdx to be an integer in \[0, 2\], but got 3$/);
      expect(() => embeddingLookup(table, cases[2][0], { padding: 1 } as never)).toThrow(/^embeddingLookup: unknown option "padding"; allowed options are paddingIdx, scaleGradByFreq$/);
      tf.dispose([table, ...cases.map((c) => c[0])]);
    });

    it("embeddingLookup trains at a 50k vocabulary in milliseconds, not hours (gradient is O(N·D) + a zero table)", () => {
      const table = tf.variable(tf.randomNormal([50000, 16], 0, 1, "float32", 1));
      const ids = tf.tensor2d(Int32Array.from({ length: 256 }, (_, i) => (i * 7919) % 50000), [8, 32], "int32");
      const before = tf.memory().numTensors;
      const opt = tf.train.sgd(0.1);
      const t0 = Date.now();
      for (let i = 0; i < 3; i++) opt.minimize(() => tf.sum(tf.square(embeddingLookup(table, ids))))?.dispose();
      // tfjs's own gather gradient takes hours here; this bound is generous for a shared machine
      expect(Date.now() - t0).toBeLessThan(20_000);
      opt.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([table, ids]);
    });

    it("checkIndices returns int32 ids unchanged and a new int32 tensor for float ids", () => {
      const a = tf.tensor1d([1, 2], "int32");
      expect(checkIndices("f", a, 3)).toBe(a);
      const b = tf.tensor1d([1, 2]);
      const c = checkIndices("f", b, 3);
      expect(c.dtype).toBe("int32");
      expect(Array.from(c.dataSync())).toEqual([1, 2]);
      tf.dispose([a, b, c]);
    });
  });
}
