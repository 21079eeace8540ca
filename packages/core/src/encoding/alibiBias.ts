/**
 * The ALiBi attention bias (Press, Smith & Lewis, 2022): a per-head linear penalty on the
 * query–key distance, added to the attention scores instead of any position embedding.
 */
import * as tf from "../tf";
import { checkBool, checkInt, checkKeys } from "../validate";
import { alibiSlopeValues } from "./alibiSlopes";

/** Options of {@link alibiBias}. */
export interface AlibiBiasOptions {
  /**
   * `true`: the paper's (decoder) form: `-m_h · (i - j)` for keys `j ≤ i` and `-Infinity` for the
   * future keys `j > i` (the bias is also the causal mask). `false`: the symmetric
   * `-m_h · |i - j|` for an encoder (which cannot tell left from right). Defaults to `true`.
   */
  causal?: boolean;
}

const FN = "alibiBias";

/**
 * The ALiBi bias of every head for a sequence of length `T`: `bias[h, i, j] = -m_h · (i - j)`
 * where `m_h` is {@link alibiSlopes}`(numHeads)[h]`, query `i`, key `j`.
 *
 * The authors' fairseq code adds `m_h · j` instead; it differs from this by `m_h · i`, a constant
 * per query row, which the softmax over keys ignores.
 *
 * **Output shape:** `[numHeads, T, T]`, float32.
 *
 * @param numHeads heads, an integer >= 1.
 * @param T sequence length, an integer >= 1.
 * @param options `causal` defaults to `true`.
 * @example
 * const bias = alibiBias(4, 6);                       // [4, 6, 6], -Infinity above the diagonal
 * const scores = tf.add(qk, bias);                    // [B, 4, 6, 6] + [4, 6, 6]
 * alibiBias(4, 6, { causal: false });                 // symmetric -m·|i - j|
 */
export function alibiBias(numHeads: number, T: number, options: AlibiBiasOptions = {}): tf.Tensor3D {
  checkKeys(FN, options, ["causal"]);
  const slopes = alibiSlopeValues(numHeads, FN);
  const n = checkInt(FN, "T", T, 1);
  const causal = options.causal === undefined ? true : checkBool(FN, "options.causal", options.causal);
  const H = slopes.length;
  const out = new Float32Array(H * n * n); // [H, T, T]
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < n; i++) {
      const row = (h * n + i) * n;
      for (let j = 0; j < n; j++) out[row + j] = causal && j > i ? -Infinity : -slopes[h] * Math.abs(i - j) + 0; // + 0: no -0 on the diagonal
    }
  }
  return tf.tensor3d(out, [H, n, n]);
}
