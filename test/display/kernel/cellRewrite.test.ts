// The cell rewrite the embedlab kernel applies before tslab converts a cell (fast: no kernel; the
// kernel-protocol tests in cells.test.ts run the same code inside the kernel).
import { describe, expect, it } from "vitest";
import { declaredNames, lineAndCharacter, rewriteCell } from "../../../packages/display/src/kernel/cellRewrite";

const prev = declaredNames(`declare const ids: number[];
declare let q: number, r: string;
declare function double(n: number): number;
declare class Box {}
declare enum Color { Red }
import { oneHot as hot, tf } from "@embedlab/core";
import * as path from "path";
import fs from "fs";
interface OnlyAType { a: number }
type AlsoAType = string;
`);

describe("declaredNames(prevDecl)", () => {
  it("lists the value names of tslab's declarations of earlier cells", () => {
    expect([...prev].sort()).toEqual(["Box", "Color", "double", "fs", "hot", "ids", "path", "q", "r", "tf"]);
    expect(declaredNames("").size).toBe(0);
  });
});

describe("rewriteCell(src, prevNames)", () => {
  it("rewrites shorthand properties naming earlier declarations, and only those", () => {
    expect(rewriteCell("const o = { ids, local, double, hot };", prev).source).toBe("const o = { ids: ids, local, double: double, hot: hot };");
    expect(rewriteCell("f({ a: { ids } }, [{ tf }]);", prev).source).toBe("f({ a: { ids: ids } }, [{ tf: tf }]);");
  });

  it("rewrites shorthand with a default in a destructuring assignment; leaves declarations alone", () => {
    expect(rewriteCell("({ q = 1, r } = o);", prev).source).toBe("({ q: q = 1, r: r } = o);");
    // a binding pattern declares a new name: nothing to rewrite
    expect(rewriteCell("const { ids = [] } = o;", prev).edits).toEqual([]);
  });

  it("leaves text that only looks like a shorthand alone (strings, comments, templates, types)", () => {
    const src = "const s = '{ ids }'; // { ids }\nconst t = `{ ids }`;\nlet u: { ids: number };";
    expect(rewriteCell(src, prev).source).toBe(src);
  });

  it("turns import x = require() into a typed const, and drops export", () => {
    expect(rewriteCell('import os = require("os");', prev).source).toBe('const os: typeof import("os") = require("os");');
    expect(rewriteCell("export const z = 1;\nexport  function g() {}\nexport default 3;", prev).source).toBe("const z = 1;\nfunction g() {}\nexport default 3;");
    expect(rewriteCell("export { ids, z as zed, type T };", prev).source).toBe("const zed = z;");
    // import type / export import / export ... from stay as written
    for (const src of ['import type T = require("os");', 'export import os = require("os");', 'export { a } from "m";']) {
      expect(rewriteCell(src, prev).source).toBe(src);
    }
  });

  it("maps offsets in the rewritten cell back to the cell as written", () => {
    const src = "const o = { ids, q };\nconst bad: string = 1;";
    const rw = rewriteCell(src, prev);
    const at = rw.source.indexOf("bad");
    expect(rw.originalOffset(at)).toBe(src.indexOf("bad"));
    expect(lineAndCharacter(src, rw.originalOffset(at))).toEqual({ line: 1, character: 6 });
    // inside an inserted text: the place it was inserted at
    expect(rw.originalOffset(rw.source.indexOf(": ids") + 2)).toBe(src.indexOf(", q"));
    expect(rw.originalOffset(0)).toBe(0);
  });
});
