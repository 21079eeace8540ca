import { beforeAll, describe, expect, it } from "vitest";
import { ready, relativePositionBucket, tf } from "@embedlab/core";
import { BACKENDS, noLeak, throwsClean } from "./helpers";
import { positionsFixture } from "./positionsFixture";

interface Case {
  bidirectional: boolean;
  numBuckets: number;
  maxDistance: number;
  buckets: number[];
}
const { relativePosition, cases } = positionsFixture<{ relativePosition: number[]; cases: Case[] }>("t5_buckets.json");

for (const backend of BACKENDS) {
  describe(`relativePositionBucket() on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("relativePositionBucket() equals Hugging Face's T5 _relative_position_bucket for every position in [-1100, 1100], 8 settings", () => {
      const rel = tf.tensor1d(relativePosition, "int32");
      for (const c of cases) {
        const opts = { bidirectional: c.bidirectional, numBuckets: c.numBuckets, maxDistance: c.maxDistance };
        const b = relativePositionBucket(rel, opts);
        expect(b.dtype).toBe("int32");
        const got = Array.from(b.dataSync());
        const wrong = got.flatMap((v, i) => (v === c.buckets[i] ? [] : [`${relativePosition[i]}: ${v} vs ${c.buckets[i]}`]));
        expect(wrong, JSON.stringify(opts)).toEqual([]);
        b.dispose();
      }
      rel.dispose();
    });

    it("relativePositionBucket() keeps the shape: [T, T] of j - i, numbers and nested arrays too", () => {
      noLeak(() => relativePositionBucket([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], { numBuckets: 8 }), (b) => {
        expect(b.shape).toEqual([3, 3]);
        // bidirectional, 8 buckets: 0 → 0, -1 → 1, +1 → 4 + 1 = 5; |2| is past maxExact 2: log bucket 2 / 6
        expect(b.arraySync()).toEqual([[0, 5, 6], [1, 0, 5], [2, 1, 0]]);
      });
      noLeak(() => relativePositionBucket(-3, { bidirectional: false, numBuckets: 8 }), (b) => expect(b.arraySync()).toBe(3));
      noLeak(() => relativePositionBucket([-200, -3, 0, 3, 200], { numBuckets: 8 }), (b) => expect(Array.from(b.dataSync())).toEqual([3, 2, 0, 6, 7]));
    });

    it("relativePositionBucket() rejects floats, float tensors and impossible bucket settings", () => {
      const floats = tf.tensor1d([1.5]);
      throwsClean(() => relativePositionBucket([1, 2.5]), TypeError, /^relativePositionBucket: expected every relative position to be an integer, but got 2\.5 at position \[1\]$/);
      throwsClean(() => relativePositionBucket(floats), TypeError, /^relativePositionBucket: expected relativePosition to be an int32 tensor \(indices are integers\), but got a float32 tensor of shape \[1\]$/);
      throwsClean(() => relativePositionBucket([1], { numBuckets: 3 }), RangeError, /^relativePositionBucket: expected options\.numBuckets to be an integer >= 4, but got 3$/);
      throwsClean(() => relativePositionBucket([1], { numBuckets: 32, maxDistance: 8 }), RangeError, /^relativePositionBucket: expected options\.maxDistance to be an integer >= 9, but got 8$/);
      throwsClean(() => relativePositionBucket([1], { bidirectional: "no" as never }), TypeError, /^relativePositionBucket: expected options\.bidirectional to be a boolean, but got "no"$/);
      throwsClean(() => relativePositionBucket([1], { buckets: 4 } as never), TypeError, /^relativePositionBucket: unknown option "buckets"; allowed options are bidirectional, numBuckets, maxDistance$/);
      floats.dispose();
    });
  });
}
