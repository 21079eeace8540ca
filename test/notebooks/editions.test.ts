// The two editions of the walkthroughs can't drift: every markdown cell of a source notebook has
// its Chinese (written for the current English), notebooks/zh/ is what scripts/editions.mjs writes,
// and the code cells of each Chinese edition are the English source's, cell by cell.
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error: plain ESM script without types
import { ZH_DIR, SOURCE_DIR, problems, sources } from "../../scripts/editions.mjs";

interface Cell { cell_type: string; source: string | string[]; metadata?: Record<string, unknown>; outputs?: unknown[] }
interface Notebook { cells: Cell[]; metadata: { kernelspec: { name: string; display_name: string } } }
const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join("") : t ?? "");
const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Notebook;
const files: string[] = sources();
const chapters = JSON.parse(readFileSync(join(__dirname, "../../scripts/book-chapters.json"), "utf8")) as Record<string, { en: string; zh: string }>;
const han = /\p{Script=Han}/u;

describe("the two editions", () => {
  it("scripts/editions.mjs finds no problem: every markdown cell has Chinese, none stale, notebooks/zh/ up to date", () => {
    expect(files.length).toBe(8);
    expect(problems()).toEqual([]);
  });

  for (const f of files) {
    it(`zh/${f} has the English source's code cells, cell by cell, and Chinese prose, on the embedlab-zh kernel`, () => {
      const zhPath = join(ZH_DIR, f);
      expect(existsSync(zhPath), `notebooks/zh/${f} is missing: run \`node scripts/editions.mjs write\``).toBe(true);
      const [en, zh] = [read(join(SOURCE_DIR, f)), read(zhPath)];
      expect(zh.metadata.kernelspec).toEqual({ display_name: "TypeScript (embedlab, 中文)", language: "typescript", name: "embedlab-zh" });
      expect(zh.cells.map((c) => c.cell_type), "the cell kinds, in order").toEqual(en.cells.map((c) => c.cell_type));
      en.cells.forEach((cell, i) => {
        const other = zh.cells[i];
        if (cell.cell_type === "code") {
          expect(text(other.source), `${f}: code cell ${i} differs between the editions`).toBe(text(cell.source));
          expect(other.outputs ?? [], `${f}: code cell ${i} of the zh edition has outputs`).toEqual([]);
        } else if (cell.cell_type === "markdown") {
          expect(text(other.source), `${f}: markdown cell ${i} of the zh edition has no Chinese`).toMatch(han);
        }
      });
    });
  }

  it("the book has a line for every walkthrough in both languages (scripts/book-chapters.json)", () => {
    expect(Object.keys(chapters).sort()).toEqual(files.map((f) => f.replace(/\.ipynb$/, "")));
    for (const [name, line] of Object.entries(chapters)) {
      expect(line.en, name).toMatch(/^[^\p{Script=Han}]{20,}$/u);
      expect(line.zh, name).toMatch(han);
    }
  });
});
