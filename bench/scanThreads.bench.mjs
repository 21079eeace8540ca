// What bounds mostSimilar's scan at 2M × 300 (issue 10): memory bandwidth, kernel arithmetic, or
// the CPU the machine gives us. Over an index of the bench's size (2M rows × 320 int8 bytes =
// 640 MB, random bytes: the speed does not depend on the values) it times, on 1 and on 2 threads
// (the calling thread + one worker over the same shared memory, halves of the rows):
//   stream: a bare SIMD read of every byte (the bandwidth floor);
//   int8 kernel: the library's `dots8` (QuantizedRows) over all rows, and over 2000 cached rows
//     repeated to the same row count (its arithmetic alone);
//   4-bit prototype: a 160-byte-per-row nibble kernel with a fused threshold (not in the library:
//     the candidate next step, measured here).
// Each thread reports its CPU time and its time runnable but waiting for a CPU (Linux schedstat,
// which the kernel updates at its ticks: a few ms of resolution, fine for these ~100 ms runs):
// on a busy machine the second thread's half costs half the CPU but waits as long in the run queue.
// Reference: numpy summing the same bytes as uint64 (1 thread), same run.
// Run: npm run bench -- scanThreads   (EMBEDLAB_BENCH_ROWS=500000 for a quick run)
import { readFileSync } from "node:fs";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadAverage, python, report, root } from "./lib.mjs";

const require = createRequire(import.meta.url);
const { op, moduleBytes, uleb, PAGE } = require(join(root, "packages/core/dist/kernels/wasmBytes.js"));
const { dots8Bytes } = require(join(root, "packages/core/dist/vectors/QuantizedRows.js"));

const ROWS = Number(process.env.EMBEDLAB_BENCH_ROWS ?? 2_000_000);
const STRIDE = 320; // 300 int8 values padded to 16-byte loads, as QuantizedRows stores them
const STRIDE4 = 160; // 320 nibbles
const CACHED = 2000;
const MAT = ROWS * STRIDE;
const INV = MAT; // float32 per row (int8) / two float32 per row (4-bit: scale, error)
const OUT = INV + ROWS * 8;
const Q16 = OUT + ROWS * 4;
const CTL = Q16 + 1024; // Int32 [seq, kind, from, to, done] at +0, the worker's Float64 [cpu, wait] at +32, 4-bit threshold/count at +64 (+128 for the worker)
const CAND = CTL + 256;
const TOTAL = CAND + 64 * 1024;

/** Per-thread [ms on a CPU, ms runnable but waiting for one]. */
const sched = () => {
  try {
    const [run, wait] = readFileSync("/proc/thread-self/schedstat", "latin1").split(" ").map(Number);
    return [run / 1e6, wait / 1e6];
  } catch {
    return [NaN, NaN];
  }
};

const { get, set, tee, i32, simd, load, zero, loop, add, shl, ltU, eqz, brIf0 } = op;
const addI32 = simd(174);

/** `stream(p, end, out)`: adds every 16-byte block of [p, end) (i8x16.add), stores the sum at `out`. */
function streamFn() {
  const addI8 = simd(110);
  const code = [
    ...zero, ...set(3), ...zero, ...set(4), ...zero, ...set(5), ...zero, ...set(6),
    ...loop([
      ...[0, 1, 2, 3].flatMap((k) => [...get(3 + k), ...get(0), ...load(16 * k), ...addI8, ...set(3 + k)]),
      ...get(0), ...i32(64), add, ...tee(0), ...get(1), ltU, ...brIf0,
    ]),
    ...get(2), ...get(3), ...get(4), ...addI8, ...get(5), ...addI8, ...get(6), ...addI8, 0xfd, 11, 4, 0, // v128.store
  ];
  return { name: "stream", params: 3, locals: [[4, 0x7b]], code };
}

/**
 * The 4-bit prototype: `scan4(mat, rows, q16, info, ctl, cand)`. Row r holds 320 nibbles in 160
 * bytes (u16 lane i of 16-byte block c: components c·32 + n·8 + i at bits 4n); each nibble group
 * is masked/shifted into i16x8 and multiplied-and-added with the int16 query. A row whose
 * f32(Σ) · info[2r] + info[2r+1] reaches the f32 threshold at ctl+64 is appended to `cand`;
 * the count goes to ctl+68.
 */
function scan4Fn() {
  const dot16 = simd(186), and = simd(78), shrU16 = simd(141);
  const lane = (l) => [...simd(27), l];
  // params 0 mat 1 rows 2 q16 3 info 4 ctl 5 cand; locals i32 6 r 7 n; f32 8 t; v128 9 acc 10 acc2 11 v 12 mask
  const chunk = (c) => [
    ...get(0), ...load(c * 16), ...set(11),
    ...get(9), ...get(11), ...get(12), ...and, ...get(2), ...load(c * 64), ...dot16, ...addI32, ...set(9),
    ...get(10), ...get(11), ...i32(4), ...shrU16, ...get(12), ...and, ...get(2), ...load(c * 64 + 16), ...dot16, ...addI32, ...set(10),
    ...get(9), ...get(11), ...i32(8), ...shrU16, ...get(12), ...and, ...get(2), ...load(c * 64 + 32), ...dot16, ...addI32, ...set(9),
    ...get(10), ...get(11), ...i32(12), ...shrU16, ...get(2), ...load(c * 64 + 48), ...dot16, ...addI32, ...set(10),
  ];
  const code = [
    ...get(4), 0x2a, 2, 64, ...set(8), // t = f32.load ctl+64
    ...i32(15), ...simd(16), ...set(12), // i16x8.splat 15
    ...get(1), eqz, ...brIf0,
    ...loop([
      ...zero, ...set(9), ...zero, ...set(10),
      ...Array.from({ length: STRIDE4 / 16 }, (_, c) => chunk(c)).flat(),
      ...get(5), ...get(7), ...i32(2), shl, add, ...get(6), 0x36, 2, 0, // cand[n] = r (kept when it passes)
      ...get(9), ...get(10), ...addI32, ...set(9),
      ...get(9), ...lane(0), ...get(9), ...lane(1), add, ...get(9), ...lane(2), add, ...get(9), ...lane(3), add,
      0xb2, ...get(3), 0x2a, 2, 0, 0x94, ...get(3), 0x2a, 2, 4, 0x92, // f32(Σ) · scale + error
      ...get(8), 0x60, ...get(7), add, ...set(7), // n += (score ≥ t)
      ...get(0), ...i32(STRIDE4), add, ...set(0),
      ...get(3), ...i32(8), add, ...set(3),
      ...get(6), ...i32(1), add, ...tee(6), ...get(1), ltU, ...brIf0,
    ]),
    ...get(4), ...get(7), 0x36, 2, 68,
  ];
  return { name: "scan4", params: 6, locals: [[2, 0x7f], [1, 0x7d], [4, 0x7b]], code };
}

const KINDS = ["stream", "int8 kernel", "int8 kernel, cached rows", "4-bit prototype"];

/** Runs kind `k` over rows [from, to). */
function runKind(ex, k, from, to) {
  if (k === 0) ex.stream(from * STRIDE, to * STRIDE, CAND + (from ? 32 : 0));
  else if (k === 1) ex.dots8(from * STRIDE, to - from, STRIDE, Q16, INV + from * 4, OUT + from * 4);
  else if (k === 2) for (let r = from; r < to; r += CACHED) ex.dots8(from * STRIDE, Math.min(CACHED, to - r), STRIDE, Q16, INV, OUT);
  else ex.scan4(from * STRIDE4, to - from, Q16, INV + from * 8, CTL + (from ? 128 : 0), CAND);
}

function instantiate(memory) {
  const dots8Module = new WebAssembly.Module(dots8Bytes(true));
  const mine = new WebAssembly.Module(moduleBytes([streamFn(), scan4Fn()], { shared: true }));
  const imports = { env: { mem: memory } };
  return { ...new WebAssembly.Instance(dots8Module, imports).exports, ...new WebAssembly.Instance(mine, imports).exports };
}

if (!isMainThread) {
  const { memory } = workerData;
  const ex = instantiate(memory);
  const ctl = new Int32Array(memory.buffer, CTL, 8);
  const times = new Float64Array(memory.buffer, CTL + 32, 4);
  parentPort.postMessage("ready");
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    const s = Atomics.load(ctl, 0);
    if (s === seen) continue;
    if (s < 0) break;
    seen = s;
    const [c0, w0] = sched();
    runKind(ex, ctl[1], ctl[2], ctl[3]);
    const [c1, w1] = sched();
    times[0] = c1 - c0;
    times[1] = w1 - w0;
    Atomics.store(ctl, 4, s);
    Atomics.notify(ctl, 4);
  }
  process.exit(0);
}

const pages = Math.ceil(TOTAL / PAGE);
const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
const ex = instantiate(memory);
const bytes = new Uint8Array(memory.buffer);
let seed = 12345;
const words = new Uint32Array(memory.buffer, 0, MAT / 4);
for (let i = 0; i < words.length; i++) words[i] = seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
const q16 = new Int16Array(memory.buffer, Q16, STRIDE);
for (let j = 0; j < 300; j++) q16[j] = ((j * 37) % 200) - 100;
new Float32Array(memory.buffer, INV, ROWS * 2).fill(1e-6);
new Float32Array(memory.buffer, CTL + 64, 1)[0] = 1e9; // 4-bit threshold: nothing passes (the scan alone)
new Float32Array(memory.buffer, CTL + 128 + 64, 1)[0] = 1e9;
const ctl = new Int32Array(memory.buffer, CTL, 8);
const times = new Float64Array(memory.buffer, CTL + 32, 4);
const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { memory } });
await new Promise((resolve) => worker.once("message", resolve));

const ITERS = 9;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const res = KINDS.map(() => ({ one: [], oneCpu: [], two: [], mainCpu: [], mainWait: [], workerCpu: [], workerWait: [] }));
let seq = 0;
for (let it = 0; it < ITERS + 1; it++) {
  for (let k = 0; k < KINDS.length; k++) {
    const rows = k === 3 ? Math.min(ROWS, Math.floor(MAT / STRIDE4) / 2) : ROWS; // 4-bit rows cover half the bytes
    const r = res[k];
    let [c0] = sched();
    let t0 = performance.now();
    runKind(ex, k, 0, rows);
    const one = performance.now() - t0;
    const oneCpu = sched()[0] - c0;
    const half = Math.floor(rows / 8) * 4;
    ctl[1] = k;
    ctl[2] = half;
    ctl[3] = rows;
    t0 = performance.now();
    Atomics.store(ctl, 0, ++seq);
    Atomics.notify(ctl, 0);
    const [m0, mw0] = sched();
    runKind(ex, k, 0, half);
    const [m1, mw1] = sched();
    while (Atomics.load(ctl, 4) !== seq) Atomics.wait(ctl, 4, Atomics.load(ctl, 4));
    const two = performance.now() - t0;
    if (it === 0) continue; // warm-up (and wasm tier-up)
    r.one.push(one);
    r.oneCpu.push(oneCpu);
    r.two.push(two);
    r.mainCpu.push(m1 - m0);
    r.mainWait.push(mw1 - mw0);
    r.workerCpu.push(times[0]);
    r.workerWait.push(times[1]);
  }
}
Atomics.store(ctl, 0, -1);
Atomics.notify(ctl, 0);

const np = python(`
import json, time
import numpy as np
A = np.frombuffer(np.random.default_rng(1).bytes(${MAT}), dtype=np.uint64)
ts = []
for _ in range(${ITERS}):
    t0 = time.perf_counter(); A.sum(); ts.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"ms": sorted(ts)[len(ts) // 2]}))`, { needs: "numpy" });

const rows = [];
const mb = MAT / 1e6;
for (let k = 0; k < KINDS.length; k++) {
  const r = res[k];
  const label = k === 3 ? `${KINDS[k]} (${(mb / 2).toFixed(0)} MB, ${(MAT / STRIDE4 / 2 / 1e6).toFixed(1)}M rows)` : `${KINDS[k]} (${ROWS / 1e6}M rows${k === 2 ? "" : `, ${mb.toFixed(0)} MB`})`;
  rows.push({ case: `${label}: 1 thread, wall${k === 0 ? " (ref: numpy uint64 sum of as many bytes)" : ""}`, ours: median(r.one), reference: k === 0 ? (np?.ms ?? null) : null });
  rows.push({ case: "  1 thread, CPU", ours: median(r.oneCpu) });
  rows.push({ case: "  2 threads (halves), wall", ours: median(r.two) });
  rows.push({ case: "  2 threads: calling thread's CPU (its half)", ours: median(r.mainCpu) });
  rows.push({ case: "  2 threads: calling thread's run-queue wait", ours: median(r.mainWait) });
  rows.push({ case: "  2 threads: worker's CPU (its half)", ours: median(r.workerCpu) });
  rows.push({ case: "  2 threads: worker's run-queue wait", ours: median(r.workerWait) });
}
console.log(`stream, 1 thread: ${(mb / median(res[0].one)).toFixed(1)} GB/s wall, ${(mb / median(res[0].oneCpu)).toFixed(1)} GB/s per CPU-second; ${loadAverage()}`);
report("scanThreads", rows, { rows: ROWS, raw: res, numpy: np });
await worker.terminate();
