#!/usr/bin/env node
// The "Solutions" cell of each walkthrough, written from the code `check()` runs.
//
// Every exercise's worked solution is a function in packages/display/src/exercises/exercisesNN.ts,
// between marker comments:
//   // #region solution 01.1
//   // en: one line of explanation
//   // zh: the same in Chinese
//   async function solve01_1() { ... }
//   // #endregion
// This script copies each function's text, unchanged, into a markdown cell "## Solutions" right
// after the walkthrough's "## Exercises" cell: one folded <details> block per exercise, the code in
// a ```ts fence and the explanation under it; the Chinese cell (metadata.embedlab.zh, see
// scripts/editions.mjs) gets the same code with the Chinese explanation. So the shown code cannot
// drift from what `check()` runs: test/display/exercisesNotebooks.test.ts fails when it does.
//
//   node scripts/solutions.mjs write     writes the Solutions cells of notebooks 01–07
//   node scripts/solutions.mjs check     exits 1 naming every notebook whose Solutions cell is stale
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { hashOf, SOURCE_DIR, sources } from "./editions.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const EXERCISES_DIR = join(root, "packages/display/src/exercises");

const text = (s) => (Array.isArray(s) ? s.join("") : s ?? "");
const toLines = (s) => s.split(/(?<=\n)/).filter((l) => l !== "");
const serialize = (nb) => JSON.stringify(nb, null, 1) + "\n";

const REGION = /^\/\/ #region solution (\d\d\.\d+)\n\/\/ en: (.+)\n\/\/ zh: (.+)\n([\s\S]*?)\n\/\/ #endregion$/gm;

/**
 * The worked solutions of walkthrough `nn` ("01" … "07"), in file order:
 * `[{ id, en, zh, code }]`, `code` being the function's text exactly as in the .ts file.
 */
export function solutionBlocks(nn) {
  const file = join(EXERCISES_DIR, `exercises${nn}.ts`);
  const source = readFileSync(file, "utf8");
  const blocks = [...source.matchAll(REGION)].map((m) => ({ id: m[1], en: m[2].trim(), zh: m[3].trim(), code: m[4] }));
  for (const b of blocks) {
    if (!b.id.startsWith(`${nn}.`)) throw new Error(`solutions: ${file} holds solution ${b.id}, which belongs to walkthrough ${b.id.slice(0, 2)}`);
  }
  return blocks;
}

/** The import lines of walkthrough `nn`'s solutions file (what the shown functions need), type imports left out. */
export function solutionImports(nn) {
  const source = readFileSync(join(EXERCISES_DIR, `exercises${nn}.ts`), "utf8");
  return source.split("\n").filter((l) => /^import (?!type )/.test(l));
}

/** The walkthrough numbers that have exercise files: ["01", …, "07"]. */
export function exerciseNotebooks() {
  return readdirSync(EXERCISES_DIR).flatMap((f) => (/^exercises(\d\d)\.ts$/.exec(f)?.slice(1, 2) ?? [])).sort();
}

const INTRO = {
  en: "Each solution is a function that computes the answer with `@embedlab/core`; `check()` runs exactly this code to get the answer it compares yours with. To try one, paste it into a cell and run, for example, `await check(\"ID\", await FN())`. The solutions use these imports (the first cell has most of them):",
  zh: "每个参考答案都是一个用 `@embedlab/core` 计算答案的函数；`check()` 正是运行这段代码得到标准答案，再与你的答案比较。想试一试，就把它粘贴到一个单元格里运行，例如 `await check(\"ID\", await FN())`。这些参考答案用到下面的导入（大部分已在第一个单元格中导入）：",
};

/** The markdown of walkthrough `nn`'s Solutions cell in `language` ("en" or "zh"). */
export function solutionsMarkdown(nn, language) {
  const blocks = solutionBlocks(nn);
  if (blocks.length === 0) throw new Error(`solutions: no "// #region solution ${nn}.k" blocks in exercises${nn}.ts`);
  const first = blocks[0];
  const fn = /async function (\w+)\(/.exec(first.code)?.[1] ?? "solve";
  const heading = language === "zh" ? "## 参考答案" : "## Solutions";
  const intro = INTRO[language].replace("ID", first.id).replace("FN", fn);
  const details = blocks.map((b) => {
    const summary = language === "zh" ? `练习 ${b.id} 的参考答案` : `Solution ${b.id}`;
    return `<details><summary>${summary}</summary>\n\n\`\`\`ts\n${b.code}\n\`\`\`\n\n${language === "zh" ? b.zh : b.en}\n\n</details>`;
  });
  const imports = `\`\`\`ts\n${solutionImports(nn).join("\n")}\n\`\`\``;
  return [heading, intro, imports, ...details].join("\n\n");
}

/** The index of the "## Exercises" cell of a notebook object. */
export function exercisesCellIndex(nb) {
  return nb.cells.findIndex((c) => c.cell_type === "markdown" && /^## Exercises\s*$/m.test(text(c.source).split("\n")[0]));
}

/** Whether a cell is a Solutions cell (written by this script). */
export const isSolutionsCell = (c) => c?.cell_type === "markdown" && text(c.source).startsWith("## Solutions");

/** The notebook object with its Solutions cell (re)written after the Exercises cell. */
export function withSolutions(nb, nn, name = nn) {
  const at = exercisesCellIndex(nb);
  if (at < 0) throw new Error(`solutions: ${name} has no "## Exercises" markdown cell`);
  const en = solutionsMarkdown(nn, "en");
  const zh = solutionsMarkdown(nn, "zh");
  const cell = { cell_type: "markdown", metadata: { embedlab: { zh, zhOf: hashOf(en) } }, source: toLines(en) };
  const cells = nb.cells.slice();
  if (isSolutionsCell(cells[at + 1])) cells[at + 1] = { ...cells[at + 1], ...cell, metadata: { ...cells[at + 1].metadata, ...cell.metadata } };
  else cells.splice(at + 1, 0, cell);
  return { ...nb, cells };
}

function notebookFile(nn) {
  const f = sources().find((n) => n.startsWith(`${nn}-`));
  if (!f) throw new Error(`solutions: no notebook for walkthrough ${nn}`);
  return join(SOURCE_DIR, f);
}

/** Writes every walkthrough's Solutions cell; returns the files changed. */
export function writeAll() {
  const changed = [];
  for (const nn of exerciseNotebooks()) {
    const path = notebookFile(nn);
    const before = readFileSync(path, "utf8");
    const after = serialize(withSolutions(JSON.parse(before), nn, path));
    if (after !== before) {
      writeFileSync(path, after);
      changed.push(path);
    }
  }
  return changed;
}

/** The notebooks whose Solutions cell is not what `write` would write. */
export function stale() {
  return exerciseNotebooks().filter((nn) => {
    const path = notebookFile(nn);
    const before = readFileSync(path, "utf8");
    return serialize(withSolutions(JSON.parse(before), nn, path)) !== before;
  }).map(notebookFile);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [cmd] = process.argv.slice(2);
  if (cmd === "write") {
    const changed = writeAll();
    console.log(changed.length ? `solutions: wrote ${changed.map((p) => p.slice(root.length + 1)).join(", ")}` : "solutions: every Solutions cell is up to date");
  } else if (cmd === "check") {
    const s = stale();
    for (const p of s) console.error(`${p.slice(root.length + 1)}: its Solutions cell differs from the solutions in packages/display/src/exercises (run node scripts/solutions.mjs write)`);
    if (s.length) process.exit(1);
    console.log("solutions: every Solutions cell shows the code check() runs");
  } else {
    console.error("usage: node scripts/solutions.mjs write | check");
    process.exit(2);
  }
}
