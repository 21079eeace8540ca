import { describe, it, expect, beforeAll } from "vitest";
import { tf, ready, renormRows } from "@embedlab/core";

const norm = (row: number[], p: number) => (p === Infinity ? Math.max(...row.map(Math.abs)) : row.reduce((a, x) => a + Math.abs(x) ** p, 0) ** (1 / p));

for (const backend of ["cpu", "wasm"] as const) {
  describe(`renormRows on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    for (const p of [1, 2, 3, Infinity]) {
      it(`renormRows({ maxNorm: 1, normType: ${p} }) brings looked-up rows to norm <= 1 and leaves the others alone`, () => {
        const rows = [[3, 4, 0], [0.1, 0.2, 0.1], [-6, 2, 9], [5, 5, 5]];
        const w = tf.variable(tf.tensor2d(rows));
        const ids = tf.tensor1d([0, 1, 2, 2, 0], "int32");
        const before = tf.memory().numTensors;
        const changed = renormRows(w, ids, { maxNorm: 1, normType: p });
        expect(tf.memory().numTensors).toBe(before);
        expect(changed).toBe(2);
        const after = w.arraySync();
        for (const k of [0, 2]) {
          expect(norm(after[k], p)).toBeLessThanOrEqual(1 + 1e-6);
          expect(norm(after[k], p)).toBeGreaterThan(1 - 1e-5);
        }
        expect(after[1]).toEqual(rows[1].map(Math.fround)); // norm already <= 1
        expect(after[3]).toEqual([5, 5, 5]); // not looked up
        tf.dispose([w, ids]);
      });
    }

    it("renormRows copies storage shared with another tensor before writing (the other tensor never changes)", () => {
      const source = tf.tensor2d([[3, 4], [0, 1]]);
      const w = tf.variable(source); // shares storage with source
      const ids = tf.tensor1d([0], "int32");
      renormRows(w, ids, { maxNorm: 1 });
      expect(source.arraySync()).toEqual([[3, 4], [0, 1]]);
      const after = w.arraySync();
      expect(after[0][0]).toBeCloseTo(0.6, 6);
      expect(after[0][1]).toBeCloseTo(0.8, 6);
      tf.dispose([source, w, ids]);
    });

    it("renormRows({ shared: true }) writes into shared storage on purpose", () => {
      const source = tf.tensor2d([[3, 4], [0, 1]]);
      const w = tf.variable(source);
      const ids = tf.tensor1d([0], "int32");
      renormRows(w, ids, { maxNorm: 1, shared: true });
      expect(source.arraySync()[0][0]).toBeCloseTo(0.6, 6);
      tf.dispose([source, w, ids]);
    });

    it("renormRows rejects a bad maxNorm or normType", () => {
      const w = tf.variable(tf.tensor2d([[3, 4]]));
      const ids = tf.tensor1d([0], "int32");
      expect(() => renormRows(w, ids, { maxNorm: 0 })).toThrow(/^renormRows: expected options\.maxNorm to be a number > 0, but got 0$/);
      expect(() => renormRows(w, ids, { maxNorm: 1, normType: -2 })).toThrow(/^renormRows: expected options\.normType to be a number > 0 or Infinity, but got -2$/);
      tf.dispose([w, ids]);
    });
  });
}
