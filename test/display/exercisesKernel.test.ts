// A learner's notebook calls check() on the embedlab kernel: `import { check } from
// "@embedlab/display"` compiles under tslab, the awaited result renders as HTML when it is the
// cell's last value and prints as text with console.log, in English or (EMBEDLAB_LANG=zh) Chinese.
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: plain ESM script without types
import { runNotebook } from "../../scripts/run-notebooks.mjs";

const fixture = join(__dirname, "../fixtures/notebooks/check.ipynb");
type Output = { output_type: string; data?: Record<string, string | string[]>; text?: string | string[] };
const joined = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : s ?? "");

function run(env: Record<string, string>) {
  const { notebook } = runNotebook(fixture, { outDir: mkdtempSync(join(tmpdir(), "embedlab-check-")), env });
  return (notebook.cells as { outputs?: Output[] }[]).map((c) => c.outputs ?? []);
}

describe("check() in the embedlab kernel", () => {
  it("renders the verdict as HTML as a cell's last value and prints it as text, in English and in Chinese", () => {
    for (const [env, right, wrong, printed, unawaited] of [
      [{}, "✓ 03.1: right.", "✗ 03.1: not yet", "base100: expected 20, got 19", "write `await check(…)`"],
      [{ EMBEDLAB_LANG: "zh" }, "✓ 03.1：答对了。", "✗ 03.1：还不对", "base100：应为 20，实际是 19", "请写 `await check(…)`"],
    ] as const) {
      const outputs = run(env);
      const display = (k: number) => outputs[k].find((o) => o.output_type === "display_data" || o.output_type === "execute_result");
      expect(joined(display(1)?.data?.["text/html"])).toContain('data-ok="true"');
      expect(joined(display(1)?.data?.["text/plain"])).toBe(right);
      expect(joined(display(2)?.data?.["text/html"])).toContain('data-ok="false"');
      expect(joined(display(2)?.data?.["text/plain"])).toContain(wrong);
      expect(outputs[3].filter((o) => o.output_type === "stream").map((o) => joined(o.text)).join("")).toContain(printed);
      // without await: a hint, not "Promise { <pending> }"
      expect(outputs[4].map((o) => joined(o.text) + joined(o.data?.["text/plain"])).join("")).toContain(unawaited);
    }
  }, 300_000);
});

describe("the Solutions cells' code, pasted into a notebook", () => {
  it("runs on the embedlab kernel and passes check() for every exercise of 01–07", async () => {
    // @ts-expect-error: plain ESM script without types
    const { exerciseNotebooks, solutionBlocks, solutionImports } = await import("../../scripts/solutions.mjs");
    const cells: string[] = ['import { check } from "@embedlab/display";'];
    const calls: string[] = [];
    for (const nn of exerciseNotebooks() as string[]) {
      cells.push((solutionImports(nn) as string[]).join("\n"));
      for (const b of solutionBlocks(nn) as { id: string; code: string }[]) {
        cells.push(b.code);
        calls.push(`console.log((await check("${b.id}", await ${/async function (\w+)\(/.exec(b.code)?.[1]}())).message);`);
      }
    }
    cells.push(calls.join("\n"));
    const nb = {
      cells: cells.map((source, i) => ({ cell_type: "code", execution_count: null, id: `paste-${i}`, metadata: {}, outputs: [], source })),
      metadata: { kernelspec: { display_name: "TypeScript (embedlab)", language: "typescript", name: "embedlab" }, language_info: { name: "typescript" } },
      nbformat: 4, nbformat_minor: 5,
    };
    mkdirSync(join(__dirname, "../../build"), { recursive: true });
    const dir = mkdtempSync(join(__dirname, "../../build/paste-")); // inside the repository: the kernel resolves @embedlab/* from the notebook's folder
    const path = join(dir, "pasted.ipynb");
    writeFileSync(path, JSON.stringify(nb));
    let notebook: { cells: { outputs?: Output[] }[] };
    try {
      ({ notebook } = runNotebook(path, { outDir: join(dir, "out") }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const printed = notebook.cells.at(-1)?.outputs?.filter((o) => o.output_type === "stream").map((o) => joined(o.text)).join("") ?? "";
    expect(printed.trim().split("\n")).toEqual(calls.map((c) => `✓ ${/check\("([\d.]+)"/.exec(c)?.[1]}: right.`));
  }, 600_000);
});
