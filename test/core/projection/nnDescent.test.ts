import { afterEach, describe, expect, it } from "vitest";
import { InterruptedError, clearInterrupt, nearestNeighborsSync, nnDescent, nnDescentSync, requestInterrupt } from "@embedlab/core";
import { blobs } from "./helpers";

afterEach(() => clearInterrupt());

/** Share of the exact k nearest that `approx` found. */
function recall(exact: Int32Array, approx: Int32Array, n: number, k: number): number {
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const want = new Set(exact.subarray(i * k, i * k + k));
    for (let r = 0; r < k; r++) if (want.has(approx[i * k + r])) hit++;
  }
  return hit / (n * k);
}

describe("nnDescent", () => {
  // 3,000 points in 20-D: 12 blobs, wide enough that the trees alone do not find every neighbour
  const { x } = blobs(3000, 20, 12, 7, 3);
  const k = 14;
  const exact = nearestNeighborsSync(x, k);

  it("nnDescentSync finds ≥ 95% of the exact 14 nearest neighbours, each listed once, nearest first, with its true distance", () => {
    const nb = nnDescentSync(x, k);
    expect(nb.k).toBe(k);
    expect(nb.indices).toHaveLength(3000 * k);
    expect(recall(exact.indices, nb.indices, 3000, k)).toBeGreaterThanOrEqual(0.95);
    expect(nb.iterations).toBeGreaterThan(0);
    expect(nb.updates).toHaveLength(nb.iterations);
    for (let i = 0; i < 3000; i++) {
      const row = Array.from(nb.indices.subarray(i * k, i * k + k));
      expect(row).not.toContain(i);
      expect(new Set(row).size).toBe(k);
      for (let r = 0; r < k; r++) {
        const j = row[r];
        const d = Math.sqrt(x[i].reduce((s, v, c) => s + (v - x[j][c]) ** 2, 0));
        expect(nb.distances[i * k + r]).toBeCloseTo(d, 9);
        if (r > 0) expect(nb.distances[i * k + r]).toBeGreaterThanOrEqual(nb.distances[i * k + r - 1]);
      }
    }
  });

  it("the exact neighbours are never beaten: every distance listed is ≥ the exact one of the same rank", () => {
    const nb = nnDescentSync(x, k);
    for (let t = 0; t < nb.distances.length; t++) expect(nb.distances[t]).toBeGreaterThanOrEqual(exact.distances[t] - 1e-9);
  });

  it("is seeded: the same seed gives the same graph, and nnDescent (async) the same as nnDescentSync", async () => {
    const opts = { seed: 3, nIters: 2, searchK: k };
    const a = nnDescentSync(x, k, opts);
    const b = nnDescentSync(x, k, opts);
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
    expect(Array.from((await nnDescent(x, k, opts)).indices)).toEqual(Array.from(a.indices));
    // two rounds from a different forest stop at a different approximation
    expect(Array.from(nnDescentSync(x, k, { ...opts, seed: 4 }).indices)).not.toEqual(Array.from(a.indices));
  });

  it("searching more than k (searchK) finds more of the true neighbours than searching k", () => {
    const opts = { nTrees: 1, nIters: 1 };
    const narrow = recall(exact.indices, nnDescentSync(x, k, { ...opts, searchK: k }).indices, 3000, k);
    const wide = recall(exact.indices, nnDescentSync(x, k, { ...opts, searchK: k + 10 }).indices, 3000, k);
    expect(wide).toBeGreaterThan(narrow);
  });

  it("small and degenerate inputs: every point of 6 is found (random start, no trees), duplicates are neighbours at distance 0", () => {
    const six = x.slice(0, 6);
    const nb = nnDescentSync(six, 5, { nTrees: 0 });
    expect(Array.from(nb.indices)).toEqual(Array.from(nearestNeighborsSync(six, 5).indices));
    const dup = [...x.slice(0, 50), ...Array.from({ length: 30 }, () => [...x[0]])];
    const d = nnDescentSync(dup, 5);
    expect(d.distances.every(Number.isFinite)).toBe(true);
    expect(Array.from(d.distances.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]);
  });

  it("stops on an interrupt and rejects bad input", async () => {
    await expect(nnDescent(x, k, { onProgress: (p) => p.done === 2 && requestInterrupt() })).rejects.toThrow(InterruptedError);
    expect(() => nnDescentSync(x.slice(0, 1), 1)).toThrow(/^nnDescentSync: expected x to be at least 2 points, but got "1 points"$/);
    expect(() => nnDescentSync(x.slice(0, 10), 10)).toThrow(/^nnDescentSync: expected k to be an integer in \[1, 9\], but got 10$/);
    expect(() => nnDescentSync(x, k, { searchK: 5 })).toThrow(/^nnDescentSync: expected options\.searchK to be an integer in \[14, 2999\], but got 5$/);
    expect(() => nnDescentSync(x, k, { trees: 3 } as never)).toThrow(/^nnDescentSync: .*trees/);
  });
});
