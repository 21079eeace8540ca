/**
 * The inputs every projection accepts, read once into one row-major float64 table, and the
 * progress report they share.
 */
import { rangeError, typeError } from "../validate";

/**
 * Points to project: `number[][]` / typed-array rows, a `{ rows, cols, data }` matrix, a rank-2
 * tensor, or word vectors (`{ size, dim, data }`). **Shape:** `[N, D]`.
 */
export type PointsInput =
  | readonly (readonly number[] | Float32Array | Float64Array)[]
  | { rows: number; cols: number; data: ArrayLike<number> }
  | { shape: readonly number[]; dataSync(): ArrayLike<number> }
  | { size: number; dim: number; data: ArrayLike<number> };

/** A row-major table: `data[i * d + j]`. **Shape:** `[n, d]`. */
export interface Points {
  n: number;
  d: number;
  data: Float64Array;
}

/** Progress of a long projection, passed to `onProgress` after every chunk of work. */
export interface ProjectionProgress {
  /** What runs now: `"neighbours"`, `"affinities"`, `"optimise"` (t-SNE, UMAP), `"embed"` (UMAP). */
  stage: string;
  /** Work done in this stage (rows, iterations or epochs). */
  done: number;
  /** Work in this stage. */
  total: number;
  /** An estimate of the share of the whole computation done, in [0, 1]. */
  fraction: number;
}

/**
 * Reads `x` into a float64 table; throws on ragged rows, non-numbers and NaN / ±Infinity (naming
 * the first bad entry).
 */
export function toPoints(fn: string, x: PointsInput): Points {
  let n: number;
  let d: number;
  let src: ArrayLike<number> | undefined;
  let rows: readonly ArrayLike<number>[] | undefined;
  if (Array.isArray(x)) {
    rows = x as readonly ArrayLike<number>[];
    n = rows.length;
    d = n > 0 ? (rows[0]?.length ?? 0) : 0;
  } else if (x !== null && typeof x === "object" && "shape" in x && typeof (x as { dataSync?: unknown }).dataSync === "function") {
    const shape = (x as { shape: readonly number[] }).shape;
    if (shape.length !== 2) throw rangeError(fn, "x", "a rank-2 tensor [N, D]", `a tensor of shape [${shape.join(", ")}]`);
    [n, d] = shape as [number, number];
    src = (x as { dataSync(): ArrayLike<number> }).dataSync();
  } else if (x !== null && typeof x === "object" && "rows" in x && "cols" in x && "data" in x) {
    ({ rows: n, cols: d } = x as { rows: number; cols: number });
    src = (x as { data: ArrayLike<number> }).data;
  } else if (x !== null && typeof x === "object" && "size" in x && "dim" in x && "data" in x) {
    ({ size: n, dim: d } = x as { size: number; dim: number });
    src = (x as { data: ArrayLike<number> }).data;
  } else {
    throw typeError(fn, "x", "number[][], a {rows, cols, data} matrix, a rank-2 tensor or word vectors", x);
  }
  if (src !== undefined && src.length < n * d) throw rangeError(fn, "x.data.length", `${n * d} (rows × cols)`, src.length);
  // a float64 table is read in place (projections never write to their input)
  const data = src instanceof Float64Array && !rows ? src.subarray(0, n * d) : new Float64Array(n * d);
  if (rows) {
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      if (r === null || typeof r !== "object" || typeof r.length !== "number") throw typeError(fn, `x[${i}]`, "an array of numbers", r);
      if (r.length !== d) throw rangeError(fn, `x[${i}].length`, `${d} (the length of x[0])`, r.length);
      for (let j = 0; j < d; j++) data[i * d + j] = r[j];
    }
  } else if (data !== src && data.buffer !== (src as Float64Array).buffer) {
    for (let i = 0; i < n * d; i++) data[i] = (src as ArrayLike<number>)[i];
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const v = rows ? rows[Math.floor(i / d)][i % d] : (src as ArrayLike<number>)[i];
      if (typeof v !== "number") throw typeError(fn, `x[${Math.floor(i / d)}][${i % d}]`, "a number", v);
      throw rangeError(fn, `x[${Math.floor(i / d)}][${i % d}]`, "a finite number", v);
    }
  }
  return { n, d, data };
}
