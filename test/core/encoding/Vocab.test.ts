import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { Vocab, buildVocab, ready, tf, tokenize } from "@embedlab/core";
import { BACKENDS, fixture, noLeak, throwsClean } from "./helpers";

interface Case {
  specials: string[];
  minFreq: number;
  maxTokens: number | null;
  itos: string[];
}
const { docs, cases } = fixture<{ docs: string[][]; cases: Case[] }>("vocab.json");

describe("buildVocab", () => {
  it("buildVocab(docs, { specials, minFreq, maxTokens }) gives torchtext's order: specials, frequency desc, then token", () => {
    for (const c of cases) {
      const vocab = buildVocab(docs, { specials: c.specials, minFreq: c.minFreq, maxTokens: c.maxTokens ?? undefined });
      expect(vocab.itos).toEqual(c.itos);
      expect(vocab.size).toBe(c.itos.length);
      expect(vocab.defaultIndex).toBe(c.specials.includes("<unk>") ? c.specials.indexOf("<unk>") : null);
    }
  });

  it("a flat token array, a generator of token arrays and ties broken by code point", () => {
    const v = buildVocab(["b", "a", "c", "a", "b", "😀", "\uFF01"]);
    expect(v.itos).toEqual(["<pad>", "<unk>", "a", "b", "c", "\uFF01", "😀"]);
    function* sentences() {
      yield tokenize("The cat sat.");
      yield tokenize("The dog sat!");
    }
    expect(buildVocab(sentences(), { specials: [] }).itos).toEqual(["sat", "the", "!", ".", "cat", "dog"]);
  });

  it("rejects a plain string, non-string tokens and bad options", () => {
    throwsClean(() => buildVocab("the cat" as never), TypeError, /^buildVocab: expected tokens to be an array of tokens or an iterable of token arrays \(see tokenize\(text\)\), but got "the cat"$/);
    throwsClean(() => buildVocab([["a", 3]] as never), TypeError, /^buildVocab: expected tokens\[0\]\[1\] to be a string token, but got 3$/);
    throwsClean(() => buildVocab([null] as never), TypeError, /^buildVocab: expected tokens\[0\] to be a string token or an iterable of tokens, but got null$/);
    throwsClean(() => buildVocab(["a"], { minFreq: 0 }), RangeError, /^buildVocab: expected options\.minFreq to be an integer >= 1, but got 0$/);
    throwsClean(() => buildVocab(["a"], { maxTokens: 1 }), RangeError, /^buildVocab: expected options\.maxTokens to be an integer >= 2, but got 1$/);
    throwsClean(() => buildVocab(["a"], { specials: ["<pad>", "<pad>"] }), TypeError, /^buildVocab: expected options\.specials\[1\] to be distinct from the other specials, but got "<pad>"$/);
    throwsClean(() => buildVocab(["a"], { min_freq: 2 } as never), TypeError, /^buildVocab: unknown option "min_freq"; allowed options are specials, minFreq, maxTokens$/);
  });
});

describe.each(BACKENDS)("Vocab on %s", (backend) => {
  beforeAll(async () => {
    await ready({ backend, quiet: true });
    expect(tf.getBackend()).toBe(backend);
  });

  const vocab = buildVocab([tokenize("the cat sat on the mat"), tokenize("the dog sat")]);

  it("stoi, itos, encode with <unk> as default, decode", () => {
    expect(vocab.itos).toEqual(["<pad>", "<unk>", "the", "sat", "cat", "dog", "mat", "on"]);
    expect(vocab.stoi.get("cat")).toBe(4);
    expect(vocab.has("cow")).toBe(false);
    expect(vocab.encode(["the", "cow", "sat"])).toEqual([2, 1, 3]);
    expect(vocab.indexOf("zebra")).toBe(1);
    expect(vocab.decode([2, 4, 3])).toEqual(["the", "cat", "sat"]);
    const ids = tf.tensor1d([5, 0], "int32");
    const before = tf.memory().numTensors;
    expect(vocab.decode(ids)).toEqual(["dog", "<pad>"]);
    expect(tf.memory().numTensors).toBe(before);
    ids.dispose();
  });

  it("padBatch pads with <pad> to the longest sequence, or to maxLen (cutting longer ones)", () => {
    noLeak(
      () => vocab.padBatch([[2, 4], [5], [2, 3, 7]]),
      (t) => {
        expect(t.dtype).toBe("int32");
        expect(t.shape).toEqual([3, 3]);
        expect(t.arraySync()).toEqual([[2, 4, 0], [5, 0, 0], [2, 3, 7]]);
      },
    );
    noLeak(
      () => vocab.padBatch([["the", "cat"], ["dog"]], { maxLen: 1 }),
      (t) => expect(t.arraySync()).toEqual([[2], [5]]),
    );
    noLeak(
      () => vocab.padBatch([new Int32Array([3])], { maxLen: 3, padIndex: 1 }),
      (t) => expect(t.arraySync()).toEqual([[3, 1, 1]]),
    );
    noLeak(
      () => vocab.padBatch([]),
      (t) => expect(t.shape).toEqual([0, 0]),
    );
  });

  it("without <unk>, unknown tokens throw; defaultIndex can be set and cleared", () => {
    const v = buildVocab(["a", "b"], { specials: ["<pad>"] });
    expect(v.defaultIndex).toBeNull();
    throwsClean(() => v.encode(["a", "zz"]), RangeError, /^Vocab\.encode: expected tokens\[1\] to be in the vocabulary \(it has no defaultIndex\), but got "zz"$/);
    v.defaultIndex = 0;
    expect(v.encode(["zz"])).toEqual([0]);
    v.defaultIndex = null;
    throwsClean(() => v.indexOf("zz"), RangeError, /^Vocab\.indexOf: expected token to be in the vocabulary/);
    expect(() => (v.defaultIndex = 9)).toThrow(/^Vocab\.defaultIndex: expected defaultIndex to be an integer in \[0, 2\], but got 9$/);
  });

  it("padBatch and decode check ids; padBatch needs a padIndex when there is no <pad>", () => {
    throwsClean(() => vocab.padBatch([[2, 8]]), RangeError, /^Vocab\.padBatch: expected sequences\[0\]\[1\] to be an id in \[0, 7\], but got 8$/);
    throwsClean(() => vocab.padBatch([[2, 1.5]]), TypeError, /^Vocab\.padBatch: expected sequences\[0\]\[1\] to be an integer id, but got 1\.5$/);
    throwsClean(() => vocab.padBatch([[2]], { maxLen: -1 }), RangeError, /^Vocab\.padBatch: expected options\.maxLen to be an integer >= 0, but got -1$/);
    throwsClean(() => vocab.padBatch([5] as never), TypeError, /^Vocab\.padBatch: expected sequences\[0\] to be an array of ids or tokens, but got 5$/);
    const noPad = new Vocab(["x", "y"]);
    throwsClean(() => noPad.padBatch([[0]]), TypeError, /^Vocab\.padBatch: expected options\.padIndex to be an integer \(this vocabulary has no "<pad>" token\), but got undefined$/);
    throwsClean(() => vocab.decode([-1]), RangeError, /^Vocab\.decode: expected ids\[0\] to be an id in \[0, 7\], but got -1$/);
    const f = tf.tensor1d([1], "float32");
    throwsClean(() => vocab.decode(f), TypeError, /^Vocab\.decode: expected ids to be a 1-D int32 tensor, but got a float32 tensor of shape \[1\]$/);
    f.dispose();
    throwsClean(() => vocab.encode("the cat" as never), TypeError, /^Vocab\.encode: expected tokens to be an array of strings \(see tokenize\(text\)\), but got "the cat"$/);
    throwsClean(() => new Vocab(["a", "b", "a"]), TypeError, /^Vocab: expected itos\[2\] to be a token not already at index 0, but got "a"$/);
  });

  it("toJSON / Vocab.fromJSON round trip", () => {
    const copy = Vocab.fromJSON(JSON.parse(JSON.stringify(vocab)));
    expect(copy.itos).toEqual(vocab.itos);
    expect(copy.defaultIndex).toBe(1);
    expect(copy.encode(["mat", "unknown"])).toEqual([6, 1]);
    throwsClean(() => Vocab.fromJSON({ kind: "LabelEncoder" } as never), TypeError, /^Vocab\.fromJSON: expected json to be an object with kind "Vocab", but got an object$/);
  });
});

describe("decode(encode(tokens)) round-trips for known tokens (property)", () => {
  it("holds for random corpora of Unicode tokens", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }), { maxLength: 12 }), { minLength: 1, maxLength: 8 }),
        (corpus) => {
          const v = buildVocab(corpus);
          for (const sentence of corpus) {
            const known = sentence.filter((t) => t !== "<pad>" && t !== "<unk>");
            expect(v.decode(v.encode(known))).toEqual(known);
          }
          expect(new Set(v.itos).size).toBe(v.size);
        },
      ),
      { seed: 11, numRuns: 100 },
    );
  });
});

describe("tokenize", () => {
  it("splits words, single punctuation marks, CJK characters and emoji", () => {
    expect(tokenize("The cat's naïve, 2 猫!")).toEqual(["the", "cat", "'", "s", "naïve", ",", "2", "猫", "!"]);
    expect(tokenize("東京タワー")).toEqual(["東", "京", "タ", "ワ", "ー"]);
    expect(tokenize("Hi 👋🏽 👩‍💻!", { lower: false })).toEqual(["Hi", "👋🏽", "👩‍💻", "!"]);
    expect(tokenize("Straße über слово 3.14")).toEqual(["straße", "über", "слово", "3", ".", "14"]);
    expect(tokenize("  \n\t ")).toEqual([]);
  });

  it("rejects non-strings and bad options", () => {
    throwsClean(() => tokenize(["a"] as never), TypeError, /^tokenize: expected text to be a string, but got an array of length 1$/);
    throwsClean(() => tokenize("a", { lower: 1 as never }), TypeError, /^tokenize: expected options\.lower to be a boolean, but got 1$/);
    throwsClean(() => tokenize("a", { lowercase: true } as never), TypeError, /^tokenize: unknown option "lowercase"; allowed options are lower$/);
  });
});
