import { beforeAll, describe, expect, it } from "vitest";
import { HashEncoder, hashEncode, murmurhash3_32, ready, tf } from "@embedlab/core";
import { BACKENDS, fixture, noLeak, throwsClean } from "./helpers";

const { words } = fixture<{ words: string[] }>("words.json");
interface HashCase {
  nFeatures: number;
  alternateSign: boolean;
  single: { cols: number[]; vals: number[] };
  docs: string[][];
  bags: number[] | [number, number][][];
}
const { hashes, cases } = fixture<{ hashes: { seed0: number[]; seed42: number[] }; cases: HashCase[] }>("hash.json");

describe("murmurhash3_32", () => {
  it("murmurhash3_32(word) equals sklearn's murmurhash3_32 on ASCII, accented, CJK and emoji words", () => {
    expect(words.length).toBeGreaterThan(290);
    expect(words).toContain("猫");
    expect(words).toContain("naïve");
    expect(words).toContain("👩‍💻");
    expect(words.map((w) => murmurhash3_32(w))).toEqual(hashes.seed0);
    expect(words.map((w) => murmurhash3_32(w, 42))).toEqual(hashes.seed42);
  });

  it("known values: 'hello' is 613153351, '' is 0", () => {
    expect(murmurhash3_32("hello")).toBe(613153351);
    expect(murmurhash3_32("")).toBe(0);
  });

  it("rejects non-strings, lone surrogates and bad seeds", () => {
    throwsClean(() => murmurhash3_32(5 as never), TypeError, /^murmurhash3_32: expected str to be a string, but got 5$/);
    throwsClean(() => murmurhash3_32("a\uD800b"), TypeError, /^murmurhash3_32: expected str to be a well-formed string \(no lone UTF-16 surrogate\), but got "a\\ud800b"$/);
    throwsClean(() => murmurhash3_32("a", 1.5), TypeError, /^murmurhash3_32: expected seed to be an integer, but got 1\.5$/);
    throwsClean(() => murmurhash3_32("a", 2 ** 32), RangeError, /^murmurhash3_32: expected seed to be an integer in \[-2147483648, 4294967295\], but got 4294967296$/);
  });
});

describe.each(BACKENDS)("hashEncode on %s", (backend) => {
  beforeAll(async () => {
    await ready({ backend, quiet: true });
    expect(tf.getBackend()).toBe(backend);
  });

  it("hashEncode(words, n) puts each word in sklearn FeatureHasher's column with its sign (n = 8, 1024; alternateSign on/off)", () => {
    for (const c of cases) {
      noLeak(
        () => hashEncode(words, c.nFeatures, { alternateSign: c.alternateSign }),
        (out) => {
          expect(out.shape).toEqual([words.length, c.nFeatures]);
          expect(out.dtype).toBe("float32");
          const data = out.dataSync();
          words.forEach((_, i) => {
            const row = data.subarray(i * c.nFeatures, (i + 1) * c.nFeatures);
            const nz = [...row.keys()].filter((j) => row[j] !== 0);
            expect(nz).toEqual([c.single.cols[i]]);
            expect(row[c.single.cols[i]]).toBe(c.single.vals[i]);
          });
        },
      );
      const ids = hashEncode(words, c.nFeatures, { indicesOnly: true, alternateSign: c.alternateSign });
      expect(ids).toBeInstanceOf(Int32Array);
      expect(Array.from(ids)).toEqual(c.single.cols);
    }
  });

  it("hashEncode(rows of words) sums collisions like FeatureHasher on bags of words", () => {
    for (const c of cases) {
      noLeak(
        () => hashEncode(c.docs, c.nFeatures, { alternateSign: c.alternateSign }),
        (out) => {
          expect(out.shape).toEqual([c.docs.length, c.nFeatures]);
          const data = out.dataSync();
          if (c.nFeatures === 8) expect(Array.from(data)).toEqual(c.bags as number[]);
          else {
            (c.bags as [number, number][][]).forEach((pairs, i) => {
              const row = data.subarray(i * c.nFeatures, (i + 1) * c.nFeatures);
              const got = [...row.keys()].filter((j) => row[j] !== 0).map((j) => [j, row[j]]);
              expect(got).toEqual(pairs);
            });
          }
        },
      );
      const ids = hashEncode(c.docs, c.nFeatures, { indicesOnly: true });
      expect(ids.length).toBe(c.docs.length);
      expect(Array.from(ids[0])).toEqual(c.docs[0].map((w) => c.single.cols[words.indexOf(w)]));
    }
  });

  it("cancelling signs can give a zero cell; numbers hash as their String form; empty input is [0, n]", () => {
    noLeak(
      () => hashEncode([[7], ["7"]], 16),
      (out) => {
        const d = out.arraySync() as number[][];
        expect(d[0]).toEqual(d[1]);
      },
    );
    noLeak(
      () => hashEncode([], 4),
      (out) => expect(out.shape).toEqual([0, 4]),
    );
    noLeak(
      () => hashEncode([[]], 4),
      (out) => expect(out.arraySync()).toEqual([[0, 0, 0, 0]]),
    );
  });

  it("hashEncode rejects bad values, sizes and options with house-format messages", () => {
    throwsClean(() => hashEncode(["a", null as never], 8), TypeError, /^hashEncode: expected values\[1\] to be a string or a finite number, but got null$/);
    throwsClean(() => hashEncode([["a"], ["b", NaN]], 8), TypeError, /^hashEncode: expected values\[1\]\[1\] to be a string or a finite number, but got NaN$/);
    throwsClean(() => hashEncode([["a"], "b"] as never, 8), TypeError, /^hashEncode: expected values\[1\] to be an array of strings \(every row, like values\[0\]\), but got "b"$/);
    throwsClean(() => hashEncode("abc" as never, 8), TypeError, /^hashEncode: expected values to be an array of strings or an array of string arrays, but got "abc"$/);
    throwsClean(() => hashEncode(["a"], 0), RangeError, /^hashEncode: expected nFeatures to be an integer in \[1, 2147483647\], but got 0$/);
    throwsClean(() => hashEncode(["a"], 8, { alternateSign: "yes" as never }), TypeError, /^hashEncode: expected options\.alternateSign to be a boolean, but got "yes"$/);
    throwsClean(() => hashEncode(["a"], 8, { seed: 1 } as never), TypeError, /^hashEncode: unknown option "seed"; allowed options are alternateSign, indicesOnly$/);
    throwsClean(() => hashEncode(["a", "b"], 2 ** 30), RangeError, /^hashEncode: expected values\.length \* nFeatures to be <= 2\^30 for a dense tensor \(use \{ indicesOnly: true \}\), but got 2147483648$/);
    throwsClean(() => hashEncode(["\uDC00"], 8), TypeError, /^hashEncode: expected values\[0\] to be a well-formed string \(no lone UTF-16 surrogate\), but got "\\udc00"$/);
  });

  it("HashEncoder keeps its settings: transform, indices, signs, indexOf, JSON round trip", () => {
    const c = cases.find((x) => x.nFeatures === 1024 && x.alternateSign) as HashCase;
    const hasher = new HashEncoder({ nFeatures: 1024 });
    expect(hasher.alternateSign).toBe(true);
    noLeak(
      () => hasher.transform(words.slice(0, 20)),
      (out) => {
        expect(out.shape).toEqual([20, 1024]);
        const d = out.dataSync();
        for (let i = 0; i < 20; i++) expect(d[i * 1024 + c.single.cols[i]]).toBe(c.single.vals[i]);
      },
    );
    expect(Array.from(hasher.indices(words))).toEqual(c.single.cols);
    expect(Array.from(hasher.signs(words))).toEqual(c.single.vals);
    expect(hasher.indexOf(words[3])).toBe(c.single.cols[3]);
    const copy = HashEncoder.fromJSON(JSON.parse(JSON.stringify(hasher)));
    expect(copy.toJSON()).toEqual({ kind: "HashEncoder", nFeatures: 1024, alternateSign: true });
    expect(Array.from(new HashEncoder({ nFeatures: 8, alternateSign: false }).signs(["a", "b", "c"]))).toEqual([1, 1, 1]);
  });

  it("HashEncoder rejects bad options and nested input where one value per row is expected", () => {
    throwsClean(() => new HashEncoder(undefined as never), TypeError, /^HashEncoder: expected options to be an object with nFeatures, but got undefined$/);
    throwsClean(() => new HashEncoder({ nFeatures: -3 }), RangeError, /^HashEncoder: expected options\.nFeatures to be an integer in \[1, 2147483647\], but got -3$/);
    throwsClean(() => new HashEncoder({ nFeatures: 8, n: 2 } as never), TypeError, /^HashEncoder: unknown option "n"; allowed options are nFeatures, alternateSign$/);
    const hasher = new HashEncoder({ nFeatures: 8 });
    throwsClean(() => hasher.indices([["a"]] as never), TypeError, /^HashEncoder\.indices: expected values to be a flat array of strings or numbers, but got an array of length 1$/);
    throwsClean(() => hasher.transform([undefined] as never), TypeError, /^HashEncoder\.transform: expected values\[0\] to be a string or a finite number, but got undefined$/);
    throwsClean(() => HashEncoder.fromJSON({ kind: "Vocab" } as never), TypeError, /^HashEncoder\.fromJSON: expected json to be an object with kind "HashEncoder", but got an object$/);
  });
});
