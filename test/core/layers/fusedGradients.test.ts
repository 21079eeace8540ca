// The fused forward/backward kernels behind transformerInput and sequencePooling give the same
// values and gradients as the same maths composed from plain tfjs ops, on cpu and wasm.
import { describe, it, expect, beforeAll } from "vitest";
import { tf, ready, seed, transformerInput, sequencePooling, embeddingLookup } from "@embedlab/core";

function worst(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync(), y = b.dataSync();
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i])));
  return m;
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`fused layer kernels on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("transformerInput({ dropout: 0.25 }) in training zeroes about a quarter of the values and scales the rest by 1/0.75, and so does the gradient", () => {
      seed(12);
      const layer = transformerInput({ vocabSize: 50, dModel: 16, maxSeqLen: 40 });
      const drop = transformerInput({ vocabSize: 50, dModel: 16, maxSeqLen: 40, dropout: 0.25, weights: layer.getWeights() });
      const ids = tf.tensor2d(Array.from({ length: 32 * 40 }, (_, i) => (i * 7) % 50), [32, 40], "int32");
      const plain = (layer.apply(ids) as tf.Tensor).dataSync();
      const G = tf.ones([32, 40, 16]);
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => {
        const out = drop.apply(ids, { training: true }) as tf.Tensor;
        const v = out.dataSync();
        let zeros = 0;
        for (let i = 0; i < v.length; i++) {
          if (v[i] === 0 && plain[i] !== 0) zeros++;
          else expect(Math.abs(v[i] - plain[i] / 0.75)).toBeLessThan(1e-5 * Math.max(1, Math.abs(v[i])));
        }
        expect(Math.abs(zeros / v.length - 0.25)).toBeLessThan(0.02);
        return tf.sum(tf.mul(out, G)) as tf.Scalar;
      }, [drop.tokenWeight]);
      // each token's gradient row is (kept count) / 0.75 per column: a multiple of 1/0.75
      const g = grads[drop.tokenWeight.name].dataSync();
      for (const v of g) expect(Math.abs(v * 0.75 - Math.round(v * 0.75))).toBeLessThan(1e-4);
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([ids, G]);
      layer.dispose();
      drop.dispose();
    });

    // dModel 8 runs the wasm SIMD loops, 5 the scalar ones
    for (const [positional, scale, dModel] of [["learned", true, 5], ["sinusoidal", false, 5], ["learned", false, 8], ["sinusoidal", true, 8]] as const) {
      it(`transformerInput({ dModel: ${dModel}, positional: "${positional}", scale: ${scale}, paddingIdx: 0 }): fused forward and gradients = embeddingLookup·s + PE composed from tfjs ops`, () => {
        seed(7);
        const layer = transformerInput({ vocabSize: 12, dModel, maxSeqLen: 6, positional, scale, paddingIdx: 0 });
        const ids = tf.tensor2d([[3, 1, 0, 3], [11, 0, 2, 2]], [2, 4], "int32");
        const G = tf.randomNormal([2, 4, dModel], 0, 1, "float32", 8);
        const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const before = tf.memory().numTensors;
        const fused = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(ids) as tf.Tensor, G)) as tf.Scalar, vars);
        const composed = tf.variableGrads(() => {
          const s = scale ? Math.sqrt(dModel) : 1;
          const x = tf.mul(embeddingLookup(layer.tokenWeight, ids, { paddingIdx: 0 }), s); // [2, 4, D], the unfused lookup
          const pe = tf.slice(layer.positionTable, [0, 0], [4, dModel]); // [4, D]
          return tf.sum(tf.mul(tf.add(x, pe), G)) as tf.Scalar;
        }, vars);
        expect(worst(fused.value, composed.value)).toBeLessThan(1e-6);
        for (const v of vars) expect(worst(fused.grads[v.name], composed.grads[v.name])).toBeLessThan(1e-6);
        const tokenGrad = fused.grads[layer.tokenWeight.name].arraySync() as number[][];
        expect(tokenGrad[0]).toEqual(new Array(dModel).fill(0)); // padding row: no gradient
        expect(tokenGrad[4]).toEqual(new Array(dModel).fill(0)); // unused row
        tf.dispose([fused.value, composed.value, ...Object.values(fused.grads), ...Object.values(composed.grads)]);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([ids, G]);
        layer.dispose();
      });
    }

    for (const [mode, d] of [["mean", 6], ["attention", 6], ["mean", 8], ["attention", 8]] as const) {
      it(`sequencePooling({ mode: "${mode}" }), D = ${d}, with a mask: fused forward and gradients (input and query) = tfjs ops composed`, () => {
        seed(9);
        const pool = sequencePooling({ mode });
        const x = tf.variable(tf.randomNormal([3, 4, d], 0, 1, "float32", 10));
        const mask = tf.tensor2d([[1, 1, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]], [3, 4], "bool");
        const G = tf.randomNormal([3, d], 0, 1, "float32", 11);
        pool.apply(x, { mask }); // builds the query
        const vars = [x, ...pool.trainableWeights.map((w) => w.read() as tf.Variable)];
        const fused = tf.variableGrads(() => tf.sum(tf.mul(pool.apply(x, { mask }) as tf.Tensor, G)) as tf.Scalar, vars);
        const composed = tf.variableGrads(() => {
          const real = tf.cast(mask, "float32"); // [3, 4]
          let w: tf.Tensor;
          if (mode === "mean") {
            w = tf.div(real, tf.maximum(tf.sum(real, 1, true), 1));
          } else {
            const q = vars[1];
            const scores = tf.div(tf.sum(tf.mul(x, q), 2), Math.sqrt(d));
            w = tf.mul(tf.softmax(tf.where(tf.cast(real, "bool"), scores, tf.fill([3, 4], -1e9)), 1), real);
          }
          return tf.sum(tf.mul(tf.sum(tf.mul(x, tf.expandDims(w, 2)), 1), G)) as tf.Scalar;
        }, vars);
        expect(worst(fused.value, composed.value)).toBeLessThan(1e-5);
        for (const v of vars) expect(worst(fused.grads[v.name], composed.grads[v.name])).toBeLessThan(1e-5);
        expect(Array.from(fused.grads[x.name].slice([0, 2, 0], [1, 2, d]).dataSync()).every((g) => g === 0)).toBe(true); // masked: no gradient
        tf.dispose([fused.value, composed.value, ...Object.values(fused.grads), ...Object.values(composed.grads), x, mask, G]);
        pool.dispose();
      });
    }
  });
}
