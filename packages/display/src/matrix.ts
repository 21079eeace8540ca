/**
 * Plain numeric input for the views: a tensor (anything with `shape`, `dtype` and `dataSync()`),
 * a `number[][]`, or a `number[]`. Views read the values once and never keep or dispose the
 * caller's tensor. Not re-exported.
 */
import { validate } from "@embedlab/core";

const { formatShape, typeError, rangeError } = validate;

/** The structural type of a tfjs tensor that the views need (any tfjs copy, any backend). */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly dtype: string;
  dataSync(): ArrayLike<number | string> | Uint8Array[];
  readonly isDisposed?: boolean;
}

/** A dense row-major matrix of float64 values. */
export interface Matrix {
  rows: number;
  cols: number;
  /** Row-major values, `rows * cols` long. */
  data: Float64Array;
}

/** Whether `x` looks like a tfjs tensor. */
export function isTensorLike(x: unknown): x is TensorLike {
  if (x === null || typeof x !== "object") return false;
  const t = x as Partial<TensorLike>;
  return Array.isArray(t.shape) && typeof t.dtype === "string" && typeof t.dataSync === "function";
}

/** Throws the house error for a disposed tensor. */
export function checkLive(fn: string, arg: string, t: TensorLike): void {
  if (t.isDisposed) throw new TypeError(`${fn}: expected ${arg} to be a live tensor, but got a disposed ${t.dtype} tensor of shape ${formatShape(t.shape)}`);
}

/**
 * Reads a 2-D numeric input. **Input shape:** `[R, C]` tensor or `number[][]`. **Output:** a {@link Matrix}.
 */
export function toMatrix(fn: string, arg: string, x: unknown): Matrix {
  if (isTensorLike(x)) {
    checkLive(fn, arg, x);
    if (x.shape.length !== 2) throw rangeError(fn, arg, "a 2-D tensor [rows, columns]", x);
    if (x.dtype === "string" || x.dtype === "complex64") throw typeError(fn, arg, "a numeric tensor", x);
    const v = x.dataSync() as ArrayLike<number>;
    return { rows: x.shape[0], cols: x.shape[1], data: Float64Array.from(v) };
  }
  if (Array.isArray(x)) {
    const rows = x.length;
    const cols = rows > 0 && Array.isArray(x[0]) ? (x[0] as unknown[]).length : 0;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const r = x[i] as unknown;
      if (!Array.isArray(r) && !ArrayBuffer.isView(r)) throw typeError(fn, `${arg}[${i}]`, "an array of numbers", r);
      const row = r as ArrayLike<unknown>;
      if (row.length !== cols) throw rangeError(fn, `${arg}[${i}].length`, `${cols} like row 0`, row.length);
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== "number" || Number.isNaN(v)) throw typeError(fn, `${arg}[${i}][${j}]`, "a number", v);
        data[i * cols + j] = v;
      }
    }
    return { rows, cols, data };
  }
  throw typeError(fn, arg, "a 2-D tensor or an array of number arrays", x);
}

/** Reads a 1-D numeric input (tensor `[N]`, `number[]` or typed array). */
export function toVector(fn: string, arg: string, x: unknown): Float64Array {
  if (isTensorLike(x)) {
    checkLive(fn, arg, x);
    if (x.shape.length !== 1) throw rangeError(fn, arg, "a 1-D tensor", x);
    if (x.dtype === "string") throw typeError(fn, arg, "a numeric tensor", x);
    return Float64Array.from(x.dataSync() as ArrayLike<number>);
  }
  if (Array.isArray(x) || ArrayBuffer.isView(x)) {
    const a = x as ArrayLike<unknown>;
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      if (typeof a[i] !== "number" || Number.isNaN(a[i])) throw typeError(fn, `${arg}[${i}]`, "a number", a[i]);
      out[i] = a[i] as number;
    }
    return out;
  }
  throw typeError(fn, arg, "a 1-D tensor or an array of numbers", x);
}

/** Row `i` of `m` as a `number[]`. */
export function row(m: Matrix, i: number): number[] {
  return Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
}

/** All rows as `number[][]` (plotly's `z`). */
export function rowsOf(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(row(m, i));
  return out;
}

/** The L2 norm of every row. **Output shape:** `[rows]`. */
export function rowNorms(m: Matrix): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += m.data[i * m.cols + j] ** 2;
    out.push(Math.sqrt(s));
  }
  return out;
}

/** Cosine similarity of two equal-length vectors; 0 when either is all zeros. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Rounds to `digits` significant decimals for snapshots and compact JSON. */
export function round(x: number, digits = 4): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

/**
 * A heatmap grid of `m` with at most `maxSide` rows and columns (every k-th row/column beyond
 * that), values rounded to `digits`: plotly's `x`, `y`, `z` and the strides used.
 */
export function heatmapGrid(m: Matrix, maxSide = 200, digits = 4): { x: number[]; y: number[]; z: number[][]; rowStep: number; colStep: number } {
  const rowStep = Math.max(1, Math.ceil(m.rows / maxSide));
  const colStep = Math.max(1, Math.ceil(m.cols / maxSide));
  const y: number[] = [];
  const x: number[] = [];
  for (let i = 0; i < m.rows; i += rowStep) y.push(i);
  for (let j = 0; j < m.cols; j += colStep) x.push(j);
  const z = y.map((i) => x.map((j) => round(m.data[i * m.cols + j], digits)));
  return { x, y, z, rowStep, colStep };
}

/** The smallest and largest value (`[NaN, NaN]` when empty); a loop, safe for millions of values. */
export function extent(data: ArrayLike<number>): [number, number] {
  if (data.length === 0) return [NaN, NaN];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < lo) lo = data[i];
    if (data[i] > hi) hi = data[i];
  }
  return [lo, hi];
}
