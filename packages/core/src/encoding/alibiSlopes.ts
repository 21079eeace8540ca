/**
 * ALiBi head slopes (Press, Smith & Lewis, 2022, "Train Short, Test Long: Attention with Linear
 * Biases Enables Input Length Extrapolation", §3 and the authors' `get_slopes`).
 */
import * as tf from "../tf";
import { checkInt } from "../validate";

/** The slopes as float64 numbers (what {@link alibiSlopes} rounds to float32). */
export function alibiSlopeValues(numHeads: number, fn = "alibiSlopes"): number[] {
  const n = checkInt(fn, "numHeads", numHeads, 1);
  // For a power of 2, the geometric sequence that starts at 2^(-8/n) with that ratio: 8 heads
  // give 1/2, 1/4, …, 1/256.
  const powerOf2 = (k: number) => {
    const start = Math.pow(2, -Math.pow(2, -(Math.log2(k) - 3))); // 2^(-8/k)
    return Array.from({ length: k }, (_, i) => start * Math.pow(start, i));
  };
  if (Number.isInteger(Math.log2(n))) return powerOf2(n);
  // Otherwise (the paper's rule): the slopes of the closest smaller power of 2, then every other
  // slope of the next power of 2 (which fall between them), until there are n.
  const closest = Math.pow(2, Math.floor(Math.log2(n)));
  return [...powerOf2(closest), ...alibiSlopeValues(2 * closest, fn).filter((_, i) => i % 2 === 0).slice(0, n - closest)];
}

/**
 * The ALiBi slope of every attention head: head `h` adds `-m_h · distance` to its scores, so each
 * head prefers nearby keys at its own rate (steep heads look locally, shallow ones far).
 *
 * For `numHeads` a power of 2, `m_h = 2^(-8(h+1)/numHeads)`; otherwise the slopes of the closest
 * smaller power of 2 followed by every other slope of the next power of 2, as in the paper.
 *
 * **Output shape:** `[numHeads]`, float32.
 *
 * @param numHeads the number of heads, an integer >= 1.
 * @example
 * alibiSlopes(8).print();   // [0.5, 0.25, 0.125, …, 0.00390625]
 * alibiSlopes(6).print();   // [0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125]
 */
export function alibiSlopes(numHeads: number): tf.Tensor1D {
  return tf.tensor1d(alibiSlopeValues(numHeads), "float32");
}
