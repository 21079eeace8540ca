import { describe, it, expect, beforeAll } from "vitest";
import { tf, ready, embeddingBagLookup, embeddingLookup } from "@embedlab/core";

function lcg(seedValue: number) {
  let x = seedValue >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** Plain definition of a bag reduction and its gradients (the documented PyTorch semantics). */
function reference(
  table: Float32Array, ids: Int32Array, starts: number[], w: Float32Array | null, dy: Float32Array,
  v: number, d: number, mode: "sum" | "mean" | "max", pad: number, scale: boolean,
) {
  const b = starts.length;
  const out = new Float32Array(b * d);
  const arg = new Int32Array(b * d).fill(-1);
  const gTable = new Float32Array(v * d);
  const gW = new Float32Array(ids.length);
  const counts = new Int32Array(v);
  for (const k of ids) counts[k]++;
  for (let bag = 0; bag < b; bag++) {
    const end = bag + 1 < b ? starts[bag + 1] : ids.length;
    const members: number[] = [];
    for (let i = starts[bag]; i < end; i++) if (ids[i] !== pad) members.push(i);
    for (const [c, i] of members.entries()) {
      for (let j = 0; j < d; j++) {
        const x = table[ids[i] * d + j];
        if (mode === "max") {
          if (c === 0 || x > out[bag * d + j]) {
            out[bag * d + j] = x;
            arg[bag * d + j] = ids[i];
          }
        } else out[bag * d + j] += (w ? w[i] : 1) * x;
      }
    }
    if (mode === "mean" && members.length > 0) for (let j = 0; j < d; j++) out[bag * d + j] /= members.length;
    if (mode === "max") {
      for (let j = 0; j < d; j++) if (arg[bag * d + j] >= 0) gTable[arg[bag * d + j] * d + j] += dy[bag * d + j];
      continue;
    }
    for (const i of members) {
      let s = 1;
      if (scale) s = Math.fround(s / counts[ids[i]]);
      if (mode === "mean") s = Math.fround(s / members.length);
      if (w) s = Math.fround(s * w[i]);
      for (let j = 0; j < d; j++) gTable[ids[i] * d + j] += s === 1 ? dy[bag * d + j] : s * dy[bag * d + j];
      if (w) {
        let acc = 0;
        for (let j = 0; j < d; j++) acc += dy[bag * d + j] * table[ids[i] * d + j];
        gW[i] = acc;
      }
    }
  }
  return { out, gTable, gW };
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`embeddingBagLookup on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    for (const mode of ["sum", "mean", "max"] as const) {
      for (const [pad, scale, weighted] of [[-1, false, false], [2, false, false], [-1, true, false], [5, false, true]] as [number, boolean, boolean][]) {
        if (mode === "max" && scale) continue;
        if (mode !== "sum" && weighted) continue;
        it(`embeddingBagLookup(mode ${mode}, paddingIdx ${pad}, scaleGradByFreq ${scale}, weights ${weighted}) is bit-identical to a plain reference`, () => {
          const rand = lcg(17 + pad * 3 + (scale ? 1 : 0));
          const v = 12, d = 6, n = 40;
          const tableValues = Float32Array.from({ length: v * d }, () => rand() * 4 - 2);
          const idValues = Int32Array.from({ length: n }, () => Math.floor(rand() * v));
          const starts = [0, 5, 5, 18, 30, 39]; // an empty bag, a bag of one
          const w = weighted ? Float32Array.from({ length: n }, () => rand() * 2 - 1) : null;
          const dyValues = Float32Array.from({ length: starts.length * d }, () => rand() * 2 - 1);
          const before = tf.memory().numTensors;
          const table = tf.tensor2d(tableValues, [v, d]);
          const ids = tf.tensor1d(idValues, "int32");
          const weights = w ? tf.tensor1d(w) : undefined;
          const dy = tf.tensor2d(dyValues, [starts.length, d]);
          const options = { mode, offsets: starts, ...(pad >= 0 ? { paddingIdx: pad } : {}), scaleGradByFreq: scale, ...(weights ? { perSampleWeights: weights } : {}) };
          const out = embeddingBagLookup(table, ids, options);
          const f = (t: tf.Tensor, pw?: tf.Tensor) => tf.sum(tf.mul(embeddingBagLookup(t, ids, { ...options, ...(pw ? { perSampleWeights: pw } : {}) }), dy));
          const [gTable, gW] = weights ? tf.grads(f)([table, weights]) : [tf.grad((t: tf.Tensor) => f(t))(table), undefined];
          const ref = reference(tableValues, idValues, starts, w, dyValues, v, d, mode, pad, scale);
          expect(Array.from(out.dataSync())).toEqual(Array.from(ref.out));
          expect(Array.from(gTable.dataSync())).toEqual(Array.from(ref.gTable));
          if (weighted) expect(Array.from(gW.dataSync())).toEqual(Array.from(ref.gW));
          tf.dispose([table, ids, weights, dy, out, gTable, gW]);
          expect(tf.memory().numTensors).toBe(before);
        });
      }
    }

    it("embeddingBagLookup(scaleGradByFreq) divides each row's gradient by its count in the batch, like embedding (not PyTorch 1.13's CPU bag bug)", () => {
      const table = tf.tensor2d(Array.from({ length: 20 }, (_, i) => i / 7), [10, 2]);
      const flat = tf.tensor1d([1, 4, 4, 2, 9, 0, 4, 7, 2, 2, 3], "int32");
      const offsets = [0, 3, 3, 7];
      const bagSum = tf.grad((t: tf.Tensor) => tf.sum(embeddingBagLookup(t, flat, { mode: "sum", offsets, scaleGradByFreq: true })))(table);
      // a sum bag's gradient equals the plain lookup's gradient with the same scaling
      const lookup = tf.grad((t: tf.Tensor) => tf.sum(embeddingLookup(t, flat, { scaleGradByFreq: true })))(table);
      expect(bagSum.arraySync()).toEqual(lookup.arraySync());
      // row 9 occurs once: full gradient (PyTorch 1.13 CPU gives it 1/3, another row's count)
      expect((bagSum.arraySync() as number[][])[9]).toEqual([1, 1]);
      tf.dispose([table, flat, bagSum, lookup]);
    });

    it("embeddingBagLookup with 2-D ids treats each row as a bag", () => {
      const table = tf.tensor2d([[1, 1], [2, 2], [4, 4]]);
      const ids = tf.tensor2d([[0, 1], [2, 2]], [2, 2], "int32");
      const out = embeddingBagLookup(table, ids, { mode: "sum" });
      expect(out.arraySync()).toEqual([[3, 3], [8, 8]]);
      tf.dispose([table, ids, out]);
    });

    it("embeddingBagLookup rejects bad options with PyTorch's reasons, without leaking", () => {
      const table = tf.tensor2d([[1, 1], [2, 2], [4, 4]]);
      const flat = tf.tensor1d([0, 1, 2], "int32");
      const ids2 = tf.tensor2d([[0, 1]], [1, 2], "int32");
      const w = tf.tensor1d([1, 1, 1]);
      const before = tf.memory().numTensors;
      expect(() => embeddingBagLookup(table, flat, { mode: "mean", offsets: [0], perSampleWeights: w })).toThrow(/^embeddingBagLookup: perSampleWeights is only supported for mode "sum" \(as in PyTorch\), but mode is "mean"$/);
      expect(() => embeddingBagLookup(table, flat, { mode: "max", offsets: [0], scaleGradByFreq: true })).toThrow(/^embeddingBagLookup: mode "max" does not support scaleGradByFreq \(as in PyTorch\)$/);
      expect(() => embeddingBagLookup(table, flat, { offsets: [1, 2] })).toThrow(/^embeddingBagLookup: offset 1 at position \[0\] is invalid: offsets must start at 0, not decrease and not exceed the number of indices 3$/);
      expect(() => embeddingBagLookup(table, flat, { offsets: [0, 2, 1] })).toThrow(/^embeddingBagLookup: offset 1 at position \[2\] is invalid/);
      expect(() => embeddingBagLookup(table, flat, { offsets: [0, 5] })).toThrow(RangeError);
      expect(() => embeddingBagLookup(table, flat, { offsets: [0, 2], includeLastOffset: true })).toThrow(/^embeddingBagLookup: with includeLastOffset the last offset must equal the number of indices 3, but got 2$/);
      expect(() => embeddingBagLookup(table, flat)).toThrow(/^embeddingBagLookup: expected options\.offsets to be a 1-D int32 tensor for 1-D indices, but got undefined$/);
      expect(() => embeddingBagLookup(table, ids2, { offsets: [0] })).toThrow(/^embeddingBagLookup: expected options\.offsets to be absent for 2-D indices \(each row is a bag\)/);
      expect(() => embeddingBagLookup(table, flat, { offsets: [0], mode: "median" as never })).toThrow(/^embeddingBagLookup: expected options\.mode to be one of "sum", "mean", "max", but got "median"$/);
      expect(() => embeddingBagLookup(table, flat, { offsets: [0], mode: "sum", perSampleWeights: tf.tensor1d([1, 1]) })).toThrow(/^embeddingBagLookup: expected options\.perSampleWeights to be a float32 tensor of the indices' shape \[3\]/);
      expect(() => embeddingBagLookup(table, tf.tensor1d([0, 3], "int32"), { offsets: [0] })).toThrow(/^embeddingBagLookup: index 3 at position \[1\] is out of range for numEmbeddings 3$/);
      // the two tensors made inside the expect calls above are the only new ones
      expect(tf.memory().numTensors).toBe(before + 2);
      tf.dispose([table, flat, ids2, w]);
    });
  });
}
