import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nearestNeighbors, nearestNeighborsSync, pca, tf, trustworthiness } from "@embedlab/core";

const ref = JSON.parse(readFileSync(new URL("../../fixtures/projection/projection-sklearn.json", import.meta.url), "utf8"));
const x = ref.x as number[][];

describe("pca, nearestNeighbors and trustworthiness match scikit-learn", () => {
  it("pca(x, 3) equals scikit-learn's PCA (points and explained variance), from arrays, matrices and tensors", () => {
    const want = ref.pca3 as { points: number[][]; ratio: number[] };
    const flat = { rows: x.length, cols: x[0].length, data: Float64Array.from(x.flat()) };
    const t = tf.tensor2d(x);
    for (const input of [x, flat, t]) {
      const p = pca(input, 3);
      expect(p.n).toBe(90);
      expect(p.dims).toBe(3);
      p.points.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want.points[i][j], 6)));
      p.explainedVarianceRatio.forEach((r, j) => expect(r).toBeCloseTo(want.ratio[j], 8)); // the tensor holds float32
    }
    t.dispose();
  });

  it("pca rejects bad input", () => {
    expect(() => pca(x, 9)).toThrow(new RangeError("pca: expected nComponents to be an integer in [1, 8], but got 9"));
    expect(() => pca([[1, NaN]], 1)).toThrow(new RangeError("pca: expected x[0][1] to be a finite number, but got NaN"));
    expect(() => pca("abc" as never)).toThrow(TypeError);
  });

  it("nearestNeighbors finds scikit-learn's exact neighbours and distances (SIMD scan and JS loop alike)", async () => {
    const want = ref.knn6 as { indices: number[][]; distances: number[][] };
    const check = (nb: { k: number; indices: Int32Array; distances: Float64Array }) => {
      expect(nb.k).toBe(6);
      for (let i = 0; i < x.length; i++) {
        expect(Array.from(nb.indices.subarray(i * 6, i * 6 + 6))).toEqual(want.indices[i]);
        for (let r = 0; r < 6; r++) expect(nb.distances[i * 6 + r]).toBeCloseTo(want.distances[i][r], 9);
      }
    };
    check(nearestNeighborsSync(x, 6));
    check(await nearestNeighbors(x, 6));
    const saved = process.env.EMBEDLAB_VECTORS_SIMD;
    process.env.EMBEDLAB_VECTORS_SIMD = "0";
    try {
      check(nearestNeighborsSync(x, 6));
    } finally {
      if (saved === undefined) delete process.env.EMBEDLAB_VECTORS_SIMD;
      else process.env.EMBEDLAB_VECTORS_SIMD = saved;
    }
    expect(() => nearestNeighborsSync(x, 90)).toThrow(/^nearestNeighborsSync: expected k to be an integer in \[1, 89\], but got 90$/);
  });

  it("trustworthiness equals sklearn.manifold.trustworthiness (a good and a random embedding)", () => {
    for (const c of ref.trust as { y: number[][]; k: number; t: number }[]) {
      expect(trustworthiness(x, c.y, c.k)).toBeCloseTo(c.t, 10);
    }
    expect(() => trustworthiness(x, x.slice(1), 5)).toThrow(/^trustworthiness: expected embedded to be 90 points \(one per row of x\), but got "89 points"$/);
  });
});
