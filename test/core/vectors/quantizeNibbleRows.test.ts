// The 4-bit index's row quantisation: the WebAssembly SIMD kernel writes the same bytes as the
// JavaScript loop (every stored value: codes, steps, bounds, signs, β, refined bounds, 1/‖x‖) on
// random rows and on zero, NaN, ±∞, subnormal, huge, constant and one-hot rows, for dims that end
// inside a sign byte and inside a 32-component block, and row counts that end inside a pair and a chunk.
import { describe, expect, it } from "vitest";
import { quantizeBytes, quantizeNibbleRows, type NibbleTargets } from "../../../packages/core/src/vectors/quantizeNibbleRows";
import { gaussTable } from "./helpers";

/** A table of N(0,1)-ish rows with the awkward ones at the front (and a NaN row last). */
function awkward(rows: number, dim: number, seed: number): Float32Array {
  const data = gaussTable(rows, dim, seed);
  const put = (r: number, f: (j: number) => number) => {
    for (let j = 0; j < dim; j++) data[r * dim + j] = f(j);
  };
  put(0, () => 0);
  put(1, (j) => (j === dim - 1 ? NaN : 1));
  put(2, (j) => (j === 0 ? Infinity : 0.5));
  put(3, () => -Infinity);
  put(4, (j) => (j % 2 ? 1e-40 : -3e-41)); // subnormal float32
  put(5, (j) => (j === 0 ? 1e-45 : 0)); // the smallest float32
  put(6, (j) => 3e38 * ((j % 3) - 1)); // squares far past float32 (float64 holds them)
  put(7, () => 1); // every component at the largest level
  put(8, (j) => (j === dim >> 1 ? -2 : 0)); // one-hot
  put(9, (j) => (j === 1 ? -1e20 : 1e-20 * j)); // one component dominates
  put(10, (j) => ((j % 7) - 3) * 2 ** -20); // values on a grid: components at the levels' edges
  put(11, () => -0);
  put(rows - 1, (j) => (j % 5 === 0 ? NaN : j));
  return data;
}

function targets(rows: number, dim: number): NibbleTargets {
  return {
    mat: new Uint8Array(rows * Math.ceil(dim / 32) * 16),
    info: new Float32Array(rows * 2),
    signs: new Uint8Array(rows * Math.ceil(dim / 8)),
    refine: new Float32Array(rows * 2),
    invNorm: new Float64Array(rows),
  };
}

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe("quantizeNibbleRows (the 4-bit index's rows)", () => {
  it("the kernel compiles here (else both runs below would be the JavaScript loop)", () => {
    expect(() => new WebAssembly.Module(quantizeBytes())).not.toThrow();
  });

  it.each([1, 5, 8, 31, 32, 33, 300, 1500])("the kernel writes the JavaScript loop's bytes (dim %i)", (dim) => {
    for (const rows of [17, 353]) { // 353: chunks of 256 rows (174 at dim 1500) and a last odd row
      const data = awkward(rows, dim, dim + rows);
      const simd = targets(rows, dim);
      const js = targets(rows, dim);
      const eSimd = quantizeNibbleRows(data, rows, dim, 32767, simd);
      const eJs = quantizeNibbleRows(data, rows, dim, 32767, js, { wasm: false });
      for (const key of ["mat", "info", "signs", "refine", "invNorm"] as const) {
        expect(bytes(simd[key]), key).toEqual(bytes(js[key]));
      }
      expect(eSimd).toBe(eJs);
      // the largest bound leaves out the NaN/∞ rows' infinite ones, and something was quantised
      expect(Number.isFinite(eSimd) && eSimd > 0).toBe(true);
      expect(simd.info[2 * 1 + 1]).toBe(Infinity);
      expect(simd.info[2 * 0 + 1]).toBe(0); // the zero row scores 0 exactly
      expect(simd.info[2 * 13]).toBeGreaterThan(0); // a random row has a step
    }
  });

  it("a table of zero rows: no step, bound 0, 1/‖x‖ = 0 (the refined bound is only its float64 margin)", () => {
    const simd = targets(3, 40);
    expect(quantizeNibbleRows(new Float32Array(120), 3, 40, 32767, simd)).toBeLessThan(2e-6);
    expect(Array.from(simd.invNorm)).toEqual([0, 0, 0]);
    expect(Array.from(simd.info)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
