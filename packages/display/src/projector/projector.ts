/**
 * `projector(vectors)`: the TensorFlow Embedding Projector's core inside a cell: PCA, t-SNE or UMAP
 * (computed by @embedlab/core's projection module) to 2-D or 3-D, seeded, hover shows the label, a
 * search box circles matching words and lists their nearest neighbours, in the page. Above 2,000
 * points the 2-D scatter is drawn with WebGL (`scattergl`; plain SVG where WebGL is missing).
 * `projectorAsync` does the same with a progress bar and stops on a kernel interrupt.
 */
import { nearestNeighbors, nearestNeighborsSync, pca, tsne, tsneSync, umap, umapSync, validate, type Neighbors, type ProjectionProgress } from "@embedlab/core";
import { escapeHtml } from "../html";
import { round, toMatrix, type Matrix, type TensorLike } from "../matrix";
import { View } from "../View";
import { isWordVectors, wordVectorsMatrix, type WordVectorsLike } from "../views/vectorsLike";
import { formatDuration, progressBar } from "./progressBar";
import { packIndices, searchPanelHtml } from "./searchPanel";
import { tr } from "../lang";

const { checkBool, checkInt, checkKeys, checkNumber, checkOneOf, checkStrings, rangeError, typeError } = validate;

export type { WordVectorsLike } from "../views/vectorsLike";

/** Per-point metadata: columns by name, or one record per point (like the Projector's metadata.tsv). */
export type Metadata = Record<string, readonly (string | number)[]> | readonly Record<string, string | number>[];

/** Options of {@link projector} and {@link projectorAsync}. */
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
  /** Labels to emphasise (circled and named; the points keep their colour). Defaults to none. */
  highlight?: string[];
  /** The seed of UMAP's negative sampling (PCA and t-SNE, which starts from PCA, need none). Defaults to `42`. */
  seed?: number;
  /** t-SNE perplexity. Defaults to `min(30, (N - 1) / 3)`. */
  perplexity?: number;
  /** t-SNE iterations. Defaults to `1000` (core's `tsne`). */
  iterations?: number;
  /** UMAP neighbours. Defaults to `min(15, N - 1)`. */
  nNeighbors?: number;
  /** UMAP minimum distance. Defaults to `0.1`. */
  minDist?: number;
  /** A title. Defaults to `"Projector (<method>)"`. */
  title?: string;
  /** Draw with WebGL (`scattergl`, 2-D only). Defaults to `"auto"`: above 2,000 points. */
  webgl?: boolean | "auto";
  /** Add the search box (matches + nearest neighbours). Defaults to `true` above 40 points (below, every label is drawn). */
  search?: boolean;
  /**
   * Coordinates computed already (core's `tsne`, `umap` or `pca` of the same rows): drawn as they
   * are, nothing is recomputed; their neighbour graph, when they have one, feeds the search box.
   * `method` names the axes. Defaults to none (compute).
   */
  projection?: { n: number; dims: number; points: number[][]; neighbors?: Neighbors; explainedVarianceRatio?: number[] };
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

/** Inputs read and checked once, shared by the sync and async paths. */
interface Prepared {
  fn: string;
  m: Matrix;
  n: number;
  labels: string[];
  meta: Map<string, (string | number)[]>;
  highlight: Set<string>;
  method: "pca" | "tsne" | "umap";
  dims: 2 | 3;
  seed: number;
  perplexity: number;
  iterations?: number;
  nNeighbors: number;
  minDist: number;
  webgl: boolean;
  search: boolean;
  options: ProjectorOptions;
}

/** Neighbours listed per point in the search box. */
const SEARCH_NEIGHBOURS = 10;
/** Up to this many points, sync PCA also computes the neighbour lists (an O(N² D) scan). */
const SYNC_PCA_NEIGHBOURS = 5000;

function prepare(fn: string, input: WordVectorsLike | TensorLike | number[][], options: ProjectorOptions): Prepared {
  checkKeys(fn, options, ["labels", "metadata", "method", "dims", "colorBy", "highlight", "seed", "perplexity", "iterations", "nNeighbors", "minDist", "title", "webgl", "search", "projection"]);
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
  if (method !== "pca" && n < 4) throw rangeError(fn, "vectors", `at least 4 points for ${method === "tsne" ? "t-SNE" : "UMAP"}`, `${n} points`);
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) throw rangeError(fn, `vectors[${Math.floor(i / m.cols)}][${i % m.cols}]`, "a finite number", m.data[i]);
  }
  const labels = options.labels !== undefined ? checkStrings(fn, "options.labels", options.labels, n) : words ? checkStrings(fn, "vectors.words", [...words], n) : Array.from({ length: n }, (_, i) => String(i));
  const meta = metadataColumns(fn, options.metadata, n);
  if (options.colorBy !== undefined && !meta.has(options.colorBy)) {
    throw typeError(fn, "options.colorBy", meta.size ? `one of the metadata columns ${[...meta.keys()].map((k) => JSON.stringify(k)).join(", ")}` : "a metadata column (no metadata was given)", options.colorBy);
  }
  const highlight = new Set(options.highlight === undefined ? [] : checkStrings(fn, "options.highlight", options.highlight));
  if (highlight.size) {
    const known = new Set(labels);
    for (const h of highlight) if (!known.has(h)) throw rangeError(fn, "options.highlight", "labels of points", h);
  }
  const seed = options.seed === undefined ? 42 : checkInt(fn, "options.seed", options.seed, 0, 2 ** 32 - 1);
  const perplexity = options.perplexity === undefined ? Math.max(1, Math.min(30, (n - 1) / 3)) : checkNumber(fn, "options.perplexity", options.perplexity, { positive: true });
  if (method === "tsne" && perplexity >= n) throw rangeError(fn, "options.perplexity", `a number < the number of points (${n})`, perplexity);
  const iterations = options.iterations === undefined ? undefined : checkInt(fn, "options.iterations", options.iterations, 1);
  const nNeighbors = options.nNeighbors === undefined ? Math.max(2, Math.min(15, n - 1)) : checkInt(fn, "options.nNeighbors", options.nNeighbors, 2, n - 1);
  const minDist = options.minDist === undefined ? 0.1 : checkNumber(fn, "options.minDist", options.minDist, { min: 0 });
  if (method === "pca" && m.cols < dims) throw rangeError(fn, "vectors", `at least ${dims} dimensions for a ${dims}-D PCA`, `${m.cols} dimensions`);
  const gl = options.webgl === undefined || options.webgl === "auto" ? "auto" : checkBool(fn, "options.webgl", options.webgl);
  const webgl = dims === 2 && (gl === "auto" ? n > 2000 : gl);
  const search = options.search === undefined ? n > 40 : checkBool(fn, "options.search", options.search);
  const given = options.projection;
  if (given !== undefined) {
    if (given === null || typeof given !== "object" || !Array.isArray(given.points)) throw typeError(fn, "options.projection", "a projection from core (tsne, umap, pca)", given);
    if (given.n !== n || given.dims !== dims) throw rangeError(fn, "options.projection", `a ${dims}-D projection of ${n} points`, `a ${given.dims}-D projection of ${given.n} points`);
  }
  return { fn, m, n, labels, meta, highlight, method, dims, seed, perplexity, iterations, nNeighbors, minDist, webgl, search, options };
}

/** The first `k` neighbours of each point (of a graph with at least `k`). */
function firstNeighbors(nb: Neighbors, k: number): Int32Array {
  if (nb.k === k) return nb.indices;
  const n = nb.indices.length / nb.k;
  const out = new Int32Array(n * k);
  for (let i = 0; i < n; i++) for (let r = 0; r < k; r++) out[i * k + r] = nb.indices[i * nb.k + r];
  return out;
}

interface Computed {
  points: number[][];
  ratio?: number[];
  neighbors?: Neighbors;
}

/** A projection passed in: drawn as it is. */
function given(p: Prepared): Computed | undefined {
  const g = p.options.projection;
  return g && { points: g.points, ratio: g.explainedVarianceRatio, neighbors: g.neighbors };
}

function computeSync(p: Prepared): Computed {
  const { m, method, dims } = p;
  const g = given(p);
  if (g) return g;
  if (method === "pca") {
    const r = pca(m, dims);
    const k = Math.min(SEARCH_NEIGHBOURS, p.n - 1);
    const neighbors = p.search && p.n <= SYNC_PCA_NEIGHBOURS ? nearestNeighborsSync(m, k) : undefined;
    return { points: r.points, ratio: r.explainedVarianceRatio, neighbors };
  }
  if (method === "tsne") {
    const r = tsneSync(m, { dims, perplexity: p.perplexity, iterations: p.iterations, seed: p.seed });
    return { points: r.points, neighbors: r.neighbors };
  }
  const r = umapSync(m, { dims, nNeighbors: p.nNeighbors, minDist: p.minDist, seed: p.seed });
  return { points: r.points, neighbors: r.neighbors };
}

async function computeAsync(p: Prepared, onProgress: (q: ProjectionProgress) => void): Promise<Computed> {
  const { m, method, dims } = p;
  const g = given(p);
  if (g) return g;
  if (method === "pca") {
    const r = pca(m, dims);
    const k = Math.min(SEARCH_NEIGHBOURS, p.n - 1);
    const neighbors = p.search ? await nearestNeighbors(m, k, { onProgress }) : undefined;
    return { points: r.points, ratio: r.explainedVarianceRatio, neighbors };
  }
  if (method === "tsne") {
    const r = await tsne(m, { dims, perplexity: p.perplexity, iterations: p.iterations, seed: p.seed, onProgress });
    return { points: r.points, neighbors: r.neighbors };
  }
  const r = await umap(m, { dims, nNeighbors: p.nNeighbors, minDist: p.minDist, seed: p.seed, onProgress });
  return { points: r.points, neighbors: r.neighbors };
}

const METHOD_NAMES = { pca: "PCA", tsne: "t-SNE", umap: "UMAP" } as const;

/** Rounds coordinates for the page: 4 decimals up to 2,000 points, else ~5 significant digits of the layout's extent (a smaller output). */
function roundPoints(points: number[][], n: number): number[][] {
  let digits = 4;
  if (n > 2000) {
    let lo = Infinity, hi = -Infinity;
    for (const p of points) for (const v of p) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const range = hi - lo;
    digits = range > 0 ? Math.max(0, Math.min(6, 4 - Math.floor(Math.log10(range)))) : 4;
  }
  return points.map((p) => p.map((v) => round(v, digits)));
}

/** Builds the view: the scatter (one trace per colour group), the circled highlights, the search box. */
function draw(p: Prepared, c: Computed): ProjectorView {
  const { n, m, labels, meta, highlight, method, dims, options } = p;
  const points = roundPoints(c.points, n);
  const ratio = c.ratio;
  const title = options.title ?? tr(`Projector (${METHOD_NAMES[method]}, ${dims}-D)`, `投影（${METHOD_NAMES[method]}，${dims} 维）`);
  const axis = (k: number) => (method === "pca" ? `PC${k + 1}${ratio ? ` (${(100 * ratio[k]).toFixed(1)}%)` : ""}` : `${METHOD_NAMES[method]} ${k + 1}`);
  // hover: the label and metadata; at research size without metadata the label alone (text), to keep the output small
  const hoverText = n <= 2000 || meta.size > 0;
  const hover = hoverText ? labels.map((l, i) => [escapeHtml(l), ...[...meta.entries()].map(([k, col]) => `${escapeHtml(k)}: ${escapeHtml(String(col[i]))}`)].join("<br>")) : undefined;
  const showText = n <= 40;
  const type = dims === 3 ? "scatter3d" : p.webgl ? "scattergl" : "scatter";
  const trace = (idx: number[], extra: Record<string, unknown>): Record<string, unknown> => {
    const t: Record<string, unknown> = {
      type,
      mode: showText ? "markers+text" : "markers",
      x: idx.map((i) => points[i][0]),
      y: idx.map((i) => points[i][1]),
      text: idx.map((i) => labels[i]),
      ...(hover ? { hovertext: idx.map((i) => hover[i]), hovertemplate: "%{hovertext}<extra></extra>" } : { hovertemplate: "%{text}<extra></extra>" }),
      textposition: "top center",
      ...extra,
    };
    if (dims === 3) t.z = idx.map((i) => points[i][2]);
    return t;
  };
  const all = labels.map((_, i) => i);
  const size = dims === 3 ? 4 : n > 2000 ? 4 : 8;
  const data: Record<string, unknown>[] = [];
  const colorCol = options.colorBy !== undefined ? (meta.get(options.colorBy) as (string | number)[]) : undefined;
  let order: number[] | undefined; // point index of each entry of the point traces, when grouped
  if (colorCol && colorCol.every((v) => typeof v === "number")) {
    // the colour bar's title stands beside the bar (side "right"), clear of the legend, which goes below the plot
    data.push(trace(all, { name: tr("points", "点"), marker: { size, color: colorCol, colorscale: "Viridis", showscale: true, colorbar: { title: { text: options.colorBy, side: "right" } } } }));
  } else if (colorCol) {
    const groups = [...new Set(colorCol.map(String))].sort();
    order = [];
    for (const g of groups) {
      const idx = all.filter((i) => String(colorCol[i]) === g);
      order.push(...idx);
      data.push(trace(idx, { name: `${options.colorBy}: ${g}`, marker: { size } }));
    }
  } else {
    data.push(trace(all, { name: tr("points", "点"), marker: { size, color: "#1f77b4" } }));
  }
  const pointTraces = data.length;
  if (highlight.size) {
    // an outline over each highlighted point: the point's own colour stays visible inside the ring
    const hi = all.filter((i) => highlight.has(labels[i]));
    data.push(trace(hi, { name: tr("highlighted", "高亮"), mode: "markers+text", marker: { size: size + 10, color: "#111", symbol: "circle-open", line: { width: 2, color: "#111" } }, textfont: { color: "#111" } }));
  }
  const legendBelow = data.length > 1;
  const layout: Record<string, unknown> = {
    title: { text: title },
    height: dims === 3 ? 560 : 480,
    margin: { l: 50, r: 20, t: 40, b: legendBelow ? 90 : 50 },
    hovermode: "closest",
    showlegend: legendBelow,
  };
  // the legend runs horizontally under the plot, so it never covers the colour bar (or its title) on the right
  if (legendBelow) layout.legend = { orientation: "h", x: 0, xanchor: "left", y: dims === 3 ? 0 : -0.2, yanchor: "top" };
  if (dims === 3) layout.scene = { xaxis: { title: { text: axis(0) } }, yaxis: { title: { text: axis(1) } }, zaxis: { title: { text: axis(2) } } };
  else Object.assign(layout, { xaxis: { title: { text: axis(0) }, zeroline: false }, yaxis: { title: { text: axis(1) }, zeroline: false } });
  const shares = ratio ? ratio.map((r) => `${(100 * r).toFixed(1)}%`).join(", ") : "";
  const varNote = ratio ? tr(`; explained variance ${shares}`, `；解释方差 ${shares}`) : "";
  const headline = tr(`${title}: ${n} points of dimension ${m.cols}${varNote}`, `${title}：${n} 个 ${m.cols} 维的点${varNote}`);
  const parts: View["parts"][number][] = [{ kind: "plotly", figure: { data, layout } }];
  if (p.search) {
    const k = c.neighbors ? Math.min(SEARCH_NEIGHBOURS, c.neighbors.k) : 0;
    const nbr = c.neighbors ? packIndices(firstNeighbors(c.neighbors, k)) : null;
    const perm = order ? packIndices(order) : null;
    // a content hash names the box (unique in a page, the same on every run)
    let h = 0x811c9dc5;
    for (const l of labels) for (let i = 0; i < l.length; i++) h = Math.imul(h ^ l.charCodeAt(i), 0x01000193);
    for (let i = 0; i < Math.min(64, points.length); i++) h = Math.imul(h ^ Math.round(points[i][0] * 1000), 0x01000193);
    const id = `embedlab-search-${(h >>> 0).toString(16)}-${method}-${n}`;
    parts.push({ kind: "html", html: searchPanelHtml(id, { labels, k, nbr, traces: pointTraces, perm }) });
  }
  const view = new View({
    title: headline,
    parts,
    text: `${headline}\n` + labels.slice(0, 20).map((l, i) => `${l}\t${points[i].join("\t")}`).join("\n") + (n > 20 ? tr(`\n… ${n - 20} more`, `\n… 另有 ${n - 20} 个`) : ""),
  });
  return new ProjectorView(view, points, method, ratio);
}

/**
 * Projects embedding vectors to 2-D or 3-D and draws them as a scatter plot, like the TensorFlow
 * Embedding Projector: PCA (with explained variance), t-SNE or UMAP (core's `pca` / `tsneSync` /
 * `umapSync`), seeded so the picture is the same every run; hover shows each point's label and
 * metadata; `colorBy` colours by a metadata column; `highlight` circles chosen points; a search box
 * (above 40 points) finds words and lists their nearest neighbours in the page. Blocks until done:
 * for thousands of points use {@link projectorAsync} (progress bar, interruptible).
 *
 * **Input shape:** `[N, D]` (WordVectors, tensor or `number[][]`). **Output:** a {@link ProjectorView} (`points` `[N, dims]`).
 *
 * @example
 * projector(vectors, { method: "umap", highlight: ["king", "queen"] });
 * projector(tf.randomNormal([100, 16]), { labels, metadata: { kind }, colorBy: "kind", dims: 3 });
 */
export function projector(input: WordVectorsLike | TensorLike | number[][], options: ProjectorOptions = {}): ProjectorView {
  const p = prepare("projector", input, options);
  return draw(p, computeSync(p));
}

/**
 * {@link projector} for research-sized inputs: computes in chunks while a progress bar with an ETA
 * updates in place in the cell's output, and stops with `InterruptedError` on a kernel interrupt
 * (the kernel stays usable). The bar ends with the time taken; the view is the same as
 * `projector`'s (the search box always lists neighbours: PCA computes them here too).
 *
 * @example
 * const view = await projectorAsync(vectors, { method: "tsne" });
 * view; // draw it
 */
export async function projectorAsync(input: WordVectorsLike | TensorLike | number[][], options: ProjectorOptions = {}): Promise<ProjectorView> {
  const p = prepare("projectorAsync", input, options);
  const name = tr(`${METHOD_NAMES[p.method]} of ${p.n.toLocaleString("en-US")} points`, `${METHOD_NAMES[p.method]}：${p.n.toLocaleString("en-US")} 个点`);
  const bar = progressBar(name);
  const t0 = Date.now();
  let c: Computed;
  try {
    c = await computeAsync(p, bar.onProgress);
  } catch (e) {
    const took = formatDuration(Date.now() - t0);
    bar.done(tr(`${name}: stopped after ${took} (${(e as Error).message})`, `${name}：${took} 后停止（${(e as Error).message}）`));
    throw e;
  }
  const took = formatDuration(Date.now() - t0);
  bar.done(tr(`${name}: done in ${took}`, `${name}：完成，用时 ${took}`));
  return draw(p, c);
}
