/**
 * `gradientView(layer, grads)`: which rows of an embedding table a batch touched.
 */
import { validate } from "@embedlab/core";
import { htmlTable, textTable, type Cell } from "../html";
import { isTensorLike, round, rowNorms, toMatrix, toVector, type TensorLike } from "../matrix";
import { View } from "../View";
import { readLayer, type EmbeddingLike } from "./embeddingLike";
import { tr } from "../lang";

const { checkKeys, checkStrings, typeError } = validate;

/** Options of {@link gradientView}. */
export interface GradientViewOptions {
  /** The batch's token ids (any shape, flattened): adds how often each touched row occurs. Defaults to none. */
  ids?: TensorLike | number[] | number[][];
  /** Row labels (tokens), one per row. Defaults to the row ids. */
  labels?: string[];
  /** A title. Defaults to `"Gradient of <layer name>"`. */
  title?: string;
}

/** The gradient of the layer's table: a `[V, D]` tensor, or the entry of shape `[V, D]` in a map of gradients. */
function pickGradient(fn: string, grads: unknown, rows: number, cols: number): TensorLike {
  if (isTensorLike(grads)) return grads;
  if (grads !== null && typeof grads === "object") {
    const entries = Object.values((grads as { grads?: unknown }).grads ?? grads).filter(isTensorLike);
    const hit = entries.find((t) => t.shape.length === 2 && t.shape[0] === rows && t.shape[1] === cols);
    if (hit) return hit;
  }
  throw typeError(fn, "grads", `a [${rows}, ${cols}] gradient tensor or a map of gradients holding one`, grads);
}

function flatIds(fn: string, ids: unknown): number[] {
  if (isTensorLike(ids)) return Array.from(ids.dataSync() as ArrayLike<number>);
  if (Array.isArray(ids)) return Array.from(toVector(fn, "options.ids", (ids as unknown[]).flat(Infinity)));
  throw typeError(fn, "options.ids", "a tensor or an array of token ids", ids);
}

/**
 * Which rows of an embedding table a batch's gradient touched: a bar per row (the row's gradient
 * L2 norm; untouched rows are 0 — an embedding's gradient is sparse), the padding row marked, and
 * a table of the touched rows (with their counts in the batch when `ids` is given, which is what
 * `scaleGradByFreq` divides by).
 *
 * **Input:** the layer and its weight gradient `[V, D]` (or `tf.variableGrads(...).grads`). **Output:** a {@link View}.
 *
 * @example
 * const { grads } = tf.variableGrads(() => emb.apply(ids).sum() as tf.Scalar);
 * gradientView(emb, grads, { ids });
 */
export function gradientView(layer: EmbeddingLike, grads: TensorLike | Record<string, TensorLike> | { grads: Record<string, TensorLike> }, options: GradientViewOptions = {}): View {
  const fn = "gradientView";
  checkKeys(fn, options, ["ids", "labels", "title"]);
  const { w, paddingIdx, name } = readLayer(fn, layer);
  const g = toMatrix(fn, "grads", pickGradient(fn, grads, w.rows, w.cols));
  if (g.rows !== w.rows || g.cols !== w.cols) {
    throw new RangeError(`${fn}: expected grads to have the layer's shape [${w.rows}, ${w.cols}], but got [${g.rows}, ${g.cols}]`);
  }
  const labels = options.labels === undefined ? undefined : checkStrings(fn, "options.labels", options.labels, w.rows);
  const counts = new Map<number, number>();
  if (options.ids !== undefined) for (const id of flatIds(fn, options.ids)) counts.set(id, (counts.get(id) ?? 0) + 1);
  const title = options.title ?? tr(`Gradient of ${name}`, `${name} 的梯度`);
  const norms = rowNorms(g);
  const touched = norms.map((n, i) => (n > 0 ? i : -1)).filter((i) => i >= 0);
  const label = (i: number) => (labels ? `${i} ${labels[i]}` : String(i));
  // Past 500 rows a bar per row is unreadable: draw the touched rows (and the padding row) only.
  const drawn = w.rows <= 500 ? norms.map((_, i) => i) : [...new Set([...touched, ...(paddingIdx !== null ? [paddingIdx] : [])])].sort((a, b) => a - b);
  const color = (i: number) => (i === paddingIdx ? "#7f7f7f" : norms[i] > 0 ? "#1f77b4" : "#d9d9d9");
  const header = [tr("row", "行"), tr("gradient norm", "梯度范数"), ...(options.ids !== undefined ? [tr("count in batch", "批次中出现次数")] : [])];
  const body: Cell[][] = touched.map((i) => [
    { text: label(i), cls: "el-text" },
    { text: String(round(norms[i], 6)) },
    ...(options.ids !== undefined ? [{ text: String(counts.get(i) ?? 0) }] : []),
  ]);
  const padCount = paddingIdx !== null ? counts.get(paddingIdx) : undefined;
  const padNote = paddingIdx !== null
    ? tr(
      `; padding row ${paddingIdx} gradient norm ${round(norms[paddingIdx], 6)}${padCount ? ` (occurs ${padCount}× in the batch)` : ""}`,
      `；填充行 ${paddingIdx} 的梯度范数 ${round(norms[paddingIdx], 6)}${padCount ? `（在批次中出现 ${padCount} 次）` : ""}`,
    )
    : "";
  const note = tr(`the batch touched ${touched.length} of ${w.rows} rows${padNote}`, `这个批次用到了 ${w.rows} 行中的 ${touched.length} 行${padNote}`);
  return new View({
    title: `${title}${tr(": ", "：")}${note}`,
    parts: [
      {
        kind: "plotly",
        figure: {
          data: [{ type: "bar", x: drawn.map(label), y: drawn.map((i) => round(norms[i], 6)), marker: { color: drawn.map(color) }, hovertemplate: tr("row %{x}: ‖grad‖ %{y}", "行 %{x}：‖grad‖ %{y}") + "<extra></extra>" }],
          layout: {
            title: { text: tr(`${title}: row gradient norms (grey: padding row)`, `${title}：各行的梯度范数（灰色：填充行）`) },
            height: 320,
            margin: { l: 60, r: 20, t: 40, b: 60 },
            xaxis: { title: { text: tr("row (token id)", "行（词元 id）") }, type: "category" },
            yaxis: { title: { text: tr("‖gradient row‖₂", "‖梯度行‖₂") } },
          },
        },
      },
      { kind: "html", html: htmlTable(header, body, { caption: note }) },
    ],
    text: `${title}${tr(": ", "：")}${note}\n${textTable(header, touched.map((i) => [label(i), round(norms[i], 6), ...(options.ids !== undefined ? [counts.get(i) ?? 0] : [])]))}`,
  });
}
