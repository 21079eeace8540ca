import { beforeAll, describe, expect, it } from "vitest";
import { alibiBias, alibiSlopes, ready, tf } from "@embedlab/core";
import { BACKENDS, noLeak, throwsClean } from "./helpers";
import { maxAbsDiff, positionsFixture } from "./positionsFixture";

interface BiasCase {
  numHeads: number;
  T: number;
  causal: boolean;
  bias: (number | null)[];
  fairseq: (number | null)[] | null;
}
const { slopes, bias } = positionsFixture<{ slopes: Record<string, number[]>; bias: BiasCase[] }>("alibi.json");

for (const backend of BACKENDS) {
  describe(`alibiSlopes() / alibiBias() on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("alibiSlopes(8) is 1/2, 1/4, …, 1/256 (the paper's example)", () => {
      noLeak(() => alibiSlopes(8), (s) => expect(Array.from(s.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((k) => 2 ** -k)));
    });

    it("alibiSlopes(n) equals the authors' get_slopes for powers of 2 and the interleaving rule otherwise (n = 1 … 40)", () => {
      for (const [n, expected] of Object.entries(slopes)) {
        const s = alibiSlopes(Number(n));
        expect(s.dtype).toBe("float32");
        expect(Array.from(s.dataSync()), `n = ${n}`).toEqual(Array.from(Float32Array.from(expected)));
        s.dispose();
      }
      // 6 heads: the 4-head slopes, then every other slope of the 8-head set
      expect(slopes["6"]).toEqual([0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125]);
    });

    it("alibiBias(H, T, { causal }) is -m_h·|i - j| (-Infinity for future keys when causal), as the torch reference", () => {
      for (const c of bias) {
        const b = alibiBias(c.numHeads, c.T, { causal: c.causal });
        expect(b.shape).toEqual([c.numHeads, c.T, c.T]);
        expect(maxAbsDiff(b.dataSync(), c.bias)).toBeLessThan(1e-7);
        b.dispose();
      }
      // 2 heads: slopes 2^-4 and 2^-8
      noLeak(() => alibiBias(2, 3), (b) => expect(b.arraySync()).toEqual([[[0, -Infinity, -Infinity], [-0.0625, 0, -Infinity], [-0.125, -0.0625, 0]], [[0, -Infinity, -Infinity], [-0.00390625, 0, -Infinity], [-0.0078125, -0.00390625, 0]]]));
    });

    it("alibiBias(causal) gives the same attention as the authors' fairseq form m·j (a constant per row apart)", () => {
      const c = bias.find((x) => x.causal && x.fairseq) as BiasCase;
      const scores = tf.randomNormal([c.numHeads, c.T, c.T], 0, 1, "float32", 3);
      const ours = tf.softmax(tf.add(scores, alibiBias(c.numHeads, c.T)));
      const theirs = tf.softmax(tf.add(scores, tf.tensor(c.fairseq!.map((v) => (v === null ? -Infinity : v)), [c.numHeads, c.T, c.T])));
      expect(maxAbsDiff(ours.dataSync(), Array.from(theirs.dataSync()))).toBeLessThan(1e-6);
      tf.dispose([scores, ours, theirs]);
    });

    it("alibiSlopes() / alibiBias() reject bad head counts, lengths and options", () => {
      throwsClean(() => alibiSlopes(0), RangeError, /^alibiSlopes: expected numHeads to be an integer >= 1, but got 0$/);
      throwsClean(() => alibiSlopes(2.5), TypeError, /^alibiSlopes: expected numHeads to be an integer, but got 2\.5$/);
      throwsClean(() => alibiBias(4, 0), RangeError, /^alibiBias: expected T to be an integer >= 1, but got 0$/);
      throwsClean(() => alibiBias(0, 4), RangeError, /^alibiBias: expected numHeads to be an integer >= 1, but got 0$/);
      throwsClean(() => alibiBias(4, 4, { causal: 1 as never }), TypeError, /^alibiBias: expected options\.causal to be a boolean, but got 1$/);
      throwsClean(() => alibiBias(4, 4, { casual: true } as never), TypeError, /^alibiBias: unknown option "casual"; allowed options are causal$/);
    });
  });
}
