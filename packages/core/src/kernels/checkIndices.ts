/**
 * Index validation shared by every embedding op: tfjs silently truncates float ids (1.9 → row 1)
 * and returns zero rows for out-of-range ids on some backends; we throw instead.
 */
import * as tf from "../tf";
import { position, typeError } from "../validate";

/**
 * Checks that every value of `indices` is a whole number in [0, numEmbeddings) and returns them as
 * an int32 tensor (`indices` itself when it already is int32; a new tensor the caller must dispose
 * otherwise). Throws `TypeError` for a non-tensor, string/bool dtype, fractions or NaN, and
 * `RangeError` for values out of range, naming the value, its position and `numEmbeddings`.
 *
 * **Input shape:** any. **Output shape:** the same.
 * @example
 * const ids = checkIndices("embedding", tf.tensor1d([0, 2]), 3); // int32 [0, 2]
 */
export function checkIndices(fn: string, indices: tf.Tensor, numEmbeddings: number): tf.Tensor {
  if (!(indices instanceof tf.Tensor)) throw typeError(fn, "indices", "a tensor", indices);
  if (indices.dtype !== "int32" && indices.dtype !== "float32") {
    throw typeError(fn, "indices", "an int32 tensor (or float32 holding whole numbers)", indices);
  }
  const values = indices.dataSync();
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v >= 0 && v < numEmbeddings && (indices.dtype === "int32" || Number.isInteger(v))) continue;
    if (!Number.isInteger(v)) {
      throw new TypeError(
        `${fn}: index ${float32Text(v)} at position ${position(i, indices.shape)} is not an integer ` +
          `(indices must be int32 or whole numbers in [0, ${numEmbeddings}))`,
      );
    }
    throw new RangeError(`${fn}: index ${float32Text(v)} at position ${position(i, indices.shape)} is out of range for numEmbeddings ${numEmbeddings}`);
  }
  return indices.dtype === "int32" ? indices : tf.cast(indices, "int32");
}

/**
 * Runs `body` on `indices` checked by {@link checkIndices}, then disposes the int32 copy if one was
 * made (never the caller's tensor). Returns what `body` returns.
 */
export function withCheckedIndices<T>(fn: string, indices: tf.Tensor, numEmbeddings: number, body: (ids: tf.Tensor) => T): T {
  const ids = checkIndices(fn, indices, numEmbeddings);
  try {
    return body(ids);
  } finally {
    if (ids !== indices) ids.dispose();
  }
}

/** The shortest decimal that reads back as the same float32 (1.9, not 1.899999976158142). */
function float32Text(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  for (let p = 1; p <= 9; p++) {
    const text = v.toPrecision(p);
    if (Math.fround(Number(text)) === v) return String(Number(text));
  }
  return String(v);
}
