// Idiomatic TypeScript across cells in the embedlab kernel, through the real kernel protocol:
// shorthand properties, `import x = require()`, `export` in a cell, re-declared consts, compile
// errors pointing at the user's column, and `stop_on_error: false`. One kernel for the file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelClient } from "./harness";

let k: KernelClient;
beforeAll(async () => {
  k = await KernelClient.start();
  // a first cell also publishes plotly.js and waits for the backend
  expect((await k.execute("1")).status).toBe("ok");
}, 180_000);
afterAll(async () => k?.close());

// a cell's last value prints as console.log prints it (strings without quotes)
const ok = async (code: string) => {
  const r = await k.execute(code, { stopOnError: false });
  expect(r.stderr).toBe("");
  expect(r.status).toBe("ok");
  return r.stdout.trim();
};

describe("the embedlab kernel across cells", () => {
  it("{ ids } names an earlier cell's const, function and import (shorthand properties)", async () => {
    await ok('const ids = [1, 2, 3];\nfunction double(n: number) { return 2 * n; }\nimport { oneHot } from "@embedlab/core";');
    expect(await ok("const o = { ids, double, oneHot };\n[o.ids.length, o.double(4), typeof o.oneHot].join(' ')")).toBe("3 8 function");
    // nested, in calls, in arrays of objects, beside a local of the same cell
    expect(await ok("const local = 1;\nJSON.stringify([{ ids, local }, { nested: { ids } }])")).toBe('[{"ids":[1,2,3],"local":1},{"nested":{"ids":[1,2,3]}}]');
  });

  it("({ name = default } = value) assigns an earlier cell's let (shorthand with a default)", async () => {
    await ok("let q = 1;\nlet r = 2;");
    expect(await ok("({ q = 7, r } = { q: undefined as number | undefined, r: 5 });\n`${q} ${r}`")).toBe("7 5");
    expect(await ok("q + r")).toBe("12");
  });

  it("import x = require() gives the module itself, typed", async () => {
    expect(await ok('import os = require("os");\nimport path = require("path");\npath.join("a", "b") + os.EOL.length')).toBe("a/b1");
    expect(await ok("typeof os.cpus")).toBe("function");
    const bad = await k.execute('import fs = require("fs");\nconst n: number = fs.readFileSync;', { stopOnError: false });
    expect(bad.status).toBe("error");
    expect(bad.stderr).toMatch(/^2:7 - Type '.*' is not assignable to type 'number'/);
  });

  it("export in a cell is accepted; export { a as b } declares b; export { ids } keeps ids", async () => {
    expect(await ok("export const z = 5;\nexport function inc(n: number) { return n + 1; }\ninc(z)")).toBe("6");
    expect(await ok("inc(z) + 1")).toBe("7");
    expect(await ok("export { ids };\nexport { z as zed };\nzed + ids.length")).toBe("8");
    expect(await ok("ids.length")).toBe("3");
  });

  it("a const re-declared in a later cell (a re-run, edited cell) replaces the old one", async () => {
    await ok("const rate = 0.1;");
    expect(await ok("const rate = 0.5;\nrate * 2")).toBe("1");
    expect(await ok("({ rate }).rate")).toBe("0.5");
  });

  it("a compile error after a rewritten shorthand points at the user's line and column", async () => {
    const r = await k.execute("const p = { ids, q };\nconst s: string = { ids }.ids.length + 1, t: number = 'x';", { stopOnError: false });
    expect(r.status).toBe("error");
    // column 7 is `s`, column 43 is `t` in the cell as written (not in the rewritten `{ ids: ids }`)
    expect(r.stderr).toMatch(/^2:7 - Type 'number' is not assignable to type 'string'\.\n2:43 - Type 'string' is not assignable to type 'number'\./);
  });

  it("stop_on_error: false lets the cells after a failing one run (nbconvert --allow-errors)", async () => {
    const [a, b, c] = await k.pipeline(["throw new RangeError('cell a fails');", "const after = 40;", "after + 2"], { stopOnError: false });
    expect(a.status).toBe("error");
    expect(a.stderr).toMatch(/RangeError: cell a fails/);
    expect([b.status, c.status]).toEqual(["ok", "ok"]);
    expect(c.stdout.trim()).toBe("42");
    // a failure right after a failure still runs alone
    const [d, e] = await k.pipeline(["undefinedName;", "after + 3"], { stopOnError: false });
    expect(d.status).toBe("error");
    expect(e.stdout.trim()).toBe("43");
  });

  it("stop_on_error: true (Jupyter's default) still aborts the queued cells after a failure", async () => {
    const [a, b] = await k.pipeline(["throw new Error('stop here');", "after + 1"], { stopOnError: true });
    expect(a.status).toBe("error");
    expect(b.status).toBe("abort");
    await new Promise((r) => setTimeout(r, 300)); // tslab's queue reopens 200 ms after a failure
    expect(await ok("after")).toBe("40");
  });
});
