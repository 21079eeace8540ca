import { describe, expect, it } from "vitest";
import { tf } from "@embedlab/core";
import {
  analogyView, embeddingView, gradientView, hashEncodingView, labelEncodingView, neighborsView, oneHotView,
  positionalEncodingView, projector, similarityView, tensorView,
} from "@embedlab/display";
import { matrix, VECTORS, WORDS } from "./helpers";

/** Runs `fn`, expects it to throw `type` with a message matching `re`, and no tensor to leak. */
function throwsClean(fn: () => unknown, type: ErrorConstructor, re: RegExp): void {
  const before = tf.memory().numTensors;
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(type);
  expect((err as Error).message).toMatch(re);
  expect(tf.memory().numTensors).toBe(before);
}

describe("views reject bad input with the house error format", () => {
  const t2 = tf.tensor2d([[1, 0], [0, 1]]);
  const t3 = tf.zeros([2, 2, 2]);
  const wv = { words: WORDS, vectors: VECTORS };

  it("tensorView", () => {
    throwsClean(() => tensorView([1, 2] as never), TypeError, /^tensorView: expected t to be a tensor, but got an array of length 2$/);
    throwsClean(() => tensorView(t2, { edgeItems: 0 }), RangeError, /^tensorView: expected options\.edgeItems to be an integer >= 1, but got 0$/);
    throwsClean(() => tensorView(t3, { heatmap: true }), TypeError, /^tensorView: expected options\.heatmap to be used with a 2-D numeric tensor, but got a float32 tensor of shape \[2, 2, 2\]$/);
    throwsClean(() => tensorView(t2, { rows: 3 } as never), TypeError, /^tensorView: unknown option "rows"; allowed options are threshold, edgeItems, precision, heatmap, title$/);
  });

  it("oneHotView and positionalEncodingView", () => {
    throwsClean(() => oneHotView(t3), RangeError, /^oneHotView: expected matrix to be a 2-D tensor \[rows, columns\], but got a float32 tensor of shape \[2, 2, 2\]$/);
    throwsClean(() => oneHotView(t2, { categories: ["a"] }), RangeError, /^oneHotView: expected options\.categories\.length to be 2 \(one per row\), but got 1$/);
    throwsClean(() => oneHotView([[1, 0], [1]]), RangeError, /^oneHotView: expected matrix\[1\]\.length to be 2 like row 0, but got 1$/);
    throwsClean(() => oneHotView([[1, "x"]] as never), TypeError, /^oneHotView: expected matrix\[0\]\[1\] to be a number, but got "x"$/);
    throwsClean(() => positionalEncodingView(t2, { dims: [2] }), RangeError, /^positionalEncodingView: expected options\.dims\[0\] to be an integer in \[0, 1\], but got 2$/);
    throwsClean(() => positionalEncodingView("pe" as never), TypeError, /^positionalEncodingView: expected pe to be a 2-D tensor or an array of number arrays, but got "pe"$/);
  });

  it("labelEncodingView and hashEncodingView", () => {
    throwsClean(() => labelEncodingView({} as never), TypeError, /^labelEncodingView: expected encoder to be a fitted label encoder \(with a classes array\), but got an object$/);
    throwsClean(() => labelEncodingView({ classes: ["a"] }, "a" as never), TypeError, /^labelEncodingView: expected values to be an array of labels, but got "a"$/);
    throwsClean(() => hashEncodingView({ nFeatures: 4 } as never, ["a"]), TypeError, /^hashEncodingView: expected hasher to be a feature hasher with nFeatures and indices\(\), but got an object$/);
  });

  it("embeddingView and gradientView", () => {
    const layer = { getWeights: () => [t2], paddingIdx: 5 };
    throwsClean(() => embeddingView({} as never), TypeError, /^embeddingView: expected layer to be an embedding layer \(with getWeights\(\)\), but got an object$/);
    throwsClean(() => embeddingView({ getWeights: () => [] }), TypeError, /^embeddingView: expected layer to be a built embedding layer \(call it once or build it first\), but got an object$/);
    throwsClean(() => embeddingView(layer), RangeError, /^embeddingView: expected layer\.paddingIdx to be an integer in \[-2, 1\], but got 5$/);
    throwsClean(() => embeddingView({ getWeights: () => [t2] }, { maxRows: 0 }), RangeError, /^embeddingView: expected options\.maxRows to be an integer >= 1, but got 0$/);
    throwsClean(() => gradientView({ getWeights: () => [t2] }, t3), RangeError, /^gradientView: expected grads to be a 2-D tensor \[rows, columns\], but got a float32 tensor of shape \[2, 2, 2\]$/);
    throwsClean(() => gradientView({ getWeights: () => [t2] }, { a: t3 }), TypeError, /^gradientView: expected grads to be a \[2, 2\] gradient tensor or a map of gradients holding one, but got an object$/);
    const g32 = tf.zeros([3, 2]);
    throwsClean(() => gradientView({ getWeights: () => [t2] }, g32), RangeError, /^gradientView: expected grads to have the layer's shape \[2, 2\], but got \[3, 2\]$/);
    g32.dispose();
  });

  it("projector", () => {
    const x = matrix(10, 4, 1);
    throwsClean(() => projector(x, { method: "lda" } as never), TypeError, /^projector: expected options\.method to be one of "pca", "tsne", "umap", but got "lda"$/);
    throwsClean(() => projector(x, { dims: 4 } as never), TypeError, /^projector: expected options\.dims to be one of 2, 3, but got 4$/);
    throwsClean(() => projector([[1, 2]]), RangeError, /^projector: expected vectors to be at least 3 points for a 2-D projection, but got "1 points"$/);
    throwsClean(() => projector(x, { labels: ["a"] }), RangeError, /^projector: expected options\.labels\.length to be 10 \(one per row\), but got 1$/);
    throwsClean(() => projector(x, { colorBy: "pos" }), TypeError, /^projector: expected options\.colorBy to be a metadata column \(no metadata was given\), but got "pos"$/);
    throwsClean(() => projector(x, { metadata: { pos: ["n"] } }), RangeError, /^projector: expected options\.metadata\.pos\.length to be 10 \(one value per point\), but got 1$/);
    throwsClean(() => projector(x, { highlight: ["zz"] }), RangeError, /^projector: expected options\.highlight to be labels of points, but got "zz"$/);
    throwsClean(() => projector(x, { method: "tsne", perplexity: 50 }), RangeError, /^projector: expected options\.perplexity to be a number < the number of points \(10\), but got 50$/);
    throwsClean(() => projector(x, { method: "umap", nNeighbors: 10 }), RangeError, /^projector: expected options\.nNeighbors to be an integer in \[2, 9\], but got 10$/);
    throwsClean(() => projector(x, { seed: -1 }), RangeError, /^projector: expected options\.seed to be an integer in \[0, 4294967295\], but got -1$/);
  });

  it("similarityView, neighborsView and analogyView", () => {
    throwsClean(() => similarityView(wv, ["king", "prince"]), RangeError, /^similarityView: expected words\[1\] to be a word in the vectors, but got "prince"$/);
    throwsClean(() => similarityView({ vectors: VECTORS } as never), TypeError, /^similarityView: expected vectors to be word vectors \(words \+ vectors\), a 2-D tensor or number\[\]\[\], but got an object$/);
    throwsClean(() => neighborsView(wv, "apple", 0), RangeError, /^neighborsView: expected k to be an integer in \[1, 5\], but got 0$/);
    throwsClean(() => neighborsView(wv, 3 as never), TypeError, /^neighborsView: expected word to be a word \(string\), but got 3$/);
    throwsClean(() => analogyView(wv, "man", "king", "girl"), RangeError, /^analogyView: expected c to be a word in the vectors, but got "girl"$/);
    throwsClean(() => analogyView(wv, "man", "king", "woman", { k: 4 }), RangeError, /^analogyView: expected options\.k to be an integer in \[1, 3\], but got 4$/);
    tf.dispose([t2, t3]);
  });
});
