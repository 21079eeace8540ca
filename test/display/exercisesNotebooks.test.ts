// The walkthroughs show each exercise's worked solution in a folded "Solutions" cell; the code shown
// must be the code check() runs. The notebook side is parsed here on its own; the source side is
// the marker regions of packages/display/src/exercises/exercisesNN.ts (scripts/solutions.mjs).
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { exerciseIds } from "@embedlab/display";
import { EXERCISES } from "../../packages/display/src/exercises/registry";
import { hashOf } from "../../scripts/editions.mjs";
import { exerciseNotebooks, solutionBlocks, solutionImports, stale } from "../../scripts/solutions.mjs";

const dir = join(__dirname, "../../notebooks");
type Cell = { cell_type: string; source: string | string[]; metadata?: { embedlab?: { zh?: string; zhOf?: string } } };
const text = (s: string | string[]) => (Array.isArray(s) ? s.join("") : s);
const notebook = (nn: string) => {
  const f = readdirSync(dir).find((n) => n.startsWith(`${nn}-`) && n.endsWith(".ipynb")) as string;
  return { f, cells: (JSON.parse(readFileSync(join(dir, f), "utf8")) as { cells: Cell[] }).cells };
};

/** The <details> blocks of a Solutions cell: summary, fenced ts code, the text after it, whether open. */
function detailsBlocks(markdown: string) {
  return [...markdown.matchAll(/<details( open)?><summary>(.*?)<\/summary>\n\n```ts\n([\s\S]*?)\n```\n\n([\s\S]*?)\n\n<\/details>/g)].map((m) => ({
    open: m[1] !== undefined, summary: m[2], code: m[3], explanation: m[4],
  }));
}

const walkthroughs = ["01", "02", "03", "04", "05", "06", "07"];

describe("the walkthroughs' exercises and worked solutions", () => {
  it("01–07 have exercise files; 00 has no Exercises cell", () => {
    expect(exerciseNotebooks()).toEqual(walkthroughs);
    expect(notebook("00").cells.some((c) => c.cell_type === "markdown" && text(c.source).startsWith("## Exercises"))).toBe(false);
  });

  for (const nn of walkthroughs) {
    it(`${nn}: each exercise line ends with its check("${nn}.k", …) call, in English and in Chinese`, () => {
      const { f, cells } = notebook(nn);
      const at = cells.findIndex((c) => c.cell_type === "markdown" && text(c.source).startsWith("## Exercises\n"));
      expect(at, f).toBeGreaterThan(0);
      expect(cells.slice(at + 2).filter((c) => c.cell_type === "markdown"), "the Exercises and Solutions cells are the last markdown cells").toEqual([]);
      const own = exerciseIds().filter((id) => id.startsWith(`${nn}.`));
      const en = text(cells[at].source);
      const zh = cells[at].metadata?.embedlab?.zh ?? "";
      expect(cells[at].metadata?.embedlab?.zhOf, "the Chinese was written for this English").toBe(hashOf(en));
      for (const md of [en, zh]) {
        expect([...md.matchAll(/check\("(\d\d\.\d+)"/g)].map((m) => m[1])).toEqual(own);
        const items = md.split(/\n(?=\d+\. )/).slice(1).map((item) => item.split("\n\n")[0]);
        expect(items.map((item) => /^(\d+)\. /.exec(item)?.[1])).toEqual(own.map((id) => id.split(".")[1]));
        // each exercise ends by saying how to check it (a short note on the answer's form may follow)
        items.forEach((item, k) => expect(item, `exercise ${own[k]}`).toMatch(new RegExp(`\`await check\\("${own[k].replace(".", "\\.")}", [^\`]+\`(\\s*[(（][^)）]*[)）])?[.。]$`)));
      }
      expect(zh).toMatch(/^## 练习\n/);
    });

    it(`${nn}: the Solutions cell shows, folded, exactly the code check() runs, in English and in Chinese`, () => {
      const { f, cells } = notebook(nn);
      const at = cells.findIndex((c) => c.cell_type === "markdown" && text(c.source).startsWith("## Exercises\n"));
      const cell = cells[at + 1];
      expect(cell.cell_type, f).toBe("markdown");
      const en = text(cell.source);
      const zh = cell.metadata?.embedlab?.zh ?? "";
      expect(en).toMatch(/^## Solutions\n/);
      expect(zh).toMatch(/^## 参考答案\n/);
      expect(cell.metadata?.embedlab?.zhOf).toBe(hashOf(en));
      const source = solutionBlocks(nn);
      const own = EXERCISES.filter((e) => e.id.startsWith(`${nn}.`));
      expect(source.map((b: { id: string }) => b.id)).toEqual(own.map((e) => e.id));
      const imports = "```ts\n" + solutionImports(nn).join("\n") + "\n```";
      expect(solutionImports(nn).join("\n")).toMatch(/from "@embedlab\/core";$/m);
      for (const [md, summary] of [[en, "Solution "], [zh, "练习 "]] as const) {
        expect(md.split(/\n\n(?=<details>)/)[0].endsWith(imports), "the imports the solutions need come first").toBe(true);
        const shown = detailsBlocks(md);
        expect(shown.map((b) => b.summary)).toEqual(own.map((e) => (summary === "练习 " ? `练习 ${e.id} 的参考答案` : `Solution ${e.id}`)));
        expect(shown.every((b) => !b.open), "folded by default").toBe(true);
        shown.forEach((b, k) => {
          expect(b.code, `${own[k].id}: the shown code is the solution's source`).toBe(source[k].code);
          // ... and that source is the function the registry runs
          expect(b.code.startsWith(`async function ${own[k].solve.name}() {\n`), own[k].id).toBe(true);
          expect(b.explanation.split("\n")).toHaveLength(1);
        });
      }
    });
  }

  it("`node scripts/solutions.mjs check` finds nothing stale", () => {
    expect(stale()).toEqual([]);
  });
});
