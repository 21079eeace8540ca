/**
 * The embedding lookup and its gradient as tfjs kernels registered for `cpu` and `wasm`.
 *
 * Forward: a row copy per index straight out of the table's storage (tfjs's `gather` is 100–400×
 * slower than PyTorch here). Backward: a scatter-add of the output gradient into a zero `[V, D]`
 * table, O(V·D) to zero plus O(N·D) to add (tfjs's default goes through `UnsortedSegmentSum`,
 * O(V·N·D) on cpu and missing on wasm). Other backends fall back to `tf.gather` forward and the
 * same scatter-add done on downloaded values.
 */
import * as tf from "../tf";
import { KERNEL_BACKENDS, allocate, kernelBackendName, view, wasmMemory } from "./heap";
import { sequenceSimd } from "./sequenceSimd";
import { withCheckedIndices } from "./checkIndices";
import { recordTouchedRows } from "./touchedRows";
import { adoptArray, outputArray, zeroGradient } from "./gradientPool";
import { checkKeys, checkInt, typeError } from "../validate";
import { checkDenseGradient, checkGradientAhead } from "../backend/memoryLimit";
import { customGradByInput } from "../backend/gradientTargets";

/** Kernel name of the lookup (registered once, on import of `@embedlab/core`). */
export const GATHER_ROWS = "EmbedlabGatherRows";
/** Kernel name of its gradient: a scatter-add into a zero `[V, D]` table. */
export const SCATTER_ADD_ROWS = "EmbedlabScatterAddRows";

/** Options of {@link embeddingLookup}: they only change the gradient, as in PyTorch. */
export interface EmbeddingLookupOptions {
  /** Row whose gradient is always zero (already normalised to [0, V)). Defaults to none. */
  paddingIdx?: number;
  /** Divide each row's gradient by how often it occurs in `indices`. Defaults to `false`. */
  scaleGradByFreq?: boolean;
}

/**
 * Plain scatter-add of `dy` rows into `out` (zeroed, `[numRows, D]`). PyTorch's
 * `embedding_dense_backward_cpu` in the same order: row by row, `grad[k] += dy[i] * (1 / count[k])`.
 */
export function scatterAddRowsInto(
  out: tf.TypedArray,
  dy: tf.TypedArray,
  ids: tf.TypedArray,
  dim: number,
  numRows: number,
  paddingIdx: number,
  scaleGradByFreq: boolean,
): void {
  const n = ids.length;
  if (scaleGradByFreq) {
    const counts = new Int32Array(numRows);
    for (let i = 0; i < n; i++) counts[ids[i]]++;
    for (let i = 0; i < n; i++) {
      const k = ids[i];
      if (k === paddingIdx) continue;
      // PyTorch's scale is a double 1/count rounded to float when it multiplies.
      const alpha = Math.fround(1 / counts[k]);
      const o = k * dim;
      const s = i * dim;
      for (let j = 0; j < dim; j++) out[o + j] += alpha * dy[s + j];
    }
    return;
  }
  // Unrolled by 8 (the same adds in the same order): ~1.5-2x the plain loop on the cpu backend,
  // where this is most of a lookup's backward pass.
  const tail = dim & 7;
  for (let i = 0; i < n; i++) {
    const k = ids[i];
    if (k === paddingIdx) continue;
    let o = k * dim;
    let s = i * dim;
    const end8 = o + dim - tail;
    for (; o < end8; o += 8, s += 8) {
      out[o] += dy[s];
      out[o + 1] += dy[s + 1];
      out[o + 2] += dy[s + 2];
      out[o + 3] += dy[s + 3];
      out[o + 4] += dy[s + 4];
      out[o + 5] += dy[s + 5];
      out[o + 6] += dy[s + 6];
      out[o + 7] += dy[s + 7];
    }
    for (let j = 0; j < tail; j++) out[o + j] += dy[s + j];
  }
}

/** Copies row `ids[i]` of `table` to row `i` of `out`. */
export function gatherRowsInto(out: tf.TypedArray, table: tf.TypedArray, ids: tf.TypedArray, dim: number): void {
  const n = ids.length;
  if (out.buffer === table.buffer && out.BYTES_PER_ELEMENT === 4 && table.BYTES_PER_ELEMENT === 4) {
    // Same wasm heap: copyWithin is a memmove with no allocation (float32 rows, and model.fit's int32 batch rows).
    const heap = new Int32Array(out.buffer);
    const outBase = out.byteOffset >> 2;
    const tableBase = table.byteOffset >> 2;
    for (let i = 0; i < n; i++) {
      const s = tableBase + ids[i] * dim;
      heap.copyWithin(outBase + i * dim, s, s + dim);
    }
    return;
  }
  if (dim >= 16) {
    // A native copy per row (set + subarray) beats an element loop ~2× once rows are this long.
    for (let i = 0; i < n; i++) {
      const s = ids[i] * dim;
      out.set(table.subarray(s, s + dim), i * dim);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const s = ids[i] * dim;
    const o = i * dim;
    for (let j = 0; j < dim; j++) out[o + j] = table[s + j];
  }
}

/** tfjs-cpu's way to make an output over an array we filled. */
interface CpuMakeTensorInfo {
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): tf.TensorInfo;
}

function gatherRowsKernel({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend }): tf.TensorInfo {
  const { table, indices } = inputs as { table: tf.TensorInfo; indices: tf.TensorInfo };
  const dim = table.shape[1];
  if (kernelBackendName(backend) === "cpu") {
    // a disposed output's array when there is one: every element is written
    const values = outputArray(backend, indices.shape.reduce((a, b) => a * b, 1) * dim);
    const outInfo = (backend as unknown as CpuMakeTensorInfo).makeTensorInfo([...indices.shape, dim], "float32", values); // [...S] -> [...S, D]
    gatherRowsInto(values, view(backend, table), view(backend, indices), dim);
    adoptArray(backend, values);
    return outInfo;
  }
  const outInfo = allocate(backend, [...indices.shape, dim], "float32", false); // [...S] -> [...S, D]
  const ids = view(backend, indices);
  gatherRowsInto(view(backend, outInfo), view(backend, table), ids, dim);
  return outInfo;
}

function scatterAddRowsKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, indices } = inputs as { dy: tf.TensorInfo; indices: tf.TensorInfo };
  const { numRows, paddingIdx, scaleGradByFreq, fn } = attrs as unknown as { numRows: number; paddingIdx: number; scaleGradByFreq: boolean; fn?: string };
  const dim = dy.shape[dy.shape.length - 1];
  checkDenseGradient(fn ?? "embeddingLookup", [numRows, dim]); // a clear RangeError before the [V, D] allocation
  const n = indices.shape.reduce((a, b) => a * b, 1);
  const simd = dim % 4 === 0 && !scaleGradByFreq ? sequenceSimd(wasmMemory(backend)) : null;
  if (simd !== null) {
    // f32x4 adds in place on the wasm heap, in the order of scatterAddRowsInto (the same sums):
    // ~10x tfjs-wasm's ScatterNd, which was 15% of a training step
    const outInfo = allocate(backend, [numRows, dim], "float32", true); // [V, D]
    const ids = view(backend, indices);
    simd.scatter(view(backend, outInfo).byteOffset, view(backend, dy).byteOffset, ids.byteOffset, n, 4 * dim, paddingIdx);
    recordTouchedRows(outInfo.dataId, ids, numRows, dim, paddingIdx);
    return outInfo;
  }
  const wasmScatter = kernelBackendName(backend) === "wasm" && !scaleGradByFreq ? tf.getKernel("ScatterNd", "wasm") : undefined;
  if (wasmScatter !== undefined && n > 0) {
    // wasm's native ScatterNd adds the rows in the same order as scatterAddRowsInto (bit-identical,
    // checked in tests) at about 2.5× the speed of the JS loop. Same storage, reshaped views:
    // indices [...S] -> [N, 1], dy [...S, D] -> [N, D].
    const outInfo = wasmScatter.kernelFunc({
      inputs: { indices: { dataId: indices.dataId, shape: [n, 1], dtype: "int32" }, updates: { dataId: dy.dataId, shape: [n, dim], dtype: "float32" } },
      attrs: { shape: [numRows, dim] },
      backend,
    }) as tf.TensorInfo; // [V, D]
    if (paddingIdx >= 0) view(backend, outInfo).fill(0, paddingIdx * dim, (paddingIdx + 1) * dim); // only padding ids wrote there
    recordTouchedRows(outInfo.dataId, view(backend, indices), numRows, dim, paddingIdx);
    return outInfo;
  }
  if (kernelBackendName(backend) === "cpu") {
    // a disposed gradient's array when there is one (no page faults on 4·V·D fresh bytes), else new
    const values = zeroGradient(backend, numRows * dim);
    const outInfo = (backend as unknown as CpuMakeTensorInfo).makeTensorInfo([numRows, dim], "float32", values); // [V, D]
    const ids = view(backend, indices);
    scatterAddRowsInto(values, view(backend, dy), ids, dim, numRows, paddingIdx, scaleGradByFreq);
    adoptArray(backend, values, ids, dim);
    recordTouchedRows(outInfo.dataId, ids, numRows, dim, paddingIdx);
    return outInfo;
  }
  const outInfo = allocate(backend, [numRows, dim], "float32", true); // [V, D]
  scatterAddRowsInto(view(backend, outInfo), view(backend, dy), view(backend, indices), dim, numRows, paddingIdx, scaleGradByFreq);
  recordTouchedRows(outInfo.dataId, view(backend, indices), numRows, dim, paddingIdx);
  return outInfo;
}

let registered = false;

/** Registers the lookup kernels and gradient (idempotent; done on import). */
export function registerEmbeddingKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of KERNEL_BACKENDS) {
    tf.registerKernel({ kernelName: GATHER_ROWS, backendName, kernelFunc: gatherRowsKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: SCATTER_ADD_ROWS, backendName, kernelFunc: scatterAddRowsKernel as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: GATHER_ROWS,
    inputsToSave: ["indices"],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const [indices] = saved;
      return {
        table: () => tf.engine().runKernel(SCATTER_ADD_ROWS, { dy: dy as tf.Tensor, indices }, attrs) as tf.Tensor,
        indices: () => tf.zeros(indices.shape, "float32"),
      };
    },
  });
}
registerEmbeddingKernels();

/** Whether our kernels run on the active backend (else the portable fallback is used). */
export function hasFastKernels(): boolean {
  return kernelBackendName(tf.backend()) !== null && tf.getKernel(GATHER_ROWS, tf.getBackend()) !== undefined;
}

/**
 * Other backends: `tf.gather` forward, the scatter-add on downloaded values backward. Each input's
 * gradient is made only if the tape differentiates that input, as with the kernels.
 */
function fallbackLookup(table: tf.Tensor, ids: tf.Tensor, attrs: { numRows: number; paddingIdx: number; scaleGradByFreq: boolean; fn: string }): tf.Tensor {
  return customGradByInput(
    [table, ids],
    (save) => {
      save([ids]);
      return tf.gather(table, ids); // [...S] -> [...S, D]
    },
    (dy, [savedIds]) => [
      () => {
        const dim = table.shape[1] as number;
        checkDenseGradient(attrs.fn, [attrs.numRows, dim]); // a clear RangeError before the [V, D] allocation
        const out = new Float32Array(attrs.numRows * dim);
        scatterAddRowsInto(out, dy.dataSync(), savedIds.dataSync(), dim, attrs.numRows, attrs.paddingIdx, attrs.scaleGradByFreq);
        const grad = tf.tensor2d(out, [attrs.numRows, dim]); // [V, D]
        recordTouchedRows(grad.dataId, savedIds.dataSync(), attrs.numRows, dim, attrs.paddingIdx);
        return grad;
      },
      () => tf.zeros(savedIds.shape, "float32"),
    ],
  );
}

/**
 * Looks up rows of `table`: PyTorch's `F.embedding` forward and backward, exact, on any backend.
 * Indices are checked: fractions, NaN and values outside [0, V) throw, naming the value and its
 * position.
 *
 * **Input shape:** `table` `[V, D]` float32; `indices` any shape `S`, int32 (or float32 whole
 * numbers). **Output shape:** `[...S, D]`.
 *
 * Defaults: no padding row, no frequency scaling.
 * @example
 * const table = tf.tensor2d([[0, 0], [1, 2], [3, 4]]);
 * embeddingLookup(table, tf.tensor2d([[1, 2]], [1, 2], "int32")).arraySync(); // [[[1, 2], [3, 4]]]
 */
export function embeddingLookup(table: tf.Tensor, indices: tf.Tensor, options: EmbeddingLookupOptions = {}, fn = "embeddingLookup"): tf.Tensor {
  checkKeys(fn, options, ["paddingIdx", "scaleGradByFreq"]);
  if (!(table instanceof tf.Tensor) || table.rank !== 2 || table.dtype !== "float32") {
    throw typeError(fn, "table", "a 2-D float32 tensor", table);
  }
  const numRows = table.shape[0];
  const paddingIdx = options.paddingIdx === undefined ? -1 : checkInt(fn, "options.paddingIdx", options.paddingIdx, 0, numRows - 1);
  checkGradientAhead(fn, table); // training: the [V, D] gradient must fit, checked before anything is recorded
  // fn rides along to the gradient kernel, which names it if the dense [V, D] gradient can't fit
  const attrs = { numRows, paddingIdx, scaleGradByFreq: options.scaleGradByFreq === true, fn };
  return withCheckedIndices(fn, indices, numRows, (ids) => {
    if (hasFastKernels()) {
      return tf.engine().runKernel(GATHER_ROWS, { table, indices: ids }, attrs) as tf.Tensor;
    }
    return fallbackLookup(table, ids, attrs);
  });
}
