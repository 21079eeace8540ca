import { beforeAll, describe, expect, it } from "vitest";
import { OneHotEncoder, ready, tf } from "@embedlab/core";
import { BACKENDS, fixture, noLeak, throwsClean } from "./helpers";

type Row = (string | number)[];
interface Case {
  drop: "first" | "if-binary" | null;
  categories: Row[];
  featureNames: string[];
  out: number[][];
}
const { train, test, cases } = fixture<{ train: Row[]; test: Row[]; cases: Case[] }>("one_hot_encoder.json");

describe.each(BACKENDS)("OneHotEncoder on %s", (backend) => {
  beforeAll(async () => {
    await ready({ backend, quiet: true });
    expect(tf.getBackend()).toBe(backend);
  });

  it("equals sklearn's OneHotEncoder(handle_unknown='ignore', drop=first|if_binary|None) on 3 mixed columns", () => {
    for (const c of cases) {
      const enc = new OneHotEncoder({ handleUnknown: "ignore", drop: c.drop }).fit(train);
      expect(enc.categories).toEqual(c.categories);
      expect(enc.featureNames(["color", "size", "n"])).toEqual(c.featureNames);
      expect(enc.numFeatures).toBe(c.featureNames.length);
      noLeak(
        () => enc.transform(test),
        (out) => {
          expect(out.dtype).toBe("float32");
          expect(out.shape).toEqual([test.length, c.featureNames.length]);
          expect(out.arraySync()).toEqual(c.out);
        },
      );
    }
  });

  it("inverseTransform gives back the rows; an all-zero block is the dropped category or null", () => {
    for (const c of cases) {
      const enc = new OneHotEncoder({ handleUnknown: "ignore", drop: c.drop }).fit(train);
      const before = tf.memory().numTensors;
      const back = enc.inverseTransform(c.out);
      expect(back.slice(0, 5)).toEqual(test.slice(0, 5));
      const m = enc.transform(train);
      expect(enc.inverseTransform(m)).toEqual(train);
      m.dispose();
      expect(tf.memory().numTensors).toBe(before);
      // Row 5 is ["purple", "M", 1]: colour unknown.
      expect(back[5][0]).toBe(c.drop === "first" ? c.categories[0][0] : null);
    }
  });

  it("the teaching example: cat, dog, bird as one column (flat array), explicit categories keep their order", () => {
    const enc = new OneHotEncoder({ categories: [["cat", "dog", "bird"]] }).fit(["cat", "dog", "bird"]);
    noLeak(
      () => enc.transform(["cat", "dog", "bird"]),
      (out) => expect(out.arraySync()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]),
    );
    expect(enc.featureNames()).toEqual(["x0_cat", "x0_dog", "x0_bird"]);
    expect(enc.dropIdx).toEqual([null]);
    const copy = OneHotEncoder.fromJSON(JSON.parse(JSON.stringify(enc)));
    expect(copy.toJSON()).toEqual(enc.toJSON());
    noLeak(
      () => copy.transform([["bird"]]),
      (out) => expect(out.arraySync()).toEqual([[0, 0, 1]]),
    );
  });

  it("drop: 'if-binary' drops only in two-category columns", () => {
    const enc = new OneHotEncoder({ drop: "if-binary" }).fit([["red", "S"], ["blue", "M"], ["green", "M"]]);
    expect(enc.featureNames(["color", "size"])).toEqual(["color_blue", "color_green", "color_red", "size_S"]);
    expect(enc.dropIdx).toEqual([null, 0]);
    noLeak(
      () => enc.transform([["blue", "M"], ["red", "S"]]),
      (out) => expect(out.arraySync()).toEqual([[1, 0, 0, 0], [0, 0, 1, 1]]),
    );
  });

  it("handleUnknown: 'error' names the value, its row and column, and the known categories", () => {
    const enc = new OneHotEncoder().fit([["a", 1], ["b", 2]]);
    throwsClean(
      () => enc.transform([["a", 1], ["c", 1]]),
      RangeError,
      /^OneHotEncoder\.transform: expected rows\[1\]\[0\] to be one of column 0's 2 categories \("a", "b"\), but got "c" \(pass handleUnknown: "ignore" for an all-zero block\)$/,
    );
    throwsClean(
      () => new OneHotEncoder({ categories: [["x", "y"]] }).fit([["x"], ["z"]]),
      RangeError,
      /^OneHotEncoder\.fit: expected rows\[1\]\[0\] to be one of column 0's 2 categories \("x", "y"\), but got "z"/,
    );
  });

  it("rejects bad rows, options and matrices; a failed call leaves no tensor and no half-fitted state", () => {
    const enc = new OneHotEncoder().fit([["a", 1], ["b", 2]]);
    throwsClean(() => enc.transform([["a"]]), RangeError, /^OneHotEncoder\.transform: expected rows to have 2 columns, but got 1$/);
    throwsClean(() => enc.transform([["a", 1], ["b"]]), TypeError, /^OneHotEncoder\.transform: expected rows\[1\] to be an array of 2 values like rows\[0\], but got an array of length 1$/);
    throwsClean(() => enc.transform([["a", "1"]]), TypeError, /^OneHotEncoder\.transform: expected rows\[0\]\[1\] to be a number like column 1's categories, but got "1"$/);
    throwsClean(
      () => new OneHotEncoder().fit([["a"], [3]]),
      TypeError,
      /^OneHotEncoder\.fit: expected rows\[1\]\[0\] to be a string like the rest of its column \(a column is all strings or all numbers\), but got 3$/,
    );
    throwsClean(() => new OneHotEncoder().fit([[null]] as never), TypeError, /^OneHotEncoder\.fit: expected rows\[0\]\[0\] to be a string or a finite number, but got null$/);
    throwsClean(() => new OneHotEncoder().fit([]), RangeError, /^OneHotEncoder\.fit: expected rows to be a non-empty array of rows, but got an array of length 0$/);
    throwsClean(() => new OneHotEncoder({ drop: "last" as never }), TypeError, /^OneHotEncoder: expected options\.drop to be one of "first", "if-binary", null, but got "last"$/);
    throwsClean(() => new OneHotEncoder({ handleUnknown: "zero" as never }), TypeError, /^OneHotEncoder: expected options\.handleUnknown to be one of "error", "ignore", but got "zero"$/);
    throwsClean(() => new OneHotEncoder({ categories: [["a", "a"]] }), TypeError, /^OneHotEncoder: expected options\.categories\[0\] to be distinct categories, but got an array of length 2$/);
    throwsClean(() => new OneHotEncoder({ sparse: true } as never), TypeError, /^OneHotEncoder: unknown option "sparse"; allowed options are categories, handleUnknown, drop$/);
    throwsClean(() => new OneHotEncoder().transform([["a"]]), Error, /^OneHotEncoder\.transform: this OneHotEncoder is not fitted yet; call fit\(rows\) first$/);
    throwsClean(() => enc.inverseTransform([[1, 1, 1, 0]]), RangeError, /^OneHotEncoder\.inverseTransform: expected row 0, column 0's block to be at most one 1, but got "1s at 0 and 1"$/);
    throwsClean(() => enc.inverseTransform([[0.5, 0, 1, 0]]), TypeError, /^OneHotEncoder\.inverseTransform: expected matrix\[0\]\[0\] to be 0 or 1, but got 0\.5$/);
    const wrong = tf.zeros([2, 3]);
    throwsClean(() => enc.inverseTransform(wrong), RangeError, /^OneHotEncoder\.inverseTransform: expected matrix to have shape \[N, 4\], but got shape \[2, 3\]$/);
    wrong.dispose();
    throwsClean(() => enc.featureNames(["only"]), TypeError, /^OneHotEncoder\.featureNames: expected inputNames to be an array of 2 strings \(one per column\), but got an array of length 1$/);
    expect(() => enc.fit([["q"], [1]])).toThrow(TypeError);
    expect(enc.categories).toEqual([["a", "b"], [1, 2]]);
  });
});
