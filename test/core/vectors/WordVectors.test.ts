import { afterAll, afterEach, describe, expect, it } from "vitest";
import { buildVocab, ready, seed, tf, Vocab, WordVectors } from "@embedlab/core";
import { PARALLEL_MIN_ROWS, stopScanWorker } from "../../../packages/core/src/vectors/parallelScan";
import { gaussTable, randomTable, rng } from "./helpers";

afterAll(async () => {
  seed(null);
  await stopScanWorker();
});

/** Brute force in float64 from the float32 table: unit rows, gensim's formulas, a full sort. */
function reference(wv: WordVectors) {
  const unit = wv.words.map((_, i) => {
    const row = Array.from(wv.data.subarray(i * wv.dim, (i + 1) * wv.dim));
    const n = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
    return row.map((v) => (n > 0 ? v / n : 0));
  });
  const dot = (a: number[], b: number[]) => a.reduce((s, v, j) => s + v * b[j], 0);
  const unitOf = (v: number[]) => {
    const n = Math.sqrt(dot(v, v));
    return v.map((x) => x / n);
  };
  const idx = (w: string) => wv.words.indexOf(w);
  const ranked = (scores: number[], exclude: number[], topn: number, limit = scores.length) =>
    scores
      .slice(0, limit)
      .map((s, i) => ({ word: wv.words[i], similarity: s, i }))
      .filter((x) => !exclude.includes(x.i))
      .sort((a, b) => b.similarity - a.similarity || a.i - b.i)
      .slice(0, topn)
      .map(({ word, similarity }) => ({ word, similarity }));
  return {
    mostSimilar(pos: string[], neg: string[], topn = 10, limit?: number) {
      const mean = new Array<number>(wv.dim).fill(0);
      for (const w of pos) unit[idx(w)].forEach((v, j) => (mean[j] += v));
      for (const w of neg) unit[idx(w)].forEach((v, j) => (mean[j] -= v));
      const m = unitOf(mean);
      return ranked(unit.map((u) => dot(u, m)), [...pos, ...neg].map(idx), topn, limit);
    },
    cosmul(pos: string[], neg: string[], topn = 10) {
      const scores = unit.map((u) => {
        const p = pos.reduce((s, w) => s * ((1 + dot(u, unit[idx(w)])) / 2), 1);
        const n = neg.reduce((s, w) => s * ((1 + dot(u, unit[idx(w)])) / 2), 1);
        return p / (n + 1e-6);
      });
      return ranked(scores, [...pos, ...neg].map(idx), topn);
    },
    doesntMatch(words: string[]) {
      const rows = words.map((w) => unit[idx(w)]);
      const mean = unitOf(rows.reduce((acc, r) => acc.map((v, j) => v + r[j]), new Array<number>(wv.dim).fill(0)));
      return words.map((w, k) => ({ w, s: dot(rows[k], mean) })).sort((a, b) => a.s - b.s || (a.w < b.w ? -1 : 1))[0].w;
    },
  };
}

const expectClose = (got: { word: string; similarity: number }[], want: { word: string; similarity: number }[], tol = 2e-6) => {
  expect(got.map((g) => g.word)).toEqual(want.map((w) => w.word));
  got.forEach((g, i) => expect(Math.abs(g.similarity - want[i].similarity)).toBeLessThan(tol));
};

describe.each(["simd", "js"] as const)("WordVectors queries (%s dot products) match a brute-force reference", (path) => {
  const { words, rows } = randomTable(3001, 37, path === "simd" ? 17 : 18); // odd sizes: padding rows and lanes
  let wv: WordVectors;
  const setup = () => {
    if (path === "js") process.env.EMBEDLAB_VECTORS_SIMD = "0";
    wv = new WordVectors(words, rows);
    wv.mostSimilar("w0"); // builds both indexes under the env setting
    wv.mostSimilarCosmul("w0");
    delete process.env.EMBEDLAB_VECTORS_SIMD;
    return reference(wv);
  };
  const ref = setup();
  afterAll(() => wv.dispose());

  it("mostSimilar() with one word, several positive and negative words, topn and restrictVocab", () => {
    expect((wv as unknown as { nibbleRows: { simd: boolean } }).nibbleRows.simd).toBe(path === "simd");
    expectClose(wv.mostSimilar("w5"), ref.mostSimilar(["w5"], []));
    expectClose(wv.mostSimilar({ positive: ["w1", "w2"], negative: ["w3"], topn: 25 }), ref.mostSimilar(["w1", "w2"], ["w3"], 25));
    expectClose(wv.mostSimilar({ negative: ["w9"], topn: 3 }), ref.mostSimilar([], ["w9"], 3));
    expectClose(wv.mostSimilar({ positive: ["w2999"], topn: 5, restrictVocab: 100 }), ref.mostSimilar(["w2999"], [], 5, 100));
    expect(wv.mostSimilar({ positive: ["w1"], topn: 5000 })).toHaveLength(3000); // everything but the input
  });

  it("mostSimilar() accepts raw vectors (used as given, not excluded)", () => {
    const v = wv.get("w7") as Float32Array;
    const byVector = wv.mostSimilar({ positive: [v], topn: 3 });
    expect(byVector[0].word).toBe("w7");
    expect(byVector[0].similarity).toBeCloseTo(1, 5);
    expect(wv.mostSimilar({ positive: v, topn: 3 }).map((s) => s.word)).toEqual(byVector.map((s) => s.word));
  });

  it("mostSimilarCosmul(), doesntMatch() and analogy() agree with the reference", () => {
    expectClose(wv.mostSimilarCosmul({ positive: ["w10", "w11"], negative: ["w12"], topn: 8 }), ref.cosmul(["w10", "w11"], ["w12"], 8), 1e-5);
    for (let k = 0; k < 20; k++) {
      const group = [0, 1, 2, 3, 4].map((j) => `w${k * 7 + j * 13}`);
      expect(wv.doesntMatch(group)).toBe(ref.doesntMatch(group));
    }
    for (let k = 0; k < 10; k++) {
      const [a, b, c] = [`w${k}`, `w${k + 100}`, `w${k + 200}`];
      expect(wv.analogy(a, b, c)).toBe(ref.mostSimilar([b, c], [a], 1)[0].word);
      expect(wv.analogy(a, b, c, { method: "mul" })).toBe(ref.cosmul([b, c], [a], 1)[0].word);
    }
  });
});

/**
 * The float32 scan mostSimilar is defined by, done naively: float32 unit rows (as the library
 * stores them), the mean and the dot products in float64, a full sort. The int8 pre-filter must
 * give exactly this list — even where rows are so alike that only float32 rounding tells them apart.
 */
function float32Scan(wv: WordVectors, pos: string[], neg: string[], topn: number, limit = wv.size) {
  const unit = (i: number) => {
    const row = wv.data.subarray(i * wv.dim, (i + 1) * wv.dim);
    let ss = 0;
    for (let j = 0; j < wv.dim; j++) ss += row[j] * row[j];
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    return Float32Array.from(row, (v) => v * inv);
  };
  const mean = new Float64Array(wv.dim);
  for (const [list, sign] of [[pos, 1], [neg, -1]] as const) for (const w of list) unit(wv.indexOf(w)).forEach((v, j) => (mean[j] += sign * v));
  let ss = 0;
  for (let j = 0; j < wv.dim; j++) ss += mean[j] * mean[j];
  const inv = 1 / Math.sqrt(ss);
  for (let j = 0; j < wv.dim; j++) mean[j] *= inv;
  const exclude = new Set([...pos, ...neg].map((w) => wv.indexOf(w)));
  const scored: { word: string; similarity: number; i: number }[] = [];
  for (let i = 0; i < limit; i++) {
    if (exclude.has(i)) continue;
    const u = unit(i);
    let s = 0;
    for (let j = 0; j < wv.dim; j++) s += u[j] * mean[j];
    scored.push({ word: wv.words[i], similarity: s, i });
  }
  scored.sort((a, b) => b.similarity - a.similarity || a.i - b.i);
  return scored.slice(0, topn).map(({ word, similarity }) => ({ word, similarity }));
}

/**
 * 3CosMul as mostSimilarCosmul defines it, done naively: float32 unit rows, each cosine in float64
 * against the term (a word's float32 unit row, or a raw vector as given), gensim's product, a full sort.
 */
function cosmulScan(wv: WordVectors, pos: (string | number[])[], neg: (string | number[])[], topn: number, limit = wv.size) {
  const unit = (i: number) => {
    const row = wv.data.subarray(i * wv.dim, (i + 1) * wv.dim);
    let ss = 0;
    for (let j = 0; j < wv.dim; j++) ss += row[j] * row[j];
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    return Float32Array.from(row, (v) => v * inv);
  };
  const vec = (t: string | number[]) => (typeof t === "string" ? unit(wv.indexOf(t)) : t);
  const [p, n] = [pos.map(vec), neg.map(vec)];
  const exclude = new Set([...pos, ...neg].filter((t): t is string => typeof t === "string").map((w) => wv.indexOf(w)));
  const scored: { word: string; similarity: number; i: number }[] = [];
  for (let i = 0; i < limit; i++) {
    if (exclude.has(i)) continue;
    const u = unit(i);
    const cos = (v: ArrayLike<number>) => {
      let s = 0;
      for (let j = 0; j < wv.dim; j++) s += u[j] * v[j];
      return s;
    };
    const num = p.reduce((acc, v) => acc * ((1 + cos(v)) / 2), 1);
    const den = n.reduce((acc, v) => acc * ((1 + cos(v)) / 2), 1);
    scored.push({ word: wv.words[i], similarity: num / (den + 1e-6), i });
  }
  scored.sort((a, b) => b.similarity - a.similarity || a.i - b.i);
  return scored.slice(0, topn).map(({ word, similarity }) => ({ word, similarity }));
}

/** positive, negative, topn, restrictVocab */
type MostSimilarArgs = [string[], string[], number, number | undefined];

describe("mostSimilarCosmul equals a brute-force float scan (int8 pre-filter, exact rescoring)", () => {
  it("words and raw vectors (longer than 1, zero), restrictVocab, zero rows, SIMD and JS", () => {
    const { words, rows } = randomTable(1203, 300, 37);
    rows[7] = rows[7].map(() => 0);
    const simd = new WordVectors(words, rows);
    process.env.EMBEDLAB_VECTORS_SIMD = "0";
    const js = new WordVectors(words, rows);
    js.mostSimilarCosmul("w0"); // builds the JS int8 index under the env setting
    delete process.env.EMBEDLAB_VECTORS_SIMD;
    const r = rng(8);
    const raw = Array.from({ length: 300 }, () => (r() - 0.5) * 3); // ‖raw‖ ≈ 15: cosines far outside [-1, 1]
    const zero = new Array<number>(300).fill(0);
    const cases: [(string | number[])[], (string | number[])[], number, number | undefined][] = [
      [["w1"], [], 10, undefined],
      [["w2", "w3"], ["w4"], 7, undefined],
      [["w5", "w6"], ["w8", "w9"], 1, 500],
      [["w10", raw], [], 12, undefined],
      [["w11"], [raw], 5, 1000],
      [[zero], ["w12"], 4, undefined],
      [["w7"], [], 3, undefined], // a zero row as the query: every cosine is 0, ties by index
    ];
    for (const [pos, neg, topn, limit] of cases) {
      const want = cosmulScan(simd, pos, neg, topn, limit);
      const options = { positive: pos, negative: neg, topn, restrictVocab: limit };
      expect(simd.mostSimilarCosmul(options)).toEqual(want);
      expect(js.mostSimilarCosmul(options)).toEqual(want);
    }
    expect((simd as unknown as { quantizedRows: { simd: boolean } }).quantizedRows.simd).toBe(true);
    expect((js as unknown as { quantizedRows: { simd: boolean } }).quantizedRows.simd).toBe(false);
  });

  it("on near-duplicate rows, where only float32 rounding orders the scores", () => {
    const r = (() => {
      let s = 7;
      return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
    })();
    const base = Array.from({ length: 24 }, () => r() - 0.5);
    const words = Array.from({ length: 2000 }, (_, i) => `n${i}`);
    const rows = words.map(() => base.map((v) => v + (r() - 0.5) * 2e-4));
    const wv = new WordVectors(words, rows);
    expect(wv.mostSimilarCosmul({ positive: ["n1", "n2"], negative: ["n3"], topn: 15 })).toEqual(cosmulScan(wv, ["n1", "n2"], ["n3"], 15));
    expect(wv.mostSimilarCosmul({ positive: ["n1999"], topn: 40, restrictVocab: 1500 })).toEqual(cosmulScan(wv, ["n1999"], [], 40, 1500));
  });
  it("on a big table (two threads share each term's int8 scan): the same answer as one thread and as brute force", async () => {
    const size = PARALLEL_MIN_ROWS + 3; // the smallest table scanned by two threads, not a multiple of 4
    const dim = 24;
    const data = gaussTable(size, dim, 61);
    // near-duplicates of w5 in both halves (many candidates inside the int8 bounds, in the worker's too)
    const g = rng(62);
    for (const r of [9, 10, 11, size - 9, size - 8, size - 7]) for (let j = 0; j < dim; j++) data[r * dim + j] = data[5 * dim + j] + (g() - 0.5) * 1e-3;
    const words = Array.from({ length: size }, (_, i) => `w${i}`);
    const wv = new WordVectors(words, data);
    type Index = { threadsReady(): Promise<boolean>; lastScanThreads: number; approxScores(q: ArrayLike<number>, limit: number): { approx: Float32Array; bound: number } | null };
    const index = () => (wv as unknown as { quantizedRows: Index }).quantizedRows;
    const cases: MostSimilarArgs[] = [
      [["w5", "w1"], ["w2"], 10, undefined],
      [["w5"], [], 8, undefined],
      [["w100000", "w3"], ["w5"], 10, undefined],
      [["w7"], ["w8"], 5, 4000], // restrictVocab under PARALLEL_MIN_ROWS: one thread
    ];
    const one = (pos: string[], neg: string[], topn: number, restrictVocab: number | undefined) => {
      process.env.EMBEDLAB_THREADS = "1";
      try {
        return wv.mostSimilarCosmul({ positive: pos, negative: neg, topn, restrictVocab });
      } finally {
        delete process.env.EMBEDLAB_THREADS;
      }
    };
    // the first query builds the index (in a shared memory: built under EMBEDLAB_THREADS=1 it would
    // not be) and starts the worker; it scans alone
    const first = wv.mostSimilarCosmul({ positive: ["w5"], topn: 3 });
    expect(index().lastScanThreads).toBe(1);
    expect(first).toEqual(one(["w5"], [], 3, undefined));
    expect(await index().threadsReady()).toBe(true);
    for (const [pos, neg, topn, limit] of cases) {
      const got = wv.mostSimilarCosmul({ positive: pos, negative: neg, topn, restrictVocab: limit });
      expect(index().lastScanThreads).toBe(limit === undefined ? 2 : 1);
      expect(got).toEqual(one(pos, neg, topn, limit));
      expect(index().lastScanThreads).toBe(1);
      expect(got).toEqual(cosmulScan(wv, pos, neg, topn, limit));
    }
    // the scores themselves: bit-identical on one and two threads
    const q = Array.from(data.subarray(5 * dim, 6 * dim));
    const two = index().approxScores(q, size);
    expect(index().lastScanThreads).toBe(2);
    process.env.EMBEDLAB_THREADS = "1";
    const single = index().approxScores(q, size);
    delete process.env.EMBEDLAB_THREADS;
    expect(index().lastScanThreads).toBe(1);
    expect(Buffer.from((two as { approx: Float32Array }).approx.buffer).equals(Buffer.from((single as { approx: Float32Array }).approx.buffer))).toBe(true);
  });
});

describe("mostSimilar's 4-bit pre-filter gives exactly the float32 answer", () => {
  it("on near-duplicate rows (many candidates inside the error bound), zero rows and 600 dimensions", () => {
    const r = (() => {
      let s = 99;
      return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
    })();
    const base = Array.from({ length: 24 }, () => r() - 0.5);
    const words = Array.from({ length: 2000 }, (_, i) => `n${i}`);
    // rows differ from `base` by ~1e-4: their scores are far closer together than the int8 error
    const rows = words.map((_, i) => (i % 97 === 0 ? base.map(() => 0) : base.map((v) => v + (r() - 0.5) * 2e-4)));
    const wv = new WordVectors(words, rows);
    for (const w of ["n1", "n500", "n1999"]) expect(wv.mostSimilar({ positive: [w], topn: 15 })).toEqual(float32Scan(wv, [w], [], 15));
    expect(wv.mostSimilar({ positive: ["n3"], negative: ["n4"], topn: 7, restrictVocab: 300 })).toEqual(float32Scan(wv, ["n3"], ["n4"], 7, 300));
    const wide = randomTable(500, 600, 23);
    const big = new WordVectors(wide.words, wide.rows);
    expect(big.mostSimilar({ positive: ["w1", "w2"], negative: ["w3"], topn: 20 })).toEqual(float32Scan(big, ["w1", "w2"], ["w3"], 20));
    expect((big as unknown as { nibbleRows: { simd: boolean } }).nibbleRows.simd).toBe(true);
    expect((wv as unknown as { nibbleRows: { simd: boolean } }).nibbleRows.simd).toBe(true);
  });
});

describe("mostSimilar equals a brute-force float scan on every query", () => {
  it("300 dimensions, row counts and restrictVocab that are not multiples of the scan's 4-row groups, zero rows, SIMD and JS", () => {
    const { words, rows } = randomTable(1203, 300, 31);
    rows[5] = rows[5].map(() => 0);
    rows[1202] = rows[1202].map(() => 0);
    const simd = new WordVectors(words, rows);
    process.env.EMBEDLAB_VECTORS_SIMD = "0";
    const js = new WordVectors(words, rows);
    js.mostSimilar("w0"); // builds the JS index under the env setting
    delete process.env.EMBEDLAB_VECTORS_SIMD;
    const r = rng(4);
    for (let t = 0; t < 12; t++) {
      const pos = [`w${Math.floor(r() * 1203)}`, ...(t % 3 === 0 ? [`w${Math.floor(r() * 1203)}`] : [])];
      const neg = t % 4 === 1 ? [`w${Math.floor(r() * 1203)}`] : [];
      const topn = [1, 10, 37][t % 3];
      const limit = t % 2 === 0 ? undefined : 1 + Math.floor(r() * 1202);
      const want = float32Scan(simd, pos, neg, topn, limit);
      const options = { positive: pos, negative: neg, topn, restrictVocab: limit };
      expect(simd.mostSimilar(options)).toEqual(want);
      expect(js.mostSimilar(options)).toEqual(want);
    }
    expect((simd as unknown as { nibbleRows: { simd: boolean } }).nibbleRows.simd).toBe(true);
    expect((js as unknown as { nibbleRows: { simd: boolean } }).nibbleRows.simd).toBe(false);
  });
});

describe("WordVectors", () => {
  const wv = new WordVectors(["king", "queen", "man", "woman", "apple", "zero"], [
    [0.9, 0.8, 0.1],
    [0.9, 0.1, 0.8],
    [0.1, 0.9, 0.1],
    [0.1, 0.2, 0.9],
    [-0.8, 0.1, 0.1],
    [0, 0, 0],
  ]);
  afterEach(() => seed(null));

  it("new WordVectors() from nested arrays, a Float32Array or a tensor; get / has / indexOf", () => {
    expect([wv.size, wv.dim]).toEqual([6, 3]);
    expect(wv.get("queen")).toEqual(Float32Array.from([0.9, 0.1, 0.8]));
    expect(wv.get("pear")).toBeUndefined();
    expect(wv.has("apple")).toBe(true);
    expect(wv.indexOf("man")).toBe(2);
    expect(wv.indexOf("pear")).toBe(-1);
    const copy = wv.get("king") as Float32Array;
    copy[0] = 99;
    expect(wv.get("king")?.[0]).toBeCloseTo(0.9, 6); // get returns a copy
    const flat = new WordVectors(["a", "b"], new Float32Array([1, 2, 3, 4]));
    expect(flat.dim).toBe(2);
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    const fromTensor = new WordVectors(["a", "b"], t);
    t.dispose();
    expect(fromTensor.get("b")).toEqual(Float32Array.from([3, 4]));
    expect(String(wv)).toBe("WordVectors(6 × 3)");
  });

  it("the classic analogy: man : king :: woman : queen", () => {
    expect(wv.analogy("man", "king", "woman")).toBe("queen");
    expect(wv.mostSimilar({ positive: ["king", "woman"], negative: ["man"], topn: 1 })[0].word).toBe("queen");
    expect(wv.doesntMatch(["king", "queen", "apple"])).toBe("apple");
    expect(wv.similarity("king", "king")).toBeCloseTo(1, 6);
    expect(wv.similarity("zero", "king")).toBe(0);
    expect(wv.similarity([1, 0, 0], [0, 2, 0])).toBe(0);
  });

  it("similarity() and doesntMatch() answer without building the 400k-row similarity index", () => {
    const fresh = new WordVectors(["a", "b", "c"], [[1, 0], [0.6, 0.8], [-1, 0]]);
    expect(fresh.similarity("a", "b")).toBeCloseTo(0.6, 6);
    expect(fresh.doesntMatch(["a", "b", "c"])).toBe("c");
    const built = () => fresh as unknown as { unitRows: unknown; quantizedRows: unknown; nibbleRows: unknown };
    expect(built().unitRows).toBeUndefined();
    expect(built().quantizedRows).toBeUndefined();
    expect(built().nibbleRows).toBeUndefined();
    fresh.mostSimilar("a");
    expect(built().nibbleRows).toBeDefined();
    expect(built().quantizedRows).toBeUndefined(); // the int8 index waits for mostSimilarCosmul
    expect(built().unitRows).toBeUndefined(); // mostSimilar makes no float32 copy of the table
    const index = built().nibbleRows;
    fresh.mostSimilarCosmul("a");
    expect(built().quantizedRows).toBeDefined();
    expect(built().nibbleRows).toBe(index);
    expect(built().unitRows).toBeUndefined(); // nor does mostSimilarCosmul
  });

  it("get / mostSimilar / doesntMatch / analogy name what is wrong", () => {
    expect(() => wv.get("pear", { missing: "error" })).toThrow(/^get: expected word to be a word with a vector \(6 words\), but got "pear"$/);
    expect(() => wv.get("pear", { missing: "throw" as never })).toThrow(/^get: expected options\.missing to be one of "undefined", "error", but got "throw"$/);
    expect(() => wv.mostSimilar({ positive: ["king", "pear"] })).toThrow(/^mostSimilar: expected options\.positive\[1\] to be a word with a vector \(6 words\), but got "pear"$/);
    expect(() => wv.mostSimilar({ positive: [[1, 2]] })).toThrow(/^mostSimilar: expected options\.positive\[0\] to be a word or a vector of length 3, but got an array of length 2$/);
    expect(() => wv.mostSimilar({})).toThrow(/^mostSimilar: expected options\.positive to be at least one word \(or options\.negative\), but got undefined$/);
    expect(() => wv.mostSimilar({ positive: ["king"], topn: 0 })).toThrow(/^mostSimilar: expected options\.topn to be an integer >= 1, but got 0$/);
    expect(() => wv.mostSimilar({ positive: ["king"], top: 3 } as never)).toThrow(/^mostSimilar: unknown option "top"; allowed options are positive, negative, topn, restrictVocab$/);
    expect(() => wv.doesntMatch(["king", "pear"])).toThrow(/^doesntMatch: expected words\[1\] to be a word with a vector \(6 words\), but got "pear"$/);
    expect(wv.doesntMatch(["king", "pear", "queen", "apple"], { ignoreMissing: true })).toBe("apple");
    expect(() => wv.doesntMatch(["pear"], { ignoreMissing: true })).toThrow(/^doesntMatch: expected words to be at least one word with a vector, but got an array of length 1$/);
    expect(() => wv.analogy("man", "king", "pear")).toThrow(/^analogy: expected c to be a word with a vector \(6 words\), but got "pear"$/);
    expect(() => new WordVectors(["a", "a"], [[1], [2]])).toThrow(/^WordVectors: expected words\[1\] to be a word not already at index 0, but got "a"$/);
    expect(() => new WordVectors(["a", "b"], [[1], [2, 3]])).toThrow(/^WordVectors: expected matrix\[1\] to be an array of 1 numbers, but got an array of length 2$/);
    expect(() => new WordVectors(["a", "b"], new Float32Array(3))).toThrow(/^WordVectors: expected matrix to be a Float32Array of length 2 × dim, but got a Float32Array of length 3$/);
  });

  it("coverage() counts vocabulary words with a vector", () => {
    const vocab = new Vocab(["<pad>", "<unk>", "King", "apple", "pear"]);
    expect(wv.coverage(vocab)).toEqual({ found: 1, total: 5, ratio: 0.2, missing: ["<pad>", "<unk>", "King", "pear"] });
    expect(wv.coverage(vocab, { lowerCaseBackup: true })).toMatchObject({ found: 2, missing: ["<pad>", "<unk>", "pear"] });
  });

  describe.each(["cpu", "wasm"] as const)("on the %s backend", (backend) => {
    it("vectors is one kept [size, dim] tensor, survives tf.tidy, and dispose() frees it", async () => {
      await ready({ backend, quiet: true });
      const local = new WordVectors(["a", "b"], [[1, 2], [3, 4]]);
      const before = tf.memory().numTensors;
      const v = tf.tidy(() => local.vectors);
      expect(v.isDisposed).toBe(false);
      expect(v.shape).toEqual([2, 2]);
      expect(local.vectors).toBe(v);
      expect(Array.from(v.dataSync())).toEqual([1, 2, 3, 4]);
      expect(tf.memory().numTensors).toBe(before + 1);
      local.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it("getVecsByTokens() gives [T, dim] rows, lowerCaseBackup, zeros or seeded unkInit for unknown tokens", async () => {
      await ready({ backend, quiet: true });
      const before = tf.memory().numTensors;
      const x = wv.getVecsByTokens(["King", "queen", "pear"], { lowerCaseBackup: true });
      expect(x.shape).toEqual([3, 3]);
      expect(Array.from(x.dataSync())).toEqual([0.9, 0.8, 0.1, 0.9, 0.1, 0.8, 0, 0, 0].map(Math.fround));
      x.dispose();
      const strict = wv.getVecsByTokens(["King"]);
      expect(Array.from(strict.dataSync())).toEqual([0, 0, 0]);
      strict.dispose();
      seed(3);
      const a = wv.getVecsByTokens(["pear"], { unkInit: "normal" });
      seed(3);
      const b = wv.getVecsByTokens(["pear"], { unkInit: "normal" });
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      expect(Array.from(a.dataSync()).some((v) => v !== 0)).toBe(true);
      const c = wv.getVecsByTokens(["pear", "king"], { unkInit: (w, d) => new Array(d).fill(w.length) });
      expect(Array.from(c.dataSync()).slice(0, 3)).toEqual([4, 4, 4]);
      tf.dispose([a, b, c]);
      expect(() => wv.getVecsByTokens(["pear"], { unkInit: () => [1] })).toThrow(/^getVecsByTokens: expected unkInit\(word, dim\) to be an array of 3 numbers, but got an array of length 1$/);
      expect(() => wv.getVecsByTokens(["pear"], { unkInit: "ones" as never })).toThrow(/^getVecsByTokens: expected options\.unkInit to be one of "zeros", "normal", but got "ones"$/);
      expect(() => wv.getVecsByTokens("king" as never)).toThrow(/^getVecsByTokens: expected tokens to be an array of strings, but got "king"$/);
      expect(tf.memory().numTensors).toBe(before);
    });

    it("toEmbedding({ vocab, paddingIdx }) aligns rows to the vocabulary and reports coverage", async () => {
      await ready({ backend, quiet: true });
      const before = tf.memory().numTensors;
      const vocab = buildVocab([["Queen", "king", "pear", "king"]], { specials: ["<pad>", "<unk>"] });
      expect(vocab.itos).toEqual(["<pad>", "<unk>", "king", "Queen", "pear"]);
      seed(5);
      const emb = wv.toEmbedding({ vocab, paddingIdx: 0, unkInit: "normal", lowerCaseBackup: true });
      expect(emb.coverage).toEqual({ found: 2, total: 5, ratio: 0.4, missing: ["<pad>", "<unk>", "pear"] });
      expect([emb.numEmbeddings, emb.embeddingDim, emb.paddingIdx, emb.trainable]).toEqual([5, 3, 0, false]);
      const ids = tf.tensor2d([[2, 3, 0]], [1, 3], "int32");
      const out = emb.apply(ids) as tf.Tensor;
      expect(out.shape).toEqual([1, 3, 3]);
      const rows = Array.from(out.dataSync());
      expect(rows.slice(0, 6)).toEqual([0.9, 0.8, 0.1, 0.9, 0.1, 0.8].map(Math.fround));
      expect(rows.slice(6)).toEqual([0, 0, 0]); // padding row zero even with unkInit "normal"
      tf.dispose([ids, out]);
      const unk = (emb.getWeights()[0].arraySync() as number[][])[1];
      expect(unk.some((v) => v !== 0)).toBe(true);
      emb.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it("toEmbedding() with the default unkInit gives words without a vector exact zero rows, even in reused memory", async () => {
      await ready({ backend, quiet: true });
      const before = tf.memory().numTensors;
      const vocab = buildVocab([["king", "pear", "plum"]], { specials: ["<pad>", "<unk>"] });   // pear, plum, <unk> have no vector
      for (let round = 0; round < 3; round++) {
        tf.dispose(tf.fill([vocab.size, 3], 7)); // leaves 7s in the memory the next table may reuse (wasm heap)
        const emb = wv.toEmbedding({ vocab, paddingIdx: 0 });
        const rows = emb.weight.arraySync() as number[][];
        const missing = vocab.itos.flatMap((w, i) => (w === "king" ? [] : [rows[i]]));
        expect(missing).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
        emb.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    });

    it("toEmbedding({ freeze: false }) is trainable; without vocab it takes the whole table", async () => {
      await ready({ backend, quiet: true });
      const before = tf.memory().numTensors;
      const emb = wv.toEmbedding({ freeze: false, paddingIdx: -1 });
      expect([emb.numEmbeddings, emb.paddingIdx, emb.trainable, emb.coverage.ratio]).toEqual([6, 5, true, 1]);
      const ids = tf.tensor2d([[0, 1]], [1, 2], "int32");
      const { grads, value } = tf.variableGrads(() => (emb.apply(ids) as tf.Tensor).sum() as tf.Scalar);
      expect(Object.keys(grads)).toHaveLength(1);
      tf.dispose([ids, value, ...Object.values(grads)]);
      emb.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(() => wv.toEmbedding({ vocab: ["a"], paddingIdx: 1 })).toThrow(/^toEmbedding: expected options\.paddingIdx to be an integer in \[-1, 0\], but got 1$/);
      expect(() => wv.toEmbedding({ vocab: "cat" as never })).toThrow(/^toEmbedding: expected vocab to be a Vocab \(with itos\) or an array of words, but got "cat"$/);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
