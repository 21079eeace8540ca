// compareAnswer, the comparison behind check(), on cases the walkthrough exercises do not reach.
import { describe, expect, it } from "vitest";
import { ready, tf } from "@embedlab/core";
import { compareAnswer, DEFAULT_TOLERANCE, formatValue, shapeOf } from "../../packages/display/src/exercises/compareAnswer";

describe("compareAnswer", () => {
  it("uses |a − e| <= 1e-6 + 1e-5·|e| by default, and the tolerance an exercise gives", () => {
    expect(DEFAULT_TOLERANCE).toEqual({ atol: 1e-6, rtol: 1e-5 });
    expect(compareAnswer(1000, 1000.009)).toEqual([]);                 // 9e-3 <= 1e-6 + 1e-2
    expect(compareAnswer(1000, 1000.02)).toMatchObject([{ kind: "value" }]);
    expect(compareAnswer(0, 9e-7)).toEqual([]);
    expect(compareAnswer(0, 2e-6)).toMatchObject([{ kind: "value" }]);
    expect(compareAnswer(0.5, 0.52, { atol: 0.05 })).toEqual([]);
    expect(compareAnswer(2, 3)).toMatchObject([{ kind: "value", expected: 2, actual: 3 }]);
  });

  it("treats NaN as equal to NaN and infinities exactly; a sign flip of zero is not a sign error", () => {
    expect(compareAnswer([NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity])).toEqual([]);
    expect(compareAnswer([NaN, Infinity], [0, 1e308])).toMatchObject([{ kind: "value", path: "[0]" }, { kind: "value", path: "[1]" }]);
    expect(compareAnswer(0, -0)).toEqual([]);
    expect(compareAnswer(-2.5, 2.5)).toMatchObject([{ kind: "sign" }]);
  });

  it("compares sets with duplicates counted, and names missing and extra items", () => {
    const opts = { unordered: [""] };
    expect(compareAnswer(["a", "b", "b"], ["b", "a", "b"], opts)).toEqual([]);
    expect(compareAnswer(["a", "b", "b"], ["b", "a", "c"], opts)).toMatchObject([{ kind: "missing", expected: "b" }, { kind: "extra", actual: "c" }]);
    expect(compareAnswer(["a", "b"], ["b", "a"])).toMatchObject([{ kind: "value", path: "[0]" }, { kind: "value", path: "[1]" }]); // ordered unless told
  });

  it("reports a nested shape before any value, and compares ragged arrays item by item", () => {
    expect(shapeOf([[1, 2, 3], [4, 5, 6]])).toEqual([2, 3]);
    expect(shapeOf([[1], [2, 3]])).toBeNull();
    expect(compareAnswer([[1, 2, 3], [4, 5, 6]], [[1, 2], [3, 4], [5, 6]])).toMatchObject([{ kind: "shape", expected: [2, 3], actual: [3, 2] }]);
    expect(compareAnswer([[1], [2, 3]], [[1], [2, 4]])).toMatchObject([{ kind: "value", path: "[1][1]" }]);
    expect(compareAnswer([[1], [2, 3]], [[1], [2]])).toMatchObject([{ kind: "shape", path: "[1]", expected: [2], actual: [1] }]);
  });

  it("names nested keys with dots, and the type when an object, array or number is something else", () => {
    expect(compareAnswer({ a: { b: 1 } }, { a: { b: 2 } })).toMatchObject([{ kind: "value", path: "a.b" }]);
    expect(compareAnswer({ a: { b: 1 } }, { a: { c: 1 } })).toMatchObject([{ kind: "missing", path: "a.b" }, { kind: "extra", path: "a.c" }]);
    expect(compareAnswer({ a: 1 }, [1])).toMatchObject([{ kind: "type", path: "" }]);
    expect(compareAnswer([1], 1)).toMatchObject([{ kind: "type", path: "" }]);
    expect(compareAnswer(true, "true")).toMatchObject([{ kind: "type" }]);
    expect(compareAnswer(null, 0)).toMatchObject([{ kind: "type" }]);
    expect(() => compareAnswer(new Map(), 1)).toThrow(/^compareAnswer: expected the expected answer to be plain data, but got an object$/);
  });

  it("reads a live tensor's values and calls a disposed one what it is", async () => {
    await ready({ quiet: true });
    const t = tf.tensor1d([1, 2]);
    expect(compareAnswer([1, 2], t)).toEqual([]);
    t.dispose();
    expect(compareAnswer([1, 2], t)).toMatchObject([{ kind: "type", message: "the answer: expected an array ([1, 2]), but got a disposed tensor (shape [2])" }]);
  });

  it("prints values briefly: 6 significant digits, at most 8 items of an array", () => {
    expect(formatValue(Math.PI)).toBe("3.14159");
    expect(formatValue([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe("[1, 2, 3, 4, 5, 6, 7, 8, … (10 items)]");
    expect(formatValue("x")).toBe('"x"');
    expect(formatValue({ a: 1, b: 2 })).toBe("{ a, b }");
  });
});
