/**
 * Masked mean and attention pooling as one kernel each way (`sequencePooling`'s `"mean"` and
 * `"attention"` modes). Composed from tfjs ops, attention pooling was ~10 kernels forward (scores,
 * scale, casts, fill, where, softmax, mask multiply, weighted sum) and ~15 backward, each with
 * tfjs's per-op cost and tape entries; here the forward is one pass and the backward another:
 *
 *   s[b, t] = x[b, t, :] · q / √D,   w[b, :] = softmax over the real t of s[b, :] (0 at padding),
 *   out[b, :] = Σ_t w[b, t] · x[b, t, :]           (mean: w[b, t] = real / max(#real, 1))
 *
 *   dw[b, t] = x[b, t, :] · dy[b, :],  ds[b, t] = w[b, t] (dw[b, t] - Σ_t' w[b, t'] dw[b, t']) / √D
 *   dx[b, t, :] = w[b, t] dy[b, :] + ds[b, t] q,   dq = Σ_b Σ_t ds[b, t] x[b, t, :]
 *
 * The softmax runs in float64 per row and rounds once. The contractions are the f32x4 loops of
 * `sequenceSimd` on wasm (D a multiple of 4), JS loops otherwise.
 */
import * as tf from "../tf";
import { KERNEL_BACKENDS, allocate, kernelBackendName, release, view } from "./heap";
import { OUTER_SCALE, outerScaleInto, rowDotInto, simdFor, weightedSumInto } from "./sequenceWeights";
import { hasFastKernels } from "./embeddingLookup";

/** Kernel name of masked mean pooling: inputs `x` (+ `mask`), outputs `[out, w]`. */
export const SEQUENCE_POOL_MEAN = "EmbedlabSequencePoolMean";
/** Kernel name of attention pooling: inputs `x`, `q` (+ `mask`), outputs `[out, w]`. */
export const SEQUENCE_POOL_ATTENTION = "EmbedlabSequencePoolAttention";
/** Kernel name of attention pooling's backward, for `x` or for `q` (`attrs.wrt`). */
export const SEQUENCE_POOL_GRAD = "EmbedlabSequencePoolGrad";

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

/** Whether position `i` of the mask is a real token (any non-zero value). */
const isReal = (mask: tf.TypedArray | null, i: number) => mask === null || mask[i] !== 0;

/** `w[b, t] = real / max(#real, 1)`, as `tf.div(real, maximum(sum(real), 1))` rounds it. */
function meanWeights(w: Float32Array, mask: tf.TypedArray | null, b: number, t: number): void {
  for (let i = 0; i < b; i++) {
    let n = 0;
    for (let k = 0; k < t; k++) if (isReal(mask, i * t + k)) n++;
    const share = Math.fround(1 / Math.max(n, 1));
    for (let k = 0; k < t; k++) w[i * t + k] = isReal(mask, i * t + k) ? share : 0;
  }
}

/** In place: the scores `w` (`x · q`) become the masked softmax of `score / √D` per row; a fully masked row gets zeros. */
function maskedSoftmax(w: Float32Array, mask: tf.TypedArray | null, b: number, t: number, sqrtD: number): void {
  const z = new Float64Array(t);
  for (let i = 0; i < b; i++) {
    const row = i * t;
    let max = -Infinity;
    for (let k = 0; k < t; k++) {
      if (!isReal(mask, row + k)) continue;
      z[k] = Math.fround(w[row + k] / sqrtD); // tf.div(scores, √D) in float32
      if (z[k] > max) max = z[k];
    }
    if (max === -Infinity) {
      w.fill(0, row, row + t);
      continue;
    }
    let sum = 0;
    for (let k = 0; k < t; k++) {
      z[k] = isReal(mask, row + k) ? Math.exp(z[k] - max) : 0;
      sum += z[k];
    }
    for (let k = 0; k < t; k++) w[row + k] = z[k] / sum;
  }
}

function poolKernel({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const { x, q, mask } = inputs as { x: tf.TensorInfo; q?: tf.TensorInfo; mask?: tf.TensorInfo };
  const [b, t, d] = x.shape;
  const attention = q !== undefined;
  const wInfo = allocate(backend, [b, t], "float32", false); // [B, T]
  const outInfo = allocate(backend, [b, d], "float32", true); // [B, D]
  // views only now: on wasm a view dies when the heap grows
  const simd = simdFor(backend, d);
  const w = view(backend, wInfo) as Float32Array;
  const xs = view(backend, x) as Float32Array;
  const m = mask === undefined ? null : view(backend, mask);
  if (attention) {
    rowDotInto(simd, w, xs, view(backend, q as tf.TensorInfo) as Float32Array, b, t, d, false);
    maskedSoftmax(w, m, b, t, Math.fround(Math.sqrt(d)));
  } else {
    meanWeights(w, m, b, t);
  }
  weightedSumInto(simd, view(backend, outInfo) as Float32Array, xs, w, b, t, d);
  return [outInfo, wInfo];
}

/** `ds[b, t] = w (dw - Σ_t' w dw) / √D` with `dw[b, t] = x[b, t] · dy[b] (+ extra)`: the scores' gradient. */
function scoreGrad(simd: ReturnType<typeof simdFor>, ds: Float32Array, xs: Float32Array, gy: Float32Array, ws: Float32Array, extra: Float32Array | null, b: number, t: number, d: number): void {
  const invSqrtD = 1 / Math.fround(Math.sqrt(d));
  rowDotInto(simd, ds, xs, gy, b, t, d, true); // dw[b, t] = x[b, t] · dy[b]
  for (let i = 0; i < b; i++) {
    const row = i * t;
    let dot = 0;
    for (let k = 0; k < t; k++) {
      if (extra !== null) ds[row + k] += extra[row + k];
      dot += ws[row + k] * ds[row + k];
    }
    for (let k = 0; k < t; k++) ds[row + k] = ws[row + k] * (ds[row + k] - dot) * invSqrtD; // softmax backward, / √D
  }
}

/**
 * The scores' gradient of the last backward kernel, for its twin: tfjs asks for `x`'s and `q`'s
 * gradients one after the other from the same saved tensors, and both start from the same `ds`.
 * Keyed by the storages involved and by the engine's tape position (no forward pass runs between
 * the two, so a later backward pass never matches); used once.
 */
let lastScoreGrad: { keys: unknown[]; ds: Float32Array } | null = null;

/** The engine's next tape node id: it moves with every recorded forward op and stays put during a backward pass. */
function tapePosition(): number | undefined {
  return (tf.engine() as unknown as { state?: { nextTapeNodeId?: number } }).state?.nextTapeNodeId;
}

/** Attention pooling's backward for `x` (`attrs.wrt = "x"`, `[B, T, D]`) or for `q` (`"q"`, `[D]`). */
function poolGradKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, x, q, w, dw: dwExtra } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; q: tf.TensorInfo; w: tf.TensorInfo; dw?: tf.TensorInfo };
  const [b, t, d] = x.shape;
  const wrtX = (attrs as { wrt: string }).wrt === "x";
  const outInfo = allocate(backend, wrtX ? [b, t, d] : [d], "float32", false);
  const simd = simdFor(backend, d);
  const dsInfo = simd === null ? null : allocate(backend, [b, t], "float32", false); // scratch [B, T]
  const perRowInfo = simd === null || wrtX ? null : allocate(backend, [b, d], "float32", true); // scratch [B, D]
  // views only now: on wasm a view dies when the heap grows
  const ds = dsInfo === null ? new Float32Array(b * t) : (view(backend, dsInfo) as Float32Array);
  const xs = view(backend, x) as Float32Array;
  const ws = view(backend, w) as Float32Array;
  const gy = view(backend, dy) as Float32Array;
  const qs = view(backend, q) as Float32Array;
  const position = tapePosition();
  const keys = [position, dy.dataId, x.dataId, q.dataId, w.dataId, dwExtra?.dataId, b, t, d];
  if (position !== undefined && lastScoreGrad !== null && lastScoreGrad.keys.every((k, i) => k === keys[i])) {
    ds.set(lastScoreGrad.ds); // the twin's ds, computed from the same values
    lastScoreGrad = null;
  } else {
    scoreGrad(simd, ds, xs, gy, ws, dwExtra === undefined ? null : (view(backend, dwExtra) as Float32Array), b, t, d);
    lastScoreGrad = position === undefined ? null : { keys, ds: ds.slice() };
  }
  const out = view(backend, outInfo) as Float32Array;
  if (wrtX) {
    // dx[b, t] = w[b, t] · dy[b] + ds[b, t] · q (each product rounded, then the sum, as tfjs added them)
    if (simd !== null) {
      simd.outer2(out.byteOffset, ws.byteOffset, gy.byteOffset, 4 * d, ds.byteOffset, qs.byteOffset, 0, b, t, 4 * d);
    } else {
      const fr = Math.fround;
      for (let i = 0; i < b; i++) {
        for (let k = 0; k < t; k++) {
          const wk = ws[i * t + k], sk = ds[i * t + k];
          const base = (i * t + k) * d;
          for (let j = 0; j < d; j++) out[base + j] = fr(wk * gy[i * d + j]) + fr(sk * qs[j]);
        }
      }
    }
  } else {
    const perRow = perRowInfo === null ? new Float32Array(b * d) : (view(backend, perRowInfo) as Float32Array);
    weightedSumInto(simd, perRow, xs, ds, b, t, d); // [B, D]: Σ_t ds[b, t] x[b, t]
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < b; i++) s += perRow[i * d + j];
      out[j] = s;
    }
  }
  if (dsInfo !== null) release(backend, dsInfo);
  if (perRowInfo !== null) release(backend, perRowInfo);
  return outInfo;
}

let registered = false;

/** Registers the pooling kernels and the gradient (idempotent; done on import). */
export function registerSequencePoolKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of KERNEL_BACKENDS) {
    for (const kernelName of [SEQUENCE_POOL_MEAN, SEQUENCE_POOL_ATTENTION]) tf.registerKernel({ kernelName, backendName, kernelFunc: poolKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: SEQUENCE_POOL_GRAD, backendName, kernelFunc: poolGradKernel as unknown as tf.KernelFunc });
  }
  const noMaskGrad = (x: tf.Tensor) => ({ mask: () => tf.zeros([x.shape[0], x.shape[1]] as [number, number], "float32") });
  tf.registerGradient({
    kernelName: SEQUENCE_POOL_MEAN,
    inputsToSave: ["x"],
    outputsToSave: [false, true],
    gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [dy] = dys as (tf.Tensor | null)[];
      const [x, w] = saved;
      // the weights do not depend on x: dx[b, t] = w[b, t] · dy[b]
      return { x: () => (dy === null ? tf.zerosLike(x) : (tf.engine().runKernel(OUTER_SCALE, { s: w, q: dy }, {}) as tf.Tensor)), ...noMaskGrad(x) };
    },
  });
  tf.registerGradient({
    kernelName: SEQUENCE_POOL_ATTENTION,
    inputsToSave: ["x", "q"],
    outputsToSave: [false, true],
    gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [dy, dwOut] = dys as (tf.Tensor | null)[];
      const [x, q, w] = saved;
      const grad = (wrt: "x" | "q") => () => {
        const gy = dy ?? tf.zeros([x.shape[0], x.shape[2]] as [number, number], "float32");
        const inputs: tf.NamedTensorMap = { dy: gy, x, q, w };
        if (dwOut !== null && dwOut !== undefined) inputs.dw = dwOut;
        return tf.engine().runKernel(SEQUENCE_POOL_GRAD, inputs, { wrt } as unknown as tf.NamedAttrMap) as tf.Tensor;
      };
      // one kernel per input: tfjs asks for each input's gradient in its own tidy, and only for
      // the inputs a variable reaches (the scores' gradient, [B, T], is cheap to make twice)
      return { x: grad("x"), q: grad("q"), ...noMaskGrad(x) };
    },
  });
}
registerSequencePoolKernels();

/**
 * Masked mean or attention pooling in one kernel: returns `[pooled [B, D], weights [B, T]]`.
 * `mask` `[B, T]` (any dtype, non-zero = real token) is optional; `q` `[D]` is needed for attention.
 * Only on the fast backends (see {@link hasFastKernels}); differentiable in `x` and `q`.
 */
export function sequencePool(x: tf.Tensor, q: tf.Tensor | null, mask: tf.Tensor | null, mode: "mean" | "attention"): [tf.Tensor, tf.Tensor] {
  const inputs: tf.NamedTensorMap = { x };
  if (mode === "attention") inputs.q = q as tf.Tensor;
  if (mask !== null) inputs.mask = mask;
  const name = mode === "attention" ? SEQUENCE_POOL_ATTENTION : SEQUENCE_POOL_MEAN;
  return tf.engine().runKernel(name, inputs, {}) as unknown as [tf.Tensor, tf.Tensor];
}

/** Whether {@link sequencePool} can run here. */
export function canPoolFused(): boolean {
  return hasFastKernels() && kernelBackendName(tf.backend()) !== null;
}
