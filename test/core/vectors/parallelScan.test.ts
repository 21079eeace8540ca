// The scan worker: runChunked (the 4-bit scan of mostSimilar, here with the int8 kernel), and runFused through the int8 scan of mostSimilarCosmul
// (QuantizedRows.approxScores): scores bit-identical to one thread, the worker attached to one
// index at a time, the one-thread fallbacks (not ready yet, EMBEDLAB_THREADS=1, small tables, a
// stopped worker, a worker that cannot serve), and a worker that never keeps the process alive.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildSync } from "esbuild";
import { QuantizedRows, dots8Bytes } from "../../../packages/core/src/vectors/QuantizedRows";
import { CONTROL_BYTES, ParallelScan, runChunks, stopScanWorker } from "../../../packages/core/src/vectors/parallelScan";
import { gaussTable as table, rng, unitQuery as query, tempDir } from "./helpers";

afterAll(async () => {
  await stopScanWorker();
});

/** The bytes of a float32 array (bit-for-bit comparison: `toEqual` would let -0 equal 0). */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("QuantizedRows.approxScores on two threads (runFused with dots8)", () => {
  const rows = 6003; // odd: padding rows, halves that are not multiples of 8
  const dim = 37; // odd: padding lanes
  const data = table(rows, dim, 41);

  it("gives the one-thread scores bit for bit, for every limit split between the threads", async () => {
    const threaded = new QuantizedRows(data, rows, dim, { parallelRows: 1 });
    const single = new QuantizedRows(data, rows, dim, { parallelRows: Infinity });
    expect(threaded.simd).toBe(true);
    expect(await threaded.threadsReady()).toBe(true);
    expect(await single.threadsReady()).toBe(false);
    const g = rng(3);
    // limits: all rows, odd counts, fewer than one group per thread (3: the worker takes every row)
    for (const limit of [rows, 4097, 13, 9, 5, 3]) {
      for (let t = 0; t < 3; t++) {
        const unit = query(data, dim, (limit * 7 + t * 977) % limit, limit + t);
        // a raw term too: ‖q‖ ≠ 1 scales the scores after the scan
        const raw = Float64Array.from({ length: dim }, () => (g() - 0.5) * 3);
        for (const q of [unit, raw]) {
          const got = threaded.approxScores(q, limit);
          expect(threaded.lastScanThreads).toBe(2);
          const one = single.approxScores(q, limit);
          expect(single.lastScanThreads).toBe(1);
          if (!got || !one) throw new Error("no int8 scan");
          expect(got.approx).toHaveLength(limit);
          expect(bits(got.approx)).toEqual(bits(one.approx));
          expect(got.bound).toBe(one.bound);
          // and the bound holds on both halves
          for (const r of [0, limit >> 1, limit - 1]) expect(Math.abs(got.approx[r] - threaded.exact(r, q))).toBeLessThanOrEqual(got.bound);
        }
      }
    }
    threaded.dispose();
  });

  it("scans a limit under parallelRows on one thread, and the first big scan alone (the worker not ready yet)", async () => {
    const q = query(data, dim, 5, 2);
    const idx = new QuantizedRows(data, rows, dim, { parallelRows: 4000 });
    const single = new QuantizedRows(data, rows, dim, { parallelRows: Infinity });
    const want = single.approxScores(q, rows);
    // no worker attached yet: this call attaches it and scans alone, without waiting for it
    expect(bits(idx.approxScores(q, rows)?.approx ?? new Float32Array())).toEqual(bits(want?.approx ?? new Float32Array(1)));
    expect(idx.lastScanThreads).toBe(1);
    expect(await idx.threadsReady()).toBe(true);
    expect(bits(idx.approxScores(q, rows)?.approx ?? new Float32Array())).toEqual(bits(want?.approx ?? new Float32Array(1)));
    expect(idx.lastScanThreads).toBe(2);
    idx.approxScores(q, 3999);
    expect(idx.lastScanThreads).toBe(1);
    idx.dispose();
  });

  it("two indexes share the worker: each scan re-attaches it or scans alone, scores unchanged", async () => {
    const otherData = table(2001, dim, 42);
    const a = new QuantizedRows(data, rows, dim, { parallelRows: 1 });
    const b = new QuantizedRows(otherData, 2001, dim, { parallelRows: 1 });
    const wantA = new QuantizedRows(data, rows, dim, { parallelRows: Infinity });
    const wantB = new QuantizedRows(otherData, 2001, dim, { parallelRows: Infinity });
    const qa = query(data, dim, 17, 3);
    const qb = query(otherData, dim, 17, 4);
    const scoresOf = (idx: QuantizedRows, q: Float64Array, limit: number) => bits(idx.approxScores(q, limit)?.approx ?? new Float32Array());
    expect(await a.threadsReady()).toBe(true);
    expect(scoresOf(a, qa, rows)).toEqual(scoresOf(wantA, qa, rows));
    expect(a.lastScanThreads).toBe(2);
    // b takes the worker over: its first scan runs alone, a's next one too
    expect(scoresOf(b, qb, 2001)).toEqual(scoresOf(wantB, qb, 2001));
    expect(b.lastScanThreads).toBe(1);
    expect(await b.threadsReady()).toBe(true);
    expect(scoresOf(b, qb, 2001)).toEqual(scoresOf(wantB, qb, 2001));
    expect(b.lastScanThreads).toBe(2);
    expect(scoresOf(a, qa, rows)).toEqual(scoresOf(wantA, qa, rows));
    expect(a.lastScanThreads).toBe(1);
    a.dispose();
    b.dispose();
  });

  it("falls back to one thread with EMBEDLAB_THREADS=1, for small tables, and after stopScanWorker()", async () => {
    const qv = query(data, dim, 100, 9);
    const want = bits(new QuantizedRows(data, rows, dim, { parallelRows: Infinity }).approxScores(qv, rows)?.approx ?? new Float32Array());
    const scoresOf = (idx: QuantizedRows) => bits(idx.approxScores(qv, rows)?.approx ?? new Float32Array());
    const threaded = new QuantizedRows(data, rows, dim, { parallelRows: 1 });
    expect(await threaded.threadsReady()).toBe(true);
    process.env.EMBEDLAB_THREADS = "1";
    try {
      expect(scoresOf(threaded)).toEqual(want);
      expect(threaded.lastScanThreads).toBe(1);
      expect(await threaded.threadsReady()).toBe(false);
      const off = new QuantizedRows(data, rows, dim, { parallelRows: 1 }); // an unshared memory
      expect(await off.threadsReady()).toBe(false);
      expect(scoresOf(off)).toEqual(want);
    } finally {
      delete process.env.EMBEDLAB_THREADS;
    }
    const small = new QuantizedRows(data, rows, dim); // under PARALLEL_MIN_ROWS: an unshared memory
    expect(await small.threadsReady()).toBe(false);
    expect(scoresOf(small)).toEqual(want);
    expect(small.lastScanThreads).toBe(1);
    // a stopped worker: one thread at once, a new worker for the next scans
    expect(await threaded.threadsReady()).toBe(true);
    await stopScanWorker();
    expect(scoresOf(threaded)).toEqual(want);
    expect(threaded.lastScanThreads).toBe(1);
    expect(await threaded.threadsReady()).toBe(true);
    expect(scoresOf(threaded)).toEqual(want);
    expect(threaded.lastScanThreads).toBe(2);
    threaded.dispose();
  });

  it("a worker that cannot serve an index (its kernel missing) leaves runFused on one thread, running nothing", async () => {
    const module = new WebAssembly.Module(dots8Bytes(true));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const dots8 = new WebAssembly.Instance(module, { env: { mem: memory } }).exports.dots8 as (...args: number[]) => void;
    const scan = new ParallelScan(memory, module, dots8, 1024, { fused: "noSuchKernel" });
    expect(await scan.ready()).toBe(false);
    let ran = 0;
    expect(scan.runFused([0, 0, 16, 0, 0, 0], () => ran++)).toBe(false);
    expect(ran).toBe(0);
    expect(new Int32Array(memory.buffer, 1024, CONTROL_BYTES / 4)[2]).toBeLessThan(0); // READY: minus the epoch
    scan.detach();
  });

  it("runChunked: both threads take chunks until none is left; every chunk runs once, the last with its own row count", async () => {
    const module = new WebAssembly.Module(dots8Bytes(true));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const dots8 = new WebAssembly.Instance(module, { env: { mem: memory } }).exports.dots8 as (...args: number[]) => void;
    // 1000 rows of 16 int8 values, an int16 query, a scale per row, a score per row
    const n = 1000;
    const [MAT, Q16, INV, OUT, CONTROL] = [0, 16384, 16448, 20480, 28672];
    const g = rng(5);
    new Int8Array(memory.buffer, MAT, n * 16).forEach((_, i, a) => (a[i] = Math.floor(g() * 256) - 128));
    new Int16Array(memory.buffer, Q16, 16).forEach((_, i, a) => (a[i] = Math.floor(g() * 65536) - 32768));
    new Float32Array(memory.buffer, INV, n).forEach((_, i, a) => (a[i] = g()));
    const out = new Float32Array(memory.buffer, OUT, n);
    dots8(MAT, n, 16, Q16, INV, OUT); // one call: the reference
    const want = bits(out);
    out.fill(0);
    const scan = new ParallelScan(memory, module, dots8, CONTROL, { fused: "dots8" });
    const [chunkRows, chunks, lastRows] = [40, 26, 0]; // 25 chunks of 40 rows, then an empty one
    const args = [MAT, chunkRows, 16, Q16, INV, OUT];
    const steps = [chunkRows * 16, 0, 0, 0, chunkRows * 4, chunkRows * 4];
    expect(scan.runChunked(args, steps, chunks, lastRows)).toBe(false); // not attached yet: nothing ran
    expect(bits(out).every((b) => b === 0)).toBe(true);
    expect(await scan.ready()).toBe(true);
    // past the last row: a last chunk scanned with the others' row count would write here
    const guard = new Float32Array(memory.buffer, OUT + n * 4, 64);
    // repeated: which thread takes the last chunk varies from run to run
    for (let rep = 0; rep < 40; rep++) {
      for (const [size, count, last] of [[chunkRows, chunks, lastRows], [36, 28, 28], [8, 125, 8]]) {
        out.fill(0);
        expect(scan.runChunked([MAT, size, 16, Q16, INV, OUT], [size * 16, 0, 0, 0, size * 4, size * 4], count, last)).toBe(true);
        expect(bits(out)).toEqual(want);
        expect(guard.every((v) => v === 0)).toBe(true);
        // each thread's last take finds no chunk left: both took part
        expect(new Int32Array(memory.buffer, CONTROL, CONTROL_BYTES / 4)[18]).toBe(count + 2);
      }
    }
    // one thread: the same chunks in order
    out.fill(0);
    runChunks(dots8, [MAT, 36, 16, Q16, INV, OUT], [36 * 16, 0, 0, 0, 36 * 4, 36 * 4], 28, 28);
    expect(bits(out)).toEqual(want);
    scan.detach();
  });

  it("the worker never keeps the process alive: a script that scanned with two threads exits on its own", () => {
    const { dir, cleanup } = tempDir();
    try {
      const bundle = join(dir, "quantized.cjs");
      buildSync({ entryPoints: [join(__dirname, "../../../packages/core/src/vectors/QuantizedRows.ts")], bundle: true, platform: "node", format: "cjs", outfile: bundle, logLevel: "silent" });
      const script = join(dir, "main.cjs");
      writeFileSync(
        script,
        `const { QuantizedRows } = require(${JSON.stringify(bundle)});
const rows = 3000, dim = 16, data = new Float32Array(rows * dim).map((_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
const q = new QuantizedRows(data, rows, dim, { parallelRows: 1 });
const unit = Array.from({ length: dim }, (_, j) => (j === 0 ? 1 : 0));
q.threadsReady().then((ready) => {
  const { approx } = q.approxScores(unit, rows);
  console.log(JSON.stringify({ ready, threads: q.lastScanThreads, n: approx.length }));
  // no timers, no open handles of ours: the process ends here although the worker still waits
});
`,
      );
      const out = execFileSync(process.execPath, [script], { timeout: 20_000, encoding: "utf8" });
      const result = JSON.parse(out.trim());
      expect(result.ready).toBe(true);
      expect(result.threads).toBe(2);
      expect(result.n).toBe(3000);
    } finally {
      cleanup();
    }
  });
});
