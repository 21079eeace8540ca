import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { loadVectors, saveProjectorTsv, saveVectors, tf, VectorFileError, WordVectors } from "@embedlab/core";
import type { LoadVectorsOptions } from "@embedlab/core";
import { randomTable, rng, tempDir } from "./helpers";

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
/** Loads text content written to a fresh file. */
const load = (content: string | Buffer, options?: LoadVectorsOptions, name = `f${Math.random().toString(36).slice(2)}.txt`) => loadVectors(file(name, content), options);
/** Elements that differ (Object.is), and a length difference counts; expect(...).toEqual is slow on 1M floats. */
const mismatches = (a: Float32Array, b: Float32Array) => {
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (!Object.is(a[i], b[i])) n++;
  return n;
};
const rowsOf = (wv: WordVectors) => wv.words.map((w) => Array.from(wv.get(w) as Float32Array));

describe("loadVectors: formats round-trip through their writers", () => {
  const { words, rows } = randomTable(50, 7, 5);
  const wv = new WordVectors(words, rows);

  for (const format of ["embedlab", "glove", "word2vec", "fasttext", "word2vec-binary", "npy", "tsv"] as const) {
    it(`saveVectors({ format: "${format}" }) → loadVectors("auto") gives the same words and float32 values`, async () => {
      const ext = { embedlab: ".evec", glove: ".txt", word2vec: ".txt", fasttext: ".vec", "word2vec-binary": ".bin", npy: ".npy", tsv: ".tsv" }[format];
      const sub = join(dir, `rt-${format}`);
      mkdirSync(sub, { recursive: true });
      const path = join(sub, format === "tsv" ? "vectors.tsv" : `vectors${ext}`);
      await saveVectors(wv, path, { format });
      const back = await loadVectors(path);
      expect(back.report?.format).toBe(format === "fasttext" ? "fasttext" : format);
      expect(back.words).toEqual(words);
      expect(back.dim).toBe(7);
      expect(Array.from(back.data)).toEqual(Array.from(wv.data));
      // no temporary files left behind
      expect(readdirSync(sub).filter((f) => f.includes(".tmp"))).toEqual([]);
    });
  }

  it("saveVectors({ decimals: 6 }) writes GloVe-looking lines that parse to the rounded values", async () => {
    const path = join(dir, "fixed.txt");
    await saveVectors(new WordVectors(["a", "b"], [[0.1234567, -2], [1e-7, 3.5]]), path, { format: "glove", decimals: 6 });
    expect(readFileSync(path, "utf8")).toBe("a 0.123457 -2.000000\nb 0.000000 3.500000\n");
    const back = await loadVectors(path);
    expect(Array.from(back.data)).toEqual([0.123457, -2, 0, 3.5].map(Math.fround));
  });

  it("saveVectors() writes word2vec headers, and Projector metadata without a header for one column", async () => {
    const small = new WordVectors(["x", "y"], [[1, 2], [3, 4.5]]);
    const p = join(dir, "w2v.txt");
    await saveVectors(small, p, { format: "word2vec" });
    expect(readFileSync(p, "utf8")).toBe("2 2\nx 1 2\ny 3 4.5\n");
    const v = join(dir, "p1-vectors.tsv");
    const m = join(dir, "p1-metadata.tsv");
    await saveProjectorTsv(small, v, m);
    expect(readFileSync(v, "utf8")).toBe("1\t2\n3\t4.5\n");
    expect(readFileSync(m, "utf8")).toBe("x\ny\n");
  });

  it("saveProjectorTsv({ columns }) writes a header row and checks every column has one row per word", async () => {
    const small = new WordVectors(["x", "y"], [[1, 2], [3, 4]]);
    const v = join(dir, "p2-vectors.tsv");
    const m = join(dir, "p2-metadata.tsv");
    await saveProjectorTsv(small, v, m, { columns: { freq: [10, 3], pos: ["NOUN", "VE\tRB"] } });
    expect(readFileSync(m, "utf8")).toBe("word\tfreq\tpos\nx\t10\tNOUN\ny\t3\tVE RB\n");
    const back = await loadVectors(v, { format: "tsv", metadata: m, labelColumn: "word" });
    expect(back.words).toEqual(["x", "y"]);
    const byPos = await loadVectors(v, { format: "tsv", metadata: m, labelColumn: 2 });
    expect(byPos.words).toEqual(["NOUN", "VE RB"]);
    await expect(saveProjectorTsv(small, v, m, { columns: { freq: [1] } })).rejects.toThrow(/^saveProjectorTsv: expected options\.columns\.freq to be an array of 2 rows \(one per word\), but got an array of length 1$/);
    await expect(loadVectors(v, { format: "tsv", metadata: m, labelColumn: "lemma" })).rejects.toThrow(/^loadVectors: expected options\.labelColumn to be one of the metadata columns "word", "freq", "pos", but got "lemma"$/);
  });

  it("loadVectors(tsv) reports metadata and vector rows that disagree", async () => {
    const sub = join(dir, "tsv-mismatch");
    mkdirSync(sub);
    writeFileSync(join(sub, "vectors.tsv"), "1\t2\n3\t4\n5\t6\n");
    writeFileSync(join(sub, "metadata.tsv"), "a\nb\n");
    await expect(loadVectors(join(sub, "vectors.tsv"))).rejects.toThrow(/^loadVectors: bad vector file vectors\.tsv line 3: there are more vector lines than the 2 words of the metadata$/);
    writeFileSync(join(sub, "metadata.tsv"), "a\nb\nc\nd\n");
    await expect(loadVectors(join(sub, "vectors.tsv"))).rejects.toThrow(/^loadVectors: bad vector file vectors\.tsv: the metadata has 4 words but there are 3 vector lines$/);
  });

  it("saveVectors() refuses words a format cannot hold, and leaves no file behind", async () => {
    const bad = new WordVectors(["new\nline", "ok"], [[1], [2]]);
    const p = join(dir, "refused.txt");
    await expect(saveVectors(bad, p, { format: "glove" })).rejects.toThrow(/^saveVectors: expected wv\.words\[0\] to be a word without line breaks \(this format cannot hold it\), but got "new\\nline"$/);
    await expect(saveVectors(new WordVectors(["two words"], [[1]]), p, { format: "word2vec" })).rejects.toThrow(/^saveVectors: expected wv\.words\[0\] to be a word without spaces or tabs/);
    expect(existsSync(p)).toBe(false);
    // a lone surrogate would be written as U+FFFD and read back as another word: refused in every format
    const lone = new WordVectors(["ok", "bad\uD800", "\uDC00x"], [[1], [2], [3]]);
    for (const format of ["embedlab", "glove", "npy", "word2vec-binary", "tsv"] as const) {
      await expect(saveVectors(lone, p, { format })).rejects.toThrow(/^saveVectors: expected wv\.words\[1\] to be a word without unpaired surrogates \(UTF-8 cannot hold them: it would be read back as another word\), but got "bad\\ud800"$/);
    }
    await expect(saveVectors(new WordVectors(["ok", "\uDC00x"], [[1], [2]]), p)).rejects.toThrow(/wv\.words\[1\] to be a word without unpaired surrogates/);
    expect(existsSync(p)).toBe(false);
    await saveVectors(new WordVectors(["😀", "a\uD83D\uDE00b"], [[1], [2]]), p);                    // surrogate pairs are fine
    expect((await loadVectors(p)).words).toEqual(["😀", "a😀b"]);
    rmSync(p);
    await expect(saveVectors(bad, p, { format: "csv" as never })).rejects.toThrow(/^saveVectors: expected options\.format to be one of "embedlab", "glove", "word2vec", "fasttext", "word2vec-binary", "npy", "tsv", but got "csv"$/);
  });

  it("the embedlab cache keeps non-ASCII words, empty tables and checks its own length", async () => {
    const uni = new WordVectors(["café", "東京", "a b", ""], [[1, 2], [3, 4], [5, 6], [7, 8]]);
    const p = join(dir, "uni.evec");
    await saveVectors(uni, p);
    const back = await loadVectors(p);
    expect(back.words).toEqual(["café", "東京", "a b", ""]);
    expect(back.get("東京")).toEqual(new Float32Array([3, 4]));
    const empty = join(dir, "empty.evec");
    await saveVectors(new WordVectors([], new Float32Array(0), { dim: 5 }), empty);
    const e = await loadVectors(empty);
    expect([e.size, e.dim]).toEqual([0, 5]);
    writeFileSync(join(dir, "cut.evec"), readFileSync(p).subarray(0, 60));
    await expect(loadVectors(join(dir, "cut.evec"))).rejects.toThrow(/^loadVectors: bad vector file cut\.evec: the cache file has 60 bytes but its header implies \d+ \(truncated or corrupt\)$/);
  });


  it("a reloaded cache answers lookups and queries before (and without) decoding its words", async () => {
    const { words, rows } = randomTable(300, 9, 8);
    // words that share lengths, prefixes and hash buckets with each other; ASCII and non-ASCII files
    const ascii = words.map((w, i) => (i % 3 === 0 ? `${w}x` : i % 3 === 1 ? w.toUpperCase() : w));
    const uni = ascii.map((w, i) => (i % 5 === 0 ? `ü${w}` : w));
    for (const list of [ascii, uni]) {
      const p = join(dir, `lazy-${list === ascii ? "a" : "u"}.evec`);
      await saveVectors(new WordVectors(list, rows), p);
      const back = await loadVectors(p);
      const internal = back as unknown as { wordArray: unknown };
      expect(internal.wordArray).toBeUndefined();
      list.forEach((w, i) => expect(back.indexOf(w)).toBe(i));
      for (const missing of ["w1", "W0", "w0xx", "", "ü", "üw1", "w29", "w2999"]) expect(back.has(missing)).toBe(list.includes(missing));
      expect(back.get(list[7])).toEqual(Float32Array.from(rows[7]));
      const near = back.mostSimilar({ positive: [list[4]], topn: 5 });
      expect(internal.wordArray).toBeUndefined(); // still bytes: answers decode only their own words
      const fresh = new WordVectors(list, rows);
      expect(near).toEqual(fresh.mostSimilar({ positive: [list[4]], topn: 5 }));
      expect(back.words).toEqual(list);
      expect(back.words).toBe(back.words); // decoded once, then kept
    }
  });

  it("a reloaded non-ASCII cache compares UTF-8 bytes: the same hits and misses as a Map of the decoded words", async () => {
    /** FNV-1a over UTF-16 units: the cache's hash (here only to check the collision below is one). */
    const fnv = (w: string) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
      return h >>> 0;
    };
    // two words with the same 32-bit hash and byte length: a lookup of one probes the other's row
    const [c1, c2, c3] = ["東562789", "東779192", "東100000"];
    expect(fnv(c1)).toBe(fnv(c2));
    const words = [
      "東京", "東京都", "北京", "café", "cafè", "naïve", "naïvf", "Ærø", "日本語a", "日本語b", "😀", "😀😃", "a😀b", "ascii", "",
      c1, c3, ...Array.from({ length: 200 }, (_, i) => (i % 2 ? `東京${i}` : `é${i}`)),
    ];
    const rows = words.map((_, i) => [i, -i]);
    const p = join(dir, "bytes-u.evec");
    await saveVectors(new WordVectors(words, rows), p);
    const back = await loadVectors(p);
    const decoded = new WordVectors(words, rows); // a Map from the strings themselves
    const internal = back as unknown as { wordArray: unknown };
    const queries = [
      ...words,
      c2, // same hash and byte length as c1, absent
      ...words.map((w) => w + "é"), // one more multi-byte char
      ...words.map((w) => w.slice(0, -1)), // cuts "😀" to a lone surrogate
      ...words.map((w) => w.toUpperCase()),
      "京", "東京\u0000", "\ud83d", "\ude00", "a\ud83db", "\ud83d\ud83d", "東".repeat(40),
    ];
    for (const q of queries) {
      expect([q, back.indexOf(q)]).toEqual([q, decoded.indexOf(q)]);
      expect(back.has(q)).toBe(decoded.has(q));
    }
    expect(back.indexOf(c1)).toBe(words.indexOf(c1));
    expect(back.has(c2)).toBe(false);
    expect(back.get("日本語b")).toEqual(new Float32Array([9, -9]));
    expect(back.getVecsByTokens(["naïvf", "NAÏVE", "cafè"], { lowerCaseBackup: true }).arraySync()).toEqual([[6, -6], [5, -5], [4, -4]]);
    expect(internal.wordArray).toBeUndefined(); // every answer above came from bytes
    expect(back.words).toEqual(words);

    // A lone surrogate and U+FFFD differ only in bits 6-8 of the code unit, so FNV-1a puts
    // "\ud83dx" and "\ufffdx" in the same slot of a table of ≤ 64 slots. Encoded the way Buffer
    // writes words (a lone surrogate as U+FFFD) the query would be the stored bytes, yet the
    // decoded word is not the query: a miss, as a decoded comparison finds.
    const small = ["\ufffdx", "\ufffd", "y"];
    expect(fnv("\ud83dx") & 63).toBe(fnv("\ufffdx") & 63);
    const q = join(dir, "bytes-fffd.evec");
    await saveVectors(new WordVectors(small, [[1], [2], [3]]), q);
    const s = await loadVectors(q);
    expect(["\ufffdx", "\ud83dx", "\ud83d", "\udc00", "\ufffd", "y"].map((w) => s.indexOf(w))).toEqual([0, -1, -1, -1, 1, 2]);
  });
  it("loadVectors(npy) takes the words from an array or a file, converts float64 and checks the row count", async () => {
    const m = new Float64Array([1.5, 2, 3, 4.25]);
    let header = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }";
    header += " ".repeat(64 - ((10 + header.length + 1) % 64)) + "\n";
    const head = Buffer.alloc(10);
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
    head.writeUInt16LE(header.length, 8);
    const p = file("m.npy", Buffer.concat([head, Buffer.from(header, "latin1"), Buffer.from(m.buffer)]));
    const wv = await loadVectors(p, { words: ["u", "v"] });
    expect(rowsOf(wv)).toEqual([[1.5, 3], [2, 4.25]]); // Fortran order: column-major
    await expect(loadVectors(p, { words: ["u"] })).rejects.toThrow(/^loadVectors: expected options\.words to hold 2 words \(the \.npy rows\), but got 1$/);
    await expect(loadVectors(p)).rejects.toThrow(/^loadVectors: expected options\.words to be an array of words or the path of a words file, but got ".*m\.words\.txt"$/);
    file("m.words.txt", "\ufeffu\r\nv\r\n");
    expect((await loadVectors(p)).words).toEqual(["u", "v"]);
  });
});

describe("loadVectors: messy real-world files", () => {
  it("reads GloVe text: BOM, \\r\\n, trailing spaces, blank lines, a last line without \\n", async () => {
    const wv = await load("\ufeffthe 0.1 -0.2 3\r\n\r\nof 1e-3 2.5E+1 -0 \r\nand .5 -7. 8");
    expect(wv.words).toEqual(["the", "of", "and"]);
    expect(wv.dim).toBe(3);
    expect(rowsOf(wv)).toEqual([[0.1, -0.2, 3].map(Math.fround), [Math.fround(0.001), 25, -0], [0.5, -7, 8]]);
    expect(Object.is(wv.get("of")?.[2], -0)).toBe(true);
    expect(wv.report).toMatchObject({ format: "glove", records: 3, kept: 3, blankLines: 1, duplicates: 0, skipped: 0, header: undefined });
  });

  it("every token a Number() can read parses to Math.fround(Number(token)) inside a file", async () => {
    const r = rng(21);
    const tokens: string[][] = [];
    for (let i = 0; i < 400; i++) {
      tokens.push(Array.from({ length: 12 }, (_, j) => {
        const v = (r() - 0.5) * 10 ** Math.floor(r() * 10 - 5);
        return [v.toFixed(6), String(v), v.toExponential(3), v.toPrecision(19), "0.000" + Math.floor(r() * 1e9)][j % 5];
      }));
    }
    const wv = await load(tokens.map((t, i) => `w${i} ${t.join(" ")}`).join("\n") + "\n");
    tokens.forEach((t, i) => expect(Array.from(wv.get(`w${i}`) as Float32Array)).toEqual(t.map((s) => Math.fround(Number(s)))));
  });

  it("keeps control characters and non-ASCII bytes inside words (only space and tab separate)", async () => {
    const words = ["a\u000bb", "c\u000cd", "e\u0085f", "g\u2028h", "\u0000nul", "naïve", "日本"];
    const wv = await load(words.map((w, i) => `${w} ${i} ${-i}`).join("\n") + "\n");
    expect(wv.words).toEqual(words);
    expect(wv.get("e\u0085f")).toEqual(new Float32Array([2, -2]));
  });

  it("takes the last dim fields as the vector when a word contains spaces (GloVe 840B)", async () => {
    const wv = await load("the 1 2 3\n. . . 4 5 6\nat home 7 8 9\nmr. smith jr 10 11 12\n");
    expect(wv.words).toEqual(["the", ". . .", "at home", "mr. smith jr"]);
    expect(wv.get("at home")).toEqual(new Float32Array([7, 8, 9]));
    // the first word of such a line must not be taken as a duplicate of "the" / "at"
    const wv2 = await load("at 0 0 0\nat home 7 8 9\n");
    expect(wv2.words).toEqual(["at", "at home"]);
  });

  it("dim option reads a GloVe file whose first word has a space", async () => {
    const text = "at home 1 2\nthe 3 4\n";
    await expect(load(text)).rejects.toThrow(/^loadVectors: bad vector file \S+ line 1 \(word "at"\): value 1 of 3 is not a number: "home"$/);
    const wv = await load(text, { dim: 2 });
    expect(wv.words).toEqual(["at home", "the"]);
  });

  it("keeps the first of duplicate words and counts the rest", async () => {
    const wv = await load("a 1 1\nb 2 2\na 3 3\nb 4 4\na 5 5\n");
    expect(wv.words).toEqual(["a", "b"]);
    expect(wv.get("a")).toEqual(new Float32Array([1, 1]));
    expect(wv.report).toMatchObject({ records: 5, kept: 2, duplicates: 3, duplicateWords: ["a", "b", "a"] });
  });

  it("a line with the wrong number of values is an error naming the line, the word and the reason", async () => {
    await expect(load("a 1 2 3\nb 1 2\nc 1 2 3\n", {}, "short.txt")).rejects.toThrow(/^loadVectors: bad vector file short\.txt line 2 \(word "b"\): expected 3 values but found 2$/);
    await expect(load("a 1 2\nb 1 2 3\n", {}, "long.txt")).rejects.toThrow(/^loadVectors: bad vector file long\.txt line 2 \(word "b"\): expected 2 values but found 3$/);
    const err = await load("a 1 2\n\nb 1\n", {}, "e.txt").catch((e) => e);
    expect(err).toBeInstanceOf(VectorFileError);
    expect(err).toMatchObject({ line: 3, word: "b", reason: "expected 2 values but found 1", source: "e.txt" });
  });

  it("a value that is not a number is an error naming it", async () => {
    await expect(load("a 1 2\nb 1 x2\n", {}, "nan.txt")).rejects.toThrow(/^loadVectors: bad vector file nan\.txt line 2 \(word "b"\): value 2 of 2 is not a number: "x2"$/);
    await expect(load("a 1 2\nb 1 2,5\n", {}, "comma.txt")).rejects.toThrow(/value 2 of 2 is not a number: "2,5"$/);
  });

  it("onBadLine: 'skip' skips bad lines and counts them with line, word and reason", async () => {
    const wv = await load("a 1 2\nb 1\nc 1 x\nd 3 4\ne 1 2 3\n", { onBadLine: "skip" });
    expect(wv.words).toEqual(["a", "d"]);
    expect(wv.report?.skipped).toBe(3);
    expect(wv.report?.badLines).toEqual([
      { line: 2, word: "b", reason: "expected 2 values but found 1" },
      { line: 3, word: "c", reason: 'value 2 of 2 is not a number: "x"' },
      { line: 5, word: "e", reason: "expected 2 values but found 3" },
    ]);
  });

  it("an empty file is an error, whatever the format", async () => {
    for (const content of ["", "\n\n", "\ufeff"]) {
      await expect(load(content, {}, "empty.txt")).rejects.toThrow(/^loadVectors: bad vector file empty\.txt: the file is empty \(no vectors\)$/);
    }
    await expect(load("", { format: "word2vec-binary" }, "empty.bin")).rejects.toThrow(/^loadVectors: bad vector file empty\.bin: the file is empty \(no vectors\)$/);
  });

  it("a word2vec header whose counts disagree with the file is an error (a warning with onBadLine: 'skip')", async () => {
    await expect(load("3 2\na 1 2\nb 3 4\n", {}, "few.txt")).rejects.toThrow(/^loadVectors: bad vector file few\.txt line 1: the header says 3 words but the file has 2$/);
    await expect(load("1 2\na 1 2\nb 3 4\n", {}, "many.txt")).rejects.toThrow(/^loadVectors: bad vector file many\.txt line 1: the header says 1 words but the file has 2$/);
    await expect(load("2 3\na 1 2\nb 3 4\n", {}, "dim.txt")).rejects.toThrow(/^loadVectors: bad vector file dim\.txt line 2 \(word "a"\): expected 3 values but found 2$/);
    const wv = await load("3 2\na 1 2\nb 3 4\n", { onBadLine: "skip" });
    expect(wv.size).toBe(2);
    expect(wv.report?.header).toEqual({ count: 3, dim: 2 });
    expect(wv.report?.warnings).toEqual(["the header says 3 words but the file has 2"]);
    await expect(load("a 1 2\n", { format: "word2vec" }, "nohead.txt")).rejects.toThrow(/^loadVectors: bad vector file nohead\.txt line 1: expected a "<count> <dim>" header line \(word2vec \/ fastText text format\)$/);
  });

  it("word2vec binary: truncated vectors and header disagreements are errors", async () => {
    const wv = new WordVectors(["a", "b", "c"], [[1, 2], [3, 4], [5, 6]]);
    const p = join(dir, "w.bin");
    await saveVectors(wv, p, { format: "word2vec-binary" });
    const full = readFileSync(p);
    await expect(load(full.subarray(0, full.length - 5), {}, "cut.bin")).rejects.toThrow(/^loadVectors: bad vector file cut\.bin line 3 \(word "c"\): the file ends inside this word's vector \(4 of 8 bytes\)$/);
    const lying = Buffer.concat([Buffer.from("4 2\n"), full.subarray(4)]);
    await expect(load(lying, {}, "lying.bin")).rejects.toThrow(/^loadVectors: bad vector file lying\.bin line 1: the header says 4 words but the file has 3$/);
    const dup = Buffer.concat([Buffer.from("4 2\n"), full.subarray(4), Buffer.from("a "), Buffer.from(new Float32Array([9, 9]).buffer)]);
    const d = await load(dup, {}, "dup.bin");
    expect([d.size, d.report?.duplicates]).toEqual([3, 1]);
  });

  it("limit, vocab and lower select what is kept", async () => {
    const text = "The 1 1\nof 2 2\nthe 3 3\nCat 4 4\ndog 5 5\n";
    expect((await load(text, { limit: 2 })).words).toEqual(["The", "of"]);
    const v = await load(text, { vocab: new Set(["the", "dog", "zebra"]) });
    expect(v.words).toEqual(["the", "dog"]);
    expect(v.report).toMatchObject({ records: 5, kept: 2, filtered: 3 });
    const l = await load(text, { lower: true });
    expect(l.words).toEqual(["the", "of", "cat", "dog"]);
    expect(l.get("the")).toEqual(new Float32Array([1, 1]));
    const byVocab = await load(text, { vocab: { itos: ["<pad>", "cat"] }, lower: true });
    expect(byVocab.words).toEqual(["cat"]);
    expect((await load(text, { limit: 0 })).size).toBe(0);
  });

  it("reads streams, gzip files and gzip streams, and reports progress", async () => {
    const text = "a 1 2\nb 3 4\n";
    const fromStream = await loadVectors(Readable.from([Buffer.from("a 1 "), Buffer.from("2\nb 3"), Buffer.from(" 4\n")]));
    expect(rowsOf(fromStream)).toEqual([[1, 2], [3, 4]]);
    expect(fromStream.report?.source).toBe("<stream>");
    const gz = file("v.txt.gz", gzipSync(text));
    const seen: [number, number | undefined][] = [];
    const fromGz = await loadVectors(gz, { onProgress: (b, t) => seen.push([b, t]) });
    expect(rowsOf(fromGz)).toEqual([[1, 2], [3, 4]]);
    expect(seen.at(-1)).toEqual([readFileSync(gz).length, readFileSync(gz).length]);
    const gzStream = await loadVectors(createReadStream(gz));
    expect(gzStream.words).toEqual(["a", "b"]);
  });

  it("a 20,000-line file (several 4 MiB chunks) and the same bytes in tiny random chunks give the same table", async () => {
    const { words, rows } = randomTable(20_000, 50, 9);
    const lines = rows.map((row, i) => `${words[i]} ${row.map((v) => v.toFixed(6)).join(" ")}\n`);
    const p = file("big.txt", lines.join(""));
    const back = await loadVectors(p);
    expect(back.size).toBe(20_000);
    const want = Float32Array.from(rows.flat().map((v) => Number(v.toFixed(6))));
    expect(mismatches(back.data, want)).toBe(0);
    const all = readFileSync(p);
    const bytes = all.subarray(0, all.lastIndexOf(10, 300_000) + 1);
    const r = rng(4);
    const pieces: Buffer[] = [];
    for (let o = 0; o < bytes.length; ) {
      const n = 1 + Math.floor(r() * 40);
      pieces.push(bytes.subarray(o, o + n));
      o += n;
    }
    const streamed = await loadVectors(Readable.from(pieces));
    expect(streamed.words).toEqual(back.words.slice(0, streamed.size));
    expect(streamed.size).toBeGreaterThan(500);
    expect(mismatches(streamed.data, back.data.subarray(0, streamed.data.length))).toBe(0);
  });

  it("checks its arguments", async () => {
    const p = file("ok.txt", "a 1\n");
    await expect(loadVectors(p, { format: "csv" as never })).rejects.toThrow(/^loadVectors: expected options\.format to be one of "auto", "glove", "word2vec", "fasttext", "word2vec-binary", "npy", "tsv", "embedlab", but got "csv"$/);
    await expect(loadVectors(p, { limit: -1 })).rejects.toThrow(/^loadVectors: expected options\.limit to be an integer >= 0, but got -1$/);
    await expect(loadVectors(p, { dtype: "float64" as never })).rejects.toThrow(/^loadVectors: expected options\.dtype to be one of "float32", but got "float64"$/);
    await expect(loadVectors(p, { onBadLine: "warn" as never })).rejects.toThrow(/^loadVectors: expected options\.onBadLine to be one of "error", "skip", but got "warn"$/);
    await expect(loadVectors(p, { vocab: "cat" as never })).rejects.toThrow(/^loadVectors: expected options\.vocab to be a Vocab, an array or a Set of words, but got "cat"$/);
    await expect(loadVectors(p, { limt: 3 } as never)).rejects.toThrow(/^loadVectors: unknown option "limt"; allowed options are format, limit, vocab/);
    await expect(loadVectors(join(dir, "missing.txt"))).rejects.toThrow(/^loadVectors: expected pathOrStream to be an existing file, but got ".*missing\.txt"$/);
    await expect(loadVectors(dir)).rejects.toThrow(/^loadVectors: expected pathOrStream to be an existing file, but got ".*"$/);
    await expect(loadVectors(42 as never)).rejects.toThrow(/^loadVectors: expected pathOrStream to be a file path or a readable stream, but got 42$/);
  });

  it("makes no tensors while loading", async () => {
    const before = tf.memory().numTensors;
    await load("a 1 2\nb 3 4\n");
    await load("a 1 2\nb 3\n").catch(() => undefined);
    expect(tf.memory().numTensors).toBe(before);
  });
});
