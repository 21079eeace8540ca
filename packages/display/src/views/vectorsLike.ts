/**
 * Reading word vectors for the similarity views: core's `WordVectors` (`words` + `vectors`), or a
 * `[N, D]` tensor / `number[][]` with labels. Not re-exported.
 */
import { validate } from "@embedlab/core";
import { isTensorLike, toMatrix, type Matrix, type TensorLike } from "../matrix";

const { checkStrings, rangeError, typeError } = validate;

/**
 * What the vector views need of word vectors (core's `WordVectors` fits): the words and either
 * the raw row-major `data` with `dim` (read without making a tensor) or a `vectors` matrix.
 */
export interface WordVectorsLike {
  readonly words: readonly string[];
  readonly vectors?: TensorLike | number[][];
  /** Row-major `[words.length, dim]` values; read instead of `vectors` when present. */
  readonly data?: Float32Array;
  readonly dim?: number;
}

/** The `[N, D]` matrix of word vectors (from `data` + `dim` when present, so no tensor is made). */
export function wordVectorsMatrix(fn: string, wv: WordVectorsLike): Matrix {
  const n = wv.words.length;
  if (wv.data instanceof Float32Array && typeof wv.dim === "number" && wv.data.length === n * wv.dim) {
    return { rows: n, cols: wv.dim, data: Float64Array.from(wv.data) };
  }
  return toMatrix(fn, "vectors.vectors", wv.vectors);
}

/** Whether `x` is word vectors (words plus data or vectors) rather than a matrix. */
export function isWordVectors(x: unknown): x is WordVectorsLike {
  return x !== null && typeof x === "object" && !isTensorLike(x) && !Array.isArray(x) && Array.isArray((x as WordVectorsLike).words) && ("vectors" in x || "data" in x);
}

/** Word vectors or a matrix with one label per row. */
export type VectorsInput = WordVectorsLike | TensorLike | number[][];

/** The matrix, its words and a word → row index. */
export interface ReadVectors {
  m: Matrix;
  words: string[];
  index: Map<string, number>;
}

/** Reads `input` (labels default to the WordVectors' words, else the row ids). */
export function readVectors(fn: string, input: unknown, labels?: unknown): ReadVectors {
  let m: Matrix;
  let words: string[] | undefined;
  if (isWordVectors(input)) {
    m = wordVectorsMatrix(fn, input);
    words = [...input.words];
  } else if (input !== null && typeof input === "object" && !isTensorLike(input) && !Array.isArray(input)) {
    throw typeError(fn, "vectors", "word vectors (words + vectors), a 2-D tensor or number[][]", input);
  } else {
    m = toMatrix(fn, "vectors", input);
  }
  if (labels !== undefined) words = checkStrings(fn, "options.labels", labels, m.rows);
  words = words ?? Array.from({ length: m.rows }, (_, i) => String(i));
  if (words.length !== m.rows) throw rangeError(fn, "vectors.words.length", `${m.rows} (one per row)`, words.length);
  const index = new Map<string, number>();
  words.forEach((w, i) => (index.has(w) ? undefined : index.set(w, i)));
  return { m, words, index };
}

/** The row of `word`, or a RangeError naming the argument. */
export function rowOf(fn: string, arg: string, v: ReadVectors, word: unknown): number {
  if (typeof word !== "string") throw typeError(fn, arg, "a word (string)", word);
  const i = v.index.get(word);
  if (i === undefined) throw rangeError(fn, arg, "a word in the vectors", word);
  return i;
}

/** Row `i` scaled to unit length (all zeros stays zeros). */
export function unitRow(m: Matrix, i: number): Float64Array {
  const r = Float64Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
  let s = 0;
  for (const x of r) s += x * x;
  const n = Math.sqrt(s);
  if (n > 0) for (let j = 0; j < r.length; j++) r[j] /= n;
  return r;
}

/** Cosine similarity of `q` (any vector) with every row. **Output shape:** `[N]`. */
export function cosineAll(m: Matrix, q: ArrayLike<number>): Float64Array {
  let qn = 0;
  for (let j = 0; j < m.cols; j++) qn += q[j] * q[j];
  qn = Math.sqrt(qn);
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let dot = 0;
    let rn = 0;
    const off = i * m.cols;
    for (let j = 0; j < m.cols; j++) {
      dot += m.data[off + j] * q[j];
      rn += m.data[off + j] ** 2;
    }
    out[i] = rn === 0 || qn === 0 ? 0 : dot / (Math.sqrt(rn) * qn);
  }
  return out;
}

/** The `k` best rows by score, skipping `exclude`; ties by row order. */
export function topK(scores: Float64Array, k: number, exclude: ReadonlySet<number>): number[] {
  return Array.from(scores.keys())
    .filter((i) => !exclude.has(i))
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, k);
}
