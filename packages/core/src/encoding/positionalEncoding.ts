/**
 * Sinusoidal position encodings (Vaswani et al., 2017, "Attention Is All You Need", §3.5).
 *
 * The table is built in plain typed arrays (about 8× faster than the same formula in tf ops, and no
 * intermediate tensors), in float64, rounded once to float32.
 */
import * as tf from "../tf";
import { checkInt, checkKeys, checkNumber, formatShape, typeError } from "../validate";

/** Options of {@link positionalEncoding} and {@link positionalEncodingTable}. */
export interface PositionalEncodingOptions {
  /** The wavelength base: column pair `i` has angular frequency `base^(-2i/dModel)`. Defaults to `10000`. */
  base?: number;
  /** The position of the first row (for a table that continues an earlier one). Defaults to `0`. */
  startIndex?: number;
}

const KEYS = ["base", "startIndex"] as const;

function parse(fn: string, maxSeqLen: unknown, dModel: unknown, options: PositionalEncodingOptions | undefined) {
  checkKeys(fn, options, KEYS);
  const T = checkInt(fn, "maxSeqLen", maxSeqLen, 1);
  const D = checkInt(fn, "dModel", dModel, 1);
  const base = checkNumber(fn, "options.base", options?.base ?? 10000, { positive: true });
  const startIndex = checkInt(fn, "options.startIndex", options?.startIndex ?? 0, 0);
  return { T, D, base, startIndex };
}

/**
 * The sinusoidal table as a row-major `Float32Array` (`[maxSeqLen, dModel]`): the same values as
 * {@link positionalEncoding}, without a tensor (layers build their constant from it).
 *
 * `PE(pos, 2i) = sin(pos / base^(2i/dModel))`, `PE(pos, 2i+1) = cos(pos / base^(2i/dModel))`,
 * computed in float64 and rounded once to float32. Odd `dModel` works: the last column is a sine.
 *
 * **Output shape:** `[maxSeqLen * dModel]`, row `pos - startIndex` at offset `(pos - startIndex) * dModel`.
 *
 * @param maxSeqLen rows (positions), an integer >= 1.
 * @param dModel columns, an integer >= 1.
 * @param options `base` defaults to `10000`; `startIndex` defaults to `0`.
 * @example
 * const table = positionalEncodingTable(2, 4);
 * table.subarray(4, 8); // row 1: [sin 1, cos 1, sin 0.01, cos 0.01]
 */
export function positionalEncodingTable(maxSeqLen: number, dModel: number, options: PositionalEncodingOptions = {}): Float32Array {
  const { T, D, base, startIndex } = parse("positionalEncodingTable", maxSeqLen, dModel, options);
  return buildTable(T, D, base, startIndex);
}

// Rows whose position is a multiple of this are computed with Math.sin/Math.cos; the rows between
// advance by the angle-addition rotation (4 multiply-adds per pair instead of a sin and a cos, ~10×
// faster). Drift over 64 float64 rotations is ~1e-14, far below float32's 6e-8 resolution.
const ANCHOR = 64;

function buildTable(T: number, D: number, base: number, startIndex: number): Float32Array {
  const pairs = Math.ceil(D / 2);
  const w = new Float64Array(pairs); // [ceil(D/2)] angular frequencies base^(-2i/D)
  const cosW = new Float64Array(pairs); // [ceil(D/2)]
  const sinW = new Float64Array(pairs); // [ceil(D/2)]
  for (let i = 0; i < pairs; i++) {
    w[i] = Math.pow(base, (-2 * i) / D);
    cosW[i] = Math.cos(w[i]);
    sinW[i] = Math.sin(w[i]);
  }
  const sin = new Float64Array(pairs); // [ceil(D/2)] sin(pos * w) of the current row
  const cos = new Float64Array(pairs); // [ceil(D/2)] cos(pos * w) of the current row
  const out = new Float32Array(T * D); // [T * D], row-major [T, D]
  const evenD = D % 2 === 0;
  for (let t = 0; t < T; t++) {
    const pos = startIndex + t;
    if (t === 0 || pos % ANCHOR === 0) {
      for (let i = 0; i < pairs; i++) {
        sin[i] = Math.sin(pos * w[i]);
        cos[i] = Math.cos(pos * w[i]);
      }
    } else {
      for (let i = 0; i < pairs; i++) {
        const s = sin[i] * cosW[i] + cos[i] * sinW[i]; // sin(a + w) = sin a cos w + cos a sin w
        cos[i] = cos[i] * cosW[i] - sin[i] * sinW[i]; // cos(a + w) = cos a cos w - sin a sin w
        sin[i] = s;
      }
    }
    const row = t * D;
    const full = evenD ? pairs : pairs - 1; // odd D: the last pair has only its sine column
    for (let i = 0; i < full; i++) {
      out[row + 2 * i] = sin[i];
      out[row + 2 * i + 1] = cos[i];
    }
    if (!evenD) out[row + D - 1] = sin[pairs - 1];
  }
  return out;
}

/**
 * Sinusoidal position encodings as a float32 tensor.
 *
 * `PE(pos, 2i) = sin(pos / base^(2i/dModel))`, `PE(pos, 2i+1) = cos(pos / base^(2i/dModel))` for
 * `pos = startIndex … startIndex + maxSeqLen - 1`. Odd `dModel` works: the last column is a sine.
 *
 * **Output shape:** `[maxSeqLen, dModel]`, float32.
 *
 * @param maxSeqLen rows (positions), an integer >= 1.
 * @param dModel columns, an integer >= 1.
 * @param options `base` defaults to `10000`; `startIndex` defaults to `0`.
 * @example
 * const pe = positionalEncoding(50, 16);          // [50, 16]
 * pe.slice([1, 0], [1, 4]).print();               // [[sin 1, cos 1, sin 0.1, cos 0.1]]
 * const x = addPositionalEncoding(tokens, pe);    // [B, T, 16] + first T rows
 */
export function positionalEncoding(maxSeqLen: number, dModel: number, options: PositionalEncodingOptions = {}): tf.Tensor2D {
  const { T, D, base, startIndex } = parse("positionalEncoding", maxSeqLen, dModel, options);
  return tf.tensor2d(buildTable(T, D, base, startIndex), [T, D], "float32"); // [T, D]
}

/**
 * Adds the first `T` rows of a position table to a batch of sequences.
 *
 * **Input shape:** `x: [B, T, D]` (or `[T, D]`), float32; `pe: [maxSeqLen, D]` with `T <= maxSeqLen`
 * (ranks are checked at run time, so a `tf.Tensor` of unknown rank type-checks).
 * **Output shape:** the shape of `x`, float32.
 *
 * Throws a `RangeError` printing both shapes when `T` is longer than the table or `D` differs.
 *
 * @example
 * const pe = positionalEncoding(512, 64);
 * const x = tf.randomNormal([2, 10, 64]);
 * const y = addPositionalEncoding(x, pe);         // [2, 10, 64]
 */
export function addPositionalEncoding<X extends tf.Tensor>(x: X, pe: tf.Tensor): X {
  const fn = "addPositionalEncoding";
  if (!(x instanceof tf.Tensor)) throw typeError(fn, "x", "a float32 tensor of shape [B, T, D]", x);
  if (!(pe instanceof tf.Tensor)) throw typeError(fn, "pe", "a float32 tensor of shape [maxSeqLen, D]", pe);
  if (x.dtype !== "float32") throw typeError(fn, "x", "a float32 tensor of shape [B, T, D]", x);
  if (pe.dtype !== "float32") throw typeError(fn, "pe", "a float32 tensor of shape [maxSeqLen, D]", pe);
  if (pe.rank !== 2) throw new RangeError(`${fn}: expected pe to have shape [maxSeqLen, D], but got shape ${formatShape(pe.shape)}`);
  if (x.rank !== 3 && x.rank !== 2) throw new RangeError(`${fn}: expected x to have shape [B, T, D] or [T, D], but got shape ${formatShape(x.shape)}`);
  const [maxLen, D] = pe.shape;
  const T = x.shape[x.rank - 2];
  const xD = x.shape[x.rank - 1];
  if (xD !== D) {
    throw new RangeError(`${fn}: expected x's last dimension to equal pe's dModel ${D}, but got x of shape ${formatShape(x.shape)} and pe of shape ${formatShape(pe.shape)}`);
  }
  if (T > maxLen) {
    throw new RangeError(
      `${fn}: expected x's sequence length ${T} to be <= pe's maxSeqLen ${maxLen}, but got x of shape ${formatShape(x.shape)} and pe of shape ${formatShape(pe.shape)}`,
    );
  }
  return tf.tidy(() => {
    const rows = T === maxLen ? pe : pe.slice([0, 0], [T, D]); // [maxSeqLen, D] -> [T, D]
    return tf.add(x, rows) as X; // [B, T, D] + [T, D] -> [B, T, D]
  });
}
