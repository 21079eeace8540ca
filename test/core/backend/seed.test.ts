import { afterEach, describe, expect, it } from "vitest";
import { isSeeded, mulberry32, seed } from "@embedlab/core";

describe("mulberry32", () => {
  afterEach(() => seed(null));

  it("mulberry32(seed) gives the reference sequence in [0, 1)", () => {
    // Values of the reference mulberry32 (Tommy Ettinger's), seed 0 and seed 42.
    const r = mulberry32(0);
    expect([r(), r(), r()]).toEqual([0.26642920868471265, 0.0003297457005828619, 0.2232720274478197]);
    const q = mulberry32(42);
    expect([q(), q()]).toEqual([0.6011037519201636, 0.44829055899754167]);
  });

  it("mulberry32(seed) truncates the seed to 32 bits: 2^32 - 1 and -1 give the same sequence", () => {
    expect(mulberry32(2 ** 32 - 1)()).toBe(mulberry32(-1)());
  });

  it("seed(n) makes Math.random the mulberry32(n) sequence, restarted on every call", () => {
    const ref = mulberry32(7);
    const expected = [ref(), ref(), ref()];
    seed(7);
    expect(isSeeded()).toBe(true);
    expect([Math.random(), Math.random(), Math.random()]).toEqual(expected);
    seed(7);
    expect(Math.random()).toBe(expected[0]);
    seed(null);
    expect(isSeeded()).toBe(false);
  });
});
