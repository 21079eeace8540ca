// The 4-bit index of mostSimilar: its per-row bounds hold, and its answers are bit-identical to
// scoring every row exactly (random, clustered and near-duplicate rows, exclusions, restrictVocab,
// zero rows, k past the kept set), on one and on two threads.
import { afterAll, describe, expect, it } from "vitest";
import { NibbleRows } from "../../../packages/core/src/vectors/NibbleRows";
import { stopScanWorker } from "../../../packages/core/src/vectors/parallelScan";
import { bruteForce, gaussTable as table, rng, unitQuery } from "./helpers";

/** Rows around 20 centres (cosines near 1 inside a cluster: the bounds must separate close scores). */
function clustered(rows: number, dim: number, seed: number): Float32Array {
  const r = rng(seed);
  const centres = Array.from({ length: 20 }, () => Array.from({ length: dim }, () => r() - 0.5));
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    const c = centres[Math.floor(r() * 20)];
    for (let j = 0; j < dim; j++) out[i * dim + j] = c[j] + (r() - 0.5) * 0.05;
  }
  return out;
}

afterAll(async () => {
  await stopScanWorker();
});

describe("NibbleRows (4-bit index, per-row bounds)", () => {
  it("the bounds hold: a_r − e_r ≤ exact ≤ a_r + e_r on every row (4-bit and refined), for many queries", () => {
    for (const [dim, seed] of [[300, 1], [37, 2], [5, 3]] as const) {
      const rows = 400;
      const data = seed === 1 ? clustered(rows, dim, 7) : table(rows, dim, seed);
      const idx = new NibbleRows(data, rows, dim, { parallelRows: Infinity });
      expect(idx.simd).toBe(true);
      let worst = 0;
      for (let t = 0; t < 8; t++) {
        const q = unitQuery(data, dim, (t * 37) % rows, 100 + t, t % 2 ? 0.3 : 5);
        for (let r = 0; r < rows; r++) {
          const ar = idx.approxRow(r, q);
          if (!ar) throw new Error("no SIMD");
          const [a, e] = ar;
          const exact = idx.exact(r, q);
          expect(Math.abs(exact - a)).toBeLessThanOrEqual(e);
          worst = Math.max(worst, Math.abs(exact - a) / e);
          // the residual signs' refinement: a tighter score, its own (smaller) bound
          const [a2, e2, reference] = idx.refinedRow(r, q) as [number, number, number];
          expect(a2).toBe(reference); // the kernel's a and a' equal the JavaScript reference's, bit for bit
          expect(Math.abs(exact - a2)).toBeLessThanOrEqual(e2);
          expect(e2).toBeLessThan(e);
        }
      }
      expect(worst).toBeGreaterThan(0.01); // the scores are approximations, not the exact values
    }
  });

  const rows = 6003;
  const dim = 300;
  const data = table(rows, dim, 41);

  it.each([
    ["one thread", Infinity],
    ["two threads", 1],
  ])("top() is bit-identical to brute force (%s)", async (_, parallelRows) => {
    const idx = new NibbleRows(data, rows, dim, { parallelRows, probeRows: 500 });
    expect(await idx.threadsReady()).toBe(parallelRows === 1);
    const cases: [number, number, number[]][] = [
      [10, rows, []],
      [1, rows, [5]],
      [25, 4000, [3, 4500, 17]], // restrictVocab; an excluded row past it
      [10, 1200, []], // a restricted scan that ends inside the fused part
      [300, rows, [1, 2, 3]], // k past the probe's picks
    ];
    for (const [k, limit, ex] of cases) {
      const q = unitQuery(data, dim, ex[0] ?? 11, k);
      const got = idx.top(q, k, limit, new Set(ex));
      expect(got).toEqual(bruteForce(data, dim, q, k, limit, new Set(ex)));
      expect(idx.lastExactRows).toBeLessThan(limit); // the bounds pruned
    }
    if (parallelRows === 1) expect(idx.lastScanThreads).toBe(2);
  });

  it("clustered rows, near-duplicates decided by float32 rounding, zero rows, k larger than the kept set", async () => {
    const n = 3001;
    const d = 64;
    const base = clustered(n, d, 9);
    // rows 100…139 copy row 50 scaled by powers of two and nudged by one ulp-sized step: only rounding tells them apart
    for (let i = 100; i < 140; i++) {
      for (let j = 0; j < d; j++) base[i * d + j] = base[50 * d + j] * (1 + (i % 3) * 1e-7) * 2 ** (i % 5);
    }
    for (let i = 200; i < 210; i++) base.fill(0, i * d, (i + 1) * d); // zero rows: score 0
    for (const parallelRows of [Infinity, 1]) {
      const idx = new NibbleRows(base, n, d, { parallelRows, probeRows: 300 });
      await idx.threadsReady();
      for (const [k, ex, qr] of [[10, [50], 50], [60, [], 120], [2990, [7], 3]] as const) {
        const q = unitQuery(base, d, qr, k, 0.01);
        expect(idx.top(q, k, n, new Set(ex))).toEqual(bruteForce(base, d, q, k, n, new Set(ex)));
      }
      // a query orthogonal-ish to everything: many rows tie near 0, zero rows among them
      const q = new Float64Array(d);
      q[0] = 1;
      expect(idx.top(q, 15, n, new Set())).toEqual(bruteForce(base, d, q, 15, n, new Set()));
    }
  });

  it("EMBEDLAB_THREADS=1 scans on one thread with the same answers; no SIMD gives the same numbers", async () => {
    const q = unitQuery(data, dim, 77, 5);
    const want = bruteForce(data, dim, q, 10, rows, new Set([77]));
    process.env.EMBEDLAB_THREADS = "1";
    try {
      const idx = new NibbleRows(data, rows, dim, { parallelRows: 1, probeRows: 500 });
      expect(await idx.threadsReady()).toBe(false);
      expect(idx.top(q, 10, rows, new Set([77]))).toEqual(want);
      expect(idx.lastScanThreads).toBe(1);
    } finally {
      delete process.env.EMBEDLAB_THREADS;
    }
    const plain = new NibbleRows(data, rows, dim, { simd: false });
    expect(plain.simd).toBe(false);
    expect(plain.top(q, 10, rows, new Set([77]))).toEqual(want);
  });
});
