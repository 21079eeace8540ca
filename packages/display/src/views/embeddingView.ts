/**
 * `embeddingView(layer)`: an embedding table as a heatmap with its padding row and frozen state
 * marked, and the histogram of row norms with the `maxNorm` line.
 */
import { validate } from "@embedlab/core";
import { colorscale, DIVERGING } from "../colorScale";
import { extent, heatmapGrid, round, rowNorms, type Matrix } from "../matrix";
import { View } from "../View";
import { readLayer, type EmbeddingLike } from "./embeddingLike";
import { tr } from "../lang";

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
  const state = trainable ? tr("trainable", "可训练") : tr("frozen (trainable = false)", "已冻结（trainable = false）");
  const grid = heatmapGrid(firstRows(w, maxRows), 200, 4);
  const norms = rowNorms(w);
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  if (paddingIdx !== null && paddingIdx < maxRows) {
    shapes.push({ type: "rect", xref: "paper", x0: 0, x1: 1, yref: "y", y0: paddingIdx - 0.5, y1: paddingIdx + 0.5, line: { color: "#d62728", width: 2 } });
    annotations.push({ xref: "paper", x: 1, xanchor: "left", yref: "y", y: paddingIdx, text: tr("padding", "填充"), showarrow: false, font: { color: "#d62728" } });
  }
  const yLabels = labels ? grid.y.map((i) => `${i} ${labels[i]}`) : grid.y;
  const [lo, hi] = extent(norms);
  const above = maxNorm !== null ? norms.filter((n) => n > maxNorm + 1e-6).length : 0;
  const meanNorm = round(norms.reduce((a, b) => a + b, 0) / (norms.length || 1), 4);
  const normStats = tr(`row norms min ${round(lo, 4)}, mean ${meanNorm}, max ${round(hi, 4)}`, `行范数：最小 ${round(lo, 4)}，平均 ${meanNorm}，最大 ${round(hi, 4)}`);
  const histShapes = maxNorm !== null ? [{ type: "line", xref: "x", x0: maxNorm, x1: maxNorm, yref: "paper", y0: 0, y1: 1, line: { color: "#d62728", dash: "dash", width: 2 } }] : [];
  const histNotes = maxNorm !== null ? [{ xref: "x", x: maxNorm, yref: "paper", y: 1, text: `maxNorm = ${maxNorm}`, showarrow: false, yanchor: "bottom", font: { color: "#d62728" } }] : [];
  const settings = [`[${w.rows}, ${w.cols}]`, state, paddingIdx !== null ? `paddingIdx ${paddingIdx}` : tr("no padding row", "无填充行"), maxNorm !== null ? `maxNorm ${maxNorm}` : tr("no maxNorm", "无 maxNorm")];
  return new View({
    title: `${title}${tr(": ", "：")}${settings.join(" · ")}`,
    parts: [
      {
        kind: "plotly",
        figure: {
          data: [{ type: "heatmap", z: grid.z, x: grid.x, y: yLabels, colorscale: colorscale(DIVERGING), zmid: 0, hovertemplate: tr("row %{y}, dim %{x}: %{z}", "行 %{y}，维度 %{x}：%{z}") + "<extra></extra>" }],
          layout: {
            title: {
              text: tr(
                `${title} weights${w.rows > maxRows ? ` (rows 0–${maxRows - 1} of ${w.rows})` : ""}${trainable ? "" : " — frozen"}`,
                `${title} 的权重${w.rows > maxRows ? `（第 0–${maxRows - 1} 行，共 ${w.rows} 行）` : ""}${trainable ? "" : "，已冻结"}`,
              ),
            },
            height: Math.min(640, 160 + 14 * grid.y.length),
            margin: { l: labels ? 110 : 50, r: 70, t: 40, b: 50 },
            xaxis: { title: { text: tr("dimension", "维度") } },
            yaxis: { title: { text: tr("row (token id)", "行（词元 id）") }, autorange: "reversed", type: labels ? "category" : "linear" },
            shapes,
            annotations: labels ? annotations.map((a) => ({ ...a, y: yLabels[paddingIdx as number] })) : annotations,
          },
        },
      },
      {
        kind: "plotly",
        figure: {
          data: [{ type: "histogram", x: norms.map((v) => round(v, 4)), nbinsx: Math.min(50, Math.max(5, Math.ceil(Math.sqrt(norms.length)))), marker: { color: "#1f77b4" }, name: tr("row norms", "行范数") }],
          layout: {
            title: { text: tr(`Row L2 norms (${normStats})`, `各行的 L2 范数（${normStats}）`) },
            height: 300,
            margin: { l: 50, r: 20, t: 40, b: 50 },
            xaxis: { title: { text: tr("‖row‖₂", "‖行‖₂") } },
            yaxis: { title: { text: tr("rows", "行数") } },
            shapes: histShapes,
            annotations: histNotes,
          },
        },
      },
    ],
    text: `${title}${tr(": ", "：")}${settings.join(tr(", ", "，"))}${tr("; ", "；")}${normStats}${norms.length && maxNorm !== null ? tr(`; ${above} rows above maxNorm`, `；${above} 行超过 maxNorm`) : ""}`,
  });
}
