/**
 * Inverted dropout with the mask drawn by a seeded mulberry32 stream. tfjs's `tf.dropout` draws
 * its uniforms through `tf.randomUniform`, a per-element seedrandom generator: in a profiled epoch
 * of notebook 06's model that alone was 15% of the time. On cpu and wasm it is one kernel each way:
 * the backward draws the same stream again from the seed instead of keeping a mask (on wasm the
 * stream runs in WebAssembly, `sequenceSimd`'s `dropmul`).
 */
import * as tf from "../tf";
import { mulberry32 } from "../backend/seed";
import { KERNEL_BACKENDS, allocate, release, view, wasmMemory } from "./heap";
import { sequenceSimd } from "./sequenceSimd";
import { hasFastKernels } from "./embeddingLookup";

/** Kernel name of the dropout: input `x`, attrs `{ rate, seed }`. */
export const DROPOUT = "EmbedlabDropout";

/**
 * The drop decisions of the last masks drawn on wasm, one bit per element in a block of the heap:
 * a dropout's backward pass applies the mask its forward pass drew (same seed, size and rate), so
 * the second call reads the bits instead of running the generator again. The bits are a function
 * of the key alone, so a match is always right; each is used once, and at most {@link KEPT} wait.
 */
const saved: { backend: tf.KernelBackend; key: string; bits: tf.TensorInfo }[] = [];
/** Masks kept for a backward pass (one per dropout layer between a forward pass and its backward). */
const KEPT = 4;

/**
 * `out[i] = x[i] · (u_i < rate ? 0 : float32(1 / (1 - rate)))`, `u` the mulberry32 stream of
 * `seed`, over `n` elements (`out` may be `x`). On wasm (both arrays on `backend`'s heap) the loop
 * runs in WebAssembly, and a mask drawn once is applied from its saved bits the second time; the
 * numbers are the same.
 */
export function dropoutInto(backend: tf.KernelBackend, out: Float32Array, x: Float32Array, n: number, rate: number, seed: number): void {
  const keep = Math.fround(1 / (1 - rate));
  const simd = sequenceSimd(wasmMemory(backend));
  if (simd !== null) {
    const outPtr = out.byteOffset; // before any allocation: a growing heap detaches the views
    const xPtr = x.byteOffset;
    const threshold = Math.ceil(rate * 4294967296); // u < rate·2^32 <=> u < ceil(rate·2^32) for whole u
    const n4 = threshold < 4294967296 ? n & ~3 : 0;
    if (n4 > 0) {
      const key = `${seed | 0}:${n4}:${threshold}:${keep}`;
      const hit = saved.findIndex((m) => m.backend === backend && m.key === key);
      if (hit >= 0) {
        const [m] = saved.splice(hit, 1);
        simd.bitsmul4(outPtr, xPtr, n4, view(backend, m.bits).byteOffset, keep); // the forward's mask, from its bits
        release(backend, m.bits);
      } else {
        const bits = allocate(backend, [Math.ceil(n4 / 16)], "int32", false); // one byte per four elements
        simd.dropbits4(outPtr, xPtr, n4, seed | 0, threshold | 0, keep, view(backend, bits).byteOffset); // four draws at a time
        saved.push({ backend, key, bits });
        if (saved.length > KEPT) release(backend, (saved.shift() as (typeof saved)[number]).bits); // no backward pass came (inference with dropout on)
      }
    }
    // the rest one by one, from the state after n4 draws (mulberry32's state is seed + k·0x6d2b79f5)
    if (n4 < n) simd.dropmul(outPtr + 4 * n4, xPtr + 4 * n4, n - n4, (seed + Math.imul(n4, 0x6d2b79f5)) | 0, rate * 4294967296, keep);
    return;
  }
  const next = mulberry32(seed);
  for (let i = 0; i < n; i++) out[i] = x[i] * (next() < rate ? 0 : keep);
}

function dropoutKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  const { rate, seed } = attrs as unknown as { rate: number; seed: number };
  const outInfo = allocate(backend, x.shape, "float32", false);
  const n = x.shape.reduce((a, b) => a * b, 1);
  dropoutInto(backend, view(backend, outInfo) as Float32Array, view(backend, x) as Float32Array, n, rate, seed);
  return outInfo;
}

let registered = false;

/** Registers the dropout kernel and its gradient (idempotent; done on import). */
export function registerDropoutKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of KERNEL_BACKENDS) {
    tf.registerKernel({ kernelName: DROPOUT, backendName, kernelFunc: dropoutKernel as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: DROPOUT,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], _saved: tf.Tensor[], attrs: tf.NamedAttrMap) => ({
      x: () => tf.engine().runKernel(DROPOUT, { x: dy as tf.Tensor }, attrs) as tf.Tensor, // the same mask: dy · mask
    }),
  });
}
registerDropoutKernels();

/**
 * `x · mask / (1 - rate)` with `mask[i] = (u_i >= rate)`, `u` from `mulberry32(seed)`: the same
 * rule as `tf.dropout` (`floor(u + keep) / keep`), a different (faster) random stream. Differentiable
 * in `x` (the gradient is `dy · mask / (1 - rate)`).
 *
 * **Input shape:** any. **Output shape:** the same.
 */
export function dropoutMask(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  if (hasFastKernels() && x.dtype === "float32") return tf.engine().runKernel(DROPOUT, { x }, { rate, seed }) as tf.Tensor;
  const n = x.size;
  const scale = 1 / (1 - rate);
  const next = mulberry32(seed);
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = next() < rate ? 0 : scale;
  return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape, "float32")));
}
