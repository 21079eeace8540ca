/**
 * One-hot encoding with PyTorch's `F.one_hot` semantics, loud on bad indices.
 *
 * Indices are checked in JS first: `tf.oneHot` alone silently gives an all-zero row for a negative
 * or out-of-range index, and returns int bit patterns for float32 on the wasm backend. The output
 * is then filled from typed arrays, except on wasm, where the (checked) native int32 kernel, cast
 * for float32, is faster.
 */
import * as tf from "../tf";
import { checkAllocation } from "../backend/memoryLimit";
import { checkInt, checkKeys, checkOneOf, describe, position, rangeError, typeError } from "../validate";
import { readIndices } from "./readIndices";

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /** The output dtype. Defaults to `"int32"` (PyTorch gives int64). */
  dtype?: "int32" | "float32";
}

/** The input {@link oneHot} takes: an int32 tensor, a (nested) array of integers, a typed array or one integer. */
export type IndexInput = tf.Tensor | number | readonly unknown[] | ArrayLike<number>;

/**
 * One-hot vectors of integer indices, like `torch.nn.functional.one_hot`: any input rank, one
 * more axis of length `numClasses` in the output, a single 1 per vector.
 *
 * Throws (never silently zeroes) on a float or NaN value, a negative value, a value >=
 * `numClasses` (naming the value and its position), `numClasses` < 1 (other than -1), and empty
 * input with `numClasses = -1`.
 *
 * **Input shape:** `[...S]`: an int32 tensor, a nested array of integers, a typed array or a number.
 * **Output shape:** `[...S, numClasses]`, int32 (or `dtype`).
 *
 * @param numClasses the vector length; `-1` (the default) infers `max(indices) + 1`.
 * @param options `dtype` defaults to `"int32"`.
 * @example
 * oneHot([0, 2, 1]);                          // [[1,0,0],[0,0,1],[0,1,0]]  int32 [3, 3]
 * oneHot([[1], [3]], 5, { dtype: "float32" }); // float32 [2, 1, 5]
 */
export function oneHot(indices: IndexInput, numClasses = -1, options: OneHotOptions = {}): tf.Tensor {
  const fn = "oneHot";
  checkKeys(fn, options, ["dtype"]);
  const dtype = checkOneOf(fn, "options.dtype", options.dtype ?? "int32", ["int32", "float32"] as const);
  checkInt(fn, "numClasses", numClasses);
  if (numClasses < 1 && numClasses !== -1) throw rangeError(fn, "numClasses", "an integer >= 1, or -1 to infer it", numClasses);
  const { values, shape } = readIndices(fn, "indices", indices);
  const N = values.length;

  let max = -1;
  for (let i = 0; i < N; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isInteger(v)) {
      const where = shape.length ? ` at position ${position(i, shape)}` : "";
      throw new TypeError(`${fn}: expected every index to be an integer, but got ${describe(v)}${where}`);
    }
    if (v < 0) throw new RangeError(`${fn}: expected every index to be >= 0, but got ${v}${shape.length ? ` at position ${position(i, shape)}` : ""}`);
    if (numClasses !== -1 && v >= numClasses) {
      const where = shape.length ? ` at position ${position(i, shape)}` : "";
      throw new RangeError(`${fn}: expected every index to be < numClasses ${numClasses}, but got ${v}${where}`);
    }
    if (v > max) max = v;
  }
  let C = numClasses;
  if (C === -1) {
    if (N === 0) throw rangeError(fn, "numClasses", "given (not -1) for empty indices: it can't be inferred", numClasses);
    C = max + 1;
  }
  const size = N * C;
  if (size > 2 ** 31 - 1) throw rangeError(fn, "the output size", "< 2^31 elements", size);
  // The output, plus (on wasm) the int32 result cast from, or (elsewhere) the JS buffer copied from.
  checkAllocation(fn, "the output", dtype === "float32" ? [[...shape, C], [...shape, C]] : [[...shape, C]], dtype);
  if (C >= 2 && tf.getBackend() === "wasm") {
    // Every index is now checked, so wasm's native int32 kernel is safe, and 2-5× faster than
    // filling a JS buffer and copying it into the wasm heap. Its float32 output is the broken one:
    // cast the int32 result instead. (tf.oneHot also refuses depth 1, which F.one_hot allows.)
    return tf.tidy(() => {
      const idx = indices instanceof tf.Tensor ? indices : tf.tensor(Int32Array.from(values), shape, "int32"); // [...S]
      const hot = tf.oneHot(idx, C, 1, 0, "int32"); // [...S] -> [...S, C]
      return dtype === "int32" ? hot : hot.cast("float32");
    });
  }
  const out = dtype === "int32" ? new Int32Array(size) : new Float32Array(size); // [N * C], row-major [...S, C]
  for (let i = 0; i < N; i++) out[i * C + values[i]] = 1;
  return tf.tensor(out, [...shape, C], dtype); // [...S] -> [...S, C]
}
