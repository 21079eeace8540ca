import { describe, it, expect, beforeAll } from "vitest";
import { tf, ready, seed, categoryEmbedding, hashEncode, LabelEncoder } from "@embedlab/core";

for (const backend of ["cpu", "wasm"] as const) {
  describe(`categoryEmbedding() on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("categoryEmbedding({ numCategories: 1000, embeddingDim: 64 }) maps ids [3] to [3, 64] (the text's example)", () => {
      seed(1);
      const layer = categoryEmbedding({ numCategories: 1000, embeddingDim: 64 });
      const ids = tf.tensor1d([3, 14, 159], "int32");
      const out = layer.apply(ids) as tf.Tensor;
      expect(out.shape).toEqual([3, 64]);
      expect((out.arraySync() as number[][])[2]).toEqual(layer.weightTables[0].arraySync()[159]);
      tf.dispose([ids, out]);
      layer.dispose();
    });

    it("categoryEmbedding({ columns }) concatenates one table per column: ids, vocabulary (+ OOV buckets) and hashing", () => {
      seed(1);
      const layer = categoryEmbedding({
        embeddingDim: 3,
        columns: [{ numCategories: 10 }, { vocabulary: ["red", "green", "blue", "green"], oovBuckets: 2, embeddingDim: 2 }, { hashBuckets: 16, embeddingDim: 4 }],
      });
      expect(layer.numCategories).toEqual([10, 5, 16]);
      expect(layer.outputDim).toBe(9);
      const rows = [[7, "green", "Paris"], [0, "purple", "Tokyo"], ["3", "red", "Paris"]];
      const ids = layer.encode(rows);
      const classes = new LabelEncoder().fit(["red", "green", "blue"]).classes; // ["blue", "green", "red"]
      const oov = 3 + hashEncode(["purple"], 2, { alternateSign: false, indicesOnly: true })[0];
      const hashed = Array.from(hashEncode(["Paris", "Tokyo", "Paris"], 16, { alternateSign: false, indicesOnly: true }));
      expect(ids.arraySync()).toEqual([[7, classes.indexOf("green"), hashed[0]], [0, oov, hashed[1]], [3, classes.indexOf("red"), hashed[2]]]);
      const before = tf.memory().numTensors;
      const out = layer.apply(ids) as tf.Tensor;
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(out.shape).toEqual([3, 9]);
      const t = layer.weightTables.map((w) => w.arraySync());
      const enc = ids.arraySync() as number[][];
      const got = out.arraySync() as number[][];
      for (let r = 0; r < 3; r++) expect(got[r]).toEqual([...t[0][enc[r][0]], ...t[1][enc[r][1]], ...t[2][enc[r][2]]]);
      // raw labels as a string tensor give the same result
      const labels = tf.tensor2d(rows.map((r) => r.map(String)), [3, 3], "string");
      const out2 = layer.apply(labels) as tf.Tensor;
      expect(out2.arraySync()).toEqual(got);
      tf.dispose([ids, out, labels, out2]);
      layer.dispose();
    });

    it("categoryEmbedding errors name the column and value", () => {
      const layer = categoryEmbedding({ embeddingDim: 2, columns: [{ numCategories: 5 }, { vocabulary: ["a", "b"], oovBuckets: 0 }] });
      const before = tf.memory().numTensors;
      expect(() => layer.encode([[1, "c"]])).toThrow(/^CategoryEmbedding\.encode: label "c" at row 0 of column 1 is not in the vocabulary \(set oovBuckets to map unseen labels\)$/);
      expect(() => layer.encode([[5, "a"]])).toThrow(/^CategoryEmbedding\.encode: id 5 at row 0 of column 0 is out of range for numCategories 5$/);
      expect(() => layer.encode([[1.5, "a"]])).toThrow(/^CategoryEmbedding\.encode: expected column 0 value at row 0 to be an integer id, but got 1\.5$/);
      expect(() => layer.encode(["a", "b"])).toThrow(/^CategoryEmbedding\.encode: expected values to be rows of 2 labels \(one per column\), but got "a"$/);
      const wide = tf.tensor2d([[1, 1, 1]], [1, 3], "int32");
      const bad = tf.tensor2d([[1, 2]], [1, 2], "int32");
      expect(() => layer.apply(wide)).toThrow(/^categoryEmbedding: expected input to be \[batch, 2\] ids \(one column per table\), but got an int32 tensor of shape \[1, 3\]$/);
      expect(() => layer.apply(bad)).toThrow(/^categoryEmbedding \(column 1\): index 2 at position \[0\] is out of range for numEmbeddings 2$/);
      expect(tf.memory().numTensors).toBe(before + 2);
      expect(() => categoryEmbedding({ embeddingDim: 2, columns: [{ numCategories: 5, hashBuckets: 3 }] })).toThrow(/^categoryEmbedding: expected columns\[0\] to set exactly one of numCategories, vocabulary or hashBuckets, but got 2$/);
      expect(() => categoryEmbedding({ numCategories: 5 })).toThrow(/^categoryEmbedding: expected columns\[0\]\.embeddingDim to be an integer >= 1 \(or a layer embeddingDim\), but got undefined$/);
      tf.dispose([wide, bad]);
      layer.dispose();
    });

    it("categoryEmbedding() in a tf.model trains with model.fit and lowers the loss", async () => {
      seed(8);
      const input = tf.input({ shape: [2], dtype: "int32" });
      const layer = categoryEmbedding({ embeddingDim: 4, columns: [{ numCategories: 12 }, { vocabulary: ["x", "y", "z"] }] });
      const h = layer.apply(input) as tf.SymbolicTensor;
      const out = tf.layers.dense({ units: 3, activation: "softmax" }).apply(h) as tf.SymbolicTensor;
      const model = tf.model({ inputs: input, outputs: out });
      model.compile({ optimizer: tf.train.adam(0.05), loss: "sparseCategoricalCrossentropy" });
      const x = layer.encode(Array.from({ length: 12 }, (_, i) => [i, ["x", "y", "z", "w"][i % 4]]));
      const y = tf.tensor1d(Array.from({ length: 12 }, (_, i) => i % 3));
      await model.fit(x, y, { epochs: 1, verbose: 0 });
      const before = tf.memory().numTensors;
      const hist = await model.fit(x, y, { epochs: 30, verbose: 0, shuffle: false });
      expect(tf.memory().numTensors).toBe(before);
      const loss = hist.history.loss as number[];
      expect(loss[loss.length - 1]).toBeLessThan(loss[0] * 0.5);
      tf.dispose([x, y]);
      model.dispose();
    });
  });
}
