#!/usr/bin/env node
// The two editions of the walkthroughs from one source.
//
// The source of each walkthrough is its English notebook, notebooks/NN-name.ipynb. Every markdown
// cell carries its Chinese twin in its metadata:
//   "metadata": { "embedlab": { "zh": "<Chinese markdown>", "zhOf": "<hash of the English it renders>" } }
// Code cells exist once: the Chinese edition, notebooks/zh/NN-name.ipynb, is written from the source
// by this script (never edited by hand) with the same code cells, the Chinese markdown and the
// kernel "embedlab-zh" (the same kernel with EMBEDLAB_LANG=zh, so `tr()` in the code picks the
// Chinese labels of figures and printed tables).
//
//   node scripts/editions.mjs write            writes notebooks/zh/*.ipynb
//   node scripts/editions.mjs check            exits 1 listing every problem (missing or stale Chinese,
//                                              an out-of-date notebooks/zh/ file)
//   node scripts/editions.mjs export NN [file] writes the markdown cells of walkthrough NN for
//                                              translation (default build/i18n/NN.zh.md)
//   node scripts/editions.mjs import NN file   puts the Chinese of such a file into the source
//
// The translation file: one block per markdown cell, in order,
//   <!-- cell 3 -->            (the cell's index among all cells, as in the notebook)
//   Chinese markdown ...
// and, where the Chinese is missing or its English changed since, an HTML comment above it
// with the English (ignored on import). "zhOf" records the English each Chinese text was written
// for, so `check` fails when someone edits the English and forgets the Chinese.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const SOURCE_DIR = join(root, "notebooks");
export const ZH_DIR = join(root, "notebooks/zh");
export const ZH_KERNELSPEC = { display_name: "TypeScript (embedlab, 中文)", language: "typescript", name: "embedlab-zh" };

const text = (s) => (Array.isArray(s) ? s.join("") : s ?? "");
/** Jupyter's on-disk form of a cell's source: lines, each but the last ending in "\n". */
const toLines = (s) => s.split(/(?<=\n)/).filter((l) => l !== "");
export const hashOf = (english) => createHash("sha256").update(english.trim()).digest("hex").slice(0, 12);
const serialize = (nb) => JSON.stringify(nb, null, 1) + "\n";

/** The walkthrough source notebooks, by file name. */
export function sources() {
  return readdirSync(SOURCE_DIR).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
}

function sourceFor(nn) {
  const f = sources().find((n) => n.startsWith(`${String(nn).padStart(2, "0")}-`));
  if (!f) throw new Error(`editions: expected a walkthrough number like 01, but got ${JSON.stringify(nn)} (have ${sources().join(", ")})`);
  return f;
}

const readNb = (path) => JSON.parse(readFileSync(path, "utf8"));

/** The Chinese edition of a source notebook (an object), or throws listing the untranslated cells. */
export function zhEdition(nb, name = "") {
  const missing = [];
  const cells = nb.cells.map((cell, i) => {
    const { embedlab, ...metadata } = cell.metadata ?? {};
    if (cell.cell_type !== "markdown") return { ...cell, metadata };
    if (!embedlab?.zh) missing.push(i);
    return { ...cell, metadata, source: toLines(embedlab?.zh ?? text(cell.source)) };
  });
  if (missing.length) throw new Error(`editions: ${name} has markdown cells without Chinese: ${missing.join(", ")}`);
  return { ...nb, cells, metadata: { ...nb.metadata, kernelspec: ZH_KERNELSPEC, language_info: { ...(nb.metadata.language_info ?? {}) }, embedlab: { edition: "zh", source: `../${name}` } } };
}

/** Every problem with the two editions, as sentences (empty when all is well). */
export function problems() {
  const out = [];
  for (const f of sources()) {
    const nb = readNb(join(SOURCE_DIR, f));
    nb.cells.forEach((cell, i) => {
      if (cell.cell_type !== "markdown") return;
      const zh = cell.metadata?.embedlab;
      if (!zh?.zh) out.push(`${f}: markdown cell ${i} has no Chinese (metadata.embedlab.zh)`);
      else if (zh.zhOf !== hashOf(text(cell.source))) out.push(`${f}: markdown cell ${i}'s English changed since its Chinese was written (update the Chinese, then import it)`);
    });
    const zhPath = join(ZH_DIR, f);
    let wanted = null;
    try { wanted = serialize(zhEdition(nb, f)); } catch { /* reported above */ }
    if (wanted && (!existsSync(zhPath) || readFileSync(zhPath, "utf8") !== wanted)) out.push(`notebooks/zh/${f} is not what \`node scripts/editions.mjs write\` writes from notebooks/${f}`);
  }
  return out;
}

export function writeAll() {
  mkdirSync(ZH_DIR, { recursive: true });
  const written = [];
  for (const f of sources()) {
    const nb = readNb(join(SOURCE_DIR, f));
    let zh;
    try { zh = zhEdition(nb, f); } catch (e) { console.error(String(e.message)); continue; }
    writeFileSync(join(ZH_DIR, f), serialize(zh));
    written.push(f);
  }
  return written;
}

export function exportFor(nn, file) {
  const f = sourceFor(nn);
  const nb = readNb(join(SOURCE_DIR, f));
  const blocks = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "markdown") return;
    const en = text(cell.source);
    const zh = cell.metadata?.embedlab;
    const fresh = zh?.zh && zh.zhOf === hashOf(en);
    const note = fresh ? "" : `<!-- English${zh?.zh ? " (changed since the Chinese was written)" : ""}:\n${en.replace(/-->/g, "-- >")}\n-->\n`;
    blocks.push(`<!-- cell ${i} -->\n${note}${zh?.zh ?? ""}\n`);
  });
  const out = file ?? join(root, "build/i18n", `${f.slice(0, 2)}.zh.md`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, blocks.join("\n"));
  return out;
}

export function importFor(nn, file) {
  const f = sourceFor(nn);
  const path = join(SOURCE_DIR, f);
  const nb = readNb(path);
  const body = readFileSync(file, "utf8");
  const parts = body.split(/^<!-- cell (\d+) -->\n/m);
  const seen = [];
  for (let k = 1; k < parts.length; k += 2) {
    const i = Number(parts[k]);
    const zh = parts[k + 1].replace(/^<!-- English[\s\S]*?\n-->\n/, "").trim();
    const cell = nb.cells[i];
    if (!cell || cell.cell_type !== "markdown") throw new Error(`editions import: expected cell ${i} of ${f} to be a markdown cell, but got ${cell ? cell.cell_type : "no cell"}`);
    if (!zh) continue;
    cell.metadata = { ...(cell.metadata ?? {}), embedlab: { zh, zhOf: hashOf(text(cell.source)) } };
    seen.push(i);
  }
  writeFileSync(path, serialize(nb));
  return seen;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [cmd, nn, file] = process.argv.slice(2);
  if (cmd === "write") console.log(`wrote notebooks/zh/: ${writeAll().join(", ") || "nothing"}`);
  else if (cmd === "check") {
    const p = problems();
    for (const line of p) console.error(line);
    if (p.length) process.exit(1);
    console.log("editions: both editions are up to date");
  } else if (cmd === "export") console.log(`wrote ${exportFor(nn, file)}`);
  else if (cmd === "import") {
    if (!file) throw new Error("editions import: expected a file, as in `node scripts/editions.mjs import 01 build/i18n/01.zh.md`");
    console.log(`${basename(sourceFor(nn))}: Chinese for cells ${importFor(nn, file).join(", ")}`);
  } else {
    console.error("usage: node scripts/editions.mjs write | check | export NN [file] | import NN file");
    process.exit(2);
  }
}
