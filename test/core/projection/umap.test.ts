import { afterEach, describe, expect, it } from "vitest";
import { InterruptedError, clearInterrupt, fitAB, requestInterrupt, trustworthiness, umap, umapSync } from "@embedlab/core";
import { blobs, nearestSameLabel } from "./helpers";

afterEach(() => clearInterrupt());

describe("umap", () => {
  const { x, label } = blobs(150, 10, 3);

  it("fitAB gives umap-learn's curve parameters (min_dist 0.1 → a 1.577, b 0.895)", () => {
    const { a, b } = fitAB(0.1, 1);
    expect(a).toBeCloseTo(1.577, 2);
    expect(b).toBeCloseTo(0.895, 2);
  });

  it("umapSync is seeded and separates clusters; umap (async) gives the same coordinates", async () => {
    const a = umapSync(x, { nEpochs: 200 });
    const b = umapSync(x, { nEpochs: 200 });
    expect(Array.from(a.coordinates)).toEqual(Array.from(b.coordinates));
    expect(Array.from((await umap(x, { nEpochs: 200 })).coordinates)).toEqual(Array.from(a.coordinates));
    expect(Array.from(umapSync(x, { nEpochs: 200, seed: 3 }).coordinates)).not.toEqual(Array.from(a.coordinates));
    expect(a.coordinates.every(Number.isFinite)).toBe(true);
    expect(nearestSameLabel(a.points, label)).toBe(1);
    expect(trustworthiness(x, a.points, 10)).toBeGreaterThan(0.9);
  });

  it("above 4,096 points the graph comes from NN-descent (seeded: the same coordinates every run); below, from the exact scan", () => {
    const big = blobs(4200, 10, 6, 2, 4).x;
    const opts = { nEpochs: 10 };
    const a = umapSync(big, opts);
    expect(Array.from(umapSync(big, opts).coordinates)).toEqual(Array.from(a.coordinates));
    expect(Array.from(umapSync(big, { ...opts, neighbors: "nndescent" }).coordinates)).toEqual(Array.from(a.coordinates));
    expect(umapSync(big, { ...opts, seed: 5 }).coordinates).not.toEqual(a.coordinates);
    expect(a.neighbors.k).toBe(14);
    // the small input's default is the exact scan; NN-descent on it is seeded and keeps the quality
    expect(Array.from(umapSync(x, { nEpochs: 50 }).coordinates)).toEqual(Array.from(umapSync(x, { nEpochs: 50, neighbors: "exact" }).coordinates));
    const nd = umapSync(x, { nEpochs: 200, neighbors: "nndescent" });
    expect(Array.from(umapSync(x, { nEpochs: 200, neighbors: "nndescent" }).coordinates)).toEqual(Array.from(nd.coordinates));
    expect(nearestSameLabel(nd.points, label)).toBe(1);
    expect(trustworthiness(x, nd.points, 10)).toBeGreaterThan(0.9);
    expect(() => umapSync(x, { neighbors: "ball" as never })).toThrow(/^umapSync: expected options\.neighbors to be one of "auto", "exact", "nndescent", but got "ball"$/);
  }, 120_000);

  it("umap stops on an interrupt and rejects bad input", async () => {
    await expect(umap(blobs(400, 10, 4).x, { onProgress: (p) => p.stage === "optimise" && p.done === 20 && requestInterrupt() })).rejects.toThrow(InterruptedError);
    expect(() => umapSync(x.slice(0, 3))).toThrow(/^umapSync: expected x to be at least 4 points, but got "3 points"$/);
    expect(() => umapSync(x, { nNeighbors: 150 })).toThrow(/^umapSync: expected options\.nNeighbors to be an integer in \[2, 149\], but got 150$/);
    expect(() => umapSync(x, { minDist: 2 })).toThrow(/^umapSync: expected options\.minDist to be a number <= spread \(1\), but got 2$/);
    const dup = [...x.slice(0, 30), ...Array.from({ length: 10 }, () => [...x[0]])];
    expect(umapSync(dup, { nEpochs: 50 }).coordinates.every(Number.isFinite)).toBe(true);
  });
});
