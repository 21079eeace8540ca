import { describe, it, expect, beforeAll } from "vitest";
import { tf, ready, seed, embeddingBag } from "@embedlab/core";

for (const backend of ["cpu", "wasm"] as const) {
  describe(`embeddingBag() on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("embeddingBag() takes [B, L] ids, [ids, offsets], [ids, offsets, weights] and [ids2D, weights2D]", () => {
      seed(5);
      const layer = embeddingBag({ numEmbeddings: 6, embeddingDim: 3, mode: "sum" });
      const w = layer.weight.arraySync();
      const row = (ks: number[], ws?: number[]) => [0, 1, 2].map((j) => ks.reduce((s, k, i) => s + (ws ? ws[i] : 1) * w[k][j], 0));
      const close = (a: number[][], b: number[][]) => a.forEach((r, i) => r.forEach((x, j) => expect(x).toBeCloseTo(b[i][j], 5)));
      const before = tf.memory().numTensors;
      const ids2 = tf.tensor2d([[1, 2], [3, 3]], [2, 2], "int32");
      const flat = tf.tensor1d([1, 2, 3, 3, 5], "int32");
      const offsets = tf.tensor1d([0, 2], "int32");
      const w1 = tf.tensor1d([1, 2, 0.5, 0.5, -1]);
      const w2 = tf.tensor2d([[1, 2], [0.5, 0.5]]);
      const outs = [
        layer.apply(ids2) as tf.Tensor,
        layer.apply([flat, offsets]) as tf.Tensor,
        layer.apply([flat, offsets, w1]) as tf.Tensor,
        layer.apply([ids2, w2]) as tf.Tensor,
        layer.apply(flat, { offsets }) as tf.Tensor,
      ];
      close(outs[0].arraySync() as number[][], [row([1, 2]), row([3, 3])]);
      close(outs[1].arraySync() as number[][], [row([1, 2]), row([3, 3, 5])]);
      close(outs[2].arraySync() as number[][], [row([1, 2], [1, 2]), row([3, 3, 5], [0.5, 0.5, -1])]);
      close(outs[3].arraySync() as number[][], [row([1, 2], [1, 2]), row([3, 3], [0.5, 0.5])]);
      close(outs[4].arraySync() as number[][], outs[1].arraySync() as number[][]);
      tf.dispose([...outs, ids2, flat, offsets, w1, w2]);
      expect(tf.memory().numTensors).toBe(before);
      layer.dispose();
    });

    it("embeddingBag({ mode: 'mean', paddingIdx }) leaves padding out of the mean; an all-padding bag gives zeros", () => {
      const layer = embeddingBag({ numEmbeddings: 4, embeddingDim: 2, mode: "mean", paddingIdx: 0 });
      layer.setWeights([tf.tensor2d([[9, 9], [1, 2], [3, 4], [5, 6]])]);
      const ids = tf.tensor2d([[1, 0, 3], [0, 0, 0]], [2, 3], "int32");
      const out = layer.apply(ids) as tf.Tensor;
      expect(out.arraySync()).toEqual([[3, 4], [0, 0]]);
      tf.dispose([ids, out]);
      layer.dispose();
    });

    it("embeddingBag() errors: perSampleWeights outside sum mode, bad ids, max + scaleGradByFreq", () => {
      const layer = embeddingBag({ numEmbeddings: 4, embeddingDim: 2, mode: "max" });
      const ids = tf.tensor2d([[1, 2]], [1, 2], "int32");
      const w = tf.tensor2d([[1, 1]]);
      const bad = tf.tensor2d([[1, 4]], [1, 2], "int32");
      const before = tf.memory().numTensors;
      expect(() => layer.apply([ids, w])).toThrow(/^embeddingBag: perSampleWeights is only supported for mode "sum" \(as in PyTorch\), but mode is "max"$/);
      expect(() => layer.apply(bad)).toThrow(/^embeddingBag: index 4 at position \[0, 1\] is out of range for numEmbeddings 4$/);
      expect(tf.memory().numTensors).toBe(before);
      expect(() => embeddingBag({ numEmbeddings: 4, embeddingDim: 2, mode: "max", scaleGradByFreq: true })).toThrow(/^embeddingBag: mode "max" does not support scaleGradByFreq \(as in PyTorch\)$/);
      expect(() => embeddingBag({ numEmbeddings: 4, embeddingDim: 2, mode: "avg" as never })).toThrow(/^embeddingBag: expected mode to be one of "sum", "mean", "max", but got "avg"$/);
      tf.dispose([ids, w, bad]);
      layer.dispose();
    });

    for (const mode of ["sum", "mean", "max"] as const) {
      it(`embeddingBag({ mode: "${mode}" }) in a tf.sequential trains with model.fit and lowers the loss`, async () => {
        seed(11);
        const model = tf.sequential();
        model.add(embeddingBag({ numEmbeddings: 20, embeddingDim: 4, mode, inputShape: [5], maxNorm: 3 }));
        model.add(tf.layers.dense({ units: 2, activation: "softmax" }));
        model.compile({ optimizer: tf.train.adam(0.05), loss: "sparseCategoricalCrossentropy" });
        const x = tf.tensor2d(Array.from({ length: 40 }, (_, i) => (i * 3 + (i % 5 === 0 ? 1 : 0)) % 20), [8, 5], "int32");
        const y = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1]);
        await model.fit(x, y, { epochs: 1, verbose: 0 });
        const before = tf.memory().numTensors;
        const h = await model.fit(x, y, { epochs: 30, verbose: 0, shuffle: false });
        expect(tf.memory().numTensors).toBe(before);
        const loss = h.history.loss as number[];
        expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.75);
        tf.dispose([x, y]);
        model.dispose();
      });
    }
  });
}
