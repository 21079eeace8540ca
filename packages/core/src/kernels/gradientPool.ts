/**
 * Reuses the storage of disposed `[V, D]` embedding gradients on the cpu backend. Each backward
 * pass through a lookup makes a dense zero `[V, D]` array (25 MB for [50000, 128]); a fresh one is
 * zero pages the kernel maps on first write, and those page faults (plus the garbage they leave)
 * were most of the scatter-add's time. PyTorch reuses the freed block through its allocator; here a
 * disposed gradient's array goes back to a pool, and the next gradient of the same size gets it with
 * only the rows the last backward pass wrote set back to zero.
 *
 * An array is reused only if nothing but the gradient tensor could still see it: reading it
 * (`dataSync`, `data`, `array`, `buffer`: the backend's `readSync` / `read`) or any tensor made over
 * its memory (a contiguous `tf.slice` shares the array; `makeTensorInfo`, `write`, `move`) marks it
 * as escaped, and an escaped array is simply left to the garbage collector. At most one array per
 * size and 512 MiB in all are kept.
 *
 * The same tracking tells the fused optimizers, which write a variable's values in place, whether
 * that is still safe: an array they `claimPrivate` stays private until it escapes (a `dataSync()`
 * array or a contiguous slice taken from the variable would otherwise change with the update).
 */
import type * as tf from "../tf";

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } | undefined; has(dataId: object): boolean };
  readSync(dataId: object): unknown;
  read(dataId: object): Promise<unknown>;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: unknown): tf.TensorInfo;
  write(values: unknown, shape: number[], dtype: tf.DataType): object;
  move(dataId: object, values: unknown, shape: number[], dtype: tf.DataType, refCount: number): void;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** An array we handed out and nobody else has seen; for a gradient, the rows its backward pass wrote. */
interface Owned {
  values: Float32Array;
  ids: Int32Array | null;
  dim: number;
}

const MAX_POOLED_BYTES = 512 * 2 ** 20;
/** Arrays handed out and not escaped, by their buffer (a view of the buffer is how one escapes). */
const owned = new WeakMap<ArrayBufferLike, Owned>();
/** Disposed gradients' arrays, one per length. */
const pool = new Map<number, Owned>();
let pooledBytes = 0;
/** Buffers of arrays written in place (a variable's values) that nothing else has seen since claimed. */
const privateBuffers = new WeakSet<ArrayBufferLike>();
let installedOn: object | null = null;

function escape(values: unknown): void {
  if (ArrayBuffer.isView(values)) {
    owned.delete(values.buffer);
    privateBuffers.delete(values.buffer);
  }
}

/** Wraps the cpu backend's storage methods once to see arrays escape and gradients die. */
export function installGradientPool(backend: tf.KernelBackend): void {
  if (installedOn === backend) return;
  installedOn = backend;
  const b = backend as unknown as CpuBackendLike;
  const valuesOf = (dataId: object) => (b.data.has(dataId) ? b.data.get(dataId)?.values : undefined);
  const { readSync, read, makeTensorInfo, write, move, disposeData } = b;
  b.readSync = function (dataId) {
    escape(valuesOf(dataId));
    return readSync.call(this, dataId);
  };
  b.read = function (dataId) {
    escape(valuesOf(dataId));
    return read.call(this, dataId);
  };
  b.makeTensorInfo = function (shape, dtype, values) {
    escape(values);
    return makeTensorInfo.call(this, shape, dtype, values);
  };
  b.write = function (values, shape, dtype) {
    escape(values);
    return write.call(this, values, shape, dtype);
  };
  b.move = function (dataId, values, shape, dtype, refCount) {
    escape(values);
    return move.call(this, dataId, values, shape, dtype, refCount);
  };
  b.disposeData = function (dataId, force) {
    const values = valuesOf(dataId);
    const disposed = disposeData.call(this, dataId, force);
    if (values instanceof Float32Array && !b.data.has(dataId)) {
      const o = owned.get(values.buffer);
      if (o !== undefined && o.values === values) {
        owned.delete(values.buffer);
        const old = pool.get(values.length);
        const bytes = values.byteLength - (old?.values.byteLength ?? 0);
        if (pooledBytes + bytes <= MAX_POOLED_BYTES) {
          pool.set(values.length, o);
          pooledBytes += bytes;
        }
      }
    }
    return disposed;
  };
}

/** A pooled array of `length` (any contents) when the pool is installed on `backend` and has one. */
function take(backend: tf.KernelBackend, length: number): Owned | undefined {
  const o = installedOn === backend ? pool.get(length) : undefined;
  if (o !== undefined) {
    pool.delete(length);
    pooledBytes -= o.values.byteLength;
  }
  return o;
}

/**
 * A zero `Float32Array` of `length` for a gradient on `backend`: a pooled one (its written rows
 * zeroed) when the pool is installed there and has one, else a new one.
 */
export function zeroGradient(backend: tf.KernelBackend, length: number): Float32Array {
  const o = take(backend, length);
  if (o === undefined) return new Float32Array(length);
  const { values, ids, dim } = o;
  if (ids === null || ids.length * dim * 2 > length) values.fill(0);
  else {
    // a loop per row: a fill() call per short row costs more than its stores
    for (let i = 0; i < ids.length; i++) for (let j = ids[i] * dim, end = j + dim; j < end; j++) values[j] = 0;
  }
  return values;
}

/** A `Float32Array` of `length` with any contents, for an output that writes every element. */
export function outputArray(backend: tf.KernelBackend, length: number): Float32Array {
  return take(backend, length)?.values ?? new Float32Array(length);
}

/**
 * Takes `values` (an output's array, already given to `makeTensorInfo`) into the pool's care: it
 * comes back when its tensor is disposed, unless it escapes first. `ids` and `dim`: it is nonzero
 * only in those rows (a gradient), so only they need zeroing for the next gradient.
 */
export function adoptArray(backend: tf.KernelBackend, values: Float32Array, ids: tf.TypedArray | null = null, dim = 0): void {
  if (installedOn !== backend) return;
  owned.set(values.buffer, { values, ids: ids === null ? null : Int32Array.from(ids), dim });
}

/**
 * Marks `values` (a fresh array no tensor but the caller's has, or a memory only the caller's
 * tensors are stored in: its whole buffer counts) as private, until reading it or making a tensor
 * over its memory makes it escape. A no-op unless the pool is installed on `backend`.
 */
export function claimPrivate(backend: tf.KernelBackend, values: Float32Array): void {
  if (installedOn === backend) privateBuffers.add(values.buffer);
}

/**
 * Whether `values` was claimed with {@link claimPrivate} on `backend` and has not escaped since, so
 * writing it in place cannot change what anyone else sees. `false` when in doubt.
 */
export function isPrivate(backend: tf.KernelBackend, values: unknown): boolean {
  return installedOn === backend && ArrayBuffer.isView(values) && privateBuffers.has(values.buffer);
}
