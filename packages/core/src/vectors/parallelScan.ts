/**
 * The second thread of the vector scans. Scanning a 2M × 300 index is bound by memory bandwidth
 * on one core (a bare streaming read of its 608 MB int8 copy takes ~83 ms on one thread), so a
 * big index lives in a shared WebAssembly memory and one persistent `worker_threads` worker runs
 * the index's kernel (`ScanLayout.fused`, an export with six i32 arguments) over part of the rows
 * while the calling thread runs the rest (`runFused`): `NibbleRows.top` (its fused `scan4`) and
 * `QuantizedRows.approxScores` (`dots8`, once per term of `mostSimilarCosmul`). Each row's result
 * comes from the same instructions in either thread, so it is bit-identical to a one-thread scan.
 *
 * The worker is inline (`eval: true`: no worker file to resolve from `dist/` or from sources),
 * receives the compiled module and the memory by `postMessage`, and is then driven synchronously
 * through a small control block in that memory (`Atomics.wait` / `Atomics.notify`): the queries
 * stay synchronous. It starts on the first big query and is unref'd, so it never keeps the
 * process alive; until it reports ready, queries scan on one thread (they never wait for it).
 * One worker serves every index, attached to one at a time.
 *
 * One thread is used when `EMBEDLAB_THREADS=1`, on a one-core machine, without
 * `SharedArrayBuffer` or `worker_threads`, or for tables under `PARALLEL_MIN_ROWS` rows.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/**
 * Rows from which an index is scanned by two threads. Below it the wake-up of the worker
 * (tens of µs, up to milliseconds on a busy machine) is not repaid: a 300-dim row takes ~50 ns,
 * so 2^17 rows scan in ~6 ms.
 */
export const PARALLEL_MIN_ROWS = 1 << 17;

/** Bytes of the control block a shared index reserves (after its other regions, 8-byte aligned). */
export const CONTROL_BYTES = 128;

// Int32 slots of the control block.
const SEQ = 0; // the request number the worker waits on (1, 2, …; -1 wakes it to leave)
const DONE = 1; // the last request the worker finished
const READY = 2; // the attachment the worker serves (its epoch), minus it if it failed, 0 while starting
const EPOCH = 3; // the current attachment; a worker loop of another one leaves
const ARGS = 4; // the six arguments of the worker's kernel call (of chunk 0 in a chunked request)
const STEPS = 10; // a chunked request: what each argument grows by from one chunk to the next
const CHUNKS = 16; // its number of chunks (0: one call with ARGS)
const LAST_ROWS = 17; // the second argument (a row count) of its last chunk
const NEXT = 18; // the next chunk to take (Atomics.add by both threads)
const SLOTS = CONTROL_BYTES / 4;

/** How long the caller waits for the worker's half before scanning it itself. */
const STALL_MS = 10_000;

/** A scan kernel: an export of the index's module with six i32 arguments (byte offsets, counts). */
export type KernelFn = (a: number, b: number, c: number, d: number, e: number, f: number) => void;

/** What the worker runs for an index. */
export interface ScanLayout {
  /** The kernel's export name in the module (`"scan4"`, `"dots8"`): the worker calls only it. */
  fused: string;
}

/**
 * The worker: instantiate the module on the memory it is sent, then serve requests until
 * detached: one call of the index's kernel with the six arguments of the control block, or, for
 * a chunked request, calls for the chunks it takes until none is left.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", ({ memory, module, control, epoch, layout }) => {
  const ctl = new Int32Array(memory.buffer, control, ${SLOTS});
  if (Atomics.load(ctl, ${EPOCH}) !== epoch) return; // detached before it started
  let kernel;
  try {
    kernel = new WebAssembly.Instance(module, { env: { mem: memory } }).exports[layout.fused];
    if (typeof kernel !== "function") throw new Error("no kernel " + layout.fused);
  } catch {
    Atomics.store(ctl, ${READY}, -epoch);
    return;
  }
  Atomics.store(ctl, ${READY}, epoch);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, ${SEQ}, seen);
    // detached: back to the event loop, the memory is no longer referenced here
    if (Atomics.load(ctl, ${EPOCH}) !== epoch) return;
    const seq = Atomics.load(ctl, ${SEQ});
    if (seq === seen || seq < 0) continue;
    seen = seq;
    const a = ${ARGS};
    const s = ${STEPS};
    const chunks = ctl[${CHUNKS}];
    try {
      if (chunks === 0) kernel(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5]);
      for (let c = chunks === 0 ? chunks : Atomics.add(ctl, ${NEXT}, 1); c < chunks; c = Atomics.add(ctl, ${NEXT}, 1)) {
        const rows = c === chunks - 1 ? ctl[${LAST_ROWS}] : ctl[a + 1] + c * ctl[s + 1];
        kernel(ctl[a] + c * ctl[s], rows, ctl[a + 2] + c * ctl[s + 2], ctl[a + 3] + c * ctl[s + 3], ctl[a + 4] + c * ctl[s + 4], ctl[a + 5] + c * ctl[s + 5]);
      }
    } catch {
      Atomics.store(ctl, ${READY}, -epoch);
    }
    Atomics.store(ctl, ${DONE}, seq);
    Atomics.notify(ctl, ${DONE});
  }
});
`;

/** Chunk `c` of a chunked request (see `ParallelScan.runChunked`), on this thread. */
function runChunk(kernel: KernelFn, args: readonly number[], steps: readonly number[], chunks: number, lastRows: number, c: number): void {
  const rows = c === chunks - 1 ? lastRows : args[1] + c * steps[1];
  kernel(args[0] + c * steps[0], rows, args[2] + c * steps[2], args[3] + c * steps[3], args[4] + c * steps[4], args[5] + c * steps[5]);
}

/** Every chunk of a chunked request (see `ParallelScan.runChunked`), on this thread. */
export function runChunks(kernel: KernelFn, args: readonly number[], steps: readonly number[], chunks: number, lastRows: number): void {
  for (let c = 0; c < chunks; c++) runChunk(kernel, args, steps, chunks, lastRows, c);
}

let worker: Worker | undefined;
let attached: ParallelScan | undefined;
let epochs = 0;

/** Whether this process can and may scan with two threads (`EMBEDLAB_THREADS=1` says no). */
export function threadsAvailable(): boolean {
  if (process.env.EMBEDLAB_THREADS === "1") return false;
  if (typeof SharedArrayBuffer === "undefined" || typeof Atomics === "undefined") return false;
  return availableParallelism() >= 2;
}

function startWorker(): Worker | undefined {
  if (worker) return worker;
  try {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref(); // never keeps the process alive
    w.on("error", () => undefined); // a failure shows as READY = 2 or an exit; queries fall back
    w.on("exit", () => {
      if (worker !== w) return;
      worker = undefined;
      if (attached) Atomics.store(attached.control, READY, 0); // the index re-attaches to a new worker
      attached = undefined;
    });
    worker = w;
    return w;
  } catch {
    return undefined;
  }
}

/**
 * Ends the scan worker, if one runs (the next big query starts a new one). Not needed before
 * exiting: the worker is unref'd.
 */
export async function stopScanWorker(): Promise<void> {
  attached?.detach();
  const w = worker;
  worker = undefined;
  if (w) await w.terminate();
}

/** The two-thread scan of one index: its shared memory, the shared module and its control block. */
export class ParallelScan {
  /** The control block (Int32 slots, see SEQ…ARGS). */
  readonly control: Int32Array;
  private seq = 0;
  private epoch = 0;
  private broken = false;

  /**
   * `memory` is a shared WebAssembly memory holding the index, `module` its kernels compiled for
   * a shared memory, `kernel` this thread's instance of the export `layout.fused`,
   * `controlOffset` the byte offset (8-aligned) of `CONTROL_BYTES` reserved bytes in `memory`.
   */
  constructor(
    private readonly memory: { buffer: ArrayBuffer },
    private readonly module: object,
    private readonly kernel: KernelFn,
    private readonly controlOffset: number,
    private readonly layout: ScanLayout,
  ) {
    this.control = new Int32Array(memory.buffer, controlOffset, SLOTS);
  }

  /**
   * Runs the kernel (`layout.fused`) with `workerArgs` on the worker while this thread runs
   * `own()` (its own rows, usually the same kernel). Returns true once both are done, or
   * false, having run nothing, when the worker is not ready (it is started or attached then) or
   * threads are switched off. A worker that stalls or fails is done here (`workerArgs` on this
   * thread) and threads are off for this index from then on.
   */
  runFused(workerArgs: readonly number[], own: () => void): boolean {
    if (this.broken || !threadsAvailable()) return false;
    if (attached !== this) {
      this.attach();
      return false;
    }
    const ctl = this.control;
    if (Atomics.load(ctl, READY) !== this.epoch) return false;
    this.seq = (this.seq % 0x7ffffffe) + 1;
    const seq = this.seq;
    for (let i = 0; i < 6; i++) ctl[ARGS + i] = workerArgs[i];
    ctl[CHUNKS] = 0;
    Atomics.store(ctl, SEQ, seq);
    Atomics.notify(ctl, SEQ);
    own();
    let done = Atomics.load(ctl, DONE);
    while (done !== seq) {
      if (Atomics.wait(ctl, DONE, done, STALL_MS) === "timed-out") break;
      done = Atomics.load(ctl, DONE);
    }
    if (done === seq && Atomics.load(ctl, READY) === this.epoch) return true;
    this.broken = true;
    this.detach();
    const a = workerArgs;
    this.kernel(a[0], a[1], a[2], a[3], a[4], a[5]); // a late write of the worker stores the same bytes
    return true;
  }

  /**
   * Runs the kernel over `chunks` chunks on both threads, each taking the next chunk left until
   * none is: so neither waits for the other longer than one chunk, however the machine schedules
   * them. Chunk c's arguments are `args[i] + c · steps[i]`, except that the last chunk's second
   * argument (its row count) is `lastRows`. Returns true once every chunk is done, or false,
   * having run nothing, when the worker is not ready (it is started or attached then) or threads
   * are switched off (then run them with `runChunks` on this thread). A worker that stalls or
   * fails: every chunk is run again here, and threads are off for this index from then on.
   */
  runChunked(args: readonly number[], steps: readonly number[], chunks: number, lastRows: number): boolean {
    if (this.broken || !threadsAvailable()) return false;
    if (attached !== this) {
      this.attach();
      return false;
    }
    const ctl = this.control;
    if (Atomics.load(ctl, READY) !== this.epoch) return false;
    this.seq = (this.seq % 0x7ffffffe) + 1;
    const seq = this.seq;
    for (let i = 0; i < 6; i++) {
      ctl[ARGS + i] = args[i];
      ctl[STEPS + i] = steps[i];
    }
    ctl[CHUNKS] = chunks;
    ctl[LAST_ROWS] = lastRows;
    Atomics.store(ctl, NEXT, 0);
    Atomics.store(ctl, SEQ, seq);
    Atomics.notify(ctl, SEQ);
    for (let c = Atomics.add(ctl, NEXT, 1); c < chunks; c = Atomics.add(ctl, NEXT, 1)) runChunk(this.kernel, args, steps, chunks, lastRows, c);
    let done = Atomics.load(ctl, DONE);
    while (done !== seq) {
      if (Atomics.wait(ctl, DONE, done, STALL_MS) === "timed-out") break;
      done = Atomics.load(ctl, DONE);
    }
    if (done === seq && Atomics.load(ctl, READY) === this.epoch) return true;
    this.broken = true;
    this.detach();
    runChunks(this.kernel, args, steps, chunks, lastRows); // a late write of the worker stores the same bytes
    return true;
  }

  /** Resolves once the worker is ready for this index (true) or cannot serve it (false). */
  async ready(timeoutMs = 30_000): Promise<boolean> {
    if (this.broken || !threadsAvailable()) return false;
    if (attached !== this) this.attach();
    const t0 = Date.now();
    while (Atomics.load(this.control, READY) === 0 && attached === this && Date.now() - t0 < timeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return Atomics.load(this.control, READY) === this.epoch && attached === this;
  }

  /** Lets the worker go (it drops its reference to this memory); a later scan attaches again. */
  detach(): void {
    if (attached !== this) return;
    attached = undefined;
    Atomics.store(this.control, EPOCH, 0);
    Atomics.store(this.control, SEQ, -1); // changes the value the worker waits on: it wakes even if not yet waiting
    Atomics.notify(this.control, SEQ);
  }

  private attach(): void {
    attached?.detach();
    const w = startWorker();
    if (!w) {
      this.broken = true;
      return;
    }
    // A fresh start: the worker waits for SEQ to leave 0; a loop of an earlier attachment of this
    // memory that has not yet left sees the new epoch and leaves.
    this.seq = 0;
    this.epoch = epochs = (epochs % 0x7ffffffe) + 1;
    for (const slot of [DONE, READY, SEQ]) Atomics.store(this.control, slot, 0);
    Atomics.store(this.control, EPOCH, this.epoch);
    attached = this;
    w.postMessage({ memory: this.memory, module: this.module, control: this.controlOffset, epoch: this.epoch, layout: this.layout });
  }
}
