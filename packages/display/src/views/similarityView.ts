/**
 * `similarityView(vectors, words)`: the cosine similarity of chosen words as a heatmap.
 */
import { validate } from "@embedlab/core";
import { categoryAxis, positionsOf } from "../categoryAxis";
import { colorscale, DIVERGING } from "../colorScale";
import { textTable } from "../html";
import { cosine, round } from "../matrix";
import { View } from "../View";
import { readVectors, rowOf, type VectorsInput } from "./vectorsLike";
import { tr } from "../lang";

const { checkKeys, checkStrings } = validate;

/** Options of {@link similarityView}. */
export interface SimilarityViewOptions {
  /** One label per row when `vectors` is a plain matrix. Defaults to the row ids. */
  labels?: string[];
  /** A title. Defaults to `"Cosine similarity"`. */
  title?: string;
}

/**
 * The pairwise cosine similarity of `words` as an annotated heatmap (−1 … 1, diverging colours).
 *
 * **Input:** word vectors `[N, D]` and `K` words (defaults to all, at most 50). **Output:** a {@link View} (`z` is `[K, K]`).
 *
 * @example
 * similarityView(vectors, ["king", "queen", "man", "woman", "apple"]);
 */
export function similarityView(vectors: VectorsInput, words?: string[], options: SimilarityViewOptions = {}): View {
  const fn = "similarityView";
  checkKeys(fn, options, ["labels", "title"]);
  const v = readVectors(fn, vectors, options.labels);
  const chosen = words === undefined ? v.words.slice(0, 50) : checkStrings(fn, "words", words);
  const rows = chosen.map((w, k) => rowOf(fn, `words[${k}]`, v, w));
  const vec = (i: number) => v.m.data.subarray(i * v.m.cols, (i + 1) * v.m.cols);
  const z = rows.map((i) => rows.map((j) => round(cosine(vec(i), vec(j)), 3)));
  const title = options.title ?? tr("Cosine similarity", "余弦相似度");
  return new View({
    title: tr(`${title} of ${chosen.length} words`, `${title}：${chosen.length} 个词`),
    parts: [{
      kind: "plotly",
      figure: {
        data: [{
          type: "heatmap", z, x: positionsOf(chosen.length), y: positionsOf(chosen.length), zmin: -1, zmax: 1, colorscale: colorscale(DIVERGING),
          texttemplate: chosen.length <= 15 ? "%{z:.2f}" : "",
          text: z.map((r, i) => r.map((s, j) => `cos(${chosen[i]}, ${chosen[j]}) = ${s}`)),
          hovertemplate: "%{text}<extra></extra>",
        }],
        layout: {
          title: { text: title },
          height: Math.min(700, 200 + 28 * chosen.length),
          margin: { l: 90, r: 20, t: 40, b: 90 },
          xaxis: categoryAxis(chosen),
          yaxis: categoryAxis(chosen, { autorange: "reversed" }),
        },
      },
    }],
    text: `${title}\n${textTable(["", ...chosen], z.map((r, i) => [chosen[i], ...r.map((s) => s.toFixed(3))]))}`,
  });
}
