import { describe, expect, it } from "vitest";
import { LayoutGradient, fitAB } from "@embedlab/core";

describe("LayoutGradient", () => {
  it("the tabulated UMAP coefficients equal the formula to 5e-5 (relative) at 20,000 distances, and the formula outside the table", () => {
    for (const minDist of [0.1, 0.5, 0]) {
      const { a, b } = fitAB(minDist, 1);
      const g = new LayoutGradient(a, b);
      let worst = 0;
      for (let t = 0; t < 20000; t++) {
        const d = 0.01 + (70 * t) / 20000; // crosses both ends of the table
        const d2 = d * d;
        const pw = Math.pow(d2, b);
        const attract = (-2 * a * b * (pw / d2)) / (a * pw + 1);
        const repel = (2 * b) / ((0.001 + d2) * (a * pw + 1));
        worst = Math.max(worst, Math.abs(g.attraction(d2) / attract - 1), Math.abs(g.repulsion(d2) / repel - 1));
      }
      expect(worst).toBeLessThan(5e-5);
      expect(worst).toBeGreaterThan(0); // the table is used (interpolation is not exact)
    }
  });
});
