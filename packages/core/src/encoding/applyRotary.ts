/**
 * Rotary position embeddings (RoPE; Su et al., 2021, "RoFormer: Enhanced Transformer with Rotary
 * Position Embedding"): instead of adding a position vector, rotate each pair of features of a
 * query or key by an angle proportional to its position, so that `q_m · k_n` depends on `m - n` only.
 */
import * as tf from "../tf";
import { checkBool, checkInt, checkKeys, checkNumber, formatShape, typeError } from "../validate";

/** Options of {@link applyRotary}. */
export interface ApplyRotaryOptions {
  /** The wavelength base: pair `i` turns by `θᵢ = base^(-2i/D)` per position. Defaults to `10000`. */
  base?: number;
  /** The position of the first row (a continuation, e.g. a cached prefix). Defaults to `0`. */
  startIndex?: number;
  /**
   * `true`: pairs are neighbouring features `(2i, 2i+1)` (RoFormer, GPT-J); `false`: pairs are
   * the two halves `(i, i + D/2)` (GPT-NeoX, Hugging Face's Llama `rotate_half`). Defaults to `false`.
   */
  interleaved?: boolean;
}

const FN = "applyRotary";
const KEYS = ["base", "startIndex", "interleaved"] as const;

/**
 * The cos and sin of every (position, pair) angle `p · base^(-2i/D)`, in float64, rounded once to
 * float32. **Output shape:** two `[T, D/2]` tensors.
 */
function angleTables(T: number, D: number, base: number, startIndex: number): [tf.Tensor2D, tf.Tensor2D] {
  const half = D / 2;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let i = 0; i < half; i++) {
    const theta = Math.pow(base, (-2 * i) / D); // θᵢ
    for (let t = 0; t < T; t++) {
      const angle = (startIndex + t) * theta; // p · θᵢ
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = Math.sin(angle);
    }
  }
  return [tf.tensor2d(cos, [T, half]), tf.tensor2d(sin, [T, half])];
}

/**
 * Rotates the features of `x` by their positions (RoPE). Position `p = startIndex + t` turns pair
 * `i` by the angle `p · θᵢ`, `θᵢ = base^(-2i/D)`:
 * `(a, b) → (a cos pθᵢ − b sin pθᵢ, b cos pθᵢ + a sin pθᵢ)`. Norms are kept, and for a query at `m`
 * and a key at `n`, `rot(q, m) · rot(k, n) = rot(q, m − n) · k`: the score sees only the distance.
 * Made of differentiable tf ops (used inside attention, trained on every backend).
 *
 * **Input shape:** `[..., T, D]`, float32, `D` even, `T ≥ 1` (e.g. `[B, heads, T, headDim]`).
 * **Output shape:** the same, float32.
 *
 * @param x queries or keys; the second-to-last axis is the position.
 * @param options `base` defaults to `10000`; `startIndex` to `0`; `interleaved` to `false` (halves, as in Llama).
 * @example
 * const q = tf.randomNormal([1, 2, 16, 8]);              // [B, heads, T, headDim]
 * const qr = applyRotary(q);                             // same shape, pairs (i, i + 4) rotated
 * const gptj = applyRotary(q, { interleaved: true });    // pairs (2i, 2i + 1)
 */
export function applyRotary<X extends tf.Tensor>(x: X, options: ApplyRotaryOptions = {}): X {
  checkKeys(FN, options, KEYS);
  const base = checkNumber(FN, "options.base", options.base ?? 10000, { positive: true });
  const startIndex = checkInt(FN, "options.startIndex", options.startIndex ?? 0, 0);
  const interleaved = options.interleaved === undefined ? false : checkBool(FN, "options.interleaved", options.interleaved);
  if (!(x instanceof tf.Tensor) || x.dtype !== "float32") throw typeError(FN, "x", "a float32 tensor of shape [..., T, D]", x);
  if (x.rank < 2) throw new RangeError(`${FN}: expected x to have shape [..., T, D] (rank >= 2), but got shape ${formatShape(x.shape)}`);
  const T = x.shape[x.rank - 2];
  const D = x.shape[x.rank - 1];
  if (D % 2 !== 0) throw new RangeError(`${FN}: expected x's last dimension D to be even (features rotate in pairs), but got shape ${formatShape(x.shape)}`);
  if (T === 0 || D === 0) throw new RangeError(`${FN}: expected x to have at least one position and one pair (T >= 1, D >= 2), but got shape ${formatShape(x.shape)}`);
  const half = D / 2;
  return tf.tidy(() => {
    const [cos, sin] = angleTables(T, D, base, startIndex); // [T, D/2] each
    const lead = x.shape.slice(0, -1); // [..., T]
    let a: tf.Tensor; // [..., T, D/2] first member of every pair
    let b: tf.Tensor; // [..., T, D/2] second member
    if (interleaved) {
      const pairs = tf.reshape(x, [...lead, half, 2]); // [..., T, D] -> [..., T, D/2, 2]
      a = tf.reshape(tf.slice(pairs, [...lead.map(() => 0), 0, 0], [...lead, half, 1]), [...lead, half]);
      b = tf.reshape(tf.slice(pairs, [...lead.map(() => 0), 0, 1], [...lead, half, 1]), [...lead, half]);
    } else {
      [a, b] = tf.split(x, 2, x.rank - 1); // [..., T, D] -> 2 × [..., T, D/2]
    }
    const ra = tf.sub(tf.mul(a, cos), tf.mul(b, sin)); // a cos − b sin   [..., T, D/2]
    const rb = tf.add(tf.mul(b, cos), tf.mul(a, sin)); // b cos + a sin   [..., T, D/2]
    if (interleaved) return tf.reshape(tf.stack([ra, rb], x.rank), x.shape) as X; // [..., T, D/2, 2] -> [..., T, D]
    return tf.concat([ra, rb], x.rank - 1) as X; // [..., T, D]
  });
}
