/**
 * The Transformer input's forward in one kernel — `table[ids[b, t]] · scale + positions[t]` — and its
 * backward in one scatter-add, on `cpu` and `wasm`. Composed from tfjs ops the same step is a
 * gather, a broadcasting multiply and a broadcasting add, each a `[B, T, D]` tensor, and their
 * gradients (tfjs-wasm's broadcasting Add alone was ~13 ms of a 34 ms training step).
 */
import * as tf from "../tf";
import { KERNEL_BACKENDS, allocate, view, wasmMemory } from "./heap";
import { sequenceSimd } from "./sequenceSimd";
import { SCATTER_ADD_ROWS, hasFastKernels } from "./embeddingLookup";
import { checkGradientAhead } from "../backend/memoryLimit";
import { DROPOUT, dropoutInto, dropoutMask } from "./dropoutMask";

/** Kernel name of the fused lookup. */
export const TOKEN_POSITION_LOOKUP = "EmbedlabTokenPositionLookup";

interface Attrs {
  scale: number;
  numRows: number;
  paddingIdx: number;
  /** The public function named if the table's dense gradient can't fit. */
  fn: string;
  /** Dropout on the sum (training), 0 for none; its mask is the mulberry32 stream of `dropoutSeed`. */
  dropout: number;
  dropoutSeed: number;
}

function forwardKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { table, indices, positions } = inputs as { table: tf.TensorInfo; indices: tf.TensorInfo; positions: tf.TensorInfo };
  const { dropout, dropoutSeed } = attrs as unknown as Attrs;
  const scale = Math.fround((attrs as unknown as Attrs).scale); // tfjs multiplies by a float32 scalar
  const [b, t] = indices.shape;
  const dim = table.shape[1];
  const outInfo = allocate(backend, [b, t, dim], "float32", false); // [B, T] -> [B, T, D]
  const out = view(backend, outInfo) as Float32Array;
  const w = view(backend, table) as Float32Array;
  const pe = view(backend, positions) as Float32Array;
  const ids = view(backend, indices);
  const simd = dim % 4 === 0 ? sequenceSimd(wasmMemory(backend)) : null;
  if (simd !== null) {
    simd.tpl(out.byteOffset, w.byteOffset, ids.byteOffset, pe.byteOffset, b * t, t, 4 * dim, scale);
    if (dropout > 0) dropoutInto(backend, out, out, b * t * dim, dropout, dropoutSeed); // in place
    return outInfo;
  }
  const fr = Math.fround;
  for (let i = 0, n = b * t; i < n; i++) {
    const src = ids[i] * dim;
    const p = (i % t) * dim;
    const o = i * dim;
    if (scale === 1) {
      for (let j = 0; j < dim; j++) out[o + j] = w[src + j] + pe[p + j];
    } else {
      for (let j = 0; j < dim; j++) out[o + j] = fr(w[src + j] * scale) + pe[p + j]; // rounded like mul, then add
    }
  }
  if (dropout > 0) dropoutInto(backend, out, out, b * t * dim, dropout, dropoutSeed); // in place
  return outInfo;
}

let registered = false;

/** Registers the fused kernel and its gradient (idempotent; done on import). */
export function registerTokenPositionKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of KERNEL_BACKENDS) {
    tf.registerKernel({ kernelName: TOKEN_POSITION_LOOKUP, backendName, kernelFunc: forwardKernel as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: TOKEN_POSITION_LOOKUP,
    inputsToSave: ["indices", "positions"],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const [indices, positions] = saved;
      const { scale, numRows, paddingIdx, fn, dropout, dropoutSeed } = attrs as unknown as Attrs;
      // through the dropout first: the same mask, drawn again from its seed ([B, T, D])
      let masked: tf.Tensor | null = null;
      const gradOfSum = () => {
        if (dropout === 0) return dy as tf.Tensor;
        if (masked === null || masked.isDisposed) masked = tf.engine().runKernel(DROPOUT, { x: dy as tf.Tensor }, { rate: dropout, seed: dropoutSeed }) as tf.Tensor;
        return masked;
      };
      return {
        // d/dtable: scatter-add of dy · scale into [V, D] (the padding row stays zero)
        table: () => {
          const g = gradOfSum();
          const scaled = scale === 1 ? g : tf.mul(g, scale);
          return tf.engine().runKernel(SCATTER_ADD_ROWS, { dy: scaled, indices }, { numRows, paddingIdx, scaleGradByFreq: false, fn }) as tf.Tensor;
        },
        indices: () => tf.zeros(indices.shape, "float32"),
        // d/dpositions: dy summed over the batch, rows past T zero (only a learned table asks)
        positions: () => {
          const g = gradOfSum();
          const t = g.shape[1] as number;
          const summed = tf.sum(g, 0); // [B, T, D] -> [T, D]
          const rest = (positions.shape[0] as number) - t;
          return rest === 0 ? summed : tf.pad(summed, [[0, rest], [0, 0]]); // [P, D]
        },
      };
    },
  });
}
registerTokenPositionKernels();

/**
 * `table[ids] · scale + positions[:T]` in one pass, with the gradient of `embeddingLookup` for the
 * table (padding row excluded) and a batch sum for the positions. Indices must already be checked
 * int32 `[B, T]`, `T <= positions.shape[0]`. On backends without our kernels, the same with tfjs ops.
 *
 * **Input shape:** `table` `[V, D]`, `indices` `[B, T]`, `positions` `[P, D]`. **Output shape:** `[B, T, D]`.
 */
export function tokenPositionLookup(
  table: tf.Tensor,
  indices: tf.Tensor,
  positions: tf.Tensor,
  options: { scale: number; paddingIdx: number; fn?: string; dropout?: number; dropoutSeed?: number },
  lookup: () => tf.Tensor,
): tf.Tensor {
  checkGradientAhead(options.fn ?? "tokenPositionLookup", table); // training: the [V, D] gradient must fit
  const dropout = options.dropout ?? 0;
  const dropoutSeed = options.dropoutSeed ?? 0;
  if (hasFastKernels()) {
    const attrs: Attrs = { scale: options.scale, numRows: table.shape[0], paddingIdx: options.paddingIdx, fn: options.fn ?? "tokenPositionLookup", dropout, dropoutSeed };
    return tf.engine().runKernel(TOKEN_POSITION_LOOKUP, { table, indices, positions }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  return tf.tidy(() => {
    const t = indices.shape[1] as number;
    const d = table.shape[1] as number;
    let x = lookup(); // [B, T, D]
    if (options.scale !== 1) x = tf.mul(x, options.scale);
    const pe = t === positions.shape[0] ? positions : tf.slice(positions, [0, 0], [t, d]); // [T, D]
    const sum = tf.add(x, pe); // [B, T, D] + [T, D]
    return dropout > 0 ? dropoutMask(sum, dropout, dropoutSeed) : sum;
  });
}
