/**
 * The two contractions masked mean and attention pooling are made of, as kernels on `cpu` and
 * `wasm` with hand-written gradients:
 * - `weightedSum(x, w)`: `out[b, d] = Σ_t w[b, t] · x[b, t, d]`  (`[B, T, D]`, `[B, T]` -> `[B, D]`)
 * - `rowDot(x, q)`:      `s[b, t] = Σ_d x[b, t, d] · q[d]`       (`[B, T, D]`, `[D]` -> `[B, T]`)
 * Composed from tfjs ops each is a broadcasting multiply plus a sum, and their gradients broadcast
 * and reduce again; tfjs-cpu's generic broadcasting loops made those the slowest part of a step.
 * Other backends get the same functions from tfjs ops.
 */
import * as tf from "../tf";
import { KERNEL_BACKENDS, allocate, view, wasmMemory } from "./heap";
import { type SequenceSimd, sequenceSimd } from "./sequenceSimd";
import { hasFastKernels } from "./embeddingLookup";

/** `out[b, d] = Σ_t w[b, t] · x[b, t, d]` — `x` `[B, T, D]`, `w` `[B, T]` -> `[B, D]`. */
export const WEIGHTED_SUM = "EmbedlabWeightedSum";
/** `s[b, t] = Σ_d x[b, t, d] · q[b?, d]` — `x` `[B, T, D]`, `q` `[D]` or `[B, D]` -> `[B, T]`. */
export const ROW_DOT = "EmbedlabRowDot";
/** `out[b, t, d] = s[b, t] · q[b?, d]` — `s` `[B, T]`, `q` `[D]` or `[B, D]` -> `[B, T, D]`. */
export const OUTER_SCALE = "EmbedlabOuterScale";

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend };

/** `out[b, :] = Σ_t w[b, t] · x[b, t, :]` into `out` (`[B, D]`, zeroed): f32x4 on wasm when `simd`, else a JS loop. */
export function weightedSumInto(simd: SequenceSimd | null, out: Float32Array, xs: Float32Array, ws: Float32Array, b: number, t: number, d: number): void {
  if (simd !== null) {
    simd.wsum(out.byteOffset, xs.byteOffset, ws.byteOffset, b, t, 4 * d);
    return;
  }
  const acc = new Float64Array(d);
  for (let i = 0; i < b; i++) {
    acc.fill(0);
    for (let k = 0; k < t; k++) {
      const wk = ws[i * t + k];
      if (wk === 0) continue; // masked positions: skip the row
      const base = (i * t + k) * d;
      for (let j = 0; j < d; j++) acc[j] += wk * xs[base + j];
    }
    for (let j = 0; j < d; j++) out[i * d + j] = acc[j];
  }
}

/** `out[b, t] = x[b, t, :] · q[b?, :]` (`q` per batch row when `perBatch`). */
export function rowDotInto(simd: SequenceSimd | null, out: Float32Array, xs: Float32Array, qs: Float32Array, b: number, t: number, d: number, perBatch: boolean): void {
  if (simd !== null) {
    simd.rowdot(out.byteOffset, xs.byteOffset, qs.byteOffset, b, t, 4 * d, perBatch ? 4 * d : 0);
    return;
  }
  for (let i = 0; i < b; i++) {
    const qBase = perBatch ? i * d : 0;
    for (let k = 0; k < t; k++) {
      const base = (i * t + k) * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += xs[base + j] * qs[qBase + j];
      out[i * t + k] = s;
    }
  }
}

/** `out[b, t, :] = s[b, t] · q[b?, :]`. */
export function outerScaleInto(simd: SequenceSimd | null, out: Float32Array, ss: Float32Array, qs: Float32Array, b: number, t: number, d: number, perBatch: boolean): void {
  if (simd !== null) {
    simd.outer(out.byteOffset, ss.byteOffset, qs.byteOffset, b, t, 4 * d, perBatch ? 4 * d : 0);
    return;
  }
  for (let i = 0; i < b; i++) {
    const qBase = perBatch ? i * d : 0;
    for (let k = 0; k < t; k++) {
      const sk = ss[i * t + k];
      const base = (i * t + k) * d;
      for (let j = 0; j < d; j++) out[base + j] = sk * qs[qBase + j];
    }
  }
}

/** The SIMD loops for rows of `d` floats on `backend`, or `null` (cpu, or `d` not a multiple of 4). */
export function simdFor(backend: tf.KernelBackend, d: number): SequenceSimd | null {
  return d % 4 === 0 ? sequenceSimd(wasmMemory(backend)) : null;
}

function weightedSumKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x, w } = inputs as { x: tf.TensorInfo; w: tf.TensorInfo };
  const [b, t, d] = x.shape;
  const outInfo = allocate(backend, [b, d], "float32", true); // [B, D]
  weightedSumInto(simdFor(backend, d), view(backend, outInfo) as Float32Array, view(backend, x) as Float32Array, view(backend, w) as Float32Array, b, t, d);
  return outInfo;
}

function rowDotKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x, q } = inputs as { x: tf.TensorInfo; q: tf.TensorInfo };
  const [b, t, d] = x.shape;
  const outInfo = allocate(backend, [b, t], "float32", false); // [B, T]
  rowDotInto(simdFor(backend, d), view(backend, outInfo) as Float32Array, view(backend, x) as Float32Array, view(backend, q) as Float32Array, b, t, d, q.shape.length === 2);
  return outInfo;
}

function outerScaleKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { s, q } = inputs as { s: tf.TensorInfo; q: tf.TensorInfo };
  const [b, t] = s.shape;
  const d = q.shape[q.shape.length - 1];
  const outInfo = allocate(backend, [b, t, d], "float32", false); // [B, T, D]
  outerScaleInto(simdFor(backend, d), view(backend, outInfo) as Float32Array, view(backend, s) as Float32Array, view(backend, q) as Float32Array, b, t, d, q.shape.length === 2);
  return outInfo;
}

let registered = false;

/** Registers the kernels and their gradients (idempotent; done on import). */
export function registerSequenceWeightKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of KERNEL_BACKENDS) {
    tf.registerKernel({ kernelName: WEIGHTED_SUM, backendName, kernelFunc: weightedSumKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: ROW_DOT, backendName, kernelFunc: rowDotKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: OUTER_SCALE, backendName, kernelFunc: outerScaleKernel as unknown as tf.KernelFunc });
  }
  const run = (name: string, inputs: tf.NamedTensorMap) => tf.engine().runKernel(name, inputs, {}) as tf.Tensor;
  tf.registerGradient({
    kernelName: WEIGHTED_SUM,
    inputsToSave: ["x", "w"],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [x, w] = saved;
      const g = dy as tf.Tensor; // [B, D]
      return {
        x: () => run(OUTER_SCALE, { s: w, q: g }), // dx[b, t, d] = w[b, t] · dy[b, d]
        w: () => run(ROW_DOT, { x, q: g }), // dw[b, t] = Σ_d x[b, t, d] · dy[b, d]
      };
    },
  });
  tf.registerGradient({
    kernelName: ROW_DOT,
    inputsToSave: ["x", "q"],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [x, q] = saved;
      const g = dy as tf.Tensor; // [B, T]
      return {
        x: () => run(OUTER_SCALE, { s: g, q }), // dx[b, t, d] = ds[b, t] · q[b?, d]
        q: () => {
          const perBatch = run(WEIGHTED_SUM, { x, w: g }); // [B, D]: Σ_t ds[b, t] · x[b, t, d]
          return q.rank === 2 ? perBatch : tf.sum(perBatch, 0); // shared q: also over the batch -> [D]
        },
      };
    },
  });
}
registerSequenceWeightKernels();

/**
 * `Σ_t w[b, t] · x[b, t, :]`, differentiable in both. **Input shape:** `x` `[B, T, D]`, `w` `[B, T]`.
 * **Output shape:** `[B, D]`.
 */
export function weightedSum(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  if (hasFastKernels()) return tf.engine().runKernel(WEIGHTED_SUM, { x, w }, {}) as tf.Tensor;
  return tf.tidy(() => tf.sum(tf.mul(x, tf.expandDims(w, 2)), 1)); // [B, T, D] * [B, T, 1] -> [B, D]
}

/**
 * `x[b, t, :] · q`, differentiable in both. **Input shape:** `x` `[B, T, D]`, `q` `[D]`.
 * **Output shape:** `[B, T]`.
 */
export function rowDot(x: tf.Tensor, q: tf.Tensor): tf.Tensor {
  if (hasFastKernels()) return tf.engine().runKernel(ROW_DOT, { x, q }, {}) as tf.Tensor;
  return tf.tidy(() => tf.sum(tf.mul(x, q), 2)); // [B, T, D] · [D] -> [B, T]
}
