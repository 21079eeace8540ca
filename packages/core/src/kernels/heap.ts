/**
 * Direct access to a tensor's storage on the `cpu` and `wasm` backends, for the embedding kernels.
 * Internal: not re-exported from the package.
 *
 * `cpu` keeps each tensor's values in a JS typed array; `wasm` keeps them in its heap at a byte
 * offset. Both are read here *without copying* (`dataSync()` on wasm copies the whole tensor, which
 * would make a lookup into a [50000, 128] table cost 25 MB of copying per call).
 */
import * as tf from "../tf";

/** The backends our kernels are registered for. */
export const KERNEL_BACKENDS = ["cpu", "wasm"] as const;
/** `"cpu"` or `"wasm"`. */
export type KernelBackendName = (typeof KERNEL_BACKENDS)[number];

interface CpuBackendLike {
  data: { get(dataId: object): { values: unknown; refCount: number } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.TypedArray): tf.TensorInfo;
}

interface WasmBackendLike {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; refCount: number } };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  wasm: {
    HEAPU8: Uint8Array;
    asm?: { memory?: object };
    tfjs: { registerTensor(id: number, size: number, memoryOffset: number): void; disposeData(id: number): void };
  };
}

/** Which of our kernel backends `backend` is, or `null` for any other (tensorflow, webgl…). */
export function kernelBackendName(backend: tf.KernelBackend): KernelBackendName | null {
  const b = backend as unknown as Partial<WasmBackendLike & CpuBackendLike>;
  if (b.dataIdMap !== undefined && b.wasm !== undefined && typeof b.makeOutput === "function") return "wasm";
  if (b.data !== undefined && typeof b.makeTensorInfo === "function" && b.wasm === undefined) return "cpu";
  return null;
}

/** The live values of `info` (no copy). On wasm the view dies when the heap grows: allocate outputs first. */
export function view(backend: tf.KernelBackend, info: tf.TensorInfo): tf.TypedArray {
  const size = info.shape.reduce((a, b) => a * b, 1);
  if (kernelBackendName(backend) === "wasm") {
    const w = backend as unknown as WasmBackendLike;
    const { memoryOffset } = w.dataIdMap.get(info.dataId);
    const buffer = w.wasm.HEAPU8.buffer;
    if (info.dtype === "int32") return new Int32Array(buffer, memoryOffset, size);
    if (info.dtype === "float32") return new Float32Array(buffer, memoryOffset, size);
    if (info.dtype === "bool") return new Uint8Array(buffer, memoryOffset, size);
    throw new TypeError(`embedlab kernels: unsupported dtype ${info.dtype}`);
  }
  const c = backend as unknown as CpuBackendLike;
  const values = c.data.get(info.dataId).values;
  if (values == null) {
    // A cpu tensor made without values (never by tfjs ops themselves): give it zeros.
    const zeros = info.dtype === "int32" ? new Int32Array(size) : new Float32Array(size);
    c.data.get(info.dataId).values = zeros;
    return zeros;
  }
  return values as tf.TypedArray;
}

/**
 * A new output tensor of `shape`, zero-filled when `zero` is set (wasm heap memory is reused, so it
 * is not zero by itself). Returns its info; take its `view` after *every* output is allocated.
 */
export function allocate(backend: tf.KernelBackend, shape: number[], dtype: "float32" | "int32" | "bool", zero: boolean): tf.TensorInfo {
  if (kernelBackendName(backend) === "wasm") {
    const info = (backend as unknown as WasmBackendLike).makeOutput(shape, dtype);
    if (zero) view(backend, info).fill(0);
    return info;
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const values = dtype === "int32" ? new Int32Array(size) : dtype === "bool" ? new Uint8Array(size) : new Float32Array(size); // zero-filled by JS
  return (backend as unknown as CpuBackendLike).makeTensorInfo(shape, dtype, values);
}

/** How many tensors share this storage (variables share it with the tensor they were made from). */
export function storageRefCount(backend: tf.KernelBackend, info: tf.TensorInfo): number {
  return backend.refCount(info.dataId);
}

/** The `WebAssembly.Memory` behind a wasm backend's heap (for modules that work in place on it), else `null`. */
export function wasmMemory(backend: tf.KernelBackend): object | null {
  if (kernelBackendName(backend) !== "wasm") return null;
  return (backend as unknown as WasmBackendLike).wasm.asm?.memory ?? null;
}

/**
 * Tells the backend that `info`'s values were changed in place. tfjs assumes tensors never change:
 * tfjs-wasm caches XNNPACK operators (e.g. a dense layer's packed weights) under the storage's id,
 * so after an in-place write the storage gets a fresh id (same memory), dropping those caches.
 * A no-op on cpu, which caches nothing.
 */
export function markWritten(backend: tf.KernelBackend, info: tf.TensorInfo): void {
  if (kernelBackendName(backend) !== "wasm") return;
  const w = backend as unknown as WasmBackendLike;
  const data = w.dataIdMap.get(info.dataId);
  const size = info.shape.reduce((a, b) => a * b, 1);
  w.wasm.tfjs.disposeData(data.id); // unregisters the id and its cached operators; the memory stays
  const id = w.dataIdNextNumber++;
  w.wasm.tfjs.registerTensor(id, size, data.memoryOffset);
  data.id = id;
}

/** Frees a scratch tensor made with {@link allocate} inside a kernel (never handed to tfjs). */
export function release(backend: tf.KernelBackend, info: tf.TensorInfo): void {
  backend.disposeData(info.dataId, true);
}
