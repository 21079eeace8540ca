/**
 * PyTorch's `F.embedding_bag` (sum / mean / max over bags of rows) as tfjs kernels for `cpu` and
 * `wasm`, with its exact gradient into the table and into `perSampleWeights`. No `[B, L, D]`
 * intermediate: each bag is reduced while its rows are read.
 */
import * as tf from "../tf";
import { KERNEL_BACKENDS, allocate, kernelBackendName, view } from "./heap";
import { checkIndices } from "./checkIndices";
import { checkDenseGradient, checkGradientAhead } from "../backend/memoryLimit";
import { customGradByInput } from "../backend/gradientTargets";
import { checkKeys, checkOneOf, formatShape, position, sameShape, typeError } from "../validate";

/** Kernel name of the bag forward (outputs `[B, D]` and, for max, the arg-max rows). */
export const BAG_FORWARD = "EmbedlabEmbeddingBag";
/** Kernel name of the bag gradient into the table. */
export const BAG_BACKWARD = "EmbedlabEmbeddingBagGrad";
/** Kernel name of the bag gradient into `perSampleWeights`. */
export const BAG_WEIGHTS_BACKWARD = "EmbedlabEmbeddingBagWeightsGrad";

/** The reductions of an embedding bag. */
export const BAG_MODES = ["sum", "mean", "max"] as const;
/** `"sum"`, `"mean"` or `"max"`. */
export type BagMode = (typeof BAG_MODES)[number];

interface BagAttrs {
  mode: number; // 0 sum, 1 mean, 2 max
  paddingIdx: number; // -1 for none
  scaleGradByFreq: boolean;
  numRows: number;
  hasWeights: boolean;
  /** The public function named if the table's dense gradient can't fit. */
  fn: string;
}

/** Bag `b` covers `ids[starts[b], starts[b + 1])`; the last one runs to the end. */
function bagEnd(starts: tf.TypedArray, b: number, n: number): number {
  return b + 1 < starts.length ? starts[b + 1] : n;
}

/**
 * Forward: `out[b] = reduce_{i in bag b, ids[i] != pad} w[i] * table[ids[i]]`; for max also the
 * row each maximum came from (`-1` for an empty bag). Mean divides the sum by the non-padding count,
 * as PyTorch; empty bags give zeros.
 */
export function bagForwardInto(
  out: tf.TypedArray,
  maxRows: tf.TypedArray,
  table: tf.TypedArray,
  ids: tf.TypedArray,
  starts: tf.TypedArray,
  weights: tf.TypedArray | null,
  dim: number,
  mode: number,
  paddingIdx: number,
): void {
  const n = ids.length;
  const numBags = starts.length;
  for (let b = 0; b < numBags; b++) {
    const o = b * dim;
    for (let j = 0; j < dim; j++) out[o + j] = 0;
    if (mode === 2) for (let j = 0; j < dim; j++) maxRows[o + j] = -1;
    let count = 0;
    const end = bagEnd(starts, b, n);
    for (let i = starts[b]; i < end; i++) {
      const k = ids[i];
      if (k === paddingIdx) continue;
      const s = k * dim;
      if (mode === 2) {
        for (let j = 0; j < dim; j++) {
          const v = table[s + j];
          if (count === 0 || v > out[o + j]) {
            out[o + j] = v;
            maxRows[o + j] = k;
          }
        }
      } else if (weights !== null) {
        const w = weights[i];
        for (let j = 0; j < dim; j++) out[o + j] += w * table[s + j];
      } else {
        for (let j = 0; j < dim; j++) out[o + j] += table[s + j];
      }
      count++;
    }
    if (mode === 1 && count > 0) for (let j = 0; j < dim; j++) out[o + j] = out[o + j] / count;
  }
}

/** Backward into the table: `gTable` (zeroed, `[V, D]`). PyTorch's order: scale = 1/count, then 1/bagSize, then × weight. */
export function bagBackwardInto(
  gTable: tf.TypedArray,
  dy: tf.TypedArray,
  ids: tf.TypedArray,
  starts: tf.TypedArray,
  weights: tf.TypedArray | null,
  maxRows: tf.TypedArray,
  dim: number,
  attrs: BagAttrs,
): void {
  const n = ids.length;
  const numBags = starts.length;
  const { mode, paddingIdx } = attrs;
  if (mode === 2) {
    for (let b = 0; b < numBags; b++) {
      const o = b * dim;
      for (let j = 0; j < dim; j++) {
        const k = maxRows[o + j];
        if (k >= 0 && k !== paddingIdx) gTable[k * dim + j] += dy[o + j];
      }
    }
    return;
  }
  let counts: Int32Array | null = null;
  if (attrs.scaleGradByFreq) {
    counts = new Int32Array(attrs.numRows);
    for (let i = 0; i < n; i++) counts[ids[i]]++;
  }
  for (let b = 0; b < numBags; b++) {
    const o = b * dim;
    const end = bagEnd(starts, b, n);
    let bagSize = 0;
    if (mode === 1) for (let i = starts[b]; i < end; i++) if (ids[i] !== paddingIdx) bagSize++;
    for (let i = starts[b]; i < end; i++) {
      const k = ids[i];
      if (k === paddingIdx) continue;
      const s = k * dim;
      let scale = 1;
      if (counts !== null) scale = Math.fround(scale / counts[k]);
      if (mode === 1) scale = Math.fround(scale / bagSize);
      if (weights !== null) scale = Math.fround(scale * weights[i]);
      if (scale === 1) {
        for (let j = 0; j < dim; j++) gTable[s + j] += dy[o + j];
      } else {
        for (let j = 0; j < dim; j++) gTable[s + j] += scale * dy[o + j];
      }
    }
  }
}

/** Backward into the per-sample weights: `gWeights[i] = dy[bag(i)] · table[ids[i]]` (0 for padding). */
export function bagWeightsBackwardInto(gWeights: tf.TypedArray, dy: tf.TypedArray, table: tf.TypedArray, ids: tf.TypedArray, starts: tf.TypedArray, dim: number, paddingIdx: number): void {
  const n = ids.length;
  for (let b = 0; b < starts.length; b++) {
    const o = b * dim;
    const end = bagEnd(starts, b, n);
    for (let i = starts[b]; i < end; i++) {
      const k = ids[i];
      if (k === paddingIdx) {
        gWeights[i] = 0;
        continue;
      }
      const s = k * dim;
      let acc = 0;
      for (let j = 0; j < dim; j++) acc += dy[o + j] * table[s + j];
      gWeights[i] = acc;
    }
  }
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

function bagForwardKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { table, indices, offsets, weights } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as BagAttrs;
  const dim = table.shape[1];
  const numBags = offsets.shape[0];
  const outInfo = allocate(backend, [numBags, dim], "float32", false); // [B, D]
  const maxInfo = allocate(backend, a.mode === 2 ? [numBags, dim] : [0], "int32", false); // [B, D] for max
  bagForwardInto(
    view(backend, outInfo),
    view(backend, maxInfo),
    view(backend, table),
    view(backend, indices),
    view(backend, offsets),
    a.hasWeights ? view(backend, weights) : null,
    dim,
    a.mode,
    a.paddingIdx,
  );
  return [outInfo, maxInfo];
}

function bagBackwardKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, indices, offsets, weights, maxRows } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as BagAttrs;
  const dim = dy.shape[1];
  checkDenseGradient(a.fn, [a.numRows, dim]); // a clear RangeError before the [V, D] allocation
  const gTableInfo = allocate(backend, [a.numRows, dim], "float32", true); // [V, D]
  bagBackwardInto(
    view(backend, gTableInfo),
    view(backend, dy),
    view(backend, indices),
    view(backend, offsets),
    a.hasWeights ? view(backend, weights) : null,
    view(backend, maxRows),
    dim,
    a,
  );
  return gTableInfo;
}

function bagWeightsBackwardKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, table, indices, offsets } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as BagAttrs;
  const dim = dy.shape[1];
  const gInfo = allocate(backend, [indices.shape[0]], "float32", true); // [N]
  bagWeightsBackwardInto(view(backend, gInfo), view(backend, dy), view(backend, table), view(backend, indices), view(backend, offsets), dim, a.paddingIdx);
  return gInfo;
}

let registered = false;

/** Registers the bag kernels and gradient (idempotent; done on import). */
export function registerEmbeddingBagKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of KERNEL_BACKENDS) {
    tf.registerKernel({ kernelName: BAG_FORWARD, backendName, kernelFunc: bagForwardKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: BAG_BACKWARD, backendName, kernelFunc: bagBackwardKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: BAG_WEIGHTS_BACKWARD, backendName, kernelFunc: bagWeightsBackwardKernel as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: BAG_FORWARD,
    inputsToSave: ["table", "indices", "offsets", "weights"],
    outputsToSave: [false, true],
    gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const [table, indices, offsets, weights, maxRows] = saved;
      const dy = Array.isArray(dys) ? dys[0] : dys;
      const engine = tf.engine();
      return {
        table: () => engine.runKernel(BAG_BACKWARD, { dy, indices, offsets, weights, maxRows }, attrs) as tf.Tensor,
        weights: () => engine.runKernel(BAG_WEIGHTS_BACKWARD, { dy, table, indices, offsets }, attrs) as tf.Tensor,
        indices: () => tf.zeros(indices.shape, "float32"),
        offsets: () => tf.zeros(offsets.shape, "float32"),
      };
    },
  });
}
registerEmbeddingBagKernels();

/** Options of {@link embeddingBagLookup}. */
export interface EmbeddingBagLookupOptions {
  /** `"sum"`, `"mean"` or `"max"`. Defaults to `"mean"`, as PyTorch. */
  mode?: BagMode;
  /** Bag starts for 1-D `indices` (`[B]`, first 0, non-decreasing). Must be absent for 2-D `indices`. */
  offsets?: tf.Tensor | number[];
  /** `offsets` has B + 1 entries, the last equal to the number of indices. Defaults to `false`. */
  includeLastOffset?: boolean;
  /** A weight per index (same shape as `indices`), `"sum"` mode only. Defaults to none (all 1). */
  perSampleWeights?: tf.Tensor;
  /** Entries equal to this row are left out of their bag (and of the mean's count). Defaults to none. */
  paddingIdx?: number;
  /** Divide each row's gradient by its count in the batch (not for `"max"`). Defaults to `false`. */
  scaleGradByFreq?: boolean;
}

function toIntTensor(fn: string, arg: string, v: tf.Tensor | number[]): tf.Tensor {
  if (v instanceof tf.Tensor) return v;
  if (Array.isArray(v)) return tf.tensor1d(v, "int32");
  throw typeError(fn, arg, "a 1-D int32 tensor or an array of integers", v);
}

/**
 * Sums, averages or takes the element-wise max of bags of table rows: PyTorch's
 * `F.embedding_bag`, exact in value and gradient, on any backend.
 *
 * **Input shape:** `table` `[V, D]`; `indices` `[B, L]` (B bags of L ids) or `[N]` with `offsets`
 * `[B]` (or `[B + 1]` with `includeLastOffset`). **Output shape:** `[B, D]`.
 *
 * Defaults: `mode = "mean"`, no padding, no weights.
 * @example
 * const table = tf.tensor2d([[1, 1], [2, 2], [4, 4]]);
 * const ids = tf.tensor1d([0, 1, 2], "int32");
 * embeddingBagLookup(table, ids, { offsets: [0, 1], mode: "sum" }).arraySync(); // [[1, 1], [6, 6]]
 */
export function embeddingBagLookup(table: tf.Tensor, indices: tf.Tensor, options: EmbeddingBagLookupOptions = {}, fn = "embeddingBagLookup"): tf.Tensor {
  checkKeys(fn, options, ["mode", "offsets", "includeLastOffset", "perSampleWeights", "paddingIdx", "scaleGradByFreq"]);
  if (!(table instanceof tf.Tensor) || table.rank !== 2 || table.dtype !== "float32") {
    throw typeError(fn, "table", "a 2-D float32 tensor", table);
  }
  const mode = checkOneOf(fn, "options.mode", options.mode ?? "mean", BAG_MODES);
  const numRows = table.shape[0];
  const paddingIdx = options.paddingIdx ?? -1;
  if (!(indices instanceof tf.Tensor)) throw typeError(fn, "indices", "a tensor", indices);
  if (indices.rank !== 1 && indices.rank !== 2) throw typeError(fn, "indices", "a 1-D or 2-D tensor", indices);
  if (options.perSampleWeights !== undefined && mode !== "sum") {
    throw new TypeError(`${fn}: perSampleWeights is only supported for mode "sum" (as in PyTorch), but mode is "${mode}"`);
  }
  if (options.scaleGradByFreq && mode === "max") {
    throw new TypeError(`${fn}: mode "max" does not support scaleGradByFreq (as in PyTorch)`);
  }
  const psw = options.perSampleWeights;
  if (psw !== undefined && (!(psw instanceof tf.Tensor) || psw.dtype !== "float32" || !sameShape(psw.shape, indices.shape))) {
    throw typeError(fn, "options.perSampleWeights", `a float32 tensor of the indices' shape ${formatShape(indices.shape)}`, psw);
  }
  checkGradientAhead(fn, table); // training: the [V, D] gradient must fit, checked before anything is recorded
  const n = indices.size;
  const owned: tf.Tensor[] = [];
  try {
    let starts: Int32Array;
    if (indices.rank === 2) {
      if (options.offsets !== undefined) {
        throw typeError(fn, "options.offsets", "absent for 2-D indices (each row is a bag)", options.offsets);
      }
      const [b, l] = indices.shape;
      starts = new Int32Array(b);
      for (let i = 0; i < b; i++) starts[i] = i * l;
    } else {
      if (options.offsets === undefined) throw typeError(fn, "options.offsets", "a 1-D int32 tensor for 1-D indices", undefined);
      const off = toIntTensor(fn, "options.offsets", options.offsets);
      if (off !== options.offsets) owned.push(off);
      if (off.rank !== 1 || (off.dtype !== "int32" && off.dtype !== "float32")) {
        throw typeError(fn, "options.offsets", "a 1-D int32 tensor", off);
      }
      const values = off.dataSync();
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        const prev = i === 0 ? 0 : values[i - 1];
        if (!Number.isInteger(v) || v < prev || v > n || (i === 0 && v !== 0)) {
          throw new RangeError(
            `${fn}: offset ${v} at position ${position(i, off.shape)} is invalid: offsets must start at 0, ` +
              `not decrease and not exceed the number of indices ${n}`,
          );
        }
      }
      if (options.includeLastOffset) {
        if (values.length === 0 || values[values.length - 1] !== n) {
          throw new RangeError(`${fn}: with includeLastOffset the last offset must equal the number of indices ${n}, but got ${values.length ? values[values.length - 1] : "no offsets"}`);
        }
        starts = Int32Array.from(values.subarray(0, values.length - 1));
      } else {
        starts = Int32Array.from(values);
      }
    }
    const ids = checkIndices(fn, indices, numRows);
    if (ids !== indices) owned.push(ids);
    const flatIds = ids.reshape([n]); // [B, L] | [N] -> [N]
    owned.push(flatIds);
    const startsT = tf.tensor1d(starts, "int32");
    owned.push(startsT);
    const weights = psw !== undefined ? psw.reshape([n]) : tf.zeros([0], "float32"); // [N] or none
    owned.push(weights);
    const attrs: BagAttrs = { mode: BAG_MODES.indexOf(mode), paddingIdx, scaleGradByFreq: options.scaleGradByFreq === true, numRows, hasWeights: psw !== undefined, fn };
    if (kernelBackendName(tf.backend()) !== null && tf.getKernel(BAG_FORWARD, tf.getBackend()) !== undefined) {
      const [out, maxRows] = tf.engine().runKernel(BAG_FORWARD, { table, indices: flatIds, offsets: startsT, weights }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      maxRows.dispose();
      return out;
    }
    return fallbackBag(table, flatIds, startsT, weights, attrs);
  } finally {
    for (const t of owned) t.dispose();
  }
}

/**
 * Other backends: the same loops on downloaded values. Each input's gradient is made only if the
 * tape differentiates that input, as with the kernels: per-sample weights trained over a frozen
 * table make no `[V, D]` table gradient (and are not refused for one).
 */
function fallbackBag(table: tf.Tensor, ids: tf.Tensor, starts: tf.Tensor, weights: tf.Tensor, attrs: BagAttrs): tf.Tensor {
  const dim = table.shape[1] as number;
  const numBags = starts.shape[0];
  const out = new Float32Array(numBags * dim); // [B, D]
  const maxRows = new Int32Array(attrs.mode === 2 ? numBags * dim : 0); // [B, D] for max
  const idValues = ids.dataSync();
  const startValues = starts.dataSync();
  return customGradByInput(
    [table, weights],
    (save) => {
      bagForwardInto(out, maxRows, table.dataSync(), idValues, startValues, attrs.hasWeights ? weights.dataSync() : null, dim, attrs.mode, attrs.paddingIdx);
      save([table, weights]);
      return tf.tensor2d(out, [numBags, dim]);
    },
    (dy, [savedTable, savedWeights]) => [
      () => {
        checkDenseGradient(attrs.fn, [attrs.numRows, dim]); // a clear RangeError before the [V, D] allocation
        const gTable = new Float32Array(attrs.numRows * dim);
        bagBackwardInto(gTable, dy.dataSync(), idValues, startValues, attrs.hasWeights ? savedWeights.dataSync() : null, maxRows, dim, attrs);
        return tf.tensor2d(gTable, [attrs.numRows, dim]);
      },
      () => {
        const gWeights = new Float32Array(weights.size);
        if (attrs.hasWeights) bagWeightsBackwardInto(gWeights, dy.dataSync(), savedTable.dataSync(), idValues, startValues, dim, attrs.paddingIdx);
        return tf.tensor1d(gWeights);
      },
    ],
  );
}
