/**
 * A strided fast path for tfjs-cpu's `Multiply`, `Add`, `Sub` and `Tile` kernels. tfjs-cpu computes
 * every element of a broadcasting binary op (and of a tile) through `indexToLoc` / `slice` /
 * `locToIndex` (~100 ns an element); `tf.sum`'s gradient alone (`dy` reshaped to `[1, …, 1]` times
 * `ones(x.shape)`) was 45% of a profiled forward + backward through a [64, 128, 128] lookup.
 *
 * Here the two input shapes are folded into runs: dims of size 1 in the output are dropped and
 * neighbouring dims that broadcast the same way are merged, so `[64, 128, 128] × [1, 1, 1]` is one
 * run of 1M elements against a scalar and `[B, T, D] + [T, D]` is `B` runs of `T·D`. Each element is
 * the same `a op b` tfjs computes (a double result stored into the output typed array), so results
 * are bit-identical. Float32 and int32 inputs of one dtype are taken; bool, complex64, string and
 * mixed dtypes go to tfjs's kernel, and so does a `Tile` that repeats a dim longer than 1 (not a
 * broadcast).
 */
import * as tf from "../tf";

/** The binary kernels taken here, and their operation. */
const OPS = { Multiply: "mul", Add: "add", Sub: "sub" } as const;
type Op = (typeof OPS)[keyof typeof OPS];

type Values = Float32Array | Int32Array;

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.TypedArray): tf.TensorInfo;
}

/**
 * The output shape of broadcasting `aShape` with `bShape` and the folded runs: `dims[k]` elements
 * along merged dim `k`, stepping `aStrides[k]` / `bStrides[k]` (0 where that input broadcasts).
 * `null` when the shapes don't broadcast (tfjs's kernel throws its own error).
 */
export function foldBroadcast(aShape: number[], bShape: number[]): { outShape: number[]; dims: number[]; aStrides: number[]; bStrides: number[] } | null {
  const rank = Math.max(aShape.length, bShape.length);
  const outShape: number[] = [];
  const aFull: boolean[] = [];
  const bFull: boolean[] = [];
  const sizes: number[] = [];
  for (let d = 0; d < rank; d++) {
    const a = d < rank - aShape.length ? 1 : aShape[d - (rank - aShape.length)];
    const b = d < rank - bShape.length ? 1 : bShape[d - (rank - bShape.length)];
    if (a !== b && a !== 1 && b !== 1) return null;
    const n = a === 1 ? b : a;
    outShape.push(n);
    if (n === 1) continue; // contributes nothing to either input's offsets
    sizes.push(n);
    aFull.push(a === n);
    bFull.push(b === n);
  }
  // merge neighbours that broadcast alike: their elements are contiguous in both inputs
  const dims: number[] = [];
  const aF: boolean[] = [];
  const bF: boolean[] = [];
  for (let k = 0; k < sizes.length; k++) {
    const last = dims.length - 1;
    if (last >= 0 && aF[last] === aFull[k] && bF[last] === bFull[k]) dims[last] *= sizes[k];
    else {
      dims.push(sizes[k]);
      aF.push(aFull[k]);
      bF.push(bFull[k]);
    }
  }
  const aStrides = new Array<number>(dims.length);
  const bStrides = new Array<number>(dims.length);
  let aStride = 1;
  let bStride = 1;
  for (let k = dims.length - 1; k >= 0; k--) {
    aStrides[k] = aF[k] ? aStride : 0;
    bStrides[k] = bF[k] ? bStride : 0;
    if (aF[k]) aStride *= dims[k];
    if (bF[k]) bStride *= dims[k];
  }
  return { outShape, dims, aStrides, bStrides };
}

/** `out[o + j] = a[ia + j·sa] op b[ib + j·sb]` for `j < n`, with `sa`, `sb` ∈ {0, 1}. */
function run(op: Op, out: Values, o: number, a: Values, ia: number, sa: number, b: Values, ib: number, sb: number, n: number): void {
  const end = o + n;
  if (sa === 1 && sb === 1) {
    if (op === "mul") for (let i = o; i < end; i++) out[i] = a[ia++] * b[ib++];
    else if (op === "add") for (let i = o; i < end; i++) out[i] = a[ia++] + b[ib++];
    else for (let i = o; i < end; i++) out[i] = a[ia++] - b[ib++];
  } else if (sa === 0 && sb === 1) {
    const av = a[ia];
    if (op === "mul") for (let i = o; i < end; i++) out[i] = av * b[ib++];
    else if (op === "add") for (let i = o; i < end; i++) out[i] = av + b[ib++];
    else for (let i = o; i < end; i++) out[i] = av - b[ib++];
  } else if (sa === 1 && sb === 0) {
    const bv = b[ib];
    if (op === "mul") for (let i = o; i < end; i++) out[i] = a[ia++] * bv;
    else if (op === "add") for (let i = o; i < end; i++) out[i] = a[ia++] + bv;
    else for (let i = o; i < end; i++) out[i] = a[ia++] - bv;
  } else {
    // only for a run of one element (both inputs broadcast along it never happens otherwise)
    const v = op === "mul" ? a[ia] * b[ib] : op === "add" ? a[ia] + b[ib] : a[ia] - b[ib];
    for (let i = o; i < end; i++) out[i] = v;
  }
}

/** `a op b` with NumPy broadcasting into `out` (sized for the output), using folded runs. */
export function broadcastInto(op: Op, out: Values, a: Values, aShape: number[], b: Values, bShape: number[]): void {
  const folded = foldBroadcast(aShape, bShape);
  if (folded === null) throw new RangeError(`broadcastInto: shapes [${aShape}] and [${bShape}] don't broadcast`);
  const { dims, aStrides, bStrides } = folded;
  if (out.length === 0) return;
  if (dims.length === 0) {
    run(op, out, 0, a, 0, 0, b, 0, 0, 1); // every dim is 1
    return;
  }
  const inner = dims.length - 1;
  const n = dims[inner];
  const sa = aStrides[inner];
  const sb = bStrides[inner];
  const count = new Array<number>(inner).fill(0); // odometer over the outer merged dims
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < out.length; o += n) {
    run(op, out, o, a, ia, sa, b, ib, sb, n);
    for (let k = inner - 1; k >= 0; k--) {
      ia += aStrides[k];
      ib += bStrides[k];
      if (++count[k] < dims[k]) break;
      count[k] = 0;
      ia -= aStrides[k] * dims[k];
      ib -= bStrides[k] * dims[k];
    }
  }
}

/** `out` = `a` broadcast to `outShape` (tfjs's `Tile` where every tiled dim has size 1). */
export function broadcastCopyInto(out: Values, a: Values, aShape: number[], outShape: number[]): void {
  const folded = foldBroadcast(aShape, outShape);
  if (folded === null || folded.outShape.length !== outShape.length || folded.outShape.some((n, d) => n !== outShape[d])) {
    throw new RangeError(`broadcastCopyInto: [${aShape}] doesn't broadcast to [${outShape}]`);
  }
  const { dims, aStrides } = folded;
  if (out.length === 0) return;
  if (dims.length === 0) {
    out[0] = a[0];
    return;
  }
  const inner = dims.length - 1;
  const n = dims[inner];
  const sa = aStrides[inner];
  const count = new Array<number>(inner).fill(0);
  let ia = 0;
  for (let o = 0; o < out.length; o += n) {
    // element by element like tfjs (a native copy would keep signalling-NaN bits tfjs's loop quiets)
    if (sa === 0) out.fill(a[ia], o, o + n);
    else for (let i = o, j = ia, end = o + n; i < end; i++, j++) out[i] = a[j];
    for (let k = inner - 1; k >= 0; k--) {
      ia += aStrides[k];
      if (++count[k] < dims[k]) break;
      count[k] = 0;
      ia -= aStrides[k] * dims[k];
    }
  }
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

/** float32 or int32 values of `info` when it is one of those dtypes, else `null` (left to tfjs). */
function numericValues(backend: CpuBackendLike, info: tf.TensorInfo): Values | null {
  const values = backend.data.get(info.dataId).values;
  if (info.dtype === "float32" && values instanceof Float32Array) return values;
  if (info.dtype === "int32" && values instanceof Int32Array) return values;
  return null;
}

function binaryKernel(op: Op, tfjsKernel: tf.KernelFunc) {
  return (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const backend = args.backend as unknown as CpuBackendLike;
    const aVals = numericValues(backend, a);
    const bVals = a.dtype === b.dtype ? numericValues(backend, b) : null;
    const folded = aVals !== null && bVals !== null ? foldBroadcast(a.shape, b.shape) : null;
    if (folded === null) return tfjsKernel(args as unknown as Parameters<tf.KernelFunc>[0]);
    const size = folded.outShape.reduce((x, y) => x * y, 1);
    const out = a.dtype === "int32" ? new Int32Array(size) : new Float32Array(size);
    broadcastInto(op, out, aVals as Values, a.shape, bVals as Values, b.shape);
    return backend.makeTensorInfo(folded.outShape, a.dtype, out);
  };
}

function tileKernel(tfjsKernel: tf.KernelFunc) {
  return (args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { reps } = (args.attrs ?? {}) as { reps?: number[] };
    const backend = args.backend as unknown as CpuBackendLike;
    const xVals = numericValues(backend, x);
    // a broadcast: every repeated dim has size 1 (tf.broadcastTo, tf.sum's gradient)
    const broadcast =
      xVals !== null && Array.isArray(reps) && reps.length === x.shape.length &&
      reps.every((r, d) => Number.isInteger(r) && r >= 0 && (r === 1 || x.shape[d] === 1));
    if (!broadcast) return tfjsKernel(args as unknown as Parameters<tf.KernelFunc>[0]);
    const outShape = x.shape.map((n, d) => n * reps[d]);
    const size = outShape.reduce((p, q) => p * q, 1);
    const out = x.dtype === "int32" ? new Int32Array(size) : new Float32Array(size);
    broadcastCopyInto(out, xVals, x.shape, outShape);
    return backend.makeTensorInfo(outShape, x.dtype, out);
  };
}

const installed = new Set<string>();

function wrap(kernelName: string, make: (tfjsKernel: tf.KernelFunc) => (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]): void {
  if (installed.has(kernelName)) return;
  const original = tf.getKernel(kernelName, "cpu");
  if (original === undefined) return;
  installed.add(kernelName);
  tf.unregisterKernel(kernelName, "cpu");
  tf.registerKernel({ ...original, kernelFunc: make(original.kernelFunc) as unknown as tf.KernelFunc });
}

/**
 * Wraps tfjs-cpu's `Multiply`, `Add`, `Sub` and `Tile` once (call after the cpu backend's kernels
 * are registered). Other backends are left alone.
 */
export function installFastBroadcast(): void {
  for (const [kernelName, op] of Object.entries(OPS) as [keyof typeof OPS, Op][]) wrap(kernelName, (k) => binaryKernel(op, k));
  wrap("Tile", tileKernel);
}
