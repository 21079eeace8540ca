import { describe, it, expect, beforeAll } from "vitest";
import { tf, ready, seed, adam, adamw, sgd, FusedAdam, embedding, transformerInput, sequencePooling, categoryEmbedding } from "@embedlab/core";

function tinyModel() {
  const tokens = tf.input({ shape: [5], dtype: "int32" });
  const x = transformerInput({ vocabSize: 30, dModel: 6, maxSeqLen: 5, paddingIdx: 0 }).apply(tokens) as tf.SymbolicTensor; // [B, 5, 6]
  const pooled = sequencePooling({ mode: "mean" }).apply(x) as tf.SymbolicTensor; // [B, 6]
  const out = tf.layers.dense({ units: 2, activation: "softmax" }).apply(pooled) as tf.SymbolicTensor; // [B, 2]
  return tf.model({ inputs: tokens, outputs: out });
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`fused optimizers on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("adam(lr, { epsilon: 1e-7 }) matches tfjs's own tf.train.adam (same definition, eps added to sqrt(v̂)) over 20 steps", () => {
      seed(3);
      const x0 = tf.randomNormal([7, 3], 0, 1, "float32", 5);
      const target = tf.randomNormal([7, 3], 0, 1, "float32", 6);
      const results = [adam(0.05, { epsilon: 1e-7 }), tf.train.adam(0.05, 0.9, 0.999, 1e-7)].map((opt) => {
        const v = tf.variable(tf.mul(x0, 1));
        for (let i = 0; i < 20; i++) opt.minimize(() => tf.sum(tf.square(tf.sub(tf.mul(v, v), target))) as tf.Scalar, false, [v]);
        const out = v.arraySync() as number[][];
        opt.dispose();
        v.dispose();
        return out.flat();
      });
      // tfjs keeps β^t in float32 variables (we use doubles, like PyTorch): agreement is to float32 noise.
      const worst = Math.max(...results[0].map((a, i) => Math.abs(a - results[1][i]) / Math.max(1, Math.abs(results[1][i]))));
      expect(worst).toBeLessThan(1e-5);
      expect(results[0]).not.toEqual(Array.from(x0.dataSync())); // it did move
      tf.dispose([x0, target]);
    });

    it("model.compile({ optimizer: adam() }) trains a model of our layers with fit and trainOnBatch, leaking no tensors", async () => {
      seed(4);
      const model = tinyModel();
      model.compile({ optimizer: adam(0.05), loss: "categoricalCrossentropy" });
      const ids = tf.tensor2d([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0], [6, 7, 8, 9, 0], [10, 0, 0, 0, 0]], [4, 5], "int32");
      const y = tf.tensor2d([[1, 0], [0, 1], [1, 0], [0, 1]]);
      const first = (await model.fit(ids, y, { epochs: 1, batchSize: 4, verbose: 0 })).history.loss[0] as number;
      const before = tf.memory().numTensors;
      for (let i = 0; i < 30; i++) await model.trainOnBatch(ids, y);
      expect(tf.memory().numTensors).toBe(before);
      const last = (await model.fit(ids, y, { epochs: 1, batchSize: 4, verbose: 0 })).history.loss[0] as number;
      expect(last).toBeLessThan(first / 4);
      model.dispose();
      tf.dispose([ids, y]);
    });

    it("adam({ sparse: true }) with fit keeps rows no batch used exactly where they started", async () => {
      seed(5);
      const inp = tf.input({ shape: [2], dtype: "int32" });
      const emb = embedding({ numEmbeddings: 20, embeddingDim: 3 });
      const flat = tf.layers.flatten().apply(emb.apply(inp)) as tf.SymbolicTensor; // [B, 6]
      const model = tf.model({ inputs: inp, outputs: tf.layers.dense({ units: 1 }).apply(flat) as tf.SymbolicTensor });
      model.compile({ optimizer: adam(0.05, { sparse: true }), loss: "meanSquaredError" });
      const start = emb.weight.arraySync() as number[][];
      const ids = tf.tensor2d([[1, 2], [3, 1]], [2, 2], "int32");
      const y = tf.tensor2d([[1], [-1]]);
      await model.fit(ids, y, { epochs: 5, batchSize: 1, verbose: 0 });
      const end = emb.weight.arraySync() as number[][];
      for (let r = 0; r < 20; r++) {
        if ([1, 2, 3].includes(r)) expect(end[r]).not.toEqual(start[r]);
        else expect(end[r]).toEqual(start[r]);
      }
      model.dispose();
      tf.dispose([ids, y]);
    });

    it("adamw() and sgd() train categoryEmbedding through optimizer.minimize", () => {
      for (const opt of [adamw(0.05, { weightDecay: 0.01 }), sgd(0.5, { momentum: 0.9, nesterov: true })]) {
        seed(6);
        const layer = categoryEmbedding({ numCategories: 5, embeddingDim: 2 });
        const ids = tf.tensor1d([0, 1, 2, 3], "int32");
        const target = tf.tensor2d([[1, 0], [0, 1], [-1, 0], [0, -1]]);
        const loss = () => tf.tidy(() => tf.mean(tf.square(tf.sub(layer.apply(ids) as tf.Tensor, target))) as tf.Scalar);
        const l0 = loss().dataSync()[0];
        for (let i = 0; i < 40; i++) opt.minimize(loss);
        expect(loss().dataSync()[0]).toBeLessThan(l0 / 10);
        opt.dispose();
        layer.dispose();
        tf.dispose([ids, target]);
      }
    });

    it("a dense layer trained in place by adam() predicts with its current weights (tfjs-wasm caches packed dense weights per storage)", async () => {
      seed(8);
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
      model.compile({ optimizer: adam(0.1), loss: "meanSquaredError" });
      const x = tf.tensor2d([[1, 2, 3, 4], [0, -1, 0.5, 2]]);
      const y = tf.tensor2d([[1, 0, 0], [0, 1, 0]]);
      const before = (model.predict(x) as tf.Tensor).dataSync().slice();
      for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
      const got = (model.predict(x) as tf.Tensor).dataSync();
      const [w, b] = model.getWeights().map((t) => t.dataSync());
      const xs = x.dataSync();
      for (let r = 0; r < 2; r++) {
        for (let j = 0; j < 3; j++) {
          let v = b[j];
          for (let k = 0; k < 4; k++) v += xs[r * 4 + k] * w[k * 3 + j];
          expect(got[r * 3 + j]).toBeCloseTo(v, 5);
        }
      }
      expect(Array.from(got)).not.toEqual(Array.from(before));
      model.dispose();
      tf.dispose([x, y]);
    });

    it("the optimizers write in place without changing the tensor a variable was made from", () => {
      const x = tf.tensor1d([1, 2, 3]);
      const v = tf.variable(x);
      const opt = sgd(0.5);
      opt.minimize(() => tf.sum(v) as tf.Scalar, false, [v]);
      expect(Array.from(v.dataSync())).toEqual([0.5, 1.5, 2.5]);
      expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
      opt.dispose();
      tf.dispose([x, v]);
    });

    it("getWeights / setWeights / getConfig round-trip the state: a restored optimizer continues identically", async () => {
      const a = tf.variable(tf.tensor1d([0.5, -1, 2]), true, "fused_roundtrip_a");
      const f = () => tf.sum(tf.square(a)) as tf.Scalar;
      const opt = adam(0.1, { beta1: 0.8 });
      for (let i = 0; i < 3; i++) opt.minimize(f, false, [a]);
      const saved = (await opt.getWeights()).map((w) => ({ name: w.name, tensor: tf.mul(w.tensor, 1) }));
      expect(saved.map((w) => w.name)).toEqual(["iter", "fused_roundtrip_a/m", "fused_roundtrip_a/v"]);
      const snapshot = a.arraySync();
      opt.minimize(f, false, [a]);
      const expected = a.arraySync();
      a.assign(tf.tensor1d(snapshot as number[]));
      const cls = tf.serialization.SerializationMap.getMap().classNameMap[FusedAdam.className];
      const restored = cls[1](cls[0], opt.getConfig()) as FusedAdam;
      expect(restored.beta1).toBe(0.8);
      await restored.setWeights(saved);
      restored.minimize(f, false, [a]);
      expect(a.arraySync()).toEqual(expected);
      tf.dispose(saved.map((w) => w.tensor));
      opt.dispose();
      restored.dispose();
      a.dispose();
    });

    it("bad arguments throw in the house format; a bad gradient changes nothing", () => {
      expect(() => adam(-1)).toThrow(/^adam: expected learningRate to be a number >= 0, but got -1$/);
      expect(() => adam(1e-3, { beta1: 1 })).toThrow(/^adam: expected options\.beta1 to be a number in \[0, 1\), but got 1$/);
      expect(() => adam(1e-3, { betas: [0.9, 0.99] } as never)).toThrow(/^adam: unknown option "betas"; allowed options are beta1, beta2, epsilon, sparse$/);
      expect(() => adamw(1e-3, { weightDecay: -0.1 })).toThrow(/^adamw: expected options\.weightDecay to be a number >= 0, but got -0\.1$/);
      expect(() => sgd(0.1, { nesterov: true })).toThrow(/^sgd: expected options to be momentum > 0 and dampening 0 with nesterov/);
      expect(() => sgd(0.1, { sparse: "yes" as never })).toThrow(/^sgd: expected options\.sparse to be/);
      const a = tf.variable(tf.tensor1d([1, 2]));
      const b = tf.variable(tf.tensor1d([3, 4]));
      const opt = adam(0.1);
      const good = tf.tensor1d([1, 1]);
      const bad = tf.tensor1d([1, 1, 1]);
      const before = tf.memory().numTensors;
      expect(() => opt.applyGradients({ [a.name]: good, [b.name]: bad })).toThrow(/^adam: expected the gradient of ".*" to have the variable's shape \[2\], but got \[3\]$/);
      expect(Array.from(a.dataSync())).toEqual([1, 2]);
      expect(opt.iterations).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
      opt.dispose();
      tf.dispose([a, b, good, bad]);
    });
  });
}
