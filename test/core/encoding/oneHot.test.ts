import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { oneHot, ready, tf } from "@embedlab/core";
import { BACKENDS, fixture, noLeak, throwsClean } from "./helpers";

interface Case {
  indices: unknown;
  shape: number[];
  numClasses: number;
  outShape: number[];
  out: number[];
}
const { cases } = fixture<{ cases: Case[] }>("one_hot.json");

describe.each(BACKENDS)("oneHot on %s", (backend) => {
  beforeAll(async () => {
    await ready({ backend, quiet: true });
    expect(tf.getBackend()).toBe(backend);
  });

  it("oneHot(indices, numClasses) equals torch F.one_hot on every fixture shape", () => {
    for (const c of cases) {
      const input = c.shape.length === 0 ? (c.indices as number) : (c.indices as number[]);
      noLeak(
        () => oneHot(input, c.numClasses),
        (out) => {
          expect(out.dtype).toBe("int32");
          expect(out.shape).toEqual(c.outShape);
          expect(Array.from(out.dataSync())).toEqual(c.out);
        },
      );
    }
  });

  it("oneHot(int32 tensor) keeps the input rank and adds one axis", () => {
    const idx = tf.tensor3d([[[0, 3]], [[2, 1]]], [2, 1, 2], "int32");
    noLeak(
      () => oneHot(idx, 4),
      (out) => {
        expect(out.shape).toEqual([2, 1, 2, 4]);
        expect(Array.from(out.dataSync())).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]);
      },
    );
    idx.dispose();
  });

  it("oneHot(..., { dtype: 'float32' }) gives real 0/1 floats (tf.oneHot gives int bit patterns on wasm)", () => {
    noLeak(
      () => oneHot([2, 0, 1], 3, { dtype: "float32" }),
      (out) => {
        expect(out.dtype).toBe("float32");
        expect(Array.from(out.dataSync())).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
        // Downstream float math sees 1.0, not 1.4e-45.
        expect(tf.tidy(() => out.sum().arraySync())).toBe(3);
      },
    );
  });

  it("oneHot accepts a typed array and a 1-element array", () => {
    noLeak(
      () => oneHot(new Int32Array([1, 0]), 2),
      (out) => expect(out.arraySync()).toEqual([[0, 1], [1, 0]]),
    );
    noLeak(
      () => oneHot(new Uint8Array([2]), -1),
      (out) => expect(out.arraySync()).toEqual([[0, 0, 1]]),
    );
  });

  it("oneHot rejects bad indices loudly, naming the value and its position", () => {
    throwsClean(() => oneHot([0, 1.5], 3), TypeError, /^oneHot: expected every index to be an integer, but got 1\.5 at position \[1\]$/);
    throwsClean(() => oneHot([[0, NaN]], 3), TypeError, /^oneHot: expected every index to be an integer, but got NaN at position \[0, 1\]$/);
    throwsClean(() => oneHot([[0, 1], [-1, 2]], 3), RangeError, /^oneHot: expected every index to be >= 0, but got -1 at position \[1, 0\]$/);
    throwsClean(() => oneHot([[0, 1], [2, 3]], 3), RangeError, /^oneHot: expected every index to be < numClasses 3, but got 3 at position \[1, 1\]$/);
    throwsClean(() => oneHot(5, 3), RangeError, /^oneHot: expected every index to be < numClasses 3, but got 5$/);
    throwsClean(() => oneHot([0, "1" as never], 3), TypeError, /^oneHot: expected every index to be an integer, but got "1" at position \[1\]$/);
    throwsClean(() => oneHot(new Float32Array([0.5]), 3), TypeError, /^oneHot: expected every index to be an integer, but got 0\.5 at position \[0\]$/);
  });

  it("oneHot rejects float tensors, bad numClasses, empty input with -1, ragged arrays and unknown options", () => {
    const f = tf.tensor1d([0, 1], "float32");
    throwsClean(() => oneHot(f, 2), TypeError, /^oneHot: expected indices to be an int32 tensor \(indices are integers\), but got a float32 tensor of shape \[2\]$/);
    f.dispose();
    const idx = tf.tensor1d([0, 4], "int32");
    throwsClean(() => oneHot(idx, 4), RangeError, /^oneHot: expected every index to be < numClasses 4, but got 4 at position \[1\]$/);
    idx.dispose();
    throwsClean(() => oneHot([0], 0), RangeError, /^oneHot: expected numClasses to be an integer >= 1, or -1 to infer it, but got 0$/);
    throwsClean(() => oneHot([0], -2), RangeError, /^oneHot: expected numClasses to be an integer >= 1, or -1 to infer it, but got -2$/);
    throwsClean(() => oneHot([0], 2.5), TypeError, /^oneHot: expected numClasses to be an integer, but got 2\.5$/);
    throwsClean(() => oneHot([], -1), RangeError, /^oneHot: expected numClasses to be given \(not -1\) for empty indices: it can't be inferred, but got -1$/);
    throwsClean(() => oneHot([[0, 1], [2]], 3), TypeError, /^oneHot: expected indices\[1\] to be an array of length 2 \(a rectangular nested array\), but got an array of length 1$/);
    throwsClean(() => oneHot("abc" as never, 3), TypeError, /^oneHot: expected indices to be an int32 tensor, a nested array of integers or a typed array, but got "abc"$/);
    throwsClean(() => oneHot([0], 2, { dtype: "bool" as never }), TypeError, /^oneHot: expected options\.dtype to be one of "int32", "float32", but got "bool"$/);
    throwsClean(() => oneHot([0], 2, { depth: 3 } as never), TypeError, /^oneHot: unknown option "depth"; allowed options are dtype$/);
  });

  it("oneHot rows sum to 1 with the 1 at the index (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(40), { minLength: 1, maxLength: 30 }), fc.nat(5), (idx, extra) => {
        const C = Math.max(...idx) + 1 + extra;
        const before = tf.memory().numTensors;
        const out = oneHot(idx, C, { dtype: "float32" });
        const rows = out.arraySync() as number[][];
        out.dispose();
        expect(tf.memory().numTensors).toBe(before);
        rows.forEach((row, i) => {
          expect(row.reduce((a, b) => a + b, 0)).toBe(1);
          expect(row[idx[i]]).toBe(1);
        });
      }),
      { seed: 42, numRuns: 50 },
    );
  });
});
