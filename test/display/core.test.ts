// The views read core's real values (the other tests use structural stand-ins).
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  Embedding, embedding, HashEncoder, LabelEncoder, oneHot, positionalEncoding, ready, seed, tf, WordVectors,
} from "@embedlab/core";
import {
  analogyView, embeddingView, gradientView, hashEncodingView, labelEncodingView, neighborsView, oneHotView,
  positionalEncodingView, projector, similarityView,
} from "@embedlab/display";
import { VECTORS, WORDS } from "./helpers";

afterAll(async () => {
  await ready({ backend: "cpu", quiet: true });
});

describe.each(["cpu", "wasm"] as const)("views of @embedlab/core values on %s", (backend) => {
  beforeEach(async () => {
    await ready({ backend, quiet: true });
    seed(42);
  });

  it("encodings: LabelEncoder, HashEncoder, oneHot, positionalEncoding", () => {
    const enc = new LabelEncoder().fit(["red", "blue", "green", "red"]);
    expect(labelEncodingView(enc, ["red", "blue"]).text).toMatch(/^Label encoding: 3 classes\n\nclass  code\n-----  ----\nblue   0\ngreen  1\nred    2\n/);
    const hasher = new HashEncoder({ nFeatures: 4 });
    const values = ["cat", "dog", "bird", "fish", "ant"];
    const hv = hashEncodingView(hasher, values);
    for (const v of values) expect(hv.text).toMatch(new RegExp(`\\n${v} +${hasher.indexOf(v)} +`));
    const oh = oneHot([0, 2, 1], 3);
    const pe = positionalEncoding(10, 6);
    const before = tf.memory().numTensors;
    expect(oneHotView(oh, { categories: ["cat", "dog", "bird"] }).tables[0].match(/el-hot/g)).toHaveLength(3);
    const pv = positionalEncodingView(pe, { dims: [0, 3] });
    expect(tf.memory().numTensors).toBe(before);
    const y3 = pv.figures[1].data[1].y as number[];
    y3.forEach((v, p) => expect(v).toBeCloseTo(Math.cos(p / 10000 ** (2 / 6)), 4));
    tf.dispose([oh, pe]);
  });

  it("embedding layers: padding row, maxNorm, frozen, and the rows a batch touched", () => {
    const emb = embedding({ numEmbeddings: 8, embeddingDim: 4, paddingIdx: 0, maxNorm: 1 });
    const ids = tf.tensor2d([[1, 3, 3, 0]], undefined, "int32");
    tf.dispose(emb.apply(ids) as tf.Tensor);
    const before = tf.memory().numTensors;
    const v = embeddingView(emb);
    expect(tf.memory().numTensors).toBe(before);
    expect(v.title).toMatch(/: \[8, 4\] · trainable · paddingIdx 0 · maxNorm 1$/);
    expect((v.figures[0].data[0].z as number[][])[0]).toEqual([0, 0, 0, 0]);
    const { value, grads } = tf.variableGrads(() => (emb.apply(ids) as tf.Tensor).sum() as tf.Scalar);
    const g = gradientView(emb, grads, { ids });
    expect(g.title).toMatch(/the batch touched 2 of 8 rows; padding row 0 gradient norm 0 \(occurs 1× in the batch\)$/);
    expect(g.figures[0].data[0].y).toEqual([0, 2, 0, 4, 0, 0, 0, 0]);
    tf.dispose([value, ...Object.values(grads), ids]);
    const frozen = Embedding.fromPretrained([[0, 0], [1, 2], [3, 4]], { freeze: true });
    expect(embeddingView(frozen).title).toMatch(/: \[3, 2\] · frozen \(trainable = false\) · no padding row · no maxNorm$/);
    emb.dispose();
    frozen.dispose();
  });

  it("WordVectors: projector and the similarity views make no tensor", () => {
    const wv = new WordVectors(WORDS, VECTORS);
    const before = tf.memory().numTensors;
    expect(projector(wv, { highlight: ["king"] }).figures[0].data[0].text).toEqual(WORDS);
    expect(similarityView(wv, ["king", "queen"]).figures[0].data[0].z).toEqual([[1, 0.803], [0.803, 1]]); // 1.81 / sqrt(1.81 · 2.81)
    expect(neighborsView(wv, "apple", 1).text).toMatch(/\n1 +orange +0\.99\d\d$/);
    expect(analogyView(wv, "man", "king", "woman").title).toMatch(/→ queen /);
    expect(tf.memory().numTensors).toBe(before);
  });
});
