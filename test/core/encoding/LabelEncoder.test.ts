import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LabelEncoder, tf } from "@embedlab/core";
import { fixture, throwsClean } from "./helpers";

interface Case {
  labels: (string | number)[];
  classes: (string | number)[];
  codes: number[];
}
const { cases } = fixture<{ cases: Case[] }>("label.json");

describe("LabelEncoder", () => {
  it("fit/transform equal sklearn's LabelEncoder on strings (code point order, CJK, emoji) and numbers", () => {
    for (const c of cases) {
      const enc = new LabelEncoder();
      const codes = enc.fitTransform(c.labels);
      expect(enc.classes).toEqual(c.classes);
      expect(codes).toBeInstanceOf(Int32Array);
      expect(Array.from(codes)).toEqual(c.codes);
      expect(enc.inverseTransform(codes)).toEqual(c.labels);
      expect(enc.numClasses).toBe(c.classes.length);
    }
  });

  it("sorts strings by code point, not UTF-16 unit: '\\uFF01' < '😀', and numbers numerically", () => {
    expect(new LabelEncoder().fit(["😀", "\uFF01", "b", "B"]).classes).toEqual(["B", "b", "\uFF01", "😀"]);
    expect(new LabelEncoder().fit([10, 9, -1, 100, 9]).classes).toEqual([-1, 9, 10, 100]);
  });

  it("the teaching example: red, blue, green -> codes by sorted class", () => {
    const enc = new LabelEncoder().fit(["red", "blue", "green"]);
    expect(Array.from(enc.transform(["red", "blue", "green"]))).toEqual([2, 0, 1]);
  });

  it("an unseen label is an error listing up to 5 known classes", () => {
    const enc = new LabelEncoder().fit(["a", "b", "c", "d", "e", "f", "g"]);
    throwsClean(
      () => enc.transform(["a", "zebra"]),
      RangeError,
      /^LabelEncoder\.transform: expected labels\[1\] to be one of the 7 known classes \("a", "b", "c", "d", "e", … \(7 in all\)\), but got "zebra"$/,
    );
    const small = new LabelEncoder().fit([1, 2]);
    throwsClean(() => small.transform([3]), RangeError, /^LabelEncoder\.transform: expected labels\[0\] to be one of the 2 known classes \(1, 2\), but got 3$/);
    throwsClean(() => small.transform(["1"] as never), TypeError, /^LabelEncoder\.transform: expected labels\[0\] to be a number like the fitted classes, but got "1"$/);
  });

  it("unknown: 'use-index' maps unseen labels to the chosen index", () => {
    const enc = new LabelEncoder({ unknown: "use-index", unknownIndex: -1 }).fit(["x", "y"]);
    expect(Array.from(enc.transform(["y", "q", "x"]))).toEqual([1, -1, 0]);
    const enc2 = new LabelEncoder({ unknown: "use-index", unknownIndex: 2 }).fit(["x", "y"]);
    expect(Array.from(enc2.transform(["new"]))).toEqual([2]);
  });

  it("toJSON / LabelEncoder.fromJSON round-trip classes and the unknown policy", () => {
    const enc = new LabelEncoder({ unknown: "use-index", unknownIndex: 0 }).fit(["naïve", "猫", "cat"]);
    const copy = LabelEncoder.fromJSON(JSON.parse(JSON.stringify(enc)));
    expect(copy.classes).toEqual(["cat", "naïve", "猫"]);
    expect(copy.unknown).toBe("use-index");
    expect(Array.from(copy.transform(["猫", "dog"]))).toEqual([2, 0]);
    expect(copy.toJSON()).toEqual(enc.toJSON());
    throwsClean(() => LabelEncoder.fromJSON({ kind: "Vocab" } as never), TypeError, /^LabelEncoder\.fromJSON: expected json to be an object with kind "LabelEncoder", but got an object$/);
    throwsClean(
      () => LabelEncoder.fromJSON({ kind: "LabelEncoder", classes: ["b", "a"], unknown: "error" }),
      TypeError,
      /^LabelEncoder\.fromJSON: expected json\.classes to be sorted and distinct, but got an array of length 2$/,
    );
  });

  it("inverseTransform takes arrays, typed arrays and 1-D int32 tensors, and checks codes", () => {
    const enc = new LabelEncoder().fit(["a", "b", "c"]);
    const t = tf.tensor1d([2, 0], "int32");
    const before = tf.memory().numTensors;
    expect(enc.inverseTransform(t)).toEqual(["c", "a"]);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
    expect(enc.inverseTransform(new Int32Array([1]))).toEqual(["b"]);
    throwsClean(() => enc.inverseTransform([3]), RangeError, /^LabelEncoder\.inverseTransform: expected codes\[0\] to be an integer in \[0, 2\], but got 3$/);
    throwsClean(() => enc.inverseTransform([0, 1.5]), TypeError, /^LabelEncoder\.inverseTransform: expected codes\[1\] to be an integer, but got 1\.5$/);
    const f = tf.tensor1d([0], "float32");
    throwsClean(() => enc.inverseTransform(f), TypeError, /^LabelEncoder\.inverseTransform: expected codes to be a 1-D int32 tensor, but got a float32 tensor of shape \[1\]$/);
    f.dispose();
  });

  it("rejects mixed, empty and non-label input, bad options, and use before fit; a failed fit changes nothing", () => {
    throwsClean(() => new LabelEncoder().fit([]), RangeError, /^LabelEncoder\.fit: expected labels to be a non-empty array, but got an array of length 0$/);
    throwsClean(
      () => new LabelEncoder().fit(["a", 1]),
      TypeError,
      /^LabelEncoder\.fit: expected labels\[1\] to be a string like labels\[0\] \(labels must be all strings or all numbers\), but got 1$/,
    );
    throwsClean(() => new LabelEncoder().fit([1, NaN]), TypeError, /^LabelEncoder\.fit: expected labels\[1\] to be a string or a finite number, but got NaN$/);
    throwsClean(() => new LabelEncoder().fit("abc" as never), TypeError, /^LabelEncoder\.fit: expected labels to be an array of strings or numbers, but got "abc"$/);
    throwsClean(() => new LabelEncoder({ unknown: "ignore" as never }), TypeError, /^LabelEncoder: expected options\.unknown to be one of "error", "use-index", but got "ignore"$/);
    throwsClean(() => new LabelEncoder({ unknown: "use-index" }), TypeError, /^LabelEncoder: expected options\.unknownIndex to be an integer >= -1 when unknown is "use-index", but got undefined$/);
    throwsClean(() => new LabelEncoder({ unknownIndex: 3 }), TypeError, /^LabelEncoder: expected options\.unknownIndex to be undefined unless unknown is "use-index", but got 3$/);
    throwsClean(() => new LabelEncoder({ unknown: "use-index", unknownIndex: -2 }), RangeError, /^LabelEncoder: expected options\.unknownIndex to be an integer >= -1, but got -2$/);
    throwsClean(() => new LabelEncoder({ sort: false } as never), TypeError, /^LabelEncoder: unknown option "sort"; allowed options are unknown, unknownIndex$/);
    const enc = new LabelEncoder();
    expect(enc.fitted).toBe(false);
    throwsClean(() => enc.transform(["a"]), Error, /^LabelEncoder\.transform: this LabelEncoder is not fitted yet; call fit\(labels\) first$/);
    throwsClean(() => enc.classes, Error, /^LabelEncoder\.classes: this LabelEncoder is not fitted yet/);
    enc.fit(["a", "b"]);
    expect(() => enc.fit(["c", 2] as never)).toThrow(TypeError);
    expect(enc.classes).toEqual(["a", "b"]);
  });

  it("inverseTransform(transform(x)) = x (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.string({ unit: "binary" })), { minLength: 1, maxLength: 40 }), (labels) => {
        const enc = new LabelEncoder();
        const codes = enc.fitTransform(labels);
        expect(enc.inverseTransform(codes)).toEqual(labels);
        const points = (s: string) => [...s].map((ch) => ch.codePointAt(0) as number);
        for (let i = 1; i < enc.classes.length; i++) {
          const [a, b] = [points(enc.classes[i - 1] as string), points(enc.classes[i] as string)];
          const k = a.findIndex((p, j) => p !== b[j]);
          // Strictly increasing in code point order: a is a proper prefix of b, or differs lower.
          expect(k === -1 ? a.length < b.length : k < b.length && a[k] < b[k]).toBe(true);
        }
      }),
      { seed: 7, numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 40 }), (labels) => {
        const enc = new LabelEncoder();
        const back = enc.inverseTransform(enc.fitTransform(labels));
        // -0 and 0 are one class (as in numpy.unique), so compare by value.
        back.forEach((v, i) => expect(v === labels[i]).toBe(true));
        const cls = enc.classes as number[];
        for (let i = 1; i < cls.length; i++) expect(cls[i - 1]).toBeLessThan(cls[i]);
      }),
      { seed: 8, numRuns: 100 },
    );
  });
});
