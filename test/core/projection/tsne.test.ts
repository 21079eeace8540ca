import { afterEach, describe, expect, it } from "vitest";
import { InterruptedError, clearInterrupt, requestInterrupt, trustworthiness, tsne, tsneSync, type ProjectionProgress } from "@embedlab/core";
import { blobs, nearestSameLabel } from "./helpers";

afterEach(() => clearInterrupt());

describe("tsne", () => {
  const { x, label } = blobs(150, 10, 3);

  it("tsneSync is deterministic: the same input gives identical coordinates, and tsne (async) the same ones", async () => {
    const a = tsneSync(x, { iterations: 300 });
    const b = tsneSync(x, { iterations: 300 });
    expect(Array.from(a.coordinates)).toEqual(Array.from(b.coordinates));
    const c = await tsne(x, { iterations: 300 });
    expect(Array.from(c.coordinates)).toEqual(Array.from(a.coordinates));
    // a random start follows the seed
    const r1 = tsneSync(x, { iterations: 300, init: "random", seed: 1 });
    const r2 = tsneSync(x, { iterations: 300, init: "random", seed: 1 });
    const r3 = tsneSync(x, { iterations: 300, init: "random", seed: 2 });
    expect(Array.from(r1.coordinates)).toEqual(Array.from(r2.coordinates));
    expect(Array.from(r3.coordinates)).not.toEqual(Array.from(r1.coordinates));
  });

  it("tsne separates clusters and keeps neighbourhoods (trustworthiness) on clustered data", () => {
    const t = tsneSync(x);
    expect(t.points).toHaveLength(150);
    expect(t.points[0]).toHaveLength(2);
    expect(t.coordinates.every(Number.isFinite)).toBe(true);
    expect(nearestSameLabel(t.points, label)).toBe(1);
    expect(trustworthiness(x, t.points, 10)).toBeGreaterThan(0.9);
    // the picture is spread out, not collapsed: clusters apart by more than their own size
    const mean = (c: number, a: number) => t.points.filter((_, i) => label[i] === c).reduce((s, p) => s + p[a], 0) / 50;
    const within = Math.max(...t.points.map((p, i) => Math.hypot(p[0] - mean(label[i], 0), p[1] - mean(label[i], 1))));
    const between = Math.hypot(mean(0, 0) - mean(1, 0), mean(0, 1) - mean(1, 1));
    expect(between).toBeGreaterThan(within);
  });

  it("tsne with theta 0 (exact gradients) and with Barnes–Hut agree on quality; 3-D works", () => {
    const exact = tsneSync(x, { theta: 0, iterations: 500 });
    const bh = tsneSync(x, { iterations: 500 });
    expect(Math.abs(trustworthiness(x, exact.points, 10) - trustworthiness(x, bh.points, 10))).toBeLessThan(0.02);
    const t3 = tsneSync(x, { dims: 3, iterations: 400 });
    expect(t3.points[0]).toHaveLength(3);
    expect(nearestSameLabel(t3.points, label)).toBe(1);
  });

  it("a broken affinity (perplexity 1 on noise) scores clearly worse than the real one: the quality test can fail", () => {
    const noise = blobs(150, 10, 150, 3, 0).x; // no structure at all
    const t = tsneSync(noise, { iterations: 300 });
    expect(nearestSameLabel(t.points, label)).toBeLessThan(0.6);
  });

  it("duplicate rows share their row's point; all-identical rows are a clear error, never a hang", () => {
    const dup = [...x.slice(0, 40), ...Array.from({ length: 10 }, () => [...x[0]])];
    const t = tsneSync(dup, { iterations: 300 });
    expect(t.coordinates.every(Number.isFinite)).toBe(true);
    for (let i = 40; i < 50; i++) expect(t.points[i]).toEqual(t.points[0]);
    // the neighbour graph is in row numbers: a copy's nearest are the other copies, at distance 0
    expect(Array.from(t.neighbors.indices.subarray(40 * t.neighbors.k, 40 * t.neighbors.k + 10)).sort((a, b) => a - b)).toEqual([0, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
    expect(t.neighbors.distances[40 * t.neighbors.k + 9]).toBe(0);
    // the same picture as the distinct rows alone
    expect(t.points.slice(0, 40)).toEqual(tsneSync(x.slice(0, 40), { iterations: 300, perplexity: t.perplexity }).points);
    expect(() => tsneSync(Array.from({ length: 12 }, () => [1, 2, 3]))).toThrow(new RangeError('tsneSync: expected x to be at least 4 distinct rows (copies of a row share its point), but got "1 distinct rows among 12"'));
    expect(() => tsneSync([...x.slice(0, 6), ...x.slice(0, 6)], { perplexity: 8 })).toThrow(/^tsneSync: expected options\.perplexity to be a number < the number of distinct rows \(6 of 12\), but got 8$/);
  });

  it("tsne reports progress: neighbours, then optimise, fractions rising to 1", async () => {
    const seen: ProjectionProgress[] = [];
    await tsne(x, { iterations: 100, onProgress: (p) => seen.push(p) });
    expect(seen[0].stage).toBe("neighbours");
    expect(seen.some((p) => p.stage === "affinities")).toBe(true);
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ stage: "optimise", done: 100, total: 100 });
    expect(last.fraction).toBeCloseTo(1, 12);
    for (let i = 1; i < seen.length; i++) expect(seen[i].fraction).toBeGreaterThanOrEqual(seen[i - 1].fraction);
  });

  it("tsne stops on an interrupt between chunks, and the next run works", async () => {
    let calls = 0;
    const run = tsne(blobs(400, 10, 4).x, {
      iterations: 1000,
      onProgress: (p) => {
        if (p.stage === "optimise" && ++calls === 3) requestInterrupt();
      },
    });
    await expect(run).rejects.toThrow(InterruptedError);
    await expect(tsne(blobs(400, 10, 4).x, { iterations: 1000, onProgress: (p) => p.stage === "optimise" && p.done === 30 && requestInterrupt() })).rejects.toThrow(/^tsne: interrupted at iteration \d+ of 1000$/);
    const ok = await tsne(x, { iterations: 50 });
    expect(ok.coordinates.every(Number.isFinite)).toBe(true);
  });

  it("tsne rejects bad input in the house format", () => {
    expect(() => tsneSync([[1], [2], [3]])).toThrow(/^tsneSync: expected x to be at least 4 points, but got "3 points"$/);
    expect(() => tsneSync(x.slice(0, 10), { perplexity: 10 })).toThrow(new RangeError("tsneSync: expected options.perplexity to be a number < the number of points (10), but got 10"));
    const nan = x.map((r) => [...r]);
    nan[7][3] = NaN;
    expect(() => tsneSync(nan)).toThrow(new RangeError("tsneSync: expected x[7][3] to be a finite number, but got NaN"));
    nan[7][3] = Infinity;
    expect(() => tsneSync(nan)).toThrow(/^tsneSync: expected x\[7\]\[3\] to be a finite number, but got Infinity$/);
    expect(() => tsneSync([[1, 2], [3]])).toThrow(/^tsneSync: expected x\[1\]\.length to be 2 \(the length of x\[0\]\), but got 1$/);
    expect(() => tsneSync(x, { theta: -1 })).toThrow(/^tsneSync: expected options\.theta to be a number >= 0, but got -1$/);
    expect(() => tsneSync(x, { perplex: 5 } as never)).toThrow(TypeError);
    expect(() => tsneSync(x, { dims: 4 as never })).toThrow(/^tsneSync: expected options\.dims to be one of 2, 3, but got 4$/);
    return expect(tsne([[1], [2], [3]])).rejects.toThrow(/^tsne: expected x to be at least 4 points/);
  });
});
