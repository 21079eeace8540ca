/**
 * The hashing trick: strings to columns of a fixed-width vector, with no vocabulary to fit or store.
 */
import * as tf from "../tf";
import { checkInt, checkKeys, rangeError, typeError } from "../validate";
import { murmurhash3Bytes, utf8 } from "./murmurhash3";

/** A value to hash: a string, or a finite number (hashed as its JavaScript `String` form, `1` -> "1"). */
export type HashValue = string | number;

/** Options of {@link hashEncode}. */
export interface HashEncodeOptions {
  /** Multiply each value's 1 by the sign of its hash, so collisions cancel on average. Defaults to `true`. */
  alternateSign?: boolean;
  /** Return the column ids (`Int32Array`) instead of a dense tensor. Defaults to `false`. */
  indicesOnly?: boolean;
}

// A dense [N, nFeatures] float32 buffer above this many cells (4 GiB) can't be allocated anyway.
const MAX_DENSE_CELLS = 2 ** 30;

/** Hash of one value, checked. @internal */
export function hashValue(fn: string, arg: string, value: unknown): number {
  if (typeof value === "string") return murmurhash3Bytes(utf8(fn, arg, value), 0);
  if (typeof value === "number" && Number.isFinite(value)) return murmurhash3Bytes(utf8(fn, arg, String(value)), 0);
  throw typeError(fn, arg, "a string or a finite number", value);
}

/**
 * The column of hash `h`: `abs(h) % nFeatures`, as scikit-learn computes it (`abs(-2^31)` is
 * `2^31`, exact in a double). @internal
 */
export function hashColumn(h: number, nFeatures: number): number {
  return Math.abs(h) % nFeatures;
}

/** Whether `values` holds rows of values (`[["a", "b"], ["c"]]`) rather than one value per row. @internal */
export function isNested(fn: string, values: unknown): boolean {
  if (!Array.isArray(values)) throw typeError(fn, "values", "an array of strings or an array of string arrays", values);
  return values.length > 0 && Array.isArray(values[0]);
}

/**
 * Feature hashing like scikit-learn's `FeatureHasher(n_features, input_type="string")`: each string
 * is hashed with signed MurmurHash3_32 (seed 0) of its UTF-8 bytes; it adds `sign(h)` (or `1` with
 * `alternateSign: false`) to column `abs(h) % nFeatures` of its row. Colliding values add up.
 *
 * `values` is either one value per row (`["cat", "dog"]`) or one list of values per row
 * (`[["cat", "black"], ["dog"]]`, like a FeatureHasher sample). With `indicesOnly: true` the
 * result is the column of each value: an `Int32Array` `[N]` for one value per row, an array of
 * `Int32Array`s for rows of values.
 *
 * **Input shape:** `[N]` or `[N][*]`. **Output shape:** `[N, nFeatures]` float32, or column ids.
 *
 * @param nFeatures the number of columns, an integer >= 1.
 * @param options `alternateSign` defaults to `true`; `indicesOnly` defaults to `false`.
 * @example
 * hashEncode(["cat", "dog"], 8);                              // [2, 8], one ±1 per row
 * hashEncode([["cat", "black"], ["dog"]], 1024);              // [2, 1024]
 * hashEncode(["cat", "dog"], 1000, { indicesOnly: true });    // Int32Array [2]
 */
export function hashEncode(values: readonly HashValue[], nFeatures: number, options: HashEncodeOptions & { indicesOnly: true }): Int32Array;
export function hashEncode(values: readonly (readonly HashValue[])[], nFeatures: number, options: HashEncodeOptions & { indicesOnly: true }): Int32Array[];
export function hashEncode(
  values: readonly HashValue[] | readonly (readonly HashValue[])[],
  nFeatures: number,
  options?: HashEncodeOptions & { indicesOnly?: false },
): tf.Tensor2D;
export function hashEncode(
  values: readonly HashValue[] | readonly (readonly HashValue[])[],
  nFeatures: number,
  options: HashEncodeOptions = {},
): tf.Tensor2D | Int32Array | Int32Array[] {
  return hashEncodeAs("hashEncode", values, nFeatures, options);
}

/** {@link hashEncode} with the calling function's name in its messages. @internal */
export function hashEncodeAs(
  fn: string,
  values: unknown,
  nFeatures: unknown,
  options: HashEncodeOptions = {},
): tf.Tensor2D | Int32Array | Int32Array[] {
  checkKeys(fn, options, ["alternateSign", "indicesOnly"]);
  const n = checkInt(fn, "nFeatures", nFeatures, 1, 2 ** 31 - 1);
  const alternateSign = options.alternateSign ?? true;
  if (typeof alternateSign !== "boolean") throw typeError(fn, "options.alternateSign", "a boolean", alternateSign);
  const indicesOnly = options.indicesOnly ?? false;
  if (typeof indicesOnly !== "boolean") throw typeError(fn, "options.indicesOnly", "a boolean", indicesOnly);
  const nested = isNested(fn, values);
  const rows = values as readonly unknown[];
  const N = rows.length;

  if (indicesOnly) {
    if (!nested) {
      const out = new Int32Array(N); // [N]
      for (let i = 0; i < N; i++) out[i] = hashColumn(hashValue(fn, `values[${i}]`, rows[i]), n);
      return out;
    }
    return rows.map((row, i) => {
      if (!Array.isArray(row)) throw typeError(fn, `values[${i}]`, "an array of strings (every row, like values[0])", row);
      const out = new Int32Array(row.length);
      for (let j = 0; j < row.length; j++) out[j] = hashColumn(hashValue(fn, `values[${i}][${j}]`, row[j]), n);
      return out;
    });
  }

  if (N * n > MAX_DENSE_CELLS) {
    throw rangeError(fn, "values.length * nFeatures", `<= 2^30 for a dense tensor (use { indicesOnly: true })`, N * n);
  }
  const dense = new Float32Array(N * n); // [N * nFeatures], row-major [N, nFeatures]
  const add = (row: number, arg: string, value: unknown) => {
    const h = hashValue(fn, arg, value);
    dense[row * n + hashColumn(h, n)] += alternateSign && h < 0 ? -1 : 1;
  };
  for (let i = 0; i < N; i++) {
    const row = rows[i];
    if (!nested) add(i, `values[${i}]`, row);
    else {
      if (!Array.isArray(row)) throw typeError(fn, `values[${i}]`, "an array of strings (every row, like values[0])", row);
      for (let j = 0; j < row.length; j++) add(i, `values[${i}][${j}]`, row[j]);
    }
  }
  return tf.tensor2d(dense, [N, n], "float32"); // [N, nFeatures]
}
