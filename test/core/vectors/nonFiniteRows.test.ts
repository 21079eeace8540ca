// Rows with NaN or ±∞ values (and zero rows) in mostSimilar's 4-bit index: such a row gets an
// infinite bound, is always scored exactly and, its exact score being NaN, never returned. The
// answers equal brute force over the other rows, no score is NaN, and the other rows' bounds
// still prune (the infinite bounds do not enter the query's rounding term).
import { afterAll, describe, expect, it } from "vitest";
import { WordVectors } from "../../../packages/core/src/vectors/WordVectors";
import { NibbleRows } from "../../../packages/core/src/vectors/NibbleRows";
import { stopScanWorker } from "../../../packages/core/src/vectors/parallelScan";
import { bruteForce, gaussTable, unitQuery } from "./helpers";

afterAll(async () => {
  await stopScanWorker();
});

/** `rows` N(0,1)-ish rows of `dim`, some made NaN, ±∞ or zero; and the rows whose exact score is NaN. */
function withNonFinite(rows: number, dim: number, seed: number): { data: Float32Array; nanRows: Set<number> } {
  const data = gaussTable(rows, dim, seed);
  const nanRows = new Set<number>();
  const put = (r: number, j: number, v: number) => {
    data[r * dim + j] = v;
    if (!Number.isFinite(v)) nanRows.add(r);
  };
  for (let r = 100; r < 110; r++) data.fill(0, r * dim, (r + 1) * dim); // zero rows: score 0
  for (let i = 0; i < 40; i++) {
    const r = (i * 7919) % rows;
    put(r, i % dim, [NaN, Infinity, -Infinity][i % 3]);
  }
  for (let j = 0; j < dim; j++) put(rows - 1, j, NaN); // a row of NaN only, at the end of the scan
  return { data, nanRows };
}

const noNaN = (scores: number[]) => scores.every((s) => s === s);

describe("NaN, ±∞ and zero rows in mostSimilar's 4-bit index", () => {
  const rows = 3001;
  const dim = 48;
  const { data, nanRows } = withNonFinite(rows, dim, 17);

  it.each([
    ["one thread", Infinity],
    ["two threads", 1],
  ])("NibbleRows.top equals brute force over the finite rows, never a NaN score (%s)", async (_, parallelRows) => {
    const idx = new NibbleRows(data, rows, dim, { parallelRows, probeRows: 300 }); // small probe: the fused scan runs
    expect(idx.simd).toBe(true);
    await idx.threadsReady();
    const e0 = new Float64Array(dim);
    e0[0] = 1; // exactly representable: the query's rounding term is 0 (∞ · 0 was NaN)
    const queries: [Float64Array, number, number[]][] = [
      [unitQuery(data, dim, 5, 1), 10, [5]],
      [unitQuery(data, dim, 2000, 2), 25, []],
      [e0, 10, []],
      [e0, 2900, [3]], // past the finite rows: zero rows and ties at 0 included
      [unitQuery(data, dim, 7, 3, 5), 300, []],
    ];
    for (const [q, k, ex] of queries) {
      const got = idx.top(q, k, rows, new Set(ex));
      expect(got).toEqual(bruteForce(data, dim, q, k, rows, new Set([...ex, ...nanRows])));
      expect(noNaN(got.score)).toBe(true);
      if (k <= 25) expect(idx.lastExactRows).toBeLessThan(rows / 4); // the finite rows' bounds still prune
    }
    for (const r of nanRows) expect(idx.approxRow(r, e0)?.[1]).toBe(Infinity);
  });

  it("WordVectors.mostSimilar past the probe rows equals the exact JavaScript scan, never a NaN similarity", () => {
    const n = 40_000; // > 2^15 probe rows: the fused scan covers the rest
    const d = 8;
    const table = withNonFinite(n, d, 23);
    const words = Array.from({ length: n }, (_, i) => `w${i}`);
    const simd = new WordVectors(words, table.data, { dim: d });
    process.env.EMBEDLAB_VECTORS_SIMD = "0";
    const js = new WordVectors(words, table.data, { dim: d });
    js.mostSimilar("w1"); // builds the JS index under the env setting
    delete process.env.EMBEDLAB_VECTORS_SIMD;
    const axis = [1, 0, 0, 0, 0, 0, 0, 0];
    const finite = [...Array(n).keys()].find((r) => !table.nanRows.has(r) && r > 200) as number;
    const cases = [
      { positive: [`w${finite}`], topn: 10 },
      { positive: [axis], topn: 50 },
      { positive: [`w${finite}`, axis], negative: ["w150"], topn: 20, restrictVocab: 39_000 },
    ];
    for (const options of cases) {
      const want = js.mostSimilar(options);
      expect(want).toHaveLength(options.topn);
      expect(simd.mostSimilar(options)).toEqual(want);
      expect(noNaN(want.map((s) => s.similarity))).toBe(true);
    }
    const nibbles = (simd as unknown as { nibbleRows: NibbleRows }).nibbleRows;
    expect(nibbles.simd).toBe(true);
    expect(nibbles.lastExactRows).toBeLessThan(n / 4);
    expect((js as unknown as { nibbleRows: NibbleRows }).nibbleRows.simd).toBe(false);
  });
});
