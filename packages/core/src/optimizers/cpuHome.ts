/**
 * On the cpu backend, a fused optimizer's large variable lives with its slots in one private
 * `WebAssembly.Memory`, so the SIMD update runs in place there, as it does on the wasm backend's
 * heap. Without it every step copied the parameter, gradient and both Adam moments into a scratch
 * memory and three of them back: 7 copies per element around a kernel that needs ~1 ms for 640k
 * elements. Here only the gradient is copied in.
 *
 * tfjs-cpu keeps a tensor's values as a plain typed array in `backend.data`; the variable's and its
 * slots' arrays are replaced by `Float32Array` views on the memory (same values, copied once, and
 * again only when the variable gets new storage through `assign` or the slots through
 * `setWeights`). The memory is sized once and never grown, since growing would detach those views.
 * A view reads and writes like any other array for tfjs's kernels, `dataSync()` and `model.save`.
 * But such a read hands out the view itself (as a contiguous `tf.slice` does), so once anything has
 * seen the memory (`gradientPool.ts` tracks it) the next step moves everything into a new memory and
 * leaves the old one, unchanged, to whoever holds it.
 */
import * as tf from "../tf";
import { kernelBackendName, view } from "../kernels/heap";
import { claimPrivate, isPrivate } from "../kernels/gradientPool";

/** Smaller variables keep the scratch path: a memory costs at least a 64 KiB page. */
const MIN_ELEMENTS = 1 << 14;
/** Larger ones too: one memory holds the variable, the gradient and every slot (≤ 1 GiB). */
const MAX_BYTES = 1 << 30;

/** Where a variable's update runs: the arrays, all views on `memory`. */
export interface CpuHome {
  memory: object;
  p: Float32Array;
  g: Float32Array;
  slots: Float32Array[];
  /** The storage (dataId) now at the variable's region (0) and each slot's (1…). */
  owners: (object | undefined)[];
}

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown }; has(dataId: object): boolean };
}

/** The slice of the WebAssembly API used here (lib ES2022 without DOM does not declare it). */
const WASM = (globalThis as { WebAssembly?: { Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer } } }).WebAssembly;

const homes = new WeakMap<object, CpuHome>();

/**
 * Puts `info`'s values at region `k` of `home` (copying them once) unless they already are there.
 * The storage that had the region before (a variable's old values that a clone still holds) gets
 * its own copy first, so the in-place update never reaches it.
 */
function moveInto(backend: tf.KernelBackend, info: tf.TensorInfo, home: CpuHome, k: number): void {
  const data = (backend as unknown as CpuBackendLike).data;
  const target = k === 0 ? home.p : home.slots[k - 1];
  const entry = data.get(info.dataId);
  if (entry.values === target) return;
  const previous = home.owners[k];
  if (previous !== undefined && data.has(previous) && data.get(previous).values === target) data.get(previous).values = target.slice();
  target.set(view(backend, info) as Float32Array);
  entry.values = target;
  home.owners[k] = info.dataId;
}

/**
 * The home of `variable` and its `slots` on the cpu backend, keyed by `owner` (the optimizer's
 * per-variable state, so it goes when that state goes), with the variable's and slots' storage moved
 * there; `null` on other backends and for variables too small or too large to be worth it. The
 * variable must own its storage (refCount 1; the caller copies it otherwise), and the gradient pool
 * must be installed on `backend` (else every call makes a new memory).
 */
export function cpuHome(backend: tf.KernelBackend, owner: object, variable: tf.Variable, slots: tf.Variable[]): CpuHome | null {
  if (kernelBackendName(backend) !== "cpu" || WASM === undefined) return null;
  const n = variable.size;
  const stride = (n + 3) & ~3; // 16-byte aligned arrays for the f32x4 kernels
  const bytes = 4 * stride * (2 + slots.length);
  if (n < MIN_ELEMENTS || bytes > MAX_BYTES) return null;
  let home = homes.get(owner);
  // a memory someone has read from (or sliced) is left to them: writing it would change their values
  if (home === undefined || home.p.length !== n || home.slots.length !== slots.length || !isPrivate(backend, home.p)) {
    const pages = Math.ceil(bytes / 65536);
    const memory = new WASM.Memory({ initial: pages, maximum: pages });
    const at = (k: number) => new Float32Array(memory.buffer, 4 * stride * k, n);
    home = { memory, p: at(0), g: at(1), slots: slots.map((_, i) => at(2 + i)), owners: [] };
    homes.set(owner, home);
    claimPrivate(backend, home.p); // the whole memory
  }
  moveInto(backend, variable, home, 0);
  slots.forEach((s, i) => moveInto(backend, s, home!, 1 + i));
  return home;
}
