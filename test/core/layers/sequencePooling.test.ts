import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLayers, ready, saveLayers, seed, sequencePooling, tf, transformerInput } from "@embedlab/core";

for (const backend of ["cpu", "wasm"] as const) {
  describe(`sequencePooling() on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    // [B=2, T=3, D=2]; row 1 has one padded position
    const x = () => tf.tensor3d([[[1, 2], [3, 4], [5, 9]], [[2, 2], [4, -6], [100, 100]]]);
    const mask = () => tf.tensor2d([[1, 1, 1], [1, 1, 0]], [2, 3], "bool");

    it("sequencePooling({ mode: 'mean' }) averages only the real positions", () => {
      const layer = sequencePooling();
      const [xs, m] = [x(), mask()];
      const before = tf.memory().numTensors;
      const out = layer.apply(xs, { mask: m }) as tf.Tensor;
      expect(out.arraySync()).toEqual([[3, 5], [3, -2]]);
      expect(tf.memory().numTensors).toBe(before + 1);
      const noMask = layer.apply(xs) as tf.Tensor;
      expect((noMask.arraySync() as number[][])[1][0]).toBeCloseTo(106 / 3, 4);
      tf.dispose([xs, m, out, noMask]);
    });

    it("sequencePooling({ mode: 'max' }) ignores padded positions and pools a fully masked row to zeros", () => {
      const layer = sequencePooling({ mode: "max" });
      const xs = x();
      const m = tf.tensor2d([[1, 1, 1], [0, 0, 0]], [2, 3], "bool");
      const out = layer.apply(xs, { mask: m }) as tf.Tensor;
      expect(out.arraySync()).toEqual([[5, 9], [0, 0]]);
      const m2 = mask();
      const out2 = layer.apply(xs, { mask: m2 }) as tf.Tensor;
      expect(out2.arraySync()).toEqual([[5, 9], [4, 2]]);
      tf.dispose([xs, m, out, m2, out2]);
    });

    it("sequencePooling({ mode: 'attention' }) weights real positions by softmax(x·q/√D), padding gets 0", () => {
      seed(5);
      const layer = sequencePooling({ mode: "attention" });
      const [xs, m] = [x(), mask()];
      const out = layer.apply(xs, { mask: m }) as tf.Tensor;
      const q = Array.from(layer.getWeights()[0].dataSync());
      const w = layer.attentionWeights(xs, m).arraySync();
      const xv = xs.arraySync();
      for (let b = 0; b < 2; b++) {
        const real = b === 0 ? 3 : 2;
        const scores = xv[b].slice(0, real).map((v) => (v[0] * q[0] + v[1] * q[1]) / Math.SQRT2);
        const z = scores.map((s) => Math.exp(s - Math.max(...scores)));
        const sum = z.reduce((a, v) => a + v, 0);
        for (let t = 0; t < 3; t++) expect(w[b][t]).toBeCloseTo(t < real ? z[t] / sum : 0, 5);
        const pooled = [0, 1].map((d) => xv[b].reduce((a, v, t) => a + v[d] * w[b][t], 0));
        (out.arraySync() as number[][])[b].forEach((v, d) => expect(v).toBeCloseTo(pooled[d], 4));
      }
      tf.dispose([xs, m, out]);
    });

    it("a transformerInput → attention pooling → dense model trains with model.fit, and saveLayers/loadLayers round-trips it", async () => {
      seed(1);
      const tokens = tf.input({ shape: [6], dtype: "int32" });
      const h = transformerInput({ vocabSize: 12, dModel: 8, maxSeqLen: 6, paddingIdx: 0 }).apply(tokens) as tf.SymbolicTensor;
      const pooled = sequencePooling({ mode: "attention" }).apply(h) as tf.SymbolicTensor;
      const out = tf.layers.dense({ units: 1, activation: "sigmoid" }).apply(pooled) as tf.SymbolicTensor;
      const model = tf.model({ inputs: tokens, outputs: out });
      model.compile({ optimizer: tf.train.adam(0.05), loss: "binaryCrossentropy" });
      // class 1 iff token 5 occurs; padding (0) fills the tail
      const rows = [...Array(64)].map((_, i) => [1 + (i % 4), i % 2 ? 5 : 6, 2 + (i % 3), ...(i % 3 ? [0, 0, 0] : [3, 4, 0])]);
      const xs = tf.tensor2d(rows, [64, 6], "int32");
      const ys = tf.tensor2d(rows.map((_, i) => [i % 2]), [64, 1]);
      const first = await model.fit(xs, ys, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
      const before = tf.memory().numTensors; // after Adam made its slot variables
      const hist = await model.fit(xs, ys, { epochs: 15, batchSize: 16, verbose: 0, shuffle: false });
      const loss = hist.history.loss as number[];
      expect(loss[loss.length - 1]).toBeLessThan((first.history.loss[0] as number) * 0.5);
      expect(tf.memory().numTensors).toBe(before);
      const dir = join(mkdtempSync(join(tmpdir(), "embedlab-pool-")), "model");
      await saveLayers(model, dir);
      const back = await loadLayers(dir);
      const [p1, p2] = [model.predict(xs) as tf.Tensor, back.predict(xs) as tf.Tensor];
      expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
      tf.dispose([xs, ys, p1, p2]);
    });

    it("sequencePooling() rejects an unknown mode, an unknown option and a 2-D input", () => {
      expect(() => sequencePooling({ mode: "sum" as never })).toThrow(/^sequencePooling: expected mode to be one of "mean", "max", "attention", but got "sum"$/);
      expect(() => sequencePooling({ mdoe: "max" } as never)).toThrow(/^sequencePooling: unknown option "mdoe"/);
      const t = tf.zeros([2, 3]);
      const before = tf.memory().numTensors;
      expect(() => sequencePooling().apply(t)).toThrow(/^sequencePooling: expected input shape to be \[batch, seqLen, dim\] with a known dim, but got \[2, 3\]$/);
      expect(tf.memory().numTensors).toBe(before);
      t.dispose();
    });
  });
}
