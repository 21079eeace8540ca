/**
 * `neighborsView(vectors, word, k)`: a word's nearest neighbours by cosine similarity.
 */
import { validate } from "@embedlab/core";
import { escapeHtml, htmlTable, textTable } from "../html";
import { round } from "../matrix";
import { View } from "../View";
import { cosineAll, readVectors, rowOf, topK, type VectorsInput } from "./vectorsLike";
import { tr } from "../lang";

const { checkInt, checkKeys } = validate;

/** Options of {@link neighborsView}. */
export interface NeighborsViewOptions {
  /** One label per row when `vectors` is a plain matrix. Defaults to the row ids. */
  labels?: string[];
  /** A title. Defaults to `"Nearest neighbours of <word>"`. */
  title?: string;
}

/**
 * The `k` nearest neighbours of `word` by cosine similarity (the word itself excluded), as a
 * table with scores and bars.
 *
 * **Input:** word vectors `[N, D]`, a word, `k` (defaults to `10`). **Output:** a {@link View} (a table).
 *
 * @example
 * neighborsView(vectors, "frog", 5);
 */
export function neighborsView(vectors: VectorsInput, word: string, k = 10, options: NeighborsViewOptions = {}): View {
  const fn = "neighborsView";
  checkKeys(fn, options, ["labels", "title"]);
  const v = readVectors(fn, vectors, options.labels);
  const q = rowOf(fn, "word", v, word);
  checkInt(fn, "k", k, 1, Math.max(1, v.m.rows - 1));
  const scores = cosineAll(v.m, v.m.data.subarray(q * v.m.cols, (q + 1) * v.m.cols));
  const best = topK(scores, k, new Set([q]));
  const title = options.title ?? tr(`Nearest neighbours of ${JSON.stringify(word)}`, `${JSON.stringify(word)} 的最近邻`);
  const header = [tr("rank", "排名"), tr("word", "词"), tr("cosine", "余弦")];
  const body = best.map((i, r) => [
    r + 1,
    { text: v.words[i], cls: "el-text" },
    round(scores[i], 4).toFixed(4),
    { html: `<span class="embedlab-bar" style="width:${Math.round(120 * Math.max(0, scores[i]))}px"></span>`, cls: "el-text" },
  ]);
  return new View({
    title,
    parts: [{ kind: "html", html: htmlTable([...header, ""], body, { caption: tr(`${escapeHtml(word)}: ${best.length} nearest of ${v.m.rows - 1}`, `${escapeHtml(word)}：${v.m.rows - 1} 个词中最近的 ${best.length} 个`) }) }],
    text: `${title}\n${textTable(header, best.map((i, r) => [r + 1, v.words[i], round(scores[i], 4).toFixed(4)]))}`,
  });
}
