import { describe, it, expect, beforeAll } from "vitest";
import { tf, ready, seed, transformerInput, positionalEncoding } from "@embedlab/core";

for (const backend of ["cpu", "wasm"] as const) {
  describe(`transformerInput() on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("transformerInput() = token rows + the first T rows of positionalEncoding(maxSeqLen, dModel), odd dModel too", () => {
      seed(2);
      for (const dModel of [6, 5]) {
        const layer = transformerInput({ vocabSize: 20, dModel, maxSeqLen: 10 });
        const ids = tf.tensor2d([[3, 1, 4], [1, 5, 9]], [2, 3], "int32");
        const before = tf.memory().numTensors;
        const out = layer.apply(ids) as tf.Tensor;
        expect(out.shape).toEqual([2, 3, dModel]);
        expect(tf.memory().numTensors).toBe(before + 1);
        const pe = positionalEncoding(10, dModel);
        const expected = tf.tidy(() => tf.add(tf.gather(layer.tokenWeight, ids), pe.slice([0, 0], [3, dModel])));
        expect(Array.from(out.dataSync())).toEqual(Array.from(expected.dataSync()));
        // the sinusoidal table is a constant, not a weight
        expect(layer.weights.map((w) => w.shape)).toEqual([[20, dModel]]);
        tf.dispose([ids, out, pe, expected]);
        layer.dispose();
      }
    });

    it("transformerInput({ scale: true }) multiplies tokens by sqrt(dModel) before adding positions", () => {
      seed(2);
      const layer = transformerInput({ vocabSize: 20, dModel: 4, maxSeqLen: 4, scale: true });
      const ids = tf.tensor2d([[7, 8]], [1, 2], "int32");
      const out = layer.apply(ids) as tf.Tensor;
      const w = layer.tokenWeight.arraySync();
      const pe = positionalEncoding(4, 4).arraySync() as number[][];
      const got = out.arraySync() as number[][][];
      for (const [t, k] of [[0, 7], [1, 8]]) for (let j = 0; j < 4; j++) expect(got[0][t][j]).toBeCloseTo(w[k][j] * 2 + pe[t][j], 5);
      tf.dispose([ids, out]);
      layer.dispose();
    });

    it("transformerInput() rejects sequences longer than maxSeqLen, naming both", () => {
      const layer = transformerInput({ vocabSize: 20, dModel: 4, maxSeqLen: 3 });
      const ids = tf.zeros([2, 4], "int32");
      const before = tf.memory().numTensors;
      expect(() => layer.apply(ids)).toThrow(/^transformerInput: expected the sequence length to be <= maxSeqLen 3, but got 4$/);
      expect(() => layer.apply(tf.tensor2d([[1, 20]], [1, 2], "int32"))).toThrow(/^transformerInput: index 20 at position \[0, 1\] is out of range for numEmbeddings 20$/);
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(() => transformerInput({ vocabSize: 20, dModel: 4, maxSeqLen: 3, positional: "rotary" as never })).toThrow(/^transformerInput: expected positional to be one of "sinusoidal", "learned", "none", but got "rotary"$/);
      expect(() => transformerInput({ vocabSize: 20, dModel: 4, maxSeqLen: 3, dropout: 1 })).toThrow(/^transformerInput: expected dropout to be a rate in \[0, 1\), but got 1$/);
      expect(() => transformerInput({ vocabSize: 20, dModel: 0, maxSeqLen: 3 })).toThrow(/^transformerInput: expected dModel to be an integer >= 1, but got 0$/);
      ids.dispose();
      layer.dispose();
    });

    it("transformerInput({ paddingIdx }) gives a [B, T] padding mask and a zero padding row", () => {
      const layer = transformerInput({ vocabSize: 10, dModel: 4, maxSeqLen: 5, paddingIdx: 0 });
      expect(layer.tokenWeight.arraySync()[0]).toEqual([0, 0, 0, 0]);
      const ids = tf.tensor2d([[4, 2, 0, 0], [1, 0, 0, 0]], [2, 4], "int32");
      const mask = layer.computeMask(ids) as tf.Tensor;
      expect(mask.dtype).toBe("bool");
      expect(mask.arraySync()).toEqual([[1, 1, 0, 0], [1, 0, 0, 0]]);
      const noMask = transformerInput({ vocabSize: 10, dModel: 4, maxSeqLen: 5, paddingIdx: 0, maskPadding: false });
      expect(noMask.computeMask(ids)).toBeNull();
      tf.dispose([ids, mask]);
      layer.dispose();
      noMask.dispose();
    });

    it("transformerInput({ dropout }) drops only in training, reproducibly under seed()", () => {
      const layer = transformerInput({ vocabSize: 10, dModel: 8, maxSeqLen: 5, dropout: 0.5 });
      const ids = tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], "int32");
      const plain = layer.apply(ids) as tf.Tensor;
      const inference = layer.apply(ids, { training: false }) as tf.Tensor;
      expect(Array.from(inference.dataSync())).toEqual(Array.from(plain.dataSync()));
      seed(9);
      const a = layer.apply(ids, { training: true }) as tf.Tensor;
      seed(9);
      const b = layer.apply(ids, { training: true }) as tf.Tensor;
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      const zeros = Array.from(a.dataSync()).filter((x) => x === 0).length;
      expect(zeros).toBeGreaterThan(5);
      expect(zeros).toBeLessThan(35);
      tf.dispose([ids, plain, inference, a, b]);
      layer.dispose();
    });

    it('transformerInput({ positional: "none" }) is the token rows alone: no position table, no position weight', () => {
      seed(3);
      const layer = transformerInput({ vocabSize: 20, dModel: 6, maxSeqLen: 4, positional: "none" });
      const ids = tf.tensor2d([[3, 3, 7]], [1, 3], "int32");
      const before = tf.memory().numTensors;
      const out = layer.apply(ids) as tf.Tensor;
      expect(tf.memory().numTensors).toBe(before + 1);
      const rows = tf.gather(layer.tokenWeight, ids);
      expect(Array.from(out.dataSync())).toEqual(Array.from(rows.dataSync()));
      expect(layer.positionTable).toBeNull();
      expect(layer.weights.map((w) => w.shape)).toEqual([[20, 6]]);
      tf.dispose([ids, out, rows]);
      layer.dispose();
    });

    for (const positional of ["sinusoidal", "learned", "none"] as const) {
      it(`transformerInput({ positional: "${positional}" }) trains with model.fit (mean-pooled → dense) and lowers the loss`, async () => {
        seed(4);
        const model = tf.sequential();
        model.add(transformerInput({ vocabSize: 30, dModel: 8, maxSeqLen: 6, positional, scale: true, dropout: 0.1, inputShape: [6] }));
        model.add(tf.layers.globalAveragePooling1d());
        model.add(tf.layers.dense({ units: 2, activation: "softmax" }));
        model.compile({ optimizer: tf.train.adam(0.05), loss: "sparseCategoricalCrossentropy" });
        const x = tf.tensor2d(Array.from({ length: 48 }, (_, i) => (i * 11) % 30), [8, 6], "int32");
        const y = tf.tensor1d([0, 1, 1, 0, 1, 0, 0, 1]);
        await model.fit(x, y, { epochs: 1, verbose: 0 });
        const before = tf.memory().numTensors;
        const h = await model.fit(x, y, { epochs: 30, verbose: 0, shuffle: false });
        expect(tf.memory().numTensors).toBe(before);
        const loss = h.history.loss as number[];
        expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.75);
        if (positional === "learned") expect(model.layers[0].trainableWeights.map((w) => w.shape)).toEqual([[30, 8], [6, 8]]);
        tf.dispose([x, y]);
        model.dispose();
      });
    }
  });
}
