/**
 * `oneHotView(matrix)`: a one-hot (or any 0/1) matrix with its category labels.
 */
import { validate } from "@embedlab/core";
import { htmlTable, textTable, type Cell } from "../html";
import { categoryAxis, positionsOf } from "../categoryAxis";
import { colorscale, SEQUENTIAL } from "../colorScale";
import { toMatrix, type TensorLike } from "../matrix";
import { View } from "../View";
import { tr } from "../lang";

const { checkKeys, checkStrings } = validate;

/** Options of {@link oneHotView}. */
export interface OneHotViewOptions {
  /** Column labels (one per category). Defaults to `"0"`, `"1"`, …. */
  categories?: string[];
  /** Row labels (the encoded items). Defaults to `"0"`, `"1"`, …. */
  rows?: string[];
  /** A title. Defaults to `"One-hot encoding"`. */
  title?: string;
}

/**
 * A one-hot matrix as a labelled heatmap and table: one row per item, one column per category, the
 * single 1 of each row highlighted.
 *
 * **Input shape:** `[N, C]` (tensor or `number[][]`). **Output:** a {@link View} (heatmap + table).
 *
 * @example
 * const x = oneHot(tf.tensor1d([0, 2, 1], "int32"), 3);
 * oneHotView(x, { categories: ["cat", "dog", "bird"], rows: ["cat", "bird", "dog"] });
 */
export function oneHotView(matrix: TensorLike | number[][], options: OneHotViewOptions = {}): View {
  const fn = "oneHotView";
  checkKeys(fn, options, ["categories", "rows", "title"]);
  const m = toMatrix(fn, "matrix", matrix);
  const cats = options.categories === undefined ? Array.from({ length: m.cols }, (_, j) => String(j)) : checkStrings(fn, "options.categories", options.categories, m.cols);
  const rows = options.rows === undefined ? Array.from({ length: m.rows }, (_, i) => String(i)) : checkStrings(fn, "options.rows", options.rows, m.rows);
  const title = options.title ?? tr("One-hot encoding", "独热编码");
  const z: number[][] = [];
  const body: Cell[][] = [];
  for (let i = 0; i < m.rows; i++) {
    const r: number[] = [];
    for (let j = 0; j < m.cols; j++) r.push(m.data[i * m.cols + j]);
    z.push(r);
    body.push([{ text: rows[i], cls: "el-text" }, ...r.map((v) => ({ text: String(v), cls: v !== 0 ? "el-hot" : undefined }))]);
  }
  const nonzero = m.data.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0);
  const cells = m.rows * m.cols;
  const dense = cells ? ((100 * nonzero) / cells).toFixed(1) : 0;
  const note = tr(`${m.rows} items × ${m.cols} categories: ${nonzero} non-zero of ${cells} (${dense}% dense)`, `${m.rows} 个条目 × ${m.cols} 个类别：${cells} 个值中有 ${nonzero} 个非零（密度 ${dense}%）`);
  return new View({
    title: `${title} [${m.rows}, ${m.cols}]`,
    parts: [
      {
        kind: "plotly",
        figure: {
          data: [{
            // Positions, not labels, on both axes: equal labels (cat, bird, dog, cat) keep a row each.
            type: "heatmap", z, x: positionsOf(m.cols), y: positionsOf(m.rows), zmin: 0, zmax: 1, showscale: false,
            colorscale: colorscale(SEQUENTIAL), xgap: 1, ygap: 1,
            text: z.map((r, i) => r.map((v, j) => `${rows[i]} → ${cats[j]}: ${v}`)),
            hovertemplate: "%{text}<extra></extra>",
          }],
          layout: {
            title: { text: title },
            height: Math.min(600, 120 + 28 * m.rows),
            margin: { l: 80, r: 20, t: 40, b: 60 },
            xaxis: categoryAxis(cats, { title: { text: tr("category", "类别") }, side: "bottom" }),
            yaxis: categoryAxis(rows, { title: { text: tr("item", "条目") }, autorange: "reversed" }),
          },
        },
      },
      { kind: "html", html: htmlTable(["", ...cats], body, { caption: note }) },
    ],
    text: `${title}${tr(": ", "：")}${note}\n${textTable(["", ...cats], z.map((r, i) => [rows[i], ...r]))}`,
  });
}
