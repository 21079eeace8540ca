import { describe, expect, it } from "vitest";
import { tf, validate } from "@embedlab/core";

describe("validate", () => {
  it("describe(tensor) picks the article from the dtype and spaces the shape", () => {
    const i = tf.zeros([2, 10, 16], "int32");
    const f = tf.zeros([3], "float32");
    expect(validate.describe(i)).toBe("an int32 tensor of shape [2, 10, 16]");
    expect(validate.describe(f)).toBe("a float32 tensor of shape [3]");
    expect(validate.describe(tf.scalar(1))).toBe("a float32 tensor of shape []");
    tf.dispose([i, f]);
  });

  it("describe(typed array) and describe(instance) use the right article too", () => {
    expect(validate.describe(new Int32Array(4))).toBe("an Int32Array of length 4");
    expect(validate.describe(new Float32Array(2))).toBe("a Float32Array of length 2");
    expect(validate.describe(new Map())).toBe("a Map");
    expect(validate.describe({ dtype: "int32" })).toBe("an object");
  });

  it("checkBool / checkString / checkStrings throw in the house format", () => {
    expect(() => validate.checkBool("f", "flag", 1)).toThrow(/^f: expected flag to be a boolean, but got 1$/);
    expect(() => validate.checkString("f", "name", null)).toThrow(/^f: expected name to be a string, but got null$/);
    expect(() => validate.checkStrings("f", "labels", ["a", 2])).toThrow(/^f: expected labels\[1\] to be a string, but got 2$/);
    expect(() => validate.checkStrings("f", "labels", ["a"], 2)).toThrow(RangeError);
    expect(() => validate.checkStrings("f", "labels", ["a"], 2)).toThrow(/^f: expected labels\.length to be 2 \(one per row\), but got 1$/);
    expect(validate.checkStrings("f", "labels", ["a", "b"], 2)).toEqual(["a", "b"]);
  });
});
