/**
 * T5's relative-position buckets (Raffel et al., 2020, "Exploring the Limits of Transfer Learning
 * with a Unified Text-to-Text Transformer", §2.1; `_relative_position_bucket` in Mesh TensorFlow
 * and Hugging Face's T5): small distances get a bucket each, larger ones share logarithmically
 * wider buckets, and everything beyond `maxDistance` shares the last one.
 */
import * as tf from "../tf";
import { checkBool, checkInt, checkKeys, describe, position } from "../validate";
import { readIndices, type IndexData } from "./readIndices";
import type { IndexInput } from "./oneHot";

/** Options of {@link relativePositionBucket}. */
export interface RelativePositionBucketOptions {
  /**
   * `true` (an encoder): half the buckets for keys before the query, half for keys after it.
   * `false` (a decoder): only keys at or before the query count; later ones fall in bucket 0.
   * Defaults to `true`.
   */
  bidirectional?: boolean;
  /** How many buckets in all (an integer >= 2; >= 4 when bidirectional). Defaults to `32`. */
  numBuckets?: number;
  /** Distances from here on share the last bucket (an integer > numBuckets / 4, or > numBuckets / 2 one-way). Defaults to `128`. */
  maxDistance?: number;
}

const FN = "relativePositionBucket";
const f32 = Math.fround;

/** The bucket of one relative position `key - query`, the float32 arithmetic of PyTorch 1.13 step by step. */
function bucketOf(rel: number, bidirectional: boolean, numBuckets: number, maxDistance: number): number {
  let n = numBuckets;
  let bucket = 0;
  let distance: number;
  if (bidirectional) {
    n = Math.floor(n / 2);
    if (rel > 0) bucket += n; // keys after the query use the upper half
    distance = Math.abs(rel);
  } else {
    distance = Math.max(-rel, 0); // a decoder sees only the past
  }
  const maxExact = Math.floor(n / 2); // half the buckets: one per small distance
  if (distance < maxExact) return bucket + distance;
  // maxExact + log(d / maxExact) / log(maxDistance / maxExact) * (n - maxExact), in float32;
  // PyTorch divides by a CPU scalar as a multiplication by its float32 reciprocal.
  const logRatio = f32(Math.log(f32(distance / maxExact)));
  const scaled = f32(f32(logRatio * f32(1 / f32(Math.log(maxDistance / maxExact)))) * (n - maxExact));
  const large = maxExact + Math.trunc(scaled);
  return bucket + Math.min(large, n - 1);
}

/**
 * T5's bucket of every relative position (`key position - query position`), for a learned bias
 * per (bucket, head) added to the attention scores.
 *
 * With `n = numBuckets` (halved when bidirectional, the upper half for positive positions) and
 * `maxExact = n / 2`: distances below `maxExact` get their own bucket; larger distances `d` get
 * `maxExact + ⌊log(d / maxExact) / log(maxDistance / maxExact) · (n − maxExact)⌋`, at most `n − 1`.
 * Computed in float32 exactly as PyTorch does, so every bucket equals Hugging Face's.
 *
 * **Input shape:** any, int32 tensor or (nested) array of integers. **Output shape:** the same, int32.
 *
 * @param relativePosition `key - query` positions, e.g. `[T, T]`.
 * @param options `bidirectional` defaults to `true`, `numBuckets` to `32`, `maxDistance` to `128`.
 * @example
 * const rel = tf.sub(tf.range(0, 6, 1, "int32").expandDims(0), tf.range(0, 6, 1, "int32").expandDims(1)); // [6, 6], j - i
 * relativePositionBucket(rel);                                      // int32 [6, 6]
 * relativePositionBucket([-200, -3, 0, 3, 200], { numBuckets: 8 }); // [3, 2, 0, 6, 7]
 */
export function relativePositionBucket(relativePosition: IndexInput, options: RelativePositionBucketOptions = {}): tf.Tensor {
  checkKeys(FN, options, ["bidirectional", "numBuckets", "maxDistance"]);
  const bidirectional = options.bidirectional === undefined ? true : checkBool(FN, "options.bidirectional", options.bidirectional);
  const numBuckets = checkInt(FN, "options.numBuckets", options.numBuckets ?? 32, bidirectional ? 4 : 2);
  // the logarithmic buckets need maxDistance above the last exact distance (else log(1) = 0 divides)
  const maxExact = Math.floor((bidirectional ? Math.floor(numBuckets / 2) : numBuckets) / 2);
  const maxDistance = checkInt(FN, "options.maxDistance", options.maxDistance ?? 128, maxExact + 1);
  const { values, shape }: IndexData = readIndices(FN, "relativePosition", relativePosition);
  const out = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new TypeError(`${FN}: expected every relative position to be an integer, but got ${describe(v)}${shape.length ? ` at position ${position(k, shape)}` : ""}`);
    }
    out[k] = bucketOf(v, bidirectional, numBuckets, maxDistance);
  }
  return tf.tensor(out, shape, "int32");
}
