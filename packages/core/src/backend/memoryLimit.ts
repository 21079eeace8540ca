/**
 * How big a tensor the active backend can hold *now*, checked before anything is allocated.
 *
 * - `wasm`: one 32-bit heap (at most 4 GiB − 64 KiB). Its `malloc` does not fail cleanly near the
 *   top: a request past the end either returns 0 or wraps the break pointer, and the first write
 *   then dies with "memory access out of bounds" (or silently overwrites other tensors). So the
 *   backend's `_malloc` / `_free` are wrapped (see {@link guardWasmHeap}): every allocation is
 *   tracked, the largest one that surely fits is `heapMax − (end of the highest live block) −
 *   slack`, and a request beyond it throws a `RangeError` before `malloc` runs.
 * - `cpu` / `tensorflow`: values live in JS typed arrays (at most 2^32 elements each in Node 20)
 *   or native memory; the limit is that, and the memory the machine has available now.
 */
import * as os from "node:os";
import * as tf from "../tf";
import { willDifferentiate } from "./gradientTargets";

/** What bounds the next allocation on the active backend. */
export interface MemoryLimit {
  /** The active backend's name. */
  backend: string;
  /** The largest single allocation, in bytes, that fits now. */
  bytes: number;
  /** The backend's whole capacity in bytes (the wasm heap's maximum; the machine's memory otherwise). */
  capacity: number;
  /** Bytes already taken: the wasm heap up to its highest live block; otherwise the machine's memory in use. */
  inUse: number;
  /** One phrase saying where the limit comes from, for messages. */
  reason: string;
}

const GiB = 2 ** 30;
/** Emscripten's `getHeapMax()` for tfjs-backend-wasm 4.22: 65536 pages of 64 KiB, less one. */
const WASM_HEAP_MAX = 4294901760;
/**
 * Left free above the highest tracked block: the wasm module's own C++ allocations (kernel scratch,
 * XNNPACK caches) don't go through the JS `_malloc`, and dlmalloc adds headers and alignment.
 */
const WASM_SLACK = 64 * 2 ** 20;
/** Node 20 (V8 11): the longest typed array. */
const MAX_TYPED_ARRAY_LENGTH = 2 ** 32;

/** Bytes as the messages print them: `2.24 GiB`, `0.31 GiB`. */
export function formatGiB(bytes: number): string {
  return `${(bytes / GiB).toFixed(2)} GiB`;
}

/** The part of the emscripten module the guard touches. */
interface WasmModuleLike {
  _malloc(n: number): number;
  _free(ptr: number): void;
  /** The raw exports: emscripten's `_malloc` stub replaces itself with `asm.malloc` on first call. */
  asm?: { malloc?: (n: number) => number; free?: (ptr: number) => void };
  HEAPU8: Uint8Array;
  __embedlabHeap?: HeapTracker;
}

/** Live blocks of the wasm heap, as seen through the wrapped `_malloc` / `_free`. */
class HeapTracker {
  readonly live = new Map<number, number>();
  /** End of the highest live block (bytes); everything below may be taken. */
  top: number;
  /** Sum of live block sizes. */
  liveBytes = 0;
  /** Heap bytes in use before the guard was installed (treated as taken, below `floor`). */
  private readonly floor: number;

  constructor(initialHeap: number) {
    // Whatever was allocated before the guard is unknown: count the whole heap at that time as taken.
    this.floor = initialHeap;
    this.top = initialHeap;
  }

  add(ptr: number, n: number): void {
    this.live.set(ptr, n);
    this.liveBytes += n;
    if (ptr + n > this.top) this.top = ptr + n;
  }

  remove(ptr: number): void {
    const n = this.live.get(ptr);
    if (n === undefined) return;
    this.live.delete(ptr);
    this.liveBytes -= n;
    if (ptr + n >= this.top) {
      // The highest block went: find the next highest (O(live tensors), only when the top is freed).
      let top = this.floor;
      for (const [p, m] of this.live) if (p + m > top) top = p + m;
      this.top = top;
    }
  }

  /** The largest request that surely lands below the heap's maximum. */
  available(): number {
    return Math.max(0, WASM_HEAP_MAX - this.top - WASM_SLACK);
  }
}

/** The wasm backend's emscripten module, or `null` when `backend` is not the wasm backend. */
function wasmModule(backend: tf.KernelBackend | undefined): WasmModuleLike | null {
  const b = backend as unknown as { wasm?: WasmModuleLike; dataIdMap?: unknown } | undefined;
  if (!b || !b.dataIdMap || !b.wasm || typeof b.wasm._malloc !== "function") return null;
  return b.wasm;
}

/**
 * Wraps the wasm backend's `_malloc` / `_free` so every heap allocation is tracked and one that
 * cannot fit throws a `RangeError` (instead of a later "memory access out of bounds"). Idempotent;
 * `ready()` calls it when it starts the wasm backend, and every limit check calls it too.
 * Returns the tracker, or `null` when the backend is not wasm.
 */
export function guardWasmHeap(backend: tf.KernelBackend | undefined = tf.findBackend("wasm") ?? undefined): HeapTracker | null {
  const wasm = wasmModule(backend);
  if (wasm === null) return null;
  if (wasm.__embedlabHeap) return wasm.__embedlabHeap;
  const tracker = new HeapTracker(wasm.HEAPU8.length);
  // The raw exports, not the `_malloc` stub: the stub would overwrite our wrapper on its first call.
  const malloc = wasm.asm?.malloc ?? wasm._malloc.bind(wasm);
  const free = wasm.asm?.free ?? wasm._free.bind(wasm);
  wasm._malloc = (n: number): number => {
    if (n > tracker.available()) throw wasmHeapError(n, tracker);
    const ptr = malloc(n) >>> 0;
    if (ptr === 0 && n > 0) throw wasmHeapError(n, tracker);
    tracker.add(ptr, n);
    return ptr;
  };
  wasm._free = (ptr: number): void => {
    tracker.remove(ptr >>> 0);
    free(ptr);
  };
  wasm.__embedlabHeap = tracker;
  return tracker;
}

/** The error of an allocation that reached the wasm heap without one of our checks in front of it. */
function wasmHeapError(n: number, tracker: HeapTracker): RangeError {
  const limit: MemoryLimit = { backend: "wasm", bytes: tracker.available(), capacity: WASM_HEAP_MAX, inUse: tracker.top, reason: "" };
  return new RangeError(
    `wasm backend: expected a tensor to fit the wasm heap, at most ${formatGiB(limit.bytes)} now ` +
      `(${describeLimit(limit)}), but got ${formatGiB(n)}; ${WAYS_OUT}`,
  );
}

/** Memory the machine (or this process's cgroup) has available now. */
function availableMemory(): { available: number; total: number } {
  const total = os.totalmem();
  let available = os.freemem(); // MemAvailable on Linux: free + reclaimable page cache
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  if (constrained !== undefined && constrained > 0 && constrained < total) {
    available = Math.min(available, constrained - process.memoryUsage().rss);
  }
  return { available: Math.max(0, available), total };
}

/**
 * The largest single allocation the active backend can take now, and why.
 * @example
 * memoryLimit(); // { backend: "wasm", bytes: 4.1e9, capacity: 4294901760, inUse: 2.1e7, reason: "…" }
 */
export function memoryLimit(bytesPerElement = 4): MemoryLimit {
  const backend = tf.getBackend();
  const tracker = backend === "wasm" ? guardWasmHeap(tf.backend()) : null;
  if (tracker !== null) {
    const limit: MemoryLimit = { backend, bytes: tracker.available(), capacity: WASM_HEAP_MAX, inUse: tracker.top, reason: "" };
    limit.reason = describeLimit(limit);
    return limit;
  }
  const { available, total } = availableMemory();
  const arrayMax = MAX_TYPED_ARRAY_LENGTH * bytesPerElement;
  const bytes = Math.min(available, arrayMax);
  const limit: MemoryLimit = { backend, bytes, capacity: total, inUse: total - available, reason: "" };
  limit.reason =
    bytes === arrayMax
      ? `a typed array holds at most 2^32 values, ${formatGiB(arrayMax)} of ${bytesPerElement}-byte values`
      : `this machine has ${formatGiB(available)} of its ${formatGiB(total)} available now`;
  return limit;
}

function describeLimit(limit: MemoryLimit): string {
  return `the wasm backend's 32-bit heap holds ${formatGiB(limit.capacity)}, ${formatGiB(limit.inUse)} of it in use`;
}

/** The ways out every refusal lists. */
const WAYS_OUT =
  "keep only the rows you need (loadVectors(path, { vocab }) or wv.toEmbedding({ vocab })), " +
  'switch to the cpu backend (await ready({ backend: "cpu" })), or install @tensorflow/tfjs-node for native memory';

/** Below this, on backends other than wasm, the check is skipped (reading /proc/meminfo costs ~30 µs). */
const SMALL = 64 * 2 ** 20;

/**
 * Throws a `RangeError` in the house format when tensors of `shapes` can't fit the active backend:
 * `embedding: expected the table [4000000, 300] (4.47 GiB of float32) to fit the wasm backend, at
 * most 3.93 GiB now (…), but got 4.47 GiB; keep only the rows you need (…), switch to the cpu
 * backend (…), or install @tensorflow/tfjs-node …`. Call it before allocating; nothing is allocated.
 *
 * @param fn the public function named in the message.
 * @param what the thing allocated, e.g. `"the table"`.
 * @param shapes its shape, or several shapes allocated together (one per category column).
 * @param dtype defaults to `"float32"`.
 * @example
 * checkAllocation("embedding", "the table", [2_000_000, 300]); // throws on wasm when the heap is too full
 */
export function checkAllocation(
  fn: string,
  what: string,
  shapes: readonly number[] | readonly (readonly number[])[],
  dtype: "float32" | "int32" | "bool" = "float32",
  waysOut: string = WAYS_OUT,
): void {
  const list = (shapes.length > 0 && Array.isArray(shapes[0]) ? shapes : [shapes]) as readonly (readonly number[])[];
  const bytesPerElement = dtype === "bool" ? 1 : 4;
  const bytes = list.reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1) * bytesPerElement, 0);
  const backend = tf.getBackend();
  if (bytes < SMALL && backend !== "wasm") return;
  // why: the lookups check before every training step; a fit needs no limit text (formatGiB, describeLimit)
  if (backend === "wasm" && bytes <= (guardWasmHeap(tf.backend())?.available() ?? -1)) return;
  const limit = memoryLimit(bytesPerElement);
  if (bytes <= limit.bytes) return;
  const where = `the ${limit.backend} backend`;
  const shown = list.map((shape) => `[${shape.join(", ")}]`).join(" + ");
  throw new RangeError(
    `${fn}: expected ${what} ${shown} (${formatGiB(bytes)} of ${dtype}) to fit ${where}, ` +
      `at most ${formatGiB(limit.bytes)} now (${limit.reason}), but got ${formatGiB(bytes)}; ${waysOut}`,
  );
}

/** The ways out when the table fits but its gradient does not. */
const GRADIENT_WAYS_OUT =
  "freeze the table (trainable: false, or wv.toEmbedding({ freeze: true })), " +
  "keep only the rows you need (loadVectors(path, { vocab }) or wv.toEmbedding({ vocab })), or install @tensorflow/tfjs-node for native memory";

/**
 * Throws a `RangeError` in the house format when the dense `[V, D]` gradient of a lookup into a
 * `[V, D]` table can't fit the active backend: the backward pass of every lookup writes one, as
 * PyTorch's dense `embedding_backward` does. The kernels call it before allocating, so training
 * a table whose gradient can't fit stops at the first backward pass, before any weight changes,
 * with a message instead of an allocation failure.
 * @example
 * checkDenseGradient("embedding", [8_000_000, 300]); // throws when 8.94 GiB more can't fit now
 */
export function checkDenseGradient(fn: string, shape: readonly [number, number]): void {
  checkAllocation(fn, "the dense gradient of the table", shape, "float32", GRADIENT_WAYS_OUT);
}

/**
 * {@link checkDenseGradient}, ahead of time: called by the lookups in their forward pass. Inside a
 * gradient tape (`optimizer.minimize`, `model.fit`, `tf.variableGrads`) a lookup into a trainable
 * variable will need the table's dense gradient in the backward pass if that tape differentiates
 * the table; refusing now, before tfjs records anything, leaves nothing behind (a throw inside the
 * backward pass would leave tfjs's saved tape tensors allocated). Outside a tape, for a frozen
 * table, or when the tape's variables leave the table out (`optimizer.minimize(f, true, varList)`,
 * `tf.variableGrads(f, varList)`: tfjs then never computes its gradient) it does nothing; see
 * {@link willDifferentiate} for how that is known.
 */
export function checkGradientAhead(fn: string, table: tf.Tensor): void {
  if (!(table instanceof tf.Variable) || !table.trainable || table.rank !== 2) return;
  if (!willDifferentiate(table)) return;
  checkDenseGradient(fn, [table.shape[0], table.shape[1]]);
}
