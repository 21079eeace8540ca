/**
 * `tensorView(t)`: a tensor's shape, dtype, backend and values as an HTML table, elided like
 * PyTorch's repr when large (never a 10 MB output), optionally a heatmap for 2-D numeric tensors.
 */
import { tf, validate } from "@embedlab/core";
import { fmt, htmlTable, type Cell } from "../html";
import { colorscale, DIVERGING } from "../colorScale";
import { checkLive, isTensorLike, round, type TensorLike } from "../matrix";
import { View, type ViewPart } from "../View";
import { tr } from "../lang";

const { checkBool, checkInt, checkKeys, typeError } = validate;

/** Options of {@link tensorView}. */
export interface TensorViewOptions {
  /** Elide when the tensor has more elements than this (PyTorch's `threshold`). Defaults to `1000`. */
  threshold?: number;
  /** Items kept at each end of an elided dimension (PyTorch's `edgeitems`). Defaults to `3`. */
  edgeItems?: number;
  /** Decimals of floating-point values. Defaults to `4`. */
  precision?: number;
  /** Also draw a 2-D numeric tensor as a heatmap (sampled to at most 200 × 200 cells). Defaults to `false`. */
  heatmap?: boolean;
  /** A title. Defaults to `"Tensor"`. */
  title?: string;
}

const ELIDED = -1;
/** Rows/columns a heatmap keeps at most: 40,000 cells stay a few hundred kB of JSON. */
const HEATMAP_SIDE = 200;

/** The indices shown along a dimension of `size`, with `ELIDED` where PyTorch prints `...`. */
function shownIndices(size: number, edge: number, elide: boolean): number[] {
  if (!elide || size <= 2 * edge) return Array.from({ length: size }, (_, i) => i);
  return [...Array.from({ length: edge }, (_, i) => i), ELIDED, ...Array.from({ length: edge }, (_, i) => size - edge + i)];
}

/** The backend that holds `t` (`"cpu"`, `"wasm"`, …), or the active one. */
function backendOf(t: TensorLike): string {
  try {
    const engine = tf.engine() as unknown as {
      state: { tensorInfo: WeakMap<object, { backend: unknown }> };
      registry: Record<string, unknown>;
    };
    const dataId = (t as { dataId?: object }).dataId;
    const info = dataId ? engine.state.tensorInfo.get(dataId) : undefined;
    if (info) {
      const name = Object.keys(engine.registry).find((n) => engine.registry[n] === info.backend);
      if (name) return name;
    }
  } catch {
    // A tensor from another tfjs copy: fall back to the active backend.
  }
  return tf.getBackend() ?? "unknown";
}

/**
 * A tensor's shape, dtype and backend, with its values as an HTML table: 0-D a cell, 1-D a row,
 * 2-D a grid, N-D one grid per leading index. Tensors with more than `threshold` elements are
 * elided like PyTorch (`edgeItems` at each end of every dimension). Reads the values once; does not
 * dispose or keep `t`.
 *
 * **Input shape:** any. **Output:** a {@link View} (a table, plus a heatmap with `heatmap: true`).
 *
 * @example
 * tensorView(tf.tensor2d([[1, 2], [3, 4]]));               // 2 × 2 table
 * tensorView(bigTensor, { edgeItems: 2, heatmap: true });  // elided table + heatmap
 */
export function tensorView(t: TensorLike, options: TensorViewOptions = {}): View {
  const fn = "tensorView";
  if (!isTensorLike(t)) throw typeError(fn, "t", "a tensor", t);
  checkKeys(fn, options, ["threshold", "edgeItems", "precision", "heatmap", "title"]);
  checkLive(fn, "t", t);
  const threshold = options.threshold === undefined ? 1000 : checkInt(fn, "options.threshold", options.threshold, 0);
  const edge = options.edgeItems === undefined ? 3 : checkInt(fn, "options.edgeItems", options.edgeItems, 1);
  const precision = options.precision === undefined ? 4 : checkInt(fn, "options.precision", options.precision, 0, 12);
  const heatmap = options.heatmap === undefined ? false : checkBool(fn, "options.heatmap", options.heatmap);
  if (heatmap && (t.shape.length !== 2 || t.dtype === "string")) {
    throw typeError(fn, "options.heatmap", "used with a 2-D numeric tensor", t);
  }
  const title = options.title ?? tr("Tensor", "张量");

  const shape = [...t.shape];
  const size = shape.reduce((a, b) => a * b, 1);
  const values = t.dataSync() as ArrayLike<number | string>;
  const elide = size > threshold;
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const isFloat = t.dtype === "float32" || t.dtype === "complex64";
  const show = (v: number | string): string => {
    if (t.dtype === "bool") return String(v === 1);
    if (typeof v === "string" || !isFloat || !Number.isFinite(v)) return fmt(v, precision);
    // Floats all with `precision` decimals, like PyTorch; exponent form for tiny or huge magnitudes.
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-4 || a >= 1e8) ? v.toExponential(precision) : v.toFixed(precision).replace(/^-(0\.0+)$/, "$1");
  };
  const backend = backendOf(t);
  const summary = tr(
    `shape [${shape.join(", ")}] · ${t.dtype} · backend ${backend}${elide ? ` · ${size.toLocaleString("en-US")} values, elided` : ""}`,
    `形状 [${shape.join(", ")}] · ${t.dtype} · 后端 ${backend}${elide ? ` · 共 ${size.toLocaleString("en-US")} 个值，已省略` : ""}`,
  );

  // --- text form, PyTorch style ---
  const text = `tensor(${textRepr(values, shape, strides, edge, elide, show)}, shape=[${shape.join(", ")}], dtype=${t.dtype}, backend=${backend})`;

  // --- HTML tables ---
  const parts: ViewPart[] = [];
  const cell = (flat: number): Cell => ({ text: show(values[flat]) });
  const elided: Cell = { text: "…", cls: "el-elided" };
  const table2d = (offset: number, rows: number, cols: number, caption?: string): string => {
    const ri = shownIndices(rows, edge, elide);
    const ci = shownIndices(cols, edge, elide);
    const header: (string | Cell)[] = ["", ...ci.map((j) => (j === ELIDED ? "…" : String(j)))];
    const body = ri.map((i) =>
      i === ELIDED
        ? [{ text: "⋮", cls: "el-elided" }, ...ci.map(() => ({ text: "⋮", cls: "el-elided" }))]
        : [{ text: String(i), cls: "el-text" } as Cell, ...ci.map((j) => (j === ELIDED ? elided : cell(offset + i * cols + j)))],
    );
    return htmlTable(header, body, { caption });
  };
  if (shape.length === 0) {
    parts.push({ kind: "html", html: htmlTable([], [[cell(0)]]) });
  } else if (shape.length === 1) {
    const ci = shownIndices(shape[0], edge, elide);
    parts.push({ kind: "html", html: htmlTable(ci.map((j) => (j === ELIDED ? "…" : String(j))), [ci.map((j) => (j === ELIDED ? elided : cell(j)))]) });
  } else {
    const [rows, cols] = shape.slice(-2);
    const lead = shape.slice(0, -2);
    // Every combination of the leading indices (elided the same way), one grid each.
    let combos: number[][] = [[]];
    for (const n of lead) combos = combos.flatMap((c) => shownIndices(n, edge, elide).map((i) => [...c, i]));
    let lastElided = false;
    for (const c of combos) {
      if (c.includes(ELIDED)) {
        // One "⋮" per run of elided blocks.
        if (!lastElided) parts.push({ kind: "html", html: `<div class="embedlab-note el-elided">⋮</div>` });
        lastElided = true;
        continue;
      }
      lastElided = false;
      const offset = c.reduce((a, i, d) => a + i * strides[d], 0);
      const caption = lead.length ? `[${[...c, ":", ":"].join(", ")}]` : undefined;
      parts.push({ kind: "html", html: table2d(offset, rows, cols, caption) });
    }
  }

  // --- optional heatmap ---
  if (heatmap) {
    const [rows, cols] = shape;
    const rs = Math.max(1, Math.ceil(rows / HEATMAP_SIDE));
    const cs = Math.max(1, Math.ceil(cols / HEATMAP_SIDE));
    const y: number[] = [];
    const x: number[] = [];
    for (let i = 0; i < rows; i += rs) y.push(i);
    for (let j = 0; j < cols; j += cs) x.push(j);
    const z = y.map((i) => x.map((j) => round(Number(values[i * cols + j]), precision)));
    parts.push({
      kind: "plotly",
      figure: {
        data: [{ type: "heatmap", z, x, y, colorscale: colorscale(DIVERGING), zmid: 0, hovertemplate: tr("row %{y}, col %{x}: %{z}", "行 %{y}，列 %{x}：%{z}") + "<extra></extra>" }],
        layout: {
          title: {
            text: rs > 1 || cs > 1
              ? tr(`${title} (every ${rs > 1 ? `${rs}th row` : "row"}, ${cs > 1 ? `${cs}th column` : "column"})`, `${title}（${rs > 1 ? `每 ${rs} 行取一行` : "每行"}，${cs > 1 ? `每 ${cs} 列取一列` : "每列"}）`)
              : title,
          },
          height: 360,
          margin: { l: 50, r: 20, t: 40, b: 40 },
          yaxis: { autorange: "reversed", title: { text: tr("row", "行") } },
          xaxis: { title: { text: tr("column", "列") } },
        },
      },
    });
  }
  return new View({ title: `${title}${tr(": ", "：")}${summary}`, parts, text });
}

function textRepr(
  values: ArrayLike<number | string>,
  shape: number[],
  strides: number[],
  edge: number,
  elide: boolean,
  show: (v: number | string) => string,
): string {
  if (shape.length === 0) return show(values[0]);
  // Pad every shown value to the widest one, like PyTorch.
  const shownFlat: number[] = [];
  const collect = (d: number, offset: number): void => {
    if (d === shape.length) return void shownFlat.push(offset);
    for (const i of shownIndices(shape[d], edge, elide)) if (i !== ELIDED) collect(d + 1, offset + i * strides[d]);
  };
  collect(0, 0);
  // Strings are not padded (they are quoted, and alignment would mislead).
  const width = typeof values[0] === "string" ? 0 : shownFlat.reduce((w, f) => Math.max(w, show(values[f]).length), 0);
  const prefix = "tensor(".length;
  const rec = (d: number, offset: number): string => {
    const idx = shownIndices(shape[d], edge, elide);
    if (d === shape.length - 1) {
      return "[" + idx.map((i) => (i === ELIDED ? "..." : show(values[offset + i]).padStart(width))).join(", ") + "]";
    }
    const sep = ",\n" + "\n".repeat(Math.max(0, shape.length - d - 2)) + " ".repeat(prefix + d + 1);
    return "[" + idx.map((i) => (i === ELIDED ? "..." : rec(d + 1, offset + i * strides[d]))).join(sep) + "]";
  };
  return rec(0, 0);
}
