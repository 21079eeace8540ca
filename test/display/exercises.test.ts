import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { ready, tf } from "@embedlab/core";
import { check, CheckResult, exerciseIds, setLanguage, toBundle, View } from "@embedlab/display";
import { CASES } from "./exercisesCases";
import { itChecks } from "./exerciseRuns";

beforeAll(async () => {
  await ready({ quiet: true });
});
afterEach(() => setLanguage(undefined));

describe("check(exerciseId, answer): the machinery", () => {
  it("exerciseIds() lists every exercise of 01–07, numbered 1, 2, … within each walkthrough, and each has a test case", () => {
    const ids = exerciseIds();
    expect(ids).toHaveLength(29);
    for (const nn of ["01", "02", "03", "04", "05", "06", "07"]) {
      const own = ids.filter((id) => id.startsWith(`${nn}.`));
      expect(own.length, nn).toBeGreaterThan(0);
      expect(own).toEqual(own.map((_, k) => `${nn}.${k + 1}`));
    }
    expect(CASES.map((c) => c.id)).toEqual(ids);
  });

  it("an unknown id is a RangeError listing the ids; a non-string id a TypeError", async () => {
    await expect(check("9.9", 1)).rejects.toThrow(/^check: expected exerciseId to be one of "01\.1", "01\.2", .*"07\.4", but got "9\.9"$/);
    await expect(check("01.6", 1)).rejects.toThrow(RangeError);
    await expect(check(11 as unknown as string, 1)).rejects.toThrow(/^check: expected exerciseId to be an exercise id like "01\.1" \(29 exercises\), but got 11$/);
    await expect(check(11 as unknown as string, 1)).rejects.toThrow(TypeError);
  });

  it("names a wrong type, a missing key and a key that is not part of the answer", async () => {
    expect((await check("03.1", "5")).differences).toMatchObject([{ kind: "type", path: "", expected: 5, actual: "5" }]);
    expect((await check("03.1", "5")).differences[0].message).toBe('the answer: expected a number, but got a string ("5")');
    expect((await check("01.1", { shape: [2, 2, 3] })).differences).toMatchObject([{ kind: "missing", path: "position" }]);
    const extra = await check("01.1", { shape: [2, 2, 3], position: [1, 0, 2], positon: 1 });
    expect(extra.differences).toMatchObject([{ kind: "extra", path: "positon" }]);
    expect(extra.differences[0].message).toBe('key "positon" is not part of the answer (expected keys: shape, position)');
    expect((await check("01.5", { shared: ["bird", "fish", "cow", "duck", "cat"], cancelling: ["cow", "bird"] })).differences).toMatchObject([{ kind: "extra", path: "shared", actual: "cat" }]);
    expect((await check("01.1", [2, 2, 3])).differences).toMatchObject([{ kind: "type", path: "" }]);
  });

  it("compares numbers within 1e-6 + 1e-5·|expected|, names a flipped sign, and a nested shape", async () => {
    const ok = await check("07.2", { slopes: [1 / 16 + 1e-7, 1 / 256], penaltyAt31: [31 / 16 * (1 + 5e-6), 31 / 256] });
    expect(ok.ok).toBe(true);
    const off = await check("07.2", { slopes: [1 / 16 + 1e-3, 1 / 256], penaltyAt31: [31 / 16, -31 / 256] });
    expect(off.differences).toMatchObject([{ kind: "value", path: "slopes[0]" }, { kind: "sign", path: "penaltyAt31[1]" }]);
    expect(off.differences[0].message).toBe("slopes[0]: expected 0.0625, got 0.0635");
    expect(off.differences[1].message).toBe("penaltyAt31[1]: the sign is wrong: expected 0.121094, got -0.121094");
    const shape = await check("07.4", [[1, 0], [0.5, 0.5]]);
    expect(shape.differences).toMatchObject([{ kind: "shape", path: "", expected: [5, 5], actual: [2, 2] }]);
    expect(shape.differences[0].message).toBe("the answer has shape [2, 2], expected [5, 5]");
  });

  it("lists at most 8 differences and counts the rest", async () => {
    const r = await check("07.4", [0, 1, 2, 3, 4].map(() => [0.2, 0.2, 0.2, 0.2, 0.2]));
    expect(r.differences).toHaveLength(8);
    expect(r.differences[7].message).toMatch(/\(and 12 more differences\)$/); // 20 of the 25 entries differ: all but the last row
  });

  it("returns a View: a box with a table of differences as a cell's last value, lines of text when printed", async () => {
    const wrong = await check("03.1", 0);
    expect(wrong).toBeInstanceOf(CheckResult);
    expect(wrong).toBeInstanceOf(View);
    expect(wrong.text).toBe("✗ 03.1: not yet — 1 difference from the worked solution's answer:\n  - the answer: expected 5, got 0");
    expect(String(wrong)).toBe(wrong.text);
    const bundle = toBundle(wrong);
    expect(bundle["text/plain"]).toBe(wrong.text);
    expect(bundle["text/html"]).toContain('data-ok="false"');
    expect(bundle["text/html"]).toMatch(/<td class="el-text">the answer: expected 5, got 0<\/td>/);
    expect(bundle["image/png"]).toBeUndefined(); // no figure, no picture
    const right = await check("03.1", 5);
    expect(toBundle(right)["text/html"]).toContain('data-ok="true"');
    expect((right as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]()["text/plain"]).toBe("✓ 03.1: right.");
  });

  it("speaks Chinese when lang() is zh", async () => {
    setLanguage("zh");
    const r = await check("03.1", 0);
    expect(r.message).toBe("✗ 03.1：还不对——与参考答案有 1 处不同：");
    expect(r.differences[0].message).toBe("答案：应为 5，实际是 0");
    expect(toBundle(r)["text/html"]).toContain('<th>不同之处</th><th>差异</th></tr></thead><tbody><tr><td class="el-text">（答案本身）</td><td class="el-text">答案：应为 5，实际是 0</td><td class="el-text">数值</td></tr>');
    expect((await check("03.1", 5)).message).toBe("✓ 03.1：答对了。");
    expect((await check("01.1", { shape: [2, 3], position: [1, 0, 2] })).differences[0].message).toBe("shape有 2 项，应为 3 项");
  });

  it("check(…) without await prints a hint to await it, not Promise { <pending> }", async () => {
    const pending = check("03.1", 5);
    expect(inspect(pending)).toBe("check(…) runs asynchronously: write `await check(…)` to see the verdict.");
    expect((await pending).ok).toBe(true);
    setLanguage("zh");
    expect(inspect(check("03.1", 5))).toBe("check(…) 是异步的：请写 `await check(…)` 来查看结果。");
  });

  it("reads tensors, typed arrays and Sets as arrays, and does not dispose the learner's tensor", async () => {
    const t = tf.tensor2d([[1, 0, 0, 0, 0], [0.5, 0.5, 0, 0, 0], [1 / 3, 1 / 3, 1 / 3, 0, 0], [0.25, 0.25, 0.25, 0.25, 0], [0.2, 0.2, 0.2, 0.2, 0.2]]);
    expect((await check("07.4", t)).ok).toBe(true);
    expect(t.isDisposed).toBe(false);
    t.dispose();
    expect((await check("01.5", { shared: new Set(["duck", "cow", "fish", "bird"]), cancelling: new Set(["cow", "bird"]) })).ok).toBe(true);
    expect((await check("03.2", new Float32Array([1, 1, 1]))).ok).toBe(true);
  });
});

describe("check(): every exercise of 01, 02, 03 and 07", () => {
  for (const c of CASES.filter((x) => /^0[1237]\./.test(x.id))) itChecks(c);
});
