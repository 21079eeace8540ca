/**
 * `projector(vectors)`: the TensorFlow Embedding Projector's core inside a cell: PCA (here),
 * t-SNE (`@keckelt/tsne`) or UMAP (`umap-js`) to 2-D or 3-D, seeded, hover shows the label.
 */
import { TSNE } from "@keckelt/tsne";
import { UMAP } from "umap-js";
import { mulberry32, validate } from "@embedlab/core";
import { escapeHtml } from "../html";
import { round, toMatrix, type Matrix, type TensorLike } from "../matrix";
import { View } from "../View";
import { isWordVectors, wordVectorsMatrix, type WordVectorsLike } from "../views/vectorsLike";
import { pca } from "./pca";

const { checkInt, checkKeys, checkNumber, checkOneOf, checkStrings, rangeError, typeError } = validate;

export type { WordVectorsLike } from "../views/vectorsLike";

/** Per-point metadata: columns by name, or one record per point (like the Projector's metadata.tsv). */
export type Metadata = Record<string, readonly (string | number)[]> | readonly Record<string, string | number>[];

/** Options of {@link projector}. */
export interface ProjectorOptions {
  /** One label per point (hover text). Defaults to the words of `WordVectors`, else the row ids. */
  labels?: string[];
  /** Extra columns per point, shown on hover and usable for `colorBy`. Defaults to none. */
  metadata?: Metadata;
  /** The projection. Defaults to `"pca"`. */
  method?: "pca" | "tsne" | "umap";
  /** 2-D or 3-D. Defaults to `2`. */
  dims?: 2 | 3;
  /** A metadata column to colour by (categorical: one legend entry each; numeric: a colour scale). Defaults to none. */
  colorBy?: string;
  /** Labels to emphasise (bigger, red, named). Defaults to none. */
  highlight?: string[];
  /** The seed of t-SNE / UMAP (PCA needs none). Defaults to `42`. */
  seed?: number;
  /** t-SNE perplexity. Defaults to `min(30, (N - 1) / 3)`. */
  perplexity?: number;
  /** t-SNE iterations. Defaults to `500`. */
  iterations?: number;
  /** UMAP neighbours. Defaults to `min(15, N - 1)`. */
  nNeighbors?: number;
  /** UMAP minimum distance. Defaults to `0.1`. */
  minDist?: number;
  /** A title. Defaults to `"Projector (<method>)"`. */
  title?: string;
}

/** A projector view with the projected coordinates. */
export class ProjectorView extends View {
  /** The projected points. **Shape:** `[N, dims]`. */
  readonly points: number[][];
  /** The method used. */
  readonly method: "pca" | "tsne" | "umap";
  /** PCA only: the fraction of variance each component explains. */
  readonly explainedVarianceRatio?: number[];

  constructor(view: View, points: number[][], method: "pca" | "tsne" | "umap", ratio?: number[]) {
    super({ title: view.title, parts: [...view.parts], text: view.text });
    this.points = points;
    this.method = method;
    if (ratio) this.explainedVarianceRatio = ratio;
  }
}

function rowsOf(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

function metadataColumns(fn: string, metadata: Metadata | undefined, n: number): Map<string, (string | number)[]> {
  const cols = new Map<string, (string | number)[]>();
  if (metadata === undefined) return cols;
  if (Array.isArray(metadata)) {
    if (metadata.length !== n) throw rangeError(fn, "options.metadata.length", `${n} (one record per point)`, metadata.length);
    for (const [i, rec] of metadata.entries()) {
      if (rec === null || typeof rec !== "object") throw typeError(fn, `options.metadata[${i}]`, "an object", rec);
      for (const key of Object.keys(rec)) if (!cols.has(key)) cols.set(key, new Array(n).fill(""));
      for (const [key, v] of Object.entries(rec)) (cols.get(key) as (string | number)[])[i] = v as string | number;
    }
    return cols;
  }
  if (metadata === null || typeof metadata !== "object") throw typeError(fn, "options.metadata", "columns by name or one record per point", metadata);
  for (const [key, col] of Object.entries(metadata)) {
    if (!Array.isArray(col)) throw typeError(fn, `options.metadata.${key}`, "an array", col);
    if (col.length !== n) throw rangeError(fn, `options.metadata.${key}.length`, `${n} (one value per point)`, col.length);
    cols.set(key, [...col]);
  }
  return cols;
}

/**
 * Projects embedding vectors to 2-D or 3-D and draws them as a scatter plot, like the TensorFlow
 * Embedding Projector: PCA (with explained variance), t-SNE or UMAP, seeded so the picture is the
 * same every run; hover shows each point's label and metadata; `colorBy` colours by a metadata
 * column; `highlight` names chosen points.
 *
 * **Input shape:** `[N, D]` (WordVectors, tensor or `number[][]`). **Output:** a {@link ProjectorView} (`points` `[N, dims]`).
 *
 * @example
 * projector(vectors, { method: "umap", highlight: ["king", "queen"] });
 * projector(tf.randomNormal([100, 16]), { labels, metadata: { kind }, colorBy: "kind", dims: 3 });
 */
export function projector(input: WordVectorsLike | TensorLike | number[][], options: ProjectorOptions = {}): ProjectorView {
  const fn = "projector";
  checkKeys(fn, options, ["labels", "metadata", "method", "dims", "colorBy", "highlight", "seed", "perplexity", "iterations", "nNeighbors", "minDist", "title"]);
  let m: Matrix;
  let words: readonly string[] | undefined;
  if (isWordVectors(input)) {
    m = wordVectorsMatrix(fn, input);
    words = input.words;
  } else {
    m = toMatrix(fn, "vectors", input);
  }
  const n = m.rows;
  const method = options.method === undefined ? "pca" : checkOneOf(fn, "options.method", options.method, ["pca", "tsne", "umap"] as const);
  const dims = options.dims === undefined ? 2 : checkOneOf(fn, "options.dims", options.dims, [2, 3] as const);
  if (n < dims + 1) throw rangeError(fn, "vectors", `at least ${dims + 1} points for a ${dims}-D projection`, `${n} points`);
  if (m.cols < 1) throw rangeError(fn, "vectors", "vectors with at least one dimension", "0 columns");
  const labels = options.labels !== undefined ? checkStrings(fn, "options.labels", options.labels, n) : words ? checkStrings(fn, "vectors.words", [...words], n) : Array.from({ length: n }, (_, i) => String(i));
  const meta = metadataColumns(fn, options.metadata, n);
  if (options.colorBy !== undefined && !meta.has(options.colorBy)) {
    throw typeError(fn, "options.colorBy", meta.size ? `one of the metadata columns ${[...meta.keys()].map((k) => JSON.stringify(k)).join(", ")}` : "a metadata column (no metadata was given)", options.colorBy);
  }
  const highlight = new Set(options.highlight === undefined ? [] : checkStrings(fn, "options.highlight", options.highlight));
  for (const h of highlight) if (!labels.includes(h)) throw rangeError(fn, "options.highlight", "labels of points", h);
  const seed = options.seed === undefined ? 42 : checkInt(fn, "options.seed", options.seed, 0, 2 ** 32 - 1);

  let points: number[][];
  let ratio: number[] | undefined;
  if (method === "pca") {
    if (m.cols < dims) throw rangeError(fn, "vectors", `at least ${dims} dimensions for a ${dims}-D PCA`, `${m.cols} dimensions`);
    const r = pca(m, dims);
    points = r.points;
    ratio = r.explainedVarianceRatio;
  } else if (method === "tsne") {
    const perplexity = options.perplexity === undefined ? Math.max(1, Math.min(30, (n - 1) / 3)) : checkNumber(fn, "options.perplexity", options.perplexity, { positive: true });
    if (perplexity >= n) throw rangeError(fn, "options.perplexity", `a number < the number of points (${n})`, perplexity);
    const iterations = options.iterations === undefined ? 500 : checkInt(fn, "options.iterations", options.iterations, 1);
    // @keckelt/tsne draws its initial solution from Math.random: swap in the seeded generator for the call.
    const saved = Math.random;
    Math.random = mulberry32(seed);
    try {
      const tsne = new TSNE({ perplexity, dim: dims, epsilon: 10 });
      tsne.initDataRaw(rowsOf(m));
      for (let i = 0; i < iterations; i++) tsne.step();
      points = tsne.getSolution() as number[][];
    } finally {
      Math.random = saved;
    }
  } else {
    const nNeighbors = options.nNeighbors === undefined ? Math.max(2, Math.min(15, n - 1)) : checkInt(fn, "options.nNeighbors", options.nNeighbors, 2, n - 1);
    const minDist = options.minDist === undefined ? 0.1 : checkNumber(fn, "options.minDist", options.minDist);
    const umap = new UMAP({ nComponents: dims, nNeighbors, minDist, random: mulberry32(seed) });
    points = umap.fit(rowsOf(m));
  }
  points = points.map((p) => p.map((v) => round(v, 4)));

  const title = options.title ?? `Projector (${method === "pca" ? "PCA" : method === "tsne" ? "t-SNE" : "UMAP"}, ${dims}-D)`;
  const axis = (c: number) => (method === "pca" ? `PC${c + 1}${ratio ? ` (${(100 * ratio[c]).toFixed(1)}%)` : ""}` : `${method === "tsne" ? "t-SNE" : "UMAP"} ${c + 1}`);
  const hover = labels.map((l, i) => [escapeHtml(l), ...[...meta.entries()].map(([k, col]) => `${escapeHtml(k)}: ${escapeHtml(String(col[i]))}`)].join("<br>"));
  const showText = n <= 40;
  const trace = (idx: number[], extra: Record<string, unknown>): Record<string, unknown> => {
    const t: Record<string, unknown> = {
      type: dims === 3 ? "scatter3d" : "scatter",
      mode: showText ? "markers+text" : "markers",
      x: idx.map((i) => points[i][0]),
      y: idx.map((i) => points[i][1]),
      text: idx.map((i) => labels[i]),
      hovertext: idx.map((i) => hover[i]),
      hovertemplate: "%{hovertext}<extra></extra>",
      textposition: "top center",
      ...extra,
    };
    if (dims === 3) t.z = idx.map((i) => points[i][2]);
    return t;
  };
  const all = labels.map((_, i) => i);
  const size = dims === 3 ? 4 : 8;
  const data: Record<string, unknown>[] = [];
  const colorCol = options.colorBy !== undefined ? (meta.get(options.colorBy) as (string | number)[]) : undefined;
  if (colorCol && colorCol.every((v) => typeof v === "number")) {
    data.push(trace(all, { name: "points", marker: { size, color: colorCol, colorscale: "Viridis", showscale: true, colorbar: { title: { text: options.colorBy } } } }));
  } else if (colorCol) {
    const groups = [...new Set(colorCol.map(String))].sort();
    for (const g of groups) data.push(trace(all.filter((i) => String(colorCol[i]) === g), { name: `${options.colorBy}: ${g}`, marker: { size } }));
  } else {
    data.push(trace(all, { name: "points", marker: { size, color: "#1f77b4" } }));
  }
  if (highlight.size) {
    const hi = all.filter((i) => highlight.has(labels[i]));
    data.push(trace(hi, { name: "highlighted", mode: "markers+text", marker: { size: size + 6, color: "#d62728", symbol: dims === 3 ? "diamond" : "star" }, textfont: { color: "#d62728" } }));
  }
  const layout: Record<string, unknown> = {
    title: { text: title },
    height: dims === 3 ? 560 : 480,
    margin: { l: 50, r: 20, t: 40, b: 50 },
    hovermode: "closest",
    showlegend: data.length > 1,
  };
  if (dims === 3) layout.scene = { xaxis: { title: { text: axis(0) } }, yaxis: { title: { text: axis(1) } }, zaxis: { title: { text: axis(2) } } };
  else Object.assign(layout, { xaxis: { title: { text: axis(0) }, zeroline: false }, yaxis: { title: { text: axis(1) }, zeroline: false } });
  const varNote = ratio ? `; explained variance ${ratio.map((r) => `${(100 * r).toFixed(1)}%`).join(", ")}` : "";
  const view = new View({
    title: `${title}: ${n} points of dimension ${m.cols}${varNote}`,
    parts: [{ kind: "plotly", figure: { data, layout } }],
    text: `${title}: ${n} points of dimension ${m.cols}${varNote}\n` + labels.slice(0, 20).map((l, i) => `${l}\t${points[i].join("\t")}`).join("\n") + (n > 20 ? `\n… ${n - 20} more` : ""),
  });
  return new ProjectorView(view, points, method, ratio);
}
