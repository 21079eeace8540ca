import { describe, expect, it } from "vitest";
import { cooccurrence, ppmi, ppmiVectors, symmetricEigen } from "@embedlab/core";

function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

function dense(m: ReturnType<typeof cooccurrence>): number[][] {
  const out = [...Array(m.size)].map(() => new Array<number>(m.size).fill(0));
  for (let r = 0; r < m.size; r++) for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) out[r][m.cols[k]] = m.values[k];
  return out;
}

describe("cooccurrence()", () => {
  it("cooccurrence() counts window neighbours in both directions", () => {
    const m = dense(cooccurrence([[2, 3, 4, 3]], 5, { window: 1 }));
    expect(m[2][3]).toBe(1);
    expect(m[3][2]).toBe(1);
    expect(m[3][4]).toBe(2);
    expect(m[4][3]).toBe(2);
    expect(m[2][4]).toBe(0);
    const w2 = dense(cooccurrence([[2, 3, 4]], 5, { window: 2 }));
    expect(w2[2][4]).toBe(1);
  });

  it("cooccurrence({ ignore }) leaves ids out as words and contexts", () => {
    const m = dense(cooccurrence([[0, 2, 0, 3]], 4, { window: 3, ignore: [0] }));
    expect(m[0].every((v) => v === 0)).toBe(true);
    expect(m[2][3]).toBe(1);
  });

  it("cooccurrence() names the bad id and where it is", () => {
    expect(() => cooccurrence([[1, 7]], 5)).toThrow(/^cooccurrence: expected sequences\[0\]\[1\] to be an integer id in \[0, 5\), but got 7$/);
    expect(() => cooccurrence([[1.5]], 5)).toThrow(/sequences\[0\]\[0\] to be an integer id in \[0, 5\), but got 1\.5$/);
    expect(() => cooccurrence([[1]], 5, { windw: 2 } as never)).toThrow(/^cooccurrence: unknown option "windw"/);
  });
});

describe("symmetricEigen()", () => {
  it("symmetricEigen() reconstructs the matrix with orthonormal vectors, values descending", () => {
    const k = 6;
    const r = rng(3);
    const a = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = i; j < k; j++) a[i * k + j] = a[j * k + i] = r() - 0.5;
    const { values, vectors } = symmetricEigen(a, k);
    for (let i = 1; i < k; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let rec = 0, dot = 0;
        for (let p = 0; p < k; p++) {
          rec += vectors[i * k + p] * values[p] * vectors[j * k + p];
          dot += vectors[p * k + i] * vectors[p * k + j];
        }
        expect(rec).toBeCloseTo(a[i * k + j], 10);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });
});

describe("ppmiVectors()", () => {
  const r = rng(11);
  const V = 40;
  const docs = [...Array(60)].map(() => [...Array(30)].map(() => Math.floor(r() ** 2 * V)));

  it("ppmiVectors() finds the exact top singular values of the PPMI matrix", () => {
    const { singularValues } = ppmiVectors(docs, V, { dim: 5, window: 2, powerIterations: 20 });
    const m = dense(ppmi(cooccurrence(docs, V, { window: 2 })));
    const mtm = new Float64Array(V * V);
    for (let i = 0; i < V; i++) for (let j = 0; j < V; j++) for (let p = 0; p < V; p++) mtm[i * V + j] += m[p][i] * m[p][j];
    const exact = symmetricEigen(mtm, V).values;
    for (let i = 0; i < 5; i++) expect(singularValues[i]).toBeCloseTo(Math.sqrt(exact[i]), 6);
  });

  it("ppmiVectors() gives identical vectors for the same seed", () => {
    const a = ppmiVectors(docs, V, { dim: 8, seed: 4 });
    const b = ppmiVectors(docs, V, { dim: 8, seed: 4 });
    expect(b.vectors).toEqual(a.vectors);
    expect(a.vectors.length).toBe(V * 8);
  });

  it("ppmiVectors() puts words that share contexts close together", () => {
    // ids 1 and 2 both appear only between 5 and 6; 3 and 4 only between 7 and 8
    const seqs = [...Array(50)].flatMap((_, i) => [[5, i % 2 ? 1 : 2, 6], [7, i % 2 ? 3 : 4, 8]]);
    const { vectors, dim } = ppmiVectors(seqs, 9, { dim: 3, window: 1 });
    const cos = (a: number, b: number) => {
      let d = 0, na = 0, nb = 0;
      for (let j = 0; j < dim; j++) {
        d += vectors[a * dim + j] * vectors[b * dim + j];
        na += vectors[a * dim + j] ** 2;
        nb += vectors[b * dim + j] ** 2;
      }
      return d / Math.sqrt(na * nb);
    };
    expect(cos(1, 2)).toBeGreaterThan(0.99);
    expect(cos(1, 3)).toBeLessThan(0.1);
  });

  it("ppmiVectors() rejects a dim larger than the vocabulary", () => {
    expect(() => ppmiVectors(docs, V, { dim: 41 })).toThrow(/^ppmiVectors: expected options\.dim to be an integer in \[1, 40\], but got 41$/);
  });
});
