import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tf, ready, seed, saveLayers, loadLayers, embedding, embeddingBag, transformerInput, categoryEmbedding, Embedding } from "@embedlab/core";

/** A model using every embedlab layer, with non-default options everywhere. */
function everyLayerModel() {
  const tokens = tf.input({ shape: [6], dtype: "int32", name: "tokens" });
  const cats = tf.input({ shape: [3], dtype: "int32", name: "cats" });
  const t = transformerInput({ vocabSize: 40, dModel: 5, maxSeqLen: 8, positional: "learned", scale: true, dropout: 0.2, base: 500 }).apply(tokens) as tf.SymbolicTensor;
  const s = transformerInput({ vocabSize: 40, dModel: 5, maxSeqLen: 6, paddingIdx: -1, maskPadding: false }).apply(tokens) as tf.SymbolicTensor;
  const e = embedding({ numEmbeddings: 40, embeddingDim: 3, paddingIdx: -3, maxNorm: 1.5, normType: Infinity, scaleGradByFreq: true }).apply(tokens) as tf.SymbolicTensor;
  const bag = embeddingBag({ numEmbeddings: 40, embeddingDim: 4, mode: "max", paddingIdx: 0, maxNorm: 2, normType: 3 }).apply(tokens) as tf.SymbolicTensor;
  const pre = Embedding.fromPretrained(Array.from({ length: 40 }, (_, i) => [i / 10, -i / 7]), { freeze: true, paddingIdx: 1 }).apply(tokens) as tf.SymbolicTensor;
  const c = categoryEmbedding({
    embeddingDim: 2,
    columns: [{ numCategories: 9 }, { vocabulary: ["São Paulo", "new_york", "Zürich", "Ünïcode 字"], oovBuckets: 3, embeddingDim: 3 }, { hashBuckets: 32, embeddingDim: 4 }],
  }).apply(cats) as tf.SymbolicTensor;
  const pool = (x: tf.SymbolicTensor) => tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const h = tf.layers.concatenate().apply([pool(t), pool(s), pool(e), bag, pool(pre), c]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: "softmax" }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: [tokens, cats], outputs: out });
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`saveLayers / loadLayers on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("saveLayers/loadLayers round-trip a model with every embedlab layer bit-exactly: weights, configs, predictions", async () => {
      seed(21);
      const model = everyLayerModel();
      model.compile({ optimizer: tf.train.adam(0.05), loss: "sparseCategoricalCrossentropy" });
      const x = tf.tensor2d(Array.from({ length: 36 }, (_, i) => (i * 7) % 40), [6, 6], "int32");
      const cat = model.layers.find((l) => l.getClassName() === "EmbedlabCategoryEmbedding") as ReturnType<typeof categoryEmbedding>;
      const xc = cat.encode(Array.from({ length: 6 }, (_, i) => [i, ["São Paulo", "new_york", "Zürich", "Ünïcode 字", "unseen"][i % 5], `h${i}`]));
      const y = tf.tensor1d([0, 1, 2, 0, 1, 2]);
      await model.fit([x, xc], y, { epochs: 3, verbose: 0 }); // weights move away from their initial values
      const dir = join(mkdtempSync(join(tmpdir(), "embedlab-save-")), "model");
      const result = await saveLayers(model, dir);
      expect(readdirSync(dir).sort()).toEqual(["model.json", "weights.bin"]);
      expect(result.weightBytes).toBe(readFileSync(join(dir, "weights.bin")).length);
      const before = tf.memory().numTensors;
      const loaded = await loadLayers(dir);
      expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
      expect(loaded.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
      const w1 = model.getWeights().map((w) => Array.from(w.dataSync()));
      const w2 = loaded.getWeights().map((w) => Array.from(w.dataSync()));
      expect(w2).toEqual(w1);
      const p1 = model.predict([x, xc]) as tf.Tensor;
      const p2 = loaded.predict([x, xc]) as tf.Tensor;
      expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
      const loadedCat = loaded.layers.find((l) => l.getClassName() === "EmbedlabCategoryEmbedding") as ReturnType<typeof categoryEmbedding>;
      const xc2 = loadedCat.encode(Array.from({ length: 6 }, (_, i) => [i, ["São Paulo", "new_york", "Zürich", "Ünïcode 字", "unseen"][i % 5], `h${i}`]));
      expect(xc2.arraySync()).toEqual(xc.arraySync()); // the vocabulary survived tfjs's snake_case rewriting
      tf.dispose([p1, p2, xc2]);
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(before);
      // saving again over a saved model replaces it
      await saveLayers(model, dir);
      expect(readdirSync(join(dir, "..")).sort()).toEqual(["model"]);
      tf.dispose([x, xc, y]);
      model.dispose();
    });
  });
}

describe("saveLayers / loadLayers errors", () => {
  async function savedModel() {
    const model = tf.sequential({ layers: [embedding({ numEmbeddings: 5, embeddingDim: 2, inputShape: [3] })] });
    const root = mkdtempSync(join(tmpdir(), "embedlab-err-"));
    const dir = join(root, "m");
    await saveLayers(model, dir);
    model.dispose();
    return { root, dir };
  }

  it("loadLayers names a missing directory or file", async () => {
    const { dir } = await savedModel();
    await expect(loadLayers(join(dir, "nope"))).rejects.toThrow(/^loadLayers: cannot read .*nope\/model\.json: no such file$/);
    writeFileSync(join(dir, "weights.bin"), "");
    const { rmSync } = await import("node:fs");
    rmSync(join(dir, "weights.bin"));
    await expect(loadLayers(dir)).rejects.toThrow(/^loadLayers: cannot read .*\/m\/weights\.bin: no such file$/);
  });

  it("loadLayers calls a corrupt model.json, a truncated or altered weights.bin corrupt", async () => {
    const { dir } = await savedModel();
    const json = readFileSync(join(dir, "model.json"), "utf8");
    const weights = readFileSync(join(dir, "weights.bin"));
    writeFileSync(join(dir, "weights.bin"), weights.subarray(0, weights.length - 4));
    await expect(loadLayers(dir)).rejects.toThrow(/^loadLayers: .*weights\.bin is corrupt: expected 40 bytes for 1 weights, but got 36$/);
    const flipped = Buffer.from(weights);
    flipped[3] ^= 1;
    writeFileSync(join(dir, "weights.bin"), flipped);
    await expect(loadLayers(dir)).rejects.toThrow(/^loadLayers: .*weights\.bin is corrupt: its SHA-256 does not match the one recorded in model\.json$/);
    writeFileSync(join(dir, "weights.bin"), weights);
    writeFileSync(join(dir, "model.json"), json.slice(0, 50));
    await expect(loadLayers(dir)).rejects.toThrow(/^loadLayers: .*model\.json is corrupt \(not valid JSON: /);
    writeFileSync(join(dir, "model.json"), JSON.stringify({ format: "layers-model" }));
    await expect(loadLayers(dir)).rejects.toThrow(/^loadLayers: .*model\.json is corrupt \(no modelTopology\)$/);
    writeFileSync(join(dir, "model.json"), json.replace("EmbedlabEmbedding", "NoSuchLayer"));
    await expect(loadLayers(dir)).rejects.toThrow(/^loadLayers: .*model\.json could not be turned into a model: .*NoSuchLayer/);
  });

  it("saveLayers never leaves a half-written directory and refuses to replace a directory that is not a model", async () => {
    const model = tf.sequential({ layers: [embedding({ numEmbeddings: 5, embeddingDim: 2, inputShape: [3] })] });
    const root = mkdtempSync(join(tmpdir(), "embedlab-atomic-"));
    mkdirSync(join(root, "photos"));
    writeFileSync(join(root, "photos", "cat.jpg"), "meow");
    await expect(saveLayers(model, join(root, "photos"))).rejects.toThrow(/^saveLayers: .*photos is not empty and holds no model\.json; refusing to replace it$/);
    expect(readdirSync(join(root, "photos"))).toEqual(["cat.jpg"]);
    writeFileSync(join(root, "file"), "x");
    await expect(saveLayers(model, join(root, "file", "m"))).rejects.toThrow(/^saveLayers: cannot write .*file\/m: /);
    expect(readdirSync(root).sort()).toEqual(["file", "photos"]); // no temporary directory left behind
    await expect(saveLayers({} as tf.LayersModel, join(root, "m"))).rejects.toThrow(/^saveLayers: expected model to be a tf\.LayersModel \(tf\.sequential \/ tf\.model\), but got an object$/);
    expect(existsSync(join(root, "m"))).toBe(false);
    model.dispose();
  });
});
