/**
 * `embeddingView(layer)`: an embedding table as a heatmap with its padding row and frozen state
 * marked, and the histogram of row norms with the `maxNorm` line.
 */
import { validate } from "@embedlab/core";
import { colorscale, DIVERGING } from "../colorScale";
import { extent, heatmapGrid, round, rowNorms, type Matrix } from "../matrix";
import { View } from "../View";
import { readLayer, type EmbeddingLike } from "./embeddingLike";

const { checkInt, checkKeys, checkStrings } = validate;

/** Options of {@link embeddingView}. */
export interface EmbeddingViewOptions {
  /** Row labels (tokens), one per row. Defaults to the row ids. */
  labels?: string[];
  /** Rows drawn in the heatmap (the first ones). Defaults to `100`. */
  maxRows?: number;
  /** A title. Defaults to the layer's name. */
  title?: string;
}

function firstRows(w: Matrix, n: number): Matrix {
  return { rows: Math.min(n, w.rows), cols: w.cols, data: w.data.subarray(0, Math.min(n, w.rows) * w.cols) };
}

/**
 * An embedding layer's weight `[V, D]`: a heatmap of its first `maxRows` rows (the padding row
 * outlined, "frozen" in the title when `trainable` is false) and a histogram of all row L2 norms
 * with a line at `maxNorm`.
 *
 * **Input:** a built layer with `getWeights()[0]` of shape `[V, D]`. **Output:** a {@link View} (2 figures).
 *
 * @example
 * const emb = embedding({ numEmbeddings: 20, embeddingDim: 8, paddingIdx: 0, maxNorm: 1 });
 * emb.apply(tf.tensor2d([[1, 2]], undefined, "int32"));
 * embeddingView(emb);
 */
export function embeddingView(layer: EmbeddingLike, options: EmbeddingViewOptions = {}): View {
  const fn = "embeddingView";
  checkKeys(fn, options, ["labels", "maxRows", "title"]);
  const { w, paddingIdx, maxNorm, trainable, name } = readLayer(fn, layer);
  const labels = options.labels === undefined ? undefined : checkStrings(fn, "options.labels", options.labels, w.rows);
  const maxRows = options.maxRows === undefined ? 100 : checkInt(fn, "options.maxRows", options.maxRows, 1);
  const title = options.title ?? name;
  const state = trainable ? "trainable" : "frozen (trainable = false)";
  const grid = heatmapGrid(firstRows(w, maxRows), 200, 4);
  const norms = rowNorms(w);
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  if (paddingIdx !== null && paddingIdx < maxRows) {
    shapes.push({ type: "rect", xref: "paper", x0: 0, x1: 1, yref: "y", y0: paddingIdx - 0.5, y1: paddingIdx + 0.5, line: { color: "#d62728", width: 2 } });
    annotations.push({ xref: "paper", x: 1, xanchor: "left", yref: "y", y: paddingIdx, text: "padding", showarrow: false, font: { color: "#d62728" } });
  }
  const yLabels = labels ? grid.y.map((i) => `${i} ${labels[i]}`) : grid.y;
  const [lo, hi] = extent(norms);
  const normStats = `row norms min ${round(lo, 4)}, mean ${round(norms.reduce((a, b) => a + b, 0) / (norms.length || 1), 4)}, max ${round(hi, 4)}`;
  const histShapes = maxNorm !== null ? [{ type: "line", xref: "x", x0: maxNorm, x1: maxNorm, yref: "paper", y0: 0, y1: 1, line: { color: "#d62728", dash: "dash", width: 2 } }] : [];
  const histNotes = maxNorm !== null ? [{ xref: "x", x: maxNorm, yref: "paper", y: 1, text: `maxNorm = ${maxNorm}`, showarrow: false, yanchor: "bottom", font: { color: "#d62728" } }] : [];
  const settings = [`[${w.rows}, ${w.cols}]`, state, paddingIdx !== null ? `paddingIdx ${paddingIdx}` : "no padding row", maxNorm !== null ? `maxNorm ${maxNorm}` : "no maxNorm"];
  return new View({
    title: `${title}: ${settings.join(" · ")}`,
    parts: [
      {
        kind: "plotly",
        figure: {
          data: [{ type: "heatmap", z: grid.z, x: grid.x, y: yLabels, colorscale: colorscale(DIVERGING), zmid: 0, hovertemplate: "row %{y}, dim %{x}: %{z}<extra></extra>" }],
          layout: {
            title: { text: `${title} weights${w.rows > maxRows ? ` (rows 0–${maxRows - 1} of ${w.rows})` : ""}${trainable ? "" : " — frozen"}` },
            height: Math.min(640, 160 + 14 * grid.y.length),
            margin: { l: labels ? 110 : 50, r: 70, t: 40, b: 50 },
            xaxis: { title: { text: "dimension" } },
            yaxis: { title: { text: "row (token id)" }, autorange: "reversed", type: labels ? "category" : "linear" },
            shapes,
            annotations: labels ? annotations.map((a) => ({ ...a, y: yLabels[paddingIdx as number] })) : annotations,
          },
        },
      },
      {
        kind: "plotly",
        figure: {
          data: [{ type: "histogram", x: norms.map((v) => round(v, 4)), nbinsx: Math.min(50, Math.max(5, Math.ceil(Math.sqrt(norms.length)))), marker: { color: "#1f77b4" }, name: "row norms" }],
          layout: {
            title: { text: `Row L2 norms (${normStats})` },
            height: 300,
            margin: { l: 50, r: 20, t: 40, b: 50 },
            xaxis: { title: { text: "‖row‖₂" } },
            yaxis: { title: { text: "rows" } },
            shapes: histShapes,
            annotations: histNotes,
          },
        },
      },
    ],
    text: `${title}: ${settings.join(", ")}; ${normStats}${norms.length && maxNorm !== null ? `; ${norms.filter((n) => n > maxNorm + 1e-6).length} rows above maxNorm` : ""}`,
  });
}
