/**
 * `positionalEncodingView(pe)`: the sinusoidal table as a position × dimension heatmap, and the
 * sine/cosine curves of chosen dimensions.
 */
import { validate } from "@embedlab/core";
import { colorscale, DIVERGING } from "../colorScale";
import { extent, heatmapGrid, round, toMatrix, type TensorLike } from "../matrix";
import { View } from "../View";
import { tr } from "../lang";

const { checkInt, checkKeys, typeError } = validate;

/** Options of {@link positionalEncodingView}. */
export interface PositionalEncodingViewOptions {
  /** Dimensions whose curves are drawn. Defaults to `[0, 1]` plus the pair in the middle and the last pair. */
  dims?: number[];
  /** A title. Defaults to `"Positional encoding"`. */
  title?: string;
}

/**
 * A positional-encoding table as a heatmap (rows = positions, columns = dimensions; even columns
 * are sines, odd ones cosines, wavelengths growing with the dimension) and the curves of `dims`
 * over the positions. Tables larger than 200 × 200 are sampled (every k-th row/column) for the heatmap.
 *
 * **Input shape:** `[maxSeqLen, dModel]`. **Output:** a {@link View} (heatmap + curves).
 *
 * @example
 * positionalEncodingView(positionalEncoding(50, 16), { dims: [0, 1, 6, 7] });
 */
export function positionalEncodingView(pe: TensorLike | number[][], options: PositionalEncodingViewOptions = {}): View {
  const fn = "positionalEncodingView";
  checkKeys(fn, options, ["dims", "title"]);
  const m = toMatrix(fn, "pe", pe);
  const T = m.rows;
  const D = m.cols;
  let dims: number[];
  if (options.dims === undefined) {
    const mid = 2 * Math.floor(D / 4);
    const last = D % 2 === 0 ? D - 2 : D - 1;
    dims = [...new Set([0, 1, mid, mid + 1, last, last + 1])].filter((d) => d >= 0 && d < D);
  } else {
    if (!Array.isArray(options.dims)) throw typeError(fn, "options.dims", "an array of dimension indices", options.dims);
    dims = options.dims.map((d, k) => checkInt(fn, `options.dims[${k}]`, d, 0, D - 1));
  }
  const title = options.title ?? tr("Positional encoding", "位置编码");
  const grid = heatmapGrid(m, 200, 4);
  const sampled = grid.rowStep > 1 || grid.colStep > 1 ? tr(` (every ${grid.rowStep}th position, ${grid.colStep}th dimension)`, `（每 ${grid.rowStep} 个位置、每 ${grid.colStep} 个维度取一个）`) : "";
  const positions = Array.from({ length: T }, (_, i) => i);
  const range = extent(m.data).map((v) => round(v, 4)).join(", ");
  const curves = dims.map((d) => ({
    type: "scatter",
    mode: "lines",
    name: tr(`dim ${d} (${d % 2 === 0 ? "sin" : "cos"})`, `维度 ${d}（${d % 2 === 0 ? "sin" : "cos"}）`),
    x: positions,
    y: positions.map((p) => round(m.data[p * D + d], 4)),
  }));
  return new View({
    title: `${title} [${T}, ${D}]`,
    parts: [
      {
        kind: "plotly",
        figure: {
          data: [{ type: "heatmap", z: grid.z, x: grid.x, y: grid.y, colorscale: colorscale(DIVERGING), zmin: -1, zmax: 1, hovertemplate: tr("position %{y}, dim %{x}: %{z}", "位置 %{y}，维度 %{x}：%{z}") + "<extra></extra>" }],
          layout: {
            title: { text: tr(`${title}: position × dimension${sampled}`, `${title}：位置 × 维度${sampled}`) },
            height: 380,
            margin: { l: 60, r: 20, t: 40, b: 50 },
            xaxis: { title: { text: tr("dimension (even: sin, odd: cos)", "维度（偶数：sin，奇数：cos）") } },
            yaxis: { title: { text: tr("position", "位置") }, autorange: "reversed" },
          },
        },
      },
      {
        kind: "plotly",
        figure: {
          data: curves,
          layout: {
            title: { text: tr("Chosen dimensions over positions", "所选维度随位置的变化") },
            height: 320,
            margin: { l: 50, r: 20, t: 40, b: 50 },
            xaxis: { title: { text: tr("position", "位置") } },
            yaxis: { title: { text: tr("value", "取值") }, range: [-1.1, 1.1] },
          },
        },
      },
    ],
    text: tr(`${title}: [${T} positions, ${D} dimensions]; curves of dims ${dims.join(", ")}; range [${range}]`, `${title}：[${T} 个位置，${D} 个维度]；画出曲线的维度 ${dims.join(", ")}；取值范围 [${range}]`),
  });
}
