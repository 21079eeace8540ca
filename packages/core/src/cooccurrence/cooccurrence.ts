/**
 * Word–context co-occurrence counts in a sliding window, as a sparse CSR matrix. The first step of
 * count-based word vectors (PPMI + SVD, GloVe).
 */
import { checkInt, checkKeys, rangeError, typeError } from "../validate";

/** A sparse `[V, V]` matrix in compressed-sparse-row form. */
export interface CsrMatrix {
  /** Rows and columns. */
  size: number;
  /** `rowPtr[r]..rowPtr[r+1]` index the entries of row `r`; length `size + 1`. */
  rowPtr: Int32Array;
  /** Column of each entry, ascending within a row. */
  cols: Int32Array;
  /** Value of each entry. */
  values: Float32Array;
}

export interface CooccurrenceOptions {
  /** Context words on each side of a word. Defaults to `4`. */
  window?: number;
  /** Ids to leave out as words and contexts (e.g. padding, `<unk>`). Defaults to none. */
  ignore?: readonly number[];
}

/**
 * Counts how often id `c` occurs within `window` positions of id `w` (both directions, so the
 * matrix is symmetric), over every sequence.
 *
 * **Input:** `B` sequences of ids in `[0, vocabSize)`. **Output:** a `[V, V]` CSR count matrix.
 * @example
 * const counts = cooccurrence([[2, 3, 4]], 5, { window: 1 });  // (2,3), (3,2), (3,4), (4,3) = 1
 */
export function cooccurrence(sequences: readonly ArrayLike<number>[], vocabSize: number, options: CooccurrenceOptions = {}): CsrMatrix {
  const fn = "cooccurrence";
  checkKeys(fn, options, ["window", "ignore"]);
  if (!Array.isArray(sequences)) throw typeError(fn, "sequences", "an array of id sequences", sequences);
  const V = checkInt(fn, "vocabSize", vocabSize, 1, 94_906_265); // why: V*V must stay an exact double (< 2^53)
  const window = checkInt(fn, "options.window", options.window ?? 4, 1);
  const skip = new Uint8Array(V);
  for (const id of options.ignore ?? []) skip[checkInt(fn, "options.ignore[]", id, 0, V - 1)] = 1;

  // Every (w, c) pair as the key w*V + c; sorting the keys and counting runs is faster than a Map.
  let total = 0;
  for (const [s, seq] of sequences.entries()) {
    if (seq === null || typeof seq !== "object" || typeof seq.length !== "number") throw typeError(fn, `sequences[${s}]`, "an array of ids", seq);
    total += 2 * Math.max(0, seq.length) * window;
  }
  let keys = new Float64Array(total);
  let n = 0;
  for (const [s, seq] of sequences.entries()) {
    for (let i = 0; i < seq.length; i++) {
      const w = seq[i];
      if (!Number.isInteger(w) || w < 0 || w >= V) throw rangeError(fn, `sequences[${s}][${i}]`, `an integer id in [0, ${V})`, w);
      if (skip[w]) continue;
      for (let j = i + 1; j <= i + window && j < seq.length; j++) {
        const c = seq[j];
        if (!Number.isInteger(c) || c < 0 || c >= V) throw rangeError(fn, `sequences[${s}][${j}]`, `an integer id in [0, ${V})`, c);
        if (skip[c]) continue;
        keys[n++] = w * V + c;
        keys[n++] = c * V + w;
      }
    }
  }
  keys = keys.subarray(0, n).sort();
  const rowPtr = new Int32Array(V + 1);
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || keys[i] !== keys[i - 1]) distinct++;
  const cols = new Int32Array(distinct);
  const values = new Float32Array(distinct);
  let k = -1;
  for (let i = 0; i < n; i++) {
    if (i === 0 || keys[i] !== keys[i - 1]) {
      k++;
      const row = Math.floor(keys[i] / V);
      cols[k] = keys[i] - row * V;
      rowPtr[row + 1]++;
    }
    values[k]++;
  }
  for (let r = 0; r < V; r++) rowPtr[r + 1] += rowPtr[r];
  return { size: V, rowPtr, cols, values };
}
