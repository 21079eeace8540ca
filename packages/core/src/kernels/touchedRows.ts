/**
 * Which rows of a `[V, D]` gradient an embedding lookup's backward pass wrote, so an optimizer
 * with `sparse: true` can update just those rows (PyTorch's sparse gradients, Keras's LazyAdam).
 * Internal: keyed by the gradient's storage, forgotten when the storage is garbage-collected.
 */
import type * as tf from "../tf";

/** The rows a gradient touched: sorted, unique, padding row excluded; `numRows`/`dim` of the table. */
export interface TouchedRows {
  rows: Int32Array;
  numRows: number;
  dim: number;
}

const registry = new WeakMap<object, TouchedRows>();

/** Records that the gradient stored at `dataId` (`[numRows, dim]`) is zero outside the rows of `ids`. */
export function recordTouchedRows(dataId: object, ids: tf.TypedArray, numRows: number, dim: number, paddingIdx: number): void {
  const seen = new Uint8Array(numRows);
  let count = 0;
  for (let i = 0; i < ids.length; i++) {
    const k = ids[i];
    if (k !== paddingIdx && seen[k] === 0) {
      seen[k] = 1;
      count++;
    }
  }
  const rows = new Int32Array(count);
  for (let k = 0, j = 0; j < count; k++) if (seen[k] === 1) rows[j++] = k;
  registry.set(dataId, { rows, numRows, dim });
}

/** The rows recorded for `gradient`, or `null` when it did not come straight from a lookup's backward. */
export function touchedRows(gradient: tf.Tensor): TouchedRows | null {
  const t = registry.get(gradient.dataId);
  if (t === undefined || gradient.rank !== 2 || gradient.shape[0] !== t.numRows || gradient.shape[1] !== t.dim) return null;
  return t;
}
