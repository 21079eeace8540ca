import { describe, it, expect, beforeAll } from "vitest";
import { tf, ready, seed, embedding, Embedding } from "@embedlab/core";

/** Trains `model` on (x, y) after one warm-up epoch (which creates the optimizer's slots); returns first/last loss. */
async function fitLowersLoss(model: tf.LayersModel, x: tf.Tensor | tf.Tensor[], y: tf.Tensor, epochs = 25) {
  model.compile({ optimizer: tf.train.adam(0.05), loss: "sparseCategoricalCrossentropy" });
  await model.fit(x, y, { epochs: 1, verbose: 0, shuffle: false });
  const before = tf.memory().numTensors;
  const h = await model.fit(x, y, { epochs, verbose: 0, shuffle: false });
  expect(tf.memory().numTensors).toBe(before);
  const loss = h.history.loss as number[];
  return { first: loss[0], last: loss[loss.length - 1] };
}

describe("embedding(): construction", () => {
  it("embedding({ numEmbeddings: 10000, embeddingDim: 300 }) maps [[1,22,45],[3,8,2]] to [2, 3, 300] (the text's example)", () => {
    seed(0);
    const layer = embedding({ numEmbeddings: 10000, embeddingDim: 300 });
    const ids = tf.tensor2d([[1, 22, 45], [3, 8, 2]], [2, 3], "int32");
    const out = layer.apply(ids) as tf.Tensor;
    expect(out.shape).toEqual([2, 3, 300]);
    const w = layer.weight.arraySync();
    expect((out.arraySync() as number[][][])[1][2]).toEqual(w[2]);
    tf.dispose([ids, out]);
    layer.dispose();
  });

  it("embedding() initialises N(0, 1), reproducibly under seed()", () => {
    seed(42);
    const a = embedding({ numEmbeddings: 200, embeddingDim: 50 });
    seed(42);
    const b = embedding({ numEmbeddings: 200, embeddingDim: 50 });
    seed(43);
    const c = embedding({ numEmbeddings: 200, embeddingDim: 50 });
    const va = a.weight.dataSync();
    expect(Array.from(b.weight.dataSync())).toEqual(Array.from(va));
    expect(Array.from(c.weight.dataSync())).not.toEqual(Array.from(va));
    const mean = va.reduce((s, x) => s + x, 0) / va.length;
    const std = Math.sqrt(va.reduce((s, x) => s + (x - mean) ** 2, 0) / va.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(std - 1)).toBeLessThan(0.05);
    for (const l of [a, b, c]) l.dispose();
  });

  it("embedding({ paddingIdx }) zeroes the padding row at construction; negative counts from the end", () => {
    seed(1);
    for (const [p, row] of [[0, 0], [3, 3], [-1, 4], [-5, 0]]) {
      const layer = embedding({ numEmbeddings: 5, embeddingDim: 3, paddingIdx: p });
      expect(layer.paddingIdx).toBe(row);
      const w = layer.weight.arraySync();
      expect(w[row]).toEqual([0, 0, 0]);
      expect(w.filter((r) => r.every((x) => x === 0)).length).toBe(1);
      layer.dispose();
    }
  });

  it("embedding() validates its options with house-format messages", () => {
    const bad: [object, RegExp, ErrorConstructor][] = [
      [{ numEmbeddings: 0, embeddingDim: 2 }, /^embedding: expected numEmbeddings to be an integer >= 1, but got 0$/, RangeError],
      [{ numEmbeddings: 2.5, embeddingDim: 2 }, /^embedding: expected numEmbeddings to be an integer, but got 2\.5$/, TypeError],
      [{ numEmbeddings: 10 }, /^embedding: expected embeddingDim to be an integer, but got undefined$/, TypeError],
      [{ numEmbeddings: 10, embeddingDim: 2, paddingIdx: 10 }, /^embedding: expected paddingIdx to be an integer in \[-10, 9\], but got 10$/, RangeError],
      [{ numEmbeddings: 10, embeddingDim: 2, paddingIdx: -11 }, /^embedding: expected paddingIdx to be an integer in \[-10, 9\], but got -11$/, RangeError],
      [{ numEmbeddings: 10, embeddingDim: 2, maxNorm: 0 }, /^embedding: expected maxNorm to be a number > 0, but got 0$/, RangeError],
      [{ numEmbeddings: 10, embeddingDim: 2, normType: -1 }, /^embedding: expected normType to be a number > 0, but got -1$/, RangeError],
      [{ numEmbeddings: 10, embeddingDim: 2, scaleGradByFreq: "yes" }, /^embedding: expected scaleGradByFreq to be a boolean, but got "yes"$/, TypeError],
      [{ numEmbeddings: 10, embeddingDim: 2, padding_idx: 0 }, /^embedding: unknown option "padding_idx"; allowed options are .*paddingIdx/, TypeError],
      [{ numEmbeddings: 10, embeddingDim: 2, dtype: "int32" }, /^embedding: expected dtype to be "float32" \(the table's dtype\), but got "int32"$/, TypeError],
    ];
    const before = tf.memory().numTensors;
    for (const [args, message, type] of bad) {
      expect(() => embedding(args as never)).toThrow(type);
      expect(() => embedding(args as never)).toThrow(message);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("Embedding is registered for serialization under its own name (tfjs's Embedding stays intact)", () => {
    const layer = embedding({ numEmbeddings: 4, embeddingDim: 2, paddingIdx: -1, maxNorm: 2, normType: Infinity });
    expect(layer.getClassName()).toBe("EmbedlabEmbedding");
    const config = layer.getConfig();
    expect(config).toMatchObject({ numEmbeddings: 4, embeddingDim: 2, paddingIdx: 3, maxNorm: 2, normType: "inf", scaleGradByFreq: false });
    const again = tf.serialization.SerializationMap.getMap().classNameMap.EmbedlabEmbedding[1](Embedding, config) as Embedding;
    expect(again.normType).toBe(Infinity);
    expect(tf.layers.embedding({ inputDim: 3, outputDim: 2 }).getClassName()).toBe("Embedding");
    layer.dispose();
    again.dispose();
  });
});

for (const backend of ["cpu", "wasm"] as const) {
  describe(`embedding() on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("embedding() throws on float, NaN, negative and out-of-range ids, naming value, position and numEmbeddings, leaving no tensors", () => {
      const layer = embedding({ numEmbeddings: 10, embeddingDim: 3 });
      const cases: [tf.Tensor, RegExp][] = [
        [tf.tensor2d([[1, 2, 3], [4, 5, 1.9]]), /^embedding: index 1\.9 at position \[1, 2\] is not an integer/],
        [tf.tensor2d([[1, NaN]]), /^embedding: index NaN at position \[0, 1\] is not an integer/],
        [tf.tensor2d([[1, 2, 3], [4, 5, 10]], [2, 3], "int32"), /^embedding: index 10 at position \[1, 2\] is out of range for numEmbeddings 10$/],
        [tf.tensor1d([-1], "int32"), /^embedding: index -1 at position \[0\] is out of range for numEmbeddings 10$/],
      ];
      const before = tf.memory().numTensors;
      for (const [ids, message] of cases) expect(() => layer.apply(ids)).toThrow(message);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(cases.map((c) => c[0]));
      layer.dispose();
    });

    it("embedding({ paddingIdx }) keeps the padding row's gradient at zero", () => {
      const layer = embedding({ numEmbeddings: 6, embeddingDim: 2, paddingIdx: -2 });
      const ids = tf.tensor2d([[4, 1, 4], [2, 4, 4]], [2, 3], "int32");
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(ids) as tf.Tensor)), [layer.weight]);
      const g = grads[layer.weight.name].arraySync();
      expect(g[4]).toEqual([0, 0]);
      expect(g[1].some((x) => x !== 0)).toBe(true);
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      ids.dispose();
      layer.dispose();
    });

    it("embedding({ maxNorm }) renormalises only the looked-up rows, in place, and leaks nothing", () => {
      seed(3);
      const layer = embedding({ numEmbeddings: 8, embeddingDim: 4, maxNorm: 0.5 });
      const w0 = layer.weight.arraySync();
      const ids = tf.tensor1d([1, 5, 5], "int32");
      const before = tf.memory().numTensors;
      const out = layer.apply(ids) as tf.Tensor;
      out.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const w1 = layer.weight.arraySync();
      for (let k = 0; k < 8; k++) {
        const n = Math.hypot(...w1[k]);
        if (k === 1 || k === 5) expect(n).toBeLessThanOrEqual(0.5 + 1e-6);
        else expect(w1[k]).toEqual(w0[k]);
      }
      ids.dispose();
      layer.dispose();
    });

    it("embedding() inside tf.sequential trains with model.fit and lowers the loss", async () => {
      seed(7);
      const model = tf.sequential();
      model.add(embedding({ numEmbeddings: 30, embeddingDim: 4, inputShape: [6], paddingIdx: 0, maxNorm: 2, scaleGradByFreq: true }));
      model.add(tf.layers.flatten());
      model.add(tf.layers.dense({ units: 3, activation: "softmax" }));
      const x = tf.tensor2d(Array.from({ length: 60 }, (_, i) => (i * 7) % 30), [10, 6], "int32");
      const y = tf.tensor1d(Array.from({ length: 10 }, (_, i) => i % 3));
      const { first, last } = await fitLowersLoss(model, x, y);
      expect(last).toBeLessThan(first * 0.75);
      const lines: string[] = [];
      model.summary(undefined, undefined, (l) => lines.push(l));
      expect(lines.join("\n")).toMatch(/^embedding_\d+ \(EmbedlabEmb.*\[null,6,4\] +120 /m);
      tf.dispose([x, y]);
      model.dispose();
    });
  });
}

describe("Embedding.fromPretrained()", () => {
  it("Embedding.fromPretrained accepts a tensor, nested rows, or a Float32Array with shape; freeze = true by default", () => {
    const rows = [[1, 2], [3, 4], [5, 6]];
    const t = tf.tensor2d(rows);
    for (const layer of [
      Embedding.fromPretrained(t),
      Embedding.fromPretrained(rows),
      Embedding.fromPretrained(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] }),
      Embedding.fromPretrained([new Float32Array([1, 2]), new Float32Array([3, 4]), new Float32Array([5, 6])]),
    ]) {
      expect(layer.numEmbeddings).toBe(3);
      expect(layer.embeddingDim).toBe(2);
      expect(layer.weight.arraySync()).toEqual(rows);
      expect(layer.trainable).toBe(false);
      expect(layer.trainableWeights).toEqual([]);
      layer.dispose();
    }
    t.dispose();
  });

  it("Embedding.fromPretrained({ freeze: false }) is trainable and does not zero the padding row", () => {
    const layer = Embedding.fromPretrained([[1, 2], [3, 4]], { freeze: false, paddingIdx: 0 });
    expect(layer.trainableWeights.length).toBe(1);
    expect(layer.weight.arraySync()[0]).toEqual([1, 2]);
    layer.dispose();
  });

  it("Embedding.fromPretrained copies by default, so maxNorm never changes the caller's matrix; { copy: false } shares it", () => {
    const m = tf.tensor2d([[3, 4], [0, 1]]);
    const ids = tf.tensor1d([0], "int32");
    const copied = Embedding.fromPretrained(m, { maxNorm: 1 });
    (copied.apply(ids) as tf.Tensor).dispose();
    expect(m.arraySync()).toEqual([[3, 4], [0, 1]]);
    expect(copied.weight.arraySync()[0][0]).toBeCloseTo(0.6, 6);
    const shared = Embedding.fromPretrained(m, { maxNorm: 1, copy: false });
    (shared.apply(ids) as tf.Tensor).dispose();
    expect(m.arraySync()[0][0]).toBeCloseTo(0.6, 6);
    copied.dispose();
    shared.dispose();
    tf.dispose([m, ids]);
  });

  it("Embedding.fromPretrained rejects 1-D, ragged and shapeless input with clear errors", () => {
    const before = tf.memory().numTensors;
    const v = tf.tensor1d([1, 2, 3]);
    expect(() => Embedding.fromPretrained(v)).toThrow(/^Embedding\.fromPretrained: expected matrix to be a 2-D tensor \[numEmbeddings, embeddingDim\], but got a float32 tensor of shape \[3\]$/);
    expect(() => Embedding.fromPretrained([1, 2, 3] as never)).toThrow(/^Embedding\.fromPretrained: expected matrix to be a 2-D matrix \(rows of numbers\), not a 1-D array, but got an array of length 3$/);
    expect(() => Embedding.fromPretrained([[1, 2], [3]])).toThrow(/^Embedding\.fromPretrained: expected every row of matrix to have 2 values \(a rectangular matrix\), but row 1 has 1$/);
    expect(() => Embedding.fromPretrained(new Float32Array(6))).toThrow(/^Embedding\.fromPretrained: expected options\.shape to be \[numEmbeddings, embeddingDim\] for a flat Float32Array, but got undefined$/);
    expect(() => Embedding.fromPretrained(new Float32Array(6), { shape: [4, 2] })).toThrow(/^Embedding\.fromPretrained: expected matrix to have 4 × 2 = 8 values for shape \[4, 2\], but got 6$/);
    expect(() => Embedding.fromPretrained([[1, "a"]] as never)).toThrow(/^Embedding\.fromPretrained: expected matrix\[0\]\[1\] to be a number, but got "a"$/);
    expect(() => Embedding.fromPretrained([[1, 2]], { freeze: 1 } as never)).toThrow(/^Embedding\.fromPretrained: expected options\.freeze to be a boolean, but got 1$/);
    expect(() => Embedding.fromPretrained([[1, 2]], { paddingIdx: 1 })).toThrow(/^embedding: expected paddingIdx to be an integer in \[-1, 0\], but got 1$/);
    v.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
