/**
 * `analogyView(vectors, a, b, c)`: "a is to b as c is to ?" with vector arithmetic.
 */
import { pca, validate } from "@embedlab/core";
import { htmlTable, textTable } from "../html";
import { round } from "../matrix";
import { View } from "../View";
import { cosineAll, readVectors, rowOf, topK, unitRow, type VectorsInput } from "./vectorsLike";
import { tr } from "../lang";

const { checkInt, checkKeys } = validate;

/** Options of {@link analogyView}. */
export interface AnalogyViewOptions {
  /** Candidates listed. Defaults to `5`. */
  k?: number;
  /** One label per row when `vectors` is a plain matrix. Defaults to the row ids. */
  labels?: string[];
  /** A title. Defaults to `"a : b :: c : ?"`. */
  title?: string;
}

/**
 * Solves "a is to b as c is to ?" like word2vec / gensim (3CosAdd): the words nearest to
 * `unit(b) − unit(a) + unit(c)`, excluding a, b and c, as a table; and a 2-D PCA picture of a, b,
 * c and the answer with the arrows a → b and c → answer (parallel when the analogy holds).
 *
 * **Input:** word vectors `[N, D]` (N ≥ 4) and three words. **Output:** a {@link View} (figure + table).
 *
 * @example
 * analogyView(vectors, "man", "king", "woman");   // → queen, if the vectors learned it
 */
export function analogyView(vectors: VectorsInput, a: string, b: string, c: string, options: AnalogyViewOptions = {}): View {
  const fn = "analogyView";
  checkKeys(fn, options, ["k", "labels", "title"]);
  const v = readVectors(fn, vectors, options.labels);
  const [ia, ib, ic] = [rowOf(fn, "a", v, a), rowOf(fn, "b", v, b), rowOf(fn, "c", v, c)];
  const exclude = new Set([ia, ib, ic]);
  if (v.m.rows - exclude.size < 1) throw new RangeError(`${fn}: expected vectors to hold a word besides a, b and c, but got ${v.m.rows} words`);
  const k = options.k === undefined ? 5 : checkInt(fn, "options.k", options.k, 1, v.m.rows - exclude.size);
  const [ua, ub, uc] = [unitRow(v.m, ia), unitRow(v.m, ib), unitRow(v.m, ic)];
  const target = ub.map((x, j) => x - ua[j] + uc[j]); // b − a + c   [D]
  const scores = cosineAll(v.m, target);
  const best = topK(scores, k, exclude);
  const d = best[0];
  const title = options.title ?? `${a} : ${b} :: ${c} : ?`;
  const quad = [ia, ib, ic, d];
  const proj = pca({ rows: 4, cols: v.m.cols, data: Float64Array.from(quad.flatMap((i) => Array.from(v.m.data.subarray(i * v.m.cols, (i + 1) * v.m.cols)))) }, Math.min(2, v.m.cols));
  const pt = proj.points.map((p) => [round(p[0], 4), round(p[1] ?? 0, 4)]);
  const arrow = (from: number, to: number, color: string) => ({
    x: pt[to][0], y: pt[to][1], ax: pt[from][0], ay: pt[from][1], xref: "x", yref: "y", axref: "x", ayref: "y",
    showarrow: true, arrowhead: 3, arrowsize: 1.5, arrowwidth: 2, arrowcolor: color, text: "",
  });
  const names = [a, b, c, tr(`${v.words[d]} (answer)`, `${v.words[d]}（答案）`)];
  const header = [tr("rank", "排名"), tr("candidate", "候选词"), tr("cosine", "余弦")];
  return new View({
    title: tr(`${title} → ${v.words[d]} (cosine ${round(scores[d], 4)})`, `${title} → ${v.words[d]}（余弦 ${round(scores[d], 4)}）`),
    parts: [
      {
        kind: "plotly",
        figure: {
          data: [{ type: "scatter", mode: "markers+text", x: pt.map((p) => p[0]), y: pt.map((p) => p[1]), text: names, textposition: "top center", marker: { size: 12, color: ["#1f77b4", "#1f77b4", "#ff7f0e", "#ff7f0e"] }, hovertemplate: "%{text}<extra></extra>" }],
          layout: {
            title: { text: tr(`${title} (PCA of the four words)`, `${title}（四个词的 PCA）`) },
            height: 380,
            margin: { l: 50, r: 20, t: 40, b: 50 },
            annotations: [arrow(0, 1, "#1f77b4"), arrow(2, 3, "#ff7f0e")],
            xaxis: { title: { text: "PC1" }, zeroline: false },
            yaxis: { title: { text: "PC2" }, zeroline: false },
            showlegend: false,
          },
        },
      },
      { kind: "html", html: htmlTable(header, best.map((i, r) => [r + 1, { text: v.words[i], cls: "el-text" }, round(scores[i], 4).toFixed(4)]), { caption: `unit(${b}) − unit(${a}) + unit(${c})` }) },
    ],
    text: `${title}\n${textTable(header, best.map((i, r) => [r + 1, v.words[i], round(scores[i], 4).toFixed(4)]))}`,
  });
}
