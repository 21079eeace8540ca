import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ready, tf } from "@embedlab/core";
import {
  analogyView, compareView, embeddingView, gradientView, hashEncodingView, labelEncodingView, neighborsView,
  oneHotView, positionalEncodingView, projector, similarityView, tensorView, PLOTLY_MIME,
} from "@embedlab/display";
import { fixture, matrix, sinusoids, snapshotOf, VECTORS, WORDS } from "./helpers";

const BACKENDS = ["cpu", "wasm"] as const;

afterAll(async () => {
  await ready({ backend: "cpu", quiet: true });
});

describe.each(BACKENDS)("views of tensors on %s", (backend) => {
  beforeEach(async () => {
    await ready({ backend, quiet: true });
  });

  it("tensorView(2-D) shows shape, dtype, backend and every value", async () => {
    const t = tf.tensor2d([[1.5, -2], [3, 4]]);
    const before = tf.memory().numTensors;
    const v = tensorView(t);
    expect(tf.memory().numTensors).toBe(before);
    expect(v.text).toBe(`tensor([[ 1.5000, -2.0000],\n        [ 3.0000,  4.0000]], shape=[2, 2], dtype=float32, backend=${backend})`);
    expect(v.title).toBe(`Tensor: shape [2, 2] · float32 · backend ${backend}`);
    expect(v.tables[0]).toMatch(/^<table class="embedlab-table">.*<td>-2\.0000<\/td>.*<\/table>$/);
    expect(v.figures).toHaveLength(0);
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });

  it("tensorView elides a large tensor like PyTorch and stays small", async () => {
    const t = tf.range(0, 2000, 1, "int32").reshape([2, 10, 100]);
    const v = tensorView(t);
    await expect(snapshotOf(v).replaceAll(backend, "BACKEND")).toMatchFileSnapshot(fixture("tensorView-elided"));
    const big = tf.zeros([1000, 1000]);
    const html = v.toHtml() + tensorView(big).toHtml();
    expect(html.length).toBeLessThan(20_000);
    expect(tensorView(big).text).toMatch(/^tensor\(\[\[0\.0000, 0\.0000, 0\.0000, \.\.\., 0\.0000, 0\.0000, 0\.0000\],\n/);
    tf.dispose([t, big]);
  });

  it("tensorView handles 0-D, 1-D, bool and string tensors", () => {
    const ts = [tf.scalar(3.25), tf.tensor1d([1, 2, 3], "int32"), tf.tensor1d([true, false], "bool"), tf.tensor1d(["a", "b<"], "string")];
    const texts = ts.map((t) => tensorView(t).text);
    expect(texts[0]).toBe(`tensor(3.2500, shape=[], dtype=float32, backend=${backend})`);
    expect(texts[1]).toBe(`tensor([1, 2, 3], shape=[3], dtype=int32, backend=${backend})`);
    expect(texts[2]).toBe(`tensor([ true, false], shape=[2], dtype=bool, backend=${backend})`);
    expect(texts[3]).toMatch(/^tensor\(\["a", "b<"\], shape=\[2\], dtype=string/);
    expect(tensorView(ts[3]).toHtml()).toContain("&quot;b&lt;&quot;");
    tf.dispose(ts);
  });

  it("tensorView({ heatmap }) adds a heatmap of a 2-D tensor", async () => {
    const t = tf.tensor2d(matrix(4, 5, 3));
    const v = tensorView(t, { heatmap: true, title: "W" });
    expect(v.figures).toHaveLength(1);
    expect(v.figures[0].data[0].z).toEqual(matrix(4, 5, 3));
    expect(v.toBundle()[PLOTLY_MIME]).toBeUndefined(); // a table and a figure: HTML carries both
    t.dispose();
  });

  it("oneHotView labels rows and categories and marks the ones", async () => {
    const t = tf.tensor2d([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    const v = oneHotView(t, { categories: ["cat", "dog", "bird"], rows: ["cat", "bird", "dog"] });
    await expect(snapshotOf(v)).toMatchFileSnapshot(fixture("oneHotView"));
    expect(v.tables[0].match(/class="el-hot"/g)).toHaveLength(3);
    t.dispose();
  });

  it("positionalEncodingView draws the table and the chosen curves", async () => {
    const pe = tf.tensor2d(sinusoids(8, 6));
    const before = tf.memory().numTensors;
    const v = positionalEncodingView(pe, { dims: [0, 1, 4] });
    expect(tf.memory().numTensors).toBe(before);
    await expect(snapshotOf(v)).toMatchFileSnapshot(fixture("positionalEncodingView"));
    const curves = v.figures[1].data;
    expect(curves.map((c) => c.name)).toEqual(["dim 0 (sin)", "dim 1 (cos)", "dim 4 (sin)"]);
    expect((curves[0].y as number[])[1]).toBeCloseTo(Math.sin(1), 4);
    pe.dispose();
  });

  it("embeddingView marks the padding row, the frozen state and maxNorm", async () => {
    const w = tf.tensor2d(matrix(6, 4, 7));
    const layer = { getWeights: () => [w], paddingIdx: -6, maxNorm: 1, trainable: false, name: "emb" };
    const v = embeddingView(layer);
    await expect(snapshotOf(v)).toMatchFileSnapshot(fixture("embeddingView"));
    expect(v.title).toBe("emb: [6, 4] · frozen (trainable = false) · paddingIdx 0 · maxNorm 1");
    expect(v.figures[0].layout.shapes).toEqual([expect.objectContaining({ y0: -0.5, y1: 0.5 })]);
    expect(v.figures[1].layout.shapes).toEqual([expect.objectContaining({ x0: 1, x1: 1 })]);
    expect(w.isDisposed).toBe(false);
    w.dispose();
  });

  it("embeddingView reads a tf.layers.embedding too", () => {
    const layer = tf.layers.embedding({ inputDim: 5, outputDim: 3, embeddingsInitializer: tf.initializers.randomNormal({ seed: 1 }) });
    const ids = tf.tensor2d([[1, 2]], undefined, "int32");
    tf.dispose(layer.apply(ids) as tf.Tensor);
    const before = tf.memory().numTensors;
    const v = embeddingView(layer);
    expect(tf.memory().numTensors).toBe(before);
    expect(v.title).toMatch(/^embedding_\w+: \[5, 3\] · trainable · no padding row · no maxNorm$/);
    expect(v.figures[0].data[0].z).toHaveLength(5);
    tf.dispose([ids, ...layer.getWeights()]);
  });

  it("gradientView shows which rows a batch touched, with counts", async () => {
    const w = tf.tensor2d(matrix(5, 3, 2));
    const g = tf.tensor2d([[0, 0, 0], [1, 2, 2], [0, 0, 0], [0, 3, 4], [0, 0, 0]]);
    const ids = tf.tensor2d([[1, 3, 3, 0]], undefined, "int32");
    const layer = { getWeights: () => [w], paddingIdx: 0, name: "emb" };
    const v = gradientView(layer, { grads: { emb: g } }, { ids, labels: ["<pad>", "a", "b", "c", "d"] });
    await expect(snapshotOf(v)).toMatchFileSnapshot(fixture("gradientView"));
    expect(v.title).toBe("Gradient of emb: the batch touched 2 of 5 rows; padding row 0 gradient norm 0 (occurs 1× in the batch)");
    expect(v.figures[0].data[0].y).toEqual([0, 3, 0, 5, 0]);
    tf.dispose([w, g, ids]);
  });

  it("projector reads a tensor and WordVectors-like objects alike", () => {
    const t = tf.tensor2d(VECTORS);
    const a = projector(t, { labels: WORDS });
    const b = projector({ words: WORDS, vectors: t });
    expect(a.points).toEqual(b.points);
    expect(a.figures[0].data[0].text).toEqual(WORDS);
    t.dispose();
  });
});

describe("views of plain arrays", () => {
  it("labelEncodingView tables classes and values, marking unseen ones", async () => {
    const v = labelEncodingView({ classes: ["blue", "green", "red"] }, ["red", "blue", "purple"]);
    await expect(snapshotOf(v)).toMatchFileSnapshot(fixture("labelEncodingView"));
    expect(v.tables[2]).toMatch(/<td class="el-text">purple<\/td><td class="el-collision" title="not among the classes">unseen<\/td>/);
    expect(labelEncodingView({ classes: () => [1, 2] }).text).toMatch(/^Label encoding: 2 classes\n/);
  });

  it("hashEncodingView highlights collisions", async () => {
    // A toy hasher: column = length % 4, sign from the first letter.
    const hasher = {
      nFeatures: 4,
      indices: (vs: readonly (string | number)[]) => Int32Array.from(vs, (v) => String(v).length % 4),
      signs: (vs: readonly (string | number)[]) => Int8Array.from(vs, (v) => (String(v) < "m" ? 1 : -1)),
    };
    const v = hashEncodingView(hasher, ["cat", "dog", "bird", "fish", "cat", "zebra"]);
    await expect(snapshotOf(v)).toMatchFileSnapshot(fixture("hashEncodingView"));
    expect(v.tables[0]).toContain("5 distinct values in 4 columns: 3 columns used, 2 shared by several values (4 values collide)");
  });

  it("projector(pca) matches scikit-learn's PCA", async () => {
    const { readFileSync } = await import("node:fs");
    const ref = JSON.parse(readFileSync(new URL("../fixtures/display/pca-sklearn.json", import.meta.url), "utf8"));
    for (const dims of [2, 3] as const) {
      const p = projector(ref.x, { dims });
      const want = ref[`pca${dims}`] as { points: number[][]; ratio: number[] };
      p.points.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want.points[i][j], 3)));
      p.explainedVarianceRatio!.forEach((r, j) => expect(r).toBeCloseTo(want.ratio[j], 6));
    }
    // More dimensions than points takes the Gram-matrix path: same answer.
    const wide = projector(ref.wide.x, { dims: 2 });
    wide.points.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(ref.wide.points[i][j], 3)));
  });

  it("projector is seeded: t-SNE and UMAP give the same picture every run", async () => {
    const x = matrix(24, 5, 11);
    const kinds = Array.from({ length: 24 }, (_, i) => ["a", "b", "c"][i % 3]);
    for (const method of ["tsne", "umap"] as const) {
      const a = projector(x, { method, iterations: 200, metadata: { kind: kinds }, colorBy: "kind", highlight: ["3"] });
      const b = projector(x, { method, iterations: 200, metadata: { kind: kinds }, colorBy: "kind", highlight: ["3"] });
      expect(a.points).toEqual(b.points);
      // UMAP's negative sampling follows the seed; t-SNE starts from PCA (as scikit-learn's init="pca"): no randomness at all
      if (method === "umap") expect(projector(x, { method, seed: 7, iterations: 200 }).points).not.toEqual(a.points);
      else expect(projector(x, { method, seed: 7, iterations: 200 }).points).toEqual(a.points);
      await expect(snapshotOf(a)).toMatchFileSnapshot(fixture(`projector-${method}`));
      expect(a.figures[0].data.map((d) => d.name)).toEqual(["kind: a", "kind: b", "kind: c", "highlighted"]);
    }
  });

  it("projector({ dims: 3, colorBy numeric }) draws a 3-D scatter with a colour scale", async () => {
    const x = matrix(12, 4, 5);
    const v = projector(x, { dims: 3, metadata: Array.from({ length: 12 }, (_, i) => ({ freq: i * 10 })) });
    expect(v.figures[0].data[0].type).toBe("scatter3d");
    expect(v.points[0]).toHaveLength(3);
    const c = projector(x, { metadata: { freq: x.map((_, i) => i) }, colorBy: "freq" });
    expect(c.figures[0].data[0].marker).toMatchObject({ colorscale: "Viridis", color: x.map((_, i) => i) });
    expect(v.figures[0].data[0].hovertext as string[]).toContain("0<br>freq: 0");
    await expect(snapshotOf(v)).toMatchFileSnapshot(fixture("projector-pca3"));
  });

  it("similarityView, neighborsView and analogyView read word vectors", async () => {
    const wv = { words: WORDS, vectors: VECTORS };
    const s = similarityView(VECTORS, ["king", "queen", "apple"], { labels: WORDS });
    const z = s.figures[0].data[0].z as number[][];
    expect(z[0][0]).toBe(1);
    expect(z[0][1]).toBeGreaterThan(z[0][2]);
    await expect(snapshotOf(s)).toMatchFileSnapshot(fixture("similarityView"));
    const n = neighborsView(wv, "apple", 2);
    expect(n.text).toMatch(/^Nearest neighbours of "apple"\nrank  word +cosine\n-+  -+  -+\n1 +orange +0\.99\d\d\n/);
    await expect(snapshotOf(n)).toMatchFileSnapshot(fixture("neighborsView"));
    const a = analogyView(wv, "man", "king", "woman");
    expect(a.title).toMatch(/^man : king :: woman : \? → queen \(cosine 0\.\d+\)$/);
    await expect(snapshotOf(a)).toMatchFileSnapshot(fixture("analogyView"));
  });

  it("compareView renders the text's two tables", async () => {
    const v = compareView();
    expect(v.tables).toHaveLength(2);
    expect(v.tables[1]).toContain("categorical, high cardinality (user id)");
    await expect(snapshotOf(v)).toMatchFileSnapshot(fixture("compareView"));
  });
});
