/**
 * The second thread of the `mostSimilar` scan. Scanning a 2M × 300 int8 index is bound by memory
 * bandwidth on one core (a bare streaming read of its 608 MB takes ~83 ms on one thread), so a
 * big index lives in a shared WebAssembly memory and one persistent `worker_threads` worker runs
 * the same SIMD kernel over half of the rows while the calling thread runs the other half. Each
 * row's score comes from the same instructions in either thread, so the scores are bit-identical
 * to a one-thread scan.
 *
 * The worker is inline (`eval: true`: no worker file to resolve from `dist/` or from sources),
 * receives the compiled module and the memory by `postMessage`, and is then driven synchronously
 * through a small control block in that memory (`Atomics.wait` / `Atomics.notify`): `mostSimilar`
 * stays synchronous. It starts on the first big query and is unref'd, so it never keeps the
 * process alive; until it reports ready, queries scan on one thread (they never wait for it).
 * One worker serves every index, attached to one at a time.
 *
 * One thread is used when `EMBEDLAB_THREADS=1`, on a one-core machine, without
 * `SharedArrayBuffer` or `worker_threads`, or for tables under `PARALLEL_MIN_ROWS` rows.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { candidateRows } from "./candidateRows";

/**
 * Rows from which an index is scanned by two threads. Below it the wake-up of the worker
 * (tens of µs, up to milliseconds on a busy machine) is not repaid: a 300-dim row takes ~50 ns,
 * so 2^17 rows scan in ~6 ms.
 */
export const PARALLEL_MIN_ROWS = 1 << 17;

/** Bytes of the control block a shared index reserves (after its other regions, 8-byte aligned). */
export const CONTROL_BYTES = 64;

// Int32 slots of the control block.
const SEQ = 0; // the request number the worker waits on (1, 2, …; -1 wakes it to leave)
const DONE = 1; // the last request the worker finished
const READY = 2; // the attachment the worker serves (its epoch), minus it if it failed, 0 while starting
const EPOCH = 3; // the current attachment; a worker loop of another one leaves
const ARGS = 4; // the six dots8 arguments
const FROM = 10; // the worker's candidate pass: rows [FROM, TO), the K best
const TO = 11;
const K = 12;
const COUNT = 13; // its result: how many candidate rows it wrote
const MARGIN = 7; // float64 slot (bytes 56–63): the candidate margin
const SLOTS = CONTROL_BYTES / 4;

/** How long the caller waits for the worker's half before scanning it itself. */
const STALL_MS = 10_000;

/** `dots8(mat8, rows, strideBytes, q16, inv, out)`, the kernel of `QuantizedRows` (byte offsets). */
export type Dots8Fn = (mat8: number, rows: number, stride: number, q16: number, inv: number, out: number) => void;

/** Where an index keeps what the worker reads and writes (byte offsets into its memory). */
export interface ScanLayout {
  stride: number;
  q16: number;
  inv: number;
  /** The approximate scores, one float32 per row. */
  out: number;
  /** Room for the worker's candidate rows (int32), `capacity` of them: at least half the rows + 4. */
  candidates: number;
  capacity: number;
  /**
   * A fused kernel (an export of the module, six i32 arguments) that scans and picks its own
   * candidates: the worker calls only it (`runFused`), no `candidateRows`. Defaults to none.
   */
  fused?: string;
}

/**
 * The worker: instantiate the module on the memory it is sent, then serve requests until
 * detached: scan its rows, then pick their candidates (`candidateRows`, its source inlined).
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const candidateRows = ${candidateRows.toString()};
parentPort.on("message", ({ memory, module, control, epoch, layout }) => {
  const ctl = new Int32Array(memory.buffer, control, ${SLOTS});
  const margin = new Float64Array(memory.buffer, control, ${SLOTS / 2});
  const approx = new Float32Array(memory.buffer, layout.out);
  const cand = new Int32Array(memory.buffer, layout.candidates, layout.capacity);
  if (Atomics.load(ctl, ${EPOCH}) !== epoch) return; // detached before it started
  let dots8;
  try {
    dots8 = new WebAssembly.Instance(module, { env: { mem: memory } }).exports[layout.fused || "dots8"];
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
    try {
      dots8(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5]);
      if (!layout.fused) ctl[${COUNT}] = candidateRows(approx, ctl[${FROM}], ctl[${TO}], ctl[${K}], margin[${MARGIN}], null, cand);
    } catch {
      Atomics.store(ctl, ${READY}, -epoch);
    }
    Atomics.store(ctl, ${DONE}, seq);
    Atomics.notify(ctl, ${DONE});
  }
});
`;

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
  /** The control block (Int32 slots, see SEQ…COUNT). */
  readonly control: Int32Array;
  private readonly margin: Float64Array;
  private seq = 0;
  private epoch = 0;
  private broken = false;

  /**
   * `memory` is a shared WebAssembly memory holding the index as `layout` says, `module` the
   * kernel compiled for a shared memory, `dots8` this thread's instance of it, `controlOffset`
   * the byte offset (8-aligned) of `CONTROL_BYTES` reserved bytes in `memory`.
   */
  constructor(
    private readonly memory: { buffer: ArrayBuffer },
    private readonly module: object,
    private readonly dots8: Dots8Fn,
    private readonly controlOffset: number,
    private readonly layout: ScanLayout,
  ) {
    this.control = new Int32Array(memory.buffer, controlOffset, SLOTS);
    this.margin = new Float64Array(memory.buffer, controlOffset, SLOTS / 2);
  }

  /**
   * Scores rows `[0, rows)` (`rows` a multiple of 4, from row 0 of the index) and picks the
   * candidates of rows `[0, limit)` on two threads. This thread scans the first half and runs
   * `ownCandidates(ownRows)` on it (its own pick, with the caller's exclusions); the worker scans
   * the rest and picks its candidates of `[ownRows, limit)` with `candidateRows` for `kWorker`
   * best (no exclusions: the caller passes k + its excluded count, which keeps a superset).
   * Returns the worker's candidate rows, or null, having scanned nothing, when the worker is not
   * ready (it is started or attached then, for the next query) or threads are switched off.
   */
  scan(rows: number, limit: number, kWorker: number, margin: number, ownCandidates: (ownRows: number) => void): ArrayLike<number> | null {
    if (this.broken || !threadsAvailable()) return null;
    if (attached !== this) {
      this.attach();
      return null;
    }
    const ctl = this.control;
    if (Atomics.load(ctl, READY) !== this.epoch) return null;
    const { stride, q16, inv, out } = this.layout;
    const own = Math.floor(rows / 8) * 4; // this thread's rows, a multiple of 4 (≤ limit)
    this.seq = (this.seq % 0x7ffffffe) + 1; // 1, 2, …: never 0 (the worker's start) or -1
    const seq = this.seq;
    const args = [own * stride, rows - own, stride, q16, inv + own * 4, out + own * 4] as const;
    for (let i = 0; i < 6; i++) ctl[ARGS + i] = args[i];
    ctl[FROM] = own;
    ctl[TO] = limit;
    ctl[K] = kWorker;
    this.margin[MARGIN] = margin;
    Atomics.store(ctl, SEQ, seq); // publishes the arguments too (sequentially consistent)
    Atomics.notify(ctl, SEQ);
    this.dots8(0, own, stride, q16, inv, out);
    ownCandidates(own);
    let done = Atomics.load(ctl, DONE);
    while (done !== seq) {
      if (Atomics.wait(ctl, DONE, done, STALL_MS) === "timed-out") break;
      done = Atomics.load(ctl, DONE);
    }
    if (done === seq && Atomics.load(ctl, READY) === this.epoch) {
      return new Int32Array(this.memory.buffer, this.layout.candidates, Atomics.load(ctl, COUNT)).slice();
    }
    // The worker stalled or failed: do its half here (a late write of it stores the same bytes)
    // and scan on one thread from now on.
    this.broken = true;
    this.detach();
    this.dots8(...args);
    const picked: number[] = [];
    const n = candidateRows(new Float32Array(this.memory.buffer, out), own, limit, kWorker, margin, null, picked);
    return picked.slice(0, n);
  }

  /**
   * For a fused kernel (`layout.fused`, which `dots8` then is on this thread): the worker calls
   * it with `workerArgs` while this thread runs `own()`. Returns true once both are done, or
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
    this.dots8(a[0], a[1], a[2], a[3], a[4], a[5]);
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
