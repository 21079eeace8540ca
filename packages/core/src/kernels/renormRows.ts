/**
 * PyTorch's `embedding_renorm_`: rescale, in the table itself, the rows looked up in this batch
 * whose p-norm exceeds `maxNorm`. Runs outside the gradient tape (no gradient through the scale).
 */
import * as tf from "../tf";
import { kernelBackendName, storageRefCount, view } from "./heap";
import { GATHER_ROWS } from "./embeddingLookup";
import { checkAllocation } from "../backend/memoryLimit";
import { checkNumber, typeError } from "../validate";

/** Options of {@link renormRows}. */
export interface RenormOptions {
  /** Largest allowed norm of a looked-up row. */
  maxNorm: number;
  /** The p of the p-norm (a positive number or `Infinity`). Defaults to 2. */
  normType?: number;
  /**
   * Mutate the storage even when other tensors share it (`Embedding.fromPretrained(m, { copy: false })`).
   * Defaults to `false`: shared storage is copied once first, so no other tensor changes.
   */
  shared?: boolean;
}

/** The p-norm of `row[s, s + dim)` computed in double, as PyTorch's `norm(p).item<double>()`. */
function rowNorm(values: tf.TypedArray, s: number, dim: number, p: number): number {
  if (p === 2) {
    let acc = 0;
    for (let j = 0; j < dim; j++) acc += values[s + j] * values[s + j];
    return Math.fround(Math.sqrt(acc));
  }
  if (p === 1) {
    let acc = 0;
    for (let j = 0; j < dim; j++) acc += Math.abs(values[s + j]);
    return Math.fround(acc);
  }
  if (p === Infinity) {
    let acc = 0;
    for (let j = 0; j < dim; j++) acc = Math.max(acc, Math.abs(values[s + j]));
    return acc;
  }
  let acc = 0;
  for (let j = 0; j < dim; j++) acc += Math.abs(values[s + j]) ** p;
  return Math.fround(acc ** (1 / p));
}

/** Rescales in `values` (a `[V, dim]` table) the distinct rows of `ids` whose norm exceeds maxNorm. Returns how many. */
export function renormRowsInPlace(values: tf.TypedArray, ids: ArrayLike<number>, dim: number, maxNorm: number, normType: number): number {
  const seen = new Set<number>();
  let changed = 0;
  for (let i = 0; i < ids.length; i++) {
    const k = ids[i];
    if (seen.has(k)) continue;
    seen.add(k);
    const s = k * dim;
    const norm = rowNorm(values, s, dim, normType);
    if (norm > maxNorm) {
      // PyTorch: scale = max_norm / (norm + 1e-7), a double; `row *= scale` multiplies in float32.
      const scale = Math.fround(maxNorm / (norm + 1e-7));
      for (let j = 0; j < dim; j++) values[s + j] = values[s + j] * scale;
      changed++;
    }
  }
  return changed;
}

/**
 * {@link renormRows} on a backend without our kernels (tensorflow, webgl…), where the table's
 * storage can't be written in place: reads back only the distinct looked-up rows (`[K, D]`) and,
 * only when some of them exceed `maxNorm`, assigns the table times a `[V, 1]` column of scales
 * (1 for every other row, so they keep their exact values; a float32 product equals the in-place
 * `row[j] * scale`). That is one new `[V, D]` tensor on the backend, checked first to fit, and
 * no host copy of the table; other tensors sharing the old storage never change. Under a gradient
 * tape the old storage lives until the step ends (the tape keeps the ops' inputs).
 */
function renormPortable(table: tf.Variable, idValues: ArrayLike<number>, dim: number, maxNorm: number, normType: number): number {
  const rowsOf = Int32Array.from(new Set(Array.from(idValues))); // [K] distinct rows, first-seen order
  if (rowsOf.length === 0) return 0;
  const picked = tf.tidy(() => tf.gather(table, tf.tensor1d(rowsOf, "int32"))); // [V, D] -> [K, D]
  const values = picked.dataSync();
  picked.dispose();
  const scales = new Map<number, number>();
  for (let i = 0; i < rowsOf.length; i++) {
    const norm = rowNorm(values, i * dim, dim, normType);
    // PyTorch: scale = max_norm / (norm + 1e-7), a double; `row *= scale` multiplies in float32.
    if (norm > maxNorm) scales.set(rowsOf[i], Math.fround(maxNorm / (norm + 1e-7)));
  }
  if (scales.size === 0) return 0;
  const [v, d] = table.shape as [number, number];
  checkAllocation("renormRows", "the renormalised table", [v, d]); // before the new [V, D]: refused, the table is unchanged
  const column = new Float32Array(v).fill(1); // [V]
  for (const [row, scale] of scales) column[row] = scale;
  const next = tf.tidy(() => tf.mul(table, tf.tensor2d(column, [v, 1]))); // [V, D] x [V, 1] -> [V, D]
  table.assign(next);
  next.dispose();
  return scales.size;
}

/**
 * Renormalises, in place, the rows of `table` that `ids` looks up (PyTorch `embedding_renorm_`).
 * `table` is a `tf.Variable` (or a layer weight's variable). On `cpu`/`wasm` only the looked-up
 * rows are touched (O(N·D)); elsewhere the looked-up rows are read back, and the table is
 * replaced (one new `[V, D]` tensor, checked to fit) only when one of them is rescaled.
 *
 * **Input shape:** `table` `[V, D]`, `ids` int32 of any shape (already validated).
 * @example
 * const w = tf.variable(tf.tensor2d([[3, 4]]));
 * renormRows(w, tf.tensor1d([0], "int32"), { maxNorm: 1 }); // w ≈ [[0.6, 0.8]]
 */
export function renormRows(table: tf.Variable, ids: tf.Tensor, options: RenormOptions): number {
  const maxNorm = checkNumber("renormRows", "options.maxNorm", options.maxNorm, { positive: true });
  const normType = options.normType ?? 2;
  if (!(normType === Infinity || (typeof normType === "number" && Number.isFinite(normType) && normType > 0))) {
    throw typeError("renormRows", "options.normType", "a number > 0 or Infinity", normType);
  }
  const dim = table.shape[1] as number;
  const backend = tf.backend();
  const idValues = ids.dataSync();
  if (kernelBackendName(backend) === null || tf.getKernel(GATHER_ROWS, tf.getBackend()) === undefined) {
    return renormPortable(table, idValues, dim, maxNorm, normType);
  }
  if (!options.shared && storageRefCount(backend, table) > 1) {
    // Another tensor shares this storage (a variable made from it, setWeights): copy it once
    // before writing, so only this table changes. Only when some row actually needs it.
    let needs = false;
    const current = view(backend, table);
    const probe = new Set<number>();
    for (let i = 0; i < idValues.length && !needs; i++) {
      const k = idValues[i];
      if (probe.has(k)) continue;
      probe.add(k);
      needs = rowNorm(current, k * dim, dim, normType) > maxNorm;
    }
    if (!needs) return 0;
    const next = tf.tensor(Float32Array.from(current), table.shape, "float32");
    table.assign(next);
    next.dispose();
  }
  return renormRowsInPlace(view(backend, table), idValues, dim, maxNorm, normType);
}
