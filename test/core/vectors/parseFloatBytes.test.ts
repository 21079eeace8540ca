import { describe, expect, it } from "vitest";
import { formatFloat32, parseFloatBytes } from "@embedlab/core";
import { rng } from "./helpers";

const bytes = (s: string) => Buffer.from(s, "latin1");
/** What the parser must return: Number() on the same text (Python-style nan / inf aside). */
const reference = (s: string) => Number(s);

describe("parseFloatBytes", () => {
  it("parseFloatBytes() equals Number() on 200,000 random decimal tokens of every shape", () => {
    const r = rng(7);
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join("");
    let checked = 0;
    for (let i = 0; i < 200_000; i++) {
      const kind = i % 8;
      let s: string;
      if (kind === 0) s = ((r() * 2 - 1) * 3).toFixed(Math.floor(r() * 8)); // GloVe-like
      else if (kind === 1) s = String((r() - 0.5) * 10 ** Math.floor(r() * 40 - 20)); // shortest doubles, with exponents
      else if (kind === 2) s = `${r() < 0.5 ? "-" : ""}${digits(1 + Math.floor(r() * 25))}.${digits(Math.floor(r() * 25))}`; // long mantissas
      else if (kind === 3) s = `${digits(1 + Math.floor(r() * 3))}e${r() < 0.5 ? "-" : "+"}${Math.floor(r() * 60)}`;
      else if (kind === 4) s = `${r() < 0.5 ? "+" : "-"}.${digits(1 + Math.floor(r() * 9))}E${Math.floor(r() * 30 - 15)}`;
      else if (kind === 5) s = formatFloat32(Math.fround((r() - 0.5) * 10 ** Math.floor(r() * 20 - 10)));
      else if (kind === 6) s = `${digits(16)}${digits(Math.floor(r() * 3))}`; // around 2^53
      else s = `0.${"0".repeat(Math.floor(r() * 30))}${digits(1 + Math.floor(r() * 17))}`; // tiny values
      const got = parseFloatBytes(bytes(s));
      const want = reference(s);
      if (!Object.is(got, want)) throw new Error(`parseFloatBytes(${JSON.stringify(s)}) = ${got}, Number() = ${want}`);
      if (!Object.is(Math.fround(got as number), Math.fround(want))) throw new Error(`float32 differs for ${s}`);
      checked++;
    }
    expect(checked).toBe(200_000);
  });

  it("parseFloatBytes() is exact at float32 rounding midpoints (double rounding like parseFloat→fround)", () => {
    // values halfway between two adjacent float32s: the float32 result depends on every digit
    const r = rng(3);
    for (let i = 0; i < 20_000; i++) {
      const f = Math.fround((r() - 0.5) * 2 ** Math.floor(r() * 40 - 20));
      const next = new Float32Array([f]);
      const u = new Uint32Array(next.buffer);
      u[0] += 1;
      const mid = (f + next[0]) / 2;
      for (const s of [mid.toPrecision(17), mid.toPrecision(9), String(mid)]) {
        expect(Math.fround(parseFloatBytes(bytes(s)) as number)).toBe(Math.fround(Number(s)));
      }
    }
  });

  it("parseFloatBytes() keeps signs of zero and reads Python's nan / inf spellings", () => {
    expect(Object.is(parseFloatBytes(bytes("-0.0")), -0)).toBe(true);
    expect(Object.is(parseFloatBytes(bytes("0.000")), 0)).toBe(true);
    expect(Object.is(parseFloatBytes(bytes("-0e5")), -0)).toBe(true);
    expect(parseFloatBytes(bytes("nan"))).toBeNaN();
    expect(parseFloatBytes(bytes("-NaN"))).toBeNaN();
    expect(parseFloatBytes(bytes("inf"))).toBe(Infinity);
    expect(parseFloatBytes(bytes("-Infinity"))).toBe(-Infinity);
    expect(parseFloatBytes(bytes("1e400"))).toBe(Infinity);
    expect(parseFloatBytes(bytes("1e-400"))).toBe(0);
    expect(parseFloatBytes(bytes("1."))).toBe(1);
    expect(parseFloatBytes(bytes(".5"))).toBe(0.5);
    expect(parseFloatBytes(bytes("x 12.5 y"), 2, 6)).toBe(12.5);
  });

  it("parseFloatBytes() returns undefined for anything that is not one number", () => {
    for (const s of ["", "-", "+", ".", "e5", "1e", "1e+", "0x10", "1_000", "1.5abc", "--1", "1..2", "1 2", " 1", "1,5", "nana", "∞", "1e5.5"]) {
      expect(parseFloatBytes(Buffer.from(s, "utf8")), s).toBeUndefined();
    }
  });

  it("parseFloatBytes() checks its arguments", () => {
    expect(() => parseFloatBytes("1.5" as unknown as Uint8Array)).toThrow(/^parseFloatBytes: expected bytes to be a Uint8Array or Buffer, but got string$/);
    expect(() => parseFloatBytes(bytes("1.5"), 2, 9)).toThrow(/^parseFloatBytes: expected \[start, end\) to be a range within \[0, 3\], but got \[2, 9\)$/);
  });
});

describe("formatFloat32", () => {
  it("formatFloat32() writes the shortest text that reads back to the same float32", () => {
    expect(formatFloat32(Math.fround(0.1))).toBe("0.1");
    expect(formatFloat32(Math.fround(-0.038194))).toBe("-0.038194");
    expect(formatFloat32(1)).toBe("1");
    expect(formatFloat32(-0)).toBe("-0");
    expect(formatFloat32(NaN)).toBe("nan");
    expect(formatFloat32(-Infinity)).toBe("-inf");
    const r = rng(11);
    for (let i = 0; i < 50_000; i++) {
      const f = Math.fround((r() - 0.5) * 10 ** Math.floor(r() * 16 - 8));
      const s = formatFloat32(f);
      expect(Math.fround(Number(s))).toBe(f);
      expect(s.replace(/^-/, "").replace(/e.*$/, "").replace(".", "").replace(/^0+/, "").length).toBeLessThanOrEqual(9);
    }
  });
});
