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

/** What the backward pass saw; the sorted rows are worked out only if an optimizer asks. */
interface Recorded {
  ids: Int32Array;
  paddingIdx: number;
  numRows: number;
  dim: number;
  rows: TouchedRows | null;
}

const registry = new WeakMap<object, Recorded>();

/**
 * Records that the gradient stored at `dataId` (`[numRows, dim]`) is zero outside the rows of `ids`.
 * Keeps a copy of the ids (the rows are sorted out lazily: a dense optimizer never asks).
 */
export function recordTouchedRows(dataId: object, ids: tf.TypedArray, numRows: number, dim: number, paddingIdx: number): void {
  registry.set(dataId, { ids: new Int32Array(ids), paddingIdx, numRows, dim, rows: null }); // a typed-array copy (from() iterates)
}

function sortedRows(r: Recorded): TouchedRows {
  const seen = new Uint8Array(r.numRows);
  let count = 0;
  for (let i = 0; i < r.ids.length; i++) {
    const k = r.ids[i];
    if (k !== r.paddingIdx && seen[k] === 0) {
      seen[k] = 1;
      count++;
    }
  }
  const rows = new Int32Array(count);
  for (let k = 0, j = 0; j < count; k++) if (seen[k] === 1) rows[j++] = k;
  return { rows, numRows: r.numRows, dim: r.dim };
}

/** The rows recorded for `gradient`, or `null` when it did not come straight from a lookup's backward. */
export function touchedRows(gradient: tf.Tensor): TouchedRows | null {
  const r = registry.get(gradient.dataId);
  if (r === undefined || gradient.rank !== 2 || gradient.shape[0] !== r.numRows || gradient.shape[1] !== r.dim) return null;
  if (r.rows === null) r.rows = sortedRows(r);
  return r.rows;
}
