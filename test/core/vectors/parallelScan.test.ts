// The two-thread int8 scan of mostSimilar: the same answers as one thread and as a brute-force
// float reference, a fallback to one thread, and a worker that never keeps the process alive.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildSync } from "esbuild";
import { QuantizedRows } from "../../../packages/core/src/vectors/QuantizedRows";
import { stopScanWorker } from "../../../packages/core/src/vectors/parallelScan";
import { bruteForce, gaussTable as table, rng, unitQuery as query, tempDir } from "./helpers";

afterAll(async () => {
  await stopScanWorker();
});

describe("QuantizedRows two-thread scan", () => {
  const rows = 6003; // odd: padding rows, halves that are not multiples of 8
  const dim = 37; // odd: padding lanes
  const data = table(rows, dim, 41);

  it("top() is bit-identical to the one-thread scan and to a brute-force float reference", async () => {
    const threaded = new QuantizedRows(data, rows, dim, { parallelRows: 1 });
    const single = new QuantizedRows(data, rows, dim, { parallelRows: Infinity });
    expect(threaded.simd).toBe(true);
    expect(await threaded.threadsReady()).toBe(true);
    expect(await single.threadsReady()).toBe(false);
    const cases: [number, number, number[]][] = [
      [10, rows, []],
      [1, rows, [5]],
      [25, 4097, [3, 4000]],
      [7, 13, []],
      [3, 9, [0]],
    ];
    let q = 0;
    for (const [k, limit, ex] of cases) {
      for (let t = 0; t < 4; t++, q++) {
        const qv = query(data, dim, (q * 977) % limit, q + 1);
        const exclude = new Set(ex);
        const got = threaded.top(qv, k, limit, exclude);
        expect(threaded.lastScanThreads).toBe(2);
        const one = single.top(qv, k, limit, exclude);
        expect(single.lastScanThreads).toBe(1);
        expect(got).toEqual(one);
        expect(got).toEqual(bruteForce(data, dim, qv, k, limit, exclude));
      }
    }
  });

  it("top() stays exact with near-duplicate rows and exclusions in the worker's half (many candidates, ties)", async () => {
    const dup = Float32Array.from(data);
    const g = rng(7);
    // rows 4000–4199 (the worker's half) are row 4000 plus noise far below the int8 error; 4100–4109 exact copies
    for (let r = 4000; r < 4200; r++) {
      for (let j = 0; j < dim; j++) dup[r * dim + j] = data[4000 * dim + j] + (r >= 4100 && r < 4110 ? 0 : (g() - 0.5) * 1e-3);
    }
    // rows 5000–5002 are less alike: the best once the whole block is excluded
    for (let r = 5000; r < 5003; r++) {
      for (let j = 0; j < dim; j++) dup[r * dim + j] = data[4000 * dim + j] + (g() - 0.5) * 0.8;
    }
    const threaded = new QuantizedRows(dup, rows, dim, { parallelRows: 1 });
    const single = new QuantizedRows(dup, rows, dim, { parallelRows: Infinity });
    expect(await threaded.threadsReady()).toBe(true);
    const qv = query(dup, dim, 4000, 5).map((_, j, q) => q[j]);
    const u = Float64Array.from({ length: dim }, (_, j) => dup[4000 * dim + j]);
    const un = Math.hypot(...u);
    const exact = u.map((x) => x / un);
    for (const q of [qv, exact]) {
      for (const [k, ex] of [
        [10, [4100, 4101, 4102, 4000, 4150]],
        [3, Array.from({ length: 30 }, (_, i) => 4100 + i)],
        [2, Array.from({ length: 200 }, (_, i) => 4000 + i)], // the worker's k best are all excluded
        [40, [1, 2]],
      ] as [number, number[]][]) {
        const exclude = new Set(ex);
        const got = threaded.top(q, k, rows, exclude);
        expect(threaded.lastScanThreads).toBe(2);
        expect(got).toEqual(single.top(q, k, rows, exclude));
        expect(got).toEqual(bruteForce(dup, dim, q, k, rows, exclude));
        if (ex.length === 200) expect(got.index.every((r) => r >= 5000 && r < 5003)).toBe(true);
      }
    }
    threaded.dispose();
  });

  it("two indexes share the worker: each query re-attaches it or scans alone, answers unchanged", async () => {
    const otherData = table(2001, dim, 42);
    const a = new QuantizedRows(data, rows, dim, { parallelRows: 1 });
    const b = new QuantizedRows(otherData, 2001, dim, { parallelRows: 1 });
    expect(await a.threadsReady()).toBe(true);
    const qa = query(data, dim, 17, 3);
    const qb = query(otherData, dim, 17, 4);
    expect(a.top(qa, 5, rows, new Set()).index).toEqual(bruteForce(data, dim, qa, 5, rows, new Set()).index);
    expect(a.lastScanThreads).toBe(2);
    // b takes the worker over: its first query scans alone, a's next one too
    expect(b.top(qb, 5, 2001, new Set())).toEqual(bruteForce(otherData, dim, qb, 5, 2001, new Set()));
    expect(b.lastScanThreads).toBe(1);
    expect(await b.threadsReady()).toBe(true);
    expect(b.top(qb, 5, 2001, new Set())).toEqual(bruteForce(otherData, dim, qb, 5, 2001, new Set()));
    expect(b.lastScanThreads).toBe(2);
    expect(a.top(qa, 5, rows, new Set())).toEqual(bruteForce(data, dim, qa, 5, rows, new Set()));
    expect(a.lastScanThreads).toBe(1);
    a.dispose();
    b.dispose();
  });

  it("falls back to one thread with EMBEDLAB_THREADS=1, for small tables, and after stopScanWorker()", async () => {
    const qv = query(data, dim, 100, 9);
    const want = bruteForce(data, dim, qv, 10, rows, new Set([100]));
    const threaded = new QuantizedRows(data, rows, dim, { parallelRows: 1 });
    expect(await threaded.threadsReady()).toBe(true);
    process.env.EMBEDLAB_THREADS = "1";
    try {
      expect(threaded.top(qv, 10, rows, new Set([100]))).toEqual(want);
      expect(threaded.lastScanThreads).toBe(1);
      expect(await threaded.threadsReady()).toBe(false);
      const off = new QuantizedRows(data, rows, dim, { parallelRows: 1 });
      expect(await off.threadsReady()).toBe(false);
    } finally {
      delete process.env.EMBEDLAB_THREADS;
    }
    const small = new QuantizedRows(data, rows, dim); // under PARALLEL_MIN_ROWS: an unshared memory
    expect(await small.threadsReady()).toBe(false);
    expect(small.top(qv, 10, rows, new Set([100]))).toEqual(want);
    expect(small.lastScanThreads).toBe(1);
    // a stopped worker: one thread at once, a new worker for the next queries
    expect(await threaded.threadsReady()).toBe(true);
    await stopScanWorker();
    expect(threaded.top(qv, 10, rows, new Set([100]))).toEqual(want);
    expect(threaded.lastScanThreads).toBe(1);
    expect(await threaded.threadsReady()).toBe(true);
    expect(threaded.top(qv, 10, rows, new Set([100]))).toEqual(want);
    expect(threaded.lastScanThreads).toBe(2);
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
  const top = q.top(unit, 3, rows, new Set());
  console.log(JSON.stringify({ ready, threads: q.lastScanThreads, top: top.index }));
  // no timers, no open handles of ours: the process ends here although the worker still waits
});
`,
      );
      const out = execFileSync(process.execPath, [script], { timeout: 20_000, encoding: "utf8" });
      const result = JSON.parse(out.trim());
      expect(result.ready).toBe(true);
      expect(result.threads).toBe(2);
      expect(result.top).toHaveLength(3);
    } finally {
      cleanup();
    }
  });
});
