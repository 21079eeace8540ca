/**
 * PyTorch's `embedding_renorm_`: rescale, in the table itself, the rows looked up in this batch
 * whose p-norm exceeds `maxNorm`. Runs outside the gradient tape (no gradient through the scale).
 */
import * as tf from "../tf";
import { kernelBackendName, storageRefCount, view } from "./heap";
import { GATHER_ROWS } from "./embeddingLookup";
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
 * Renormalises, in place, the rows of `table` that `ids` looks up (PyTorch `embedding_renorm_`).
 * `table` is a `tf.Variable` (or a layer weight's variable). On `cpu`/`wasm` only the looked-up
 * rows are touched (O(N·D)); elsewhere the table is read, fixed and assigned back.
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
    const values = table.dataSync().slice();
    const changed = renormRowsInPlace(values, idValues, dim, maxNorm, normType);
    if (changed > 0) {
      const next = tf.tensor(values, table.shape, "float32");
      table.assign(next);
      next.dispose();
    }
    return changed;
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
