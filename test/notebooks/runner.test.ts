import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: plain ESM script without types
import { NotebookError, runNotebook } from "../../scripts/run-notebooks.mjs";

const root = join(__dirname, "../..");
const out = () => mkdtempSync(join(tmpdir(), "embedlab-nb-"));

describe("scripts/run-notebooks", () => {
  it("executes 00-hello on the embedlab kernel with the built packages and exports HTML", () => {
    const dir = out();
    const { ipynb, html, notebook } = runNotebook(join(root, "notebooks/00-hello.ipynb"), { outDir: dir });
    expect(ipynb).toBe(join(dir, "00-hello.ipynb"));
    const text = notebook.cells
      .flatMap((c: { outputs?: { text?: string[] }[] }) => c.outputs ?? [])
      .map((o: { text?: string[] }) => (o.text ?? []).join(""))
      .join("\n");
    // ready() ran in the kernel (the prelude started it quietly) and the notebook's own call said
    // which backend it chose, once, in one line, without tfjs's banner
    expect(text.match(/^embedlab: backend (wasm|tensorflow)\b.*$/gm)).toHaveLength(1);
    expect(text).toMatch(/name: 'wasm'/);
    expect(text).not.toMatch(/Hi, looks like you are running TensorFlow\.js/);
    expect(readFileSync(html, "utf8")).toMatch(/<html/);
  }, 180_000);

  it("runs a notebook on the kernel it names: embedlab-zh sets EMBEDLAB_LANG=zh, so tr() picks the Chinese; --kernel overrides", () => {
    const outputOf = (nb: { cells: { outputs?: { text?: string[] }[] }[] }) => (nb.cells[0].outputs ?? []).flatMap((o) => o.text ?? []).join("");
    const zh = runNotebook(join(root, "test/fixtures/notebooks/zh-kernel.ipynb"), { outDir: out() });
    expect(outputOf(zh.notebook)).toBe("zh zh 损失\n");
    const en = runNotebook(join(root, "test/fixtures/notebooks/zh-kernel.ipynb"), { outDir: out(), kernel: "embedlab", env: { EMBEDLAB_LANG: "" } });
    expect(outputOf(en.notebook)).toBe(" en loss\n");
  }, 180_000);

  it("reports the failed cell's number and error text when a cell throws", () => {
    let err: unknown;
    try {
      runNotebook(join(root, "test/fixtures/notebooks/failing.ipynb"), { outDir: out() });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NotebookError);
    const e = err as { cell: number; text: string; message: string; otherFailures: { cell: number; text: string }[]; notebook: { cells: { outputs?: { text?: string[] }[] }[] } };
    expect(e.cell).toBe(3);
    expect(e.text).toMatch(/RangeError: deliberate failure in cell 3/);
    expect(e.message).toMatch(/^failing\.ipynb: cell 3 failed:/);
    // the kernel honours stop_on_error: false, so the cells after the failure ran
    expect((e.notebook.cells[3].outputs ?? []).flatMap((o) => o.text ?? []).join("")).toBe("ran after the failure 2\n");
    expect(e.otherFailures.map((f) => f.cell)).toEqual([5]);
    expect(e.otherFailures[0].text).toMatch(/Cannot find name 'undefinedName'/);
    expect(e.message).toMatch(/\(cells 5 failed too\)$/);
  }, 180_000);

  it("reports a TypeScript compile error as a failed cell", () => {
    expect(() => runNotebook(join(root, "test/fixtures/notebooks/type-error.ipynb"), { outDir: out() })).toThrow(
      /cell 1 failed:[\s\S]*not assignable to type 'number'/,
    );
  }, 180_000);
});
