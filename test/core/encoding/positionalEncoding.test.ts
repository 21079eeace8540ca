import { beforeAll, describe, expect, it } from "vitest";
import { addPositionalEncoding, positionalEncoding, positionalEncodingTable, ready, tf } from "@embedlab/core";
import { BACKENDS, fixture, noLeak, throwsClean } from "./helpers";

interface Case {
  maxSeqLen: number;
  dModel: number;
  base: number;
  startIndex: number;
  table: number[];
}
const { cases } = fixture<{ cases: Case[] }>("positional.json");

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("positionalEncodingTable", () => {
  it("positionalEncodingTable(2, 4) row 1 is [sin 1, cos 1, sin 0.01, cos 0.01]", () => {
    const t = positionalEncodingTable(2, 4);
    expect(t).toBeInstanceOf(Float32Array);
    expect(t.length).toBe(8);
    expect(Array.from(t.subarray(0, 4))).toEqual([0, 1, 0, 1]);
    const row1 = [Math.sin(1), Math.cos(1), Math.sin(0.01), Math.cos(0.01)];
    expect(maxAbsDiff(t.subarray(4, 8), Float32Array.from(row1))).toBe(0);
  });

  it("matches the float64 numpy tables (50, 16), (7, 5) and (6, 8, base 100, start 3) within 1e-6", () => {
    for (const c of cases) {
      const t = positionalEncodingTable(c.maxSeqLen, c.dModel, { base: c.base, startIndex: c.startIndex });
      expect(maxAbsDiff(t, c.table)).toBeLessThan(1e-6);
    }
  });

  it("stays within float32 rounding of the direct formula on a long table (10000 rows, odd D, start 123457)", () => {
    const T = 10000;
    const D = 63;
    const t = positionalEncodingTable(T, D, { startIndex: 123457 });
    let worst = 0;
    for (let p = 0; p < T; p += 7) {
      for (let j = 0; j < D; j++) {
        const angle = (123457 + p) / Math.pow(10000, (2 * Math.floor(j / 2)) / D);
        worst = Math.max(worst, Math.abs(t[p * D + j] - (j % 2 ? Math.cos(angle) : Math.sin(angle))));
      }
    }
    expect(worst).toBeLessThan(6e-8);
  });

  it("odd dModel: the last column is a sine", () => {
    const t = positionalEncodingTable(3, 5);
    // Column 4 is pair i = 2: sin(pos / 10000^(4/5)).
    expect(t[2 * 5 + 4]).toBeCloseTo(Math.sin(2 / Math.pow(10000, 4 / 5)), 7);
    expect(t[2 * 5 + 3]).toBeCloseTo(Math.cos(2 / Math.pow(10000, 2 / 5)), 7);
  });

  it("startIndex continues a longer table", () => {
    const full = positionalEncodingTable(10, 6);
    const tail = positionalEncodingTable(4, 6, { startIndex: 6 });
    // Computed along different paths (a direct first row vs the rotation from row 0): equal to a float32 ulp.
    expect(maxAbsDiff(tail, full.subarray(36, 60))).toBeLessThan(1.2e-7);
  });

  it("rejects bad sizes and options with house-format messages", () => {
    throwsClean(() => positionalEncodingTable(0, 4), RangeError, /^positionalEncodingTable: expected maxSeqLen to be an integer >= 1, but got 0$/);
    throwsClean(() => positionalEncodingTable(4, 2.5), TypeError, /^positionalEncodingTable: expected dModel to be an integer, but got 2\.5$/);
    throwsClean(() => positionalEncodingTable(4, 4, { base: 0 }), RangeError, /^positionalEncodingTable: expected options\.base to be a number > 0, but got 0$/);
    throwsClean(() => positionalEncodingTable(4, 4, { startIndex: -1 }), RangeError, /^positionalEncodingTable: expected options\.startIndex to be an integer >= 0, but got -1$/);
    throwsClean(() => positionalEncodingTable(4, 4, { maxLen: 3 } as never), TypeError, /^positionalEncodingTable: unknown option "maxLen"; allowed options are base, startIndex$/);
  });
});

describe.each(BACKENDS)("positionalEncoding on %s", (backend) => {
  beforeAll(async () => {
    await ready({ backend, quiet: true });
    expect(tf.getBackend()).toBe(backend);
  });

  it("positionalEncoding(50, 16) is a float32 [50, 16] tensor equal to the table", () => {
    const c = cases[0];
    noLeak(
      () => positionalEncoding(50, 16),
      (pe) => {
        expect(pe.shape).toEqual([50, 16]);
        expect(pe.dtype).toBe("float32");
        expect(maxAbsDiff(pe.dataSync(), c.table)).toBeLessThan(1e-6);
      },
    );
  });

  it("positionalEncoding(7, 5) (odd dModel) matches numpy", () => {
    noLeak(
      () => positionalEncoding(7, 5),
      (pe) => {
        expect(pe.shape).toEqual([7, 5]);
        expect(maxAbsDiff(pe.dataSync(), cases[1].table)).toBeLessThan(1e-6);
      },
    );
  });

  it("addPositionalEncoding(x, pe) adds the first T rows to every batch element", () => {
    const pe = positionalEncoding(10, 4);
    const x = tf.ones([2, 3, 4]);
    noLeak(
      () => addPositionalEncoding(x, pe),
      (y) => {
        expect(y.shape).toEqual([2, 3, 4]);
        const table = positionalEncodingTable(10, 4);
        const got = y.dataSync();
        for (let b = 0; b < 2; b++) for (let k = 0; k < 12; k++) expect(got[b * 12 + k]).toBeCloseTo(1 + table[k], 6);
      },
    );
    const x2 = tf.zeros([10, 4]);
    noLeak(
      () => addPositionalEncoding(x2, pe),
      (y) => expect(maxAbsDiff(y.dataSync(), positionalEncodingTable(10, 4))).toBe(0),
    );
    x.dispose();
    x2.dispose();
    pe.dispose();
  });

  it("addPositionalEncoding prints both shapes when T is too long or D differs", () => {
    const pe = positionalEncoding(50, 16);
    const long = tf.zeros([2, 60, 16]);
    const wide = tf.zeros([2, 10, 8]);
    const ints = tf.zeros([2, 10, 16], "int32");
    const flat = tf.zeros([16]);
    throwsClean(
      () => addPositionalEncoding(long, pe),
      RangeError,
      /^addPositionalEncoding: expected x's sequence length 60 to be <= pe's maxSeqLen 50, but got x of shape \[2, 60, 16\] and pe of shape \[50, 16\]$/,
    );
    throwsClean(
      () => addPositionalEncoding(wide, pe),
      RangeError,
      /^addPositionalEncoding: expected x's last dimension to equal pe's dModel 16, but got x of shape \[2, 10, 8\] and pe of shape \[50, 16\]$/,
    );
    throwsClean(() => addPositionalEncoding(ints, pe), TypeError, /^addPositionalEncoding: expected x to be a float32 tensor of shape \[B, T, D\], but got an int32 tensor of shape \[2, 10, 16\]$/);
    throwsClean(() => addPositionalEncoding(flat as never, pe), RangeError, /^addPositionalEncoding: expected x to have shape \[B, T, D\] or \[T, D\], but got shape \[16\]$/);
    throwsClean(() => addPositionalEncoding([[1]] as never, pe), TypeError, /^addPositionalEncoding: expected x to be a float32 tensor of shape \[B, T, D\], but got an array of length 1$/);
    const pe3 = tf.zeros([1, 50, 16]);
    const peInt = tf.zeros([50, 16], "int32");
    const x = tf.zeros([2, 10, 16]);
    throwsClean(() => addPositionalEncoding(x, pe3), RangeError, /^addPositionalEncoding: expected pe to have shape \[maxSeqLen, D\], but got shape \[1, 50, 16\]$/);
    throwsClean(() => addPositionalEncoding(x, peInt), TypeError, /^addPositionalEncoding: expected pe to be a float32 tensor of shape \[maxSeqLen, D\], but got an int32 tensor of shape \[50, 16\]$/);
    throwsClean(() => addPositionalEncoding(x, positionalEncodingTable(50, 16) as never), TypeError, /^addPositionalEncoding: expected pe to be a float32 tensor of shape \[maxSeqLen, D\], but got a Float32Array of length 800$/);
    tf.dispose([pe, long, wide, ints, flat, pe3, peInt, x]);
  });

  it("positionalEncoding rejects bad arguments and leaves no tensor", () => {
    throwsClean(() => positionalEncoding(-1, 4), RangeError, /^positionalEncoding: expected maxSeqLen to be an integer >= 1, but got -1$/);
    throwsClean(() => positionalEncoding(4, "8" as never), TypeError, /^positionalEncoding: expected dModel to be an integer, but got "8"$/);
  });
});
