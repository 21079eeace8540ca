// Tensors saved for the backward pass share their storage instead of being copied by an Identity
// kernel (kernels/fastClone.ts): the same gradients, nothing leaked, and gradients of gradients
// (where a saved tensor is itself differentiated) still right.
import { beforeAll, describe, expect, it } from "vitest";
import { tf, ready, adam, seed, sequencePooling, transformerInput } from "@embedlab/core";

for (const backend of ["cpu", "wasm"] as const) {
  describe(`saving tensors for gradients on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("an op that saves its output adds one buffer, not two, inside a tape", () => {
      const x = tf.tensor1d([0.5, -1, 2]);
      const added: number[] = [];
      const g = tf.grad((v: tf.Tensor) => {
        const before = tf.memory().numDataBuffers;
        const y = tf.exp(v); // Exp saves its output for the backward pass
        added.push(tf.memory().numDataBuffers - before);
        return tf.sum(y);
      });
      const dx = g(x);
      expect(added).toEqual([1]);
      const e = [0.5, -1, 2].map(Math.exp);
      Array.from(dx.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(e[i], 5));
      tf.dispose([x, dx]);
    });

    it("tf.grad through saving ops (mul, sigmoid, matMul) gives the analytic gradient and leaks nothing", () => {
      const x = tf.tensor2d([[0.5, -1], [2, 0.25]]);
      const w = tf.tensor2d([[1, -2], [0.5, 3]]);
      const before = tf.memory().numTensors;
      const f = (v: tf.Tensor) => tf.sum(tf.mul(tf.matMul(v, w), tf.sigmoid(v))); // Σ (vW) ⊙ σ(v)
      const dx = tf.grad(f)(x);
      // d/dv: (σ(v)) Wᵀ + (vW) ⊙ σ'(v)
      const xv = x.arraySync() as number[][];
      const wv = w.arraySync() as number[][];
      const sig = (z: number) => 1 / (1 + Math.exp(-z));
      const xw = xv.map((r) => [0, 1].map((j) => r[0] * wv[0][j] + r[1] * wv[1][j]));
      const expected = xv.map((r, i) => [0, 1].map((k) => sig(r[0]) * wv[k][0] + sig(r[1]) * wv[k][1] + xw[i][k] * sig(r[k]) * (1 - sig(r[k]))));
      const got = dx.arraySync() as number[][];
      got.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(expected[i][k], 5)));
      dx.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w]);
    });

    it("gradients of gradients still flow through saved tensors (d²/dx² x³ = 6x)", () => {
      const x = tf.tensor1d([0.5, -1, 2]);
      const d2 = tf.grad(tf.grad((v: tf.Tensor) => tf.mul(tf.mul(v, v), v)))(x);
      expect(Array.from(d2.dataSync())).toEqual([3, -6, 12]);
      tf.dispose([x, d2]);
    });

    it("trainOnBatch with the fused in-place optimizer (variables saved by matMul and pooling) still learns and leaks nothing", async () => {
      seed(3);
      const tokens = tf.input({ shape: [4], dtype: "int32" });
      const h = sequencePooling({ mode: "attention" }).apply(transformerInput({ vocabSize: 7, dModel: 4, maxSeqLen: 4, paddingIdx: 0 }).apply(tokens) as tf.SymbolicTensor);
      const model = tf.model({ inputs: tokens, outputs: tf.layers.dense({ units: 1, activation: "sigmoid" }).apply(h) as tf.SymbolicTensor });
      model.compile({ optimizer: adam(0.1), loss: "binaryCrossentropy" });
      const xs = tf.tensor2d([[1, 2, 3, 0], [4, 5, 0, 0], [6, 1, 2, 3]], [3, 4], "int32");
      const ys = tf.tensor2d([[1], [0], [1]]);
      const losses: number[] = [];
      for (let i = 0; i < 5; i++) losses.push((await model.trainOnBatch(xs, ys)) as number);
      const before = tf.memory().numTensors;
      losses.push((await model.trainOnBatch(xs, ys)) as number);
      expect(tf.memory().numTensors).toBe(before);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[5]).toBeLessThan(losses[0]); // the weights moved and training still works
      tf.dispose([xs, ys]);
      model.dispose();
    });
  });
}
