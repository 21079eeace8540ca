#!/usr/bin/env node
// Executes notebooks headlessly through nbconvert on the embedlab (tslab) kernel and writes the
// executed .ipynb and an .html export of each into build/notebooks/ (the Chinese editions,
// notebooks/zh/*.ipynb, into build/notebooks/zh/).
//
//   node scripts/run-notebooks.mjs [--kernel NAME] [--out DIR] [--timeout S] a.ipynb ...
//   (no notebook: every notebooks/*.ipynb, the English editions)
//
// The kernel is the one the notebook names when that is "embedlab" or "embedlab-zh" (the same
// kernel with EMBEDLAB_LANG=zh, named by notebooks/zh/), else "embedlab"; --kernel overrides it.
//
// A failing tslab cell only prints to stderr and nbconvert reports an empty error; so nbconvert runs
// with --allow-errors (stop_on_error: false, which the embedlab kernel honours: the cells after a
// failure still run) and this script reads the executed notebook itself: the first code cell with
// an error output or any stderr text fails the run, with the cell number and the error text, and
// the message says how many other cells failed too.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { KERNEL_NAME, findPython, root } from "./lib.mjs";

/** The kernels a notebook may name and get (any other name runs on "embedlab"). */
export const KERNELS = [KERNEL_NAME, `${KERNEL_NAME}-zh`];

/** The kernel a notebook runs on by default: the one its kernelspec names, if ours, else "embedlab". */
export function kernelFor(nb) {
  const name = nb?.metadata?.kernelspec?.name;
  return KERNELS.includes(name) ? name : KERNEL_NAME;
}

/** Where an executed notebook goes by default: build/notebooks/, or build/notebooks/zh/ for a Chinese edition. */
export function defaultOutDir(nb) {
  return join(root, "build/notebooks", nb?.metadata?.embedlab?.edition === "zh" ? "zh" : "");
}

/** Thrown when a notebook's cell failed; `cell` is 1-based among all cells, as Jupyter shows them. */
/** `otherFailures`: the cells after `cell` that failed too (the run goes on after a failure). */
export class NotebookError extends Error {
  constructor(notebook, cell, text, source, otherFailures = []) {
    const more = otherFailures.length ? `\n(cells ${otherFailures.map((f) => f.cell).join(", ")} failed too)` : "";
    super(`${basename(notebook)}: cell ${cell} failed:\n${text.trim()}\n--- cell ${cell} source ---\n${source.trim()}${more}`);
    this.name = "NotebookError";
    Object.assign(this, { notebook, cell, text, source, otherFailures });
  }
}

const joinText = (t) => (Array.isArray(t) ? t.join("") : t ?? "");

/** Every failed code cell of an executed notebook, in order: { cell, text, source }. */
export function findFailures(nb) {
  const failures = [];
  for (const [i, cell] of nb.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    for (const out of cell.outputs ?? []) {
      if (out.output_type === "error") {
        const text = [`${out.ename}: ${out.evalue}`.replace(/^: $/, ""), ...(out.traceback ?? [])].join("\n").trim();
        failures.push({ cell: i + 1, text: text || "(the kernel reported an error without text)", source: joinText(cell.source) });
        break;
      }
      if (out.output_type === "stream" && out.name === "stderr" && joinText(out.text).trim()) {
        failures.push({ cell: i + 1, text: joinText(out.text), source: joinText(cell.source) });
        break;
      }
    }
  }
  return failures;
}

/** The first failed code cell of an executed notebook, or null. */
export function findFailure(nb) {
  return findFailures(nb)[0] ?? null;
}

/**
 * Executes one notebook; returns the paths it wrote and the executed notebook.
 * `kernel` defaults to the notebook's own (see kernelFor), `outDir` to build/notebooks/ or, for a
 * Chinese edition, build/notebooks/zh/.
 * Throws NotebookError on a failed cell (after writing the outputs, so they can be read).
 */
export function runNotebook(path, { outDir, kernel, timeout = 600, env = {} } = {}) {
  const py = findPython();
  if (!py) throw new Error("run-notebooks: Jupyter's nbconvert is not installed; run `npm run setup` first");
  const src = resolve(path);
  if (!existsSync(src)) throw new Error(`run-notebooks: no notebook at ${src}`);
  const source = JSON.parse(readFileSync(src, "utf8"));
  kernel ??= kernelFor(source);
  outDir ??= defaultOutDir(source);
  mkdirSync(outDir, { recursive: true });
  const name = basename(src, ".ipynb");
  const ipynb = join(outDir, `${name}.ipynb`);
  const html = join(outDir, `${name}.html`);
  const common = { cwd: join(src, ".."), encoding: "utf8", env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: "1", ...env }, maxBuffer: 256 << 20 };
  const exec = spawnSync(py, [
    "-m", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
    `--ExecutePreprocessor.kernel_name=${kernel}`, `--ExecutePreprocessor.timeout=${timeout}`,
    "--output-dir", outDir, "--output", `${name}.ipynb`, src,
  ], common);
  if (exec.status !== 0 || !existsSync(ipynb)) {
    throw new Error(`run-notebooks: nbconvert could not execute ${basename(src)} (exit ${exec.status}):\n${exec.stderr}`);
  }
  const notebook = JSON.parse(readFileSync(ipynb, "utf8"));
  const conv = spawnSync(py, ["-m", "nbconvert", "--to", "html", "--output-dir", outDir, "--output", `${name}.html`, ipynb], common);
  if (conv.status !== 0) throw new Error(`run-notebooks: HTML export of ${name} failed:\n${conv.stderr}`);
  const [failure, ...others] = findFailures(notebook);
  if (failure) throw Object.assign(new NotebookError(src, failure.cell, failure.text, failure.source, others), { notebook });
  return { ipynb, html, notebook };
}

function main(argv) {
  let outDir;
  let kernel;
  let timeout = 600;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") outDir = resolve(argv[++i]);
    else if (a === "--kernel") kernel = argv[++i];
    else if (a === "--timeout") timeout = Number(argv[++i]);
    else if (a.startsWith("--")) {
      console.error(`run-notebooks: unknown option ${a}; allowed: --out DIR, --kernel NAME, --timeout S`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    const dir = join(root, "notebooks");
    files.push(...readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => join(dir, f)));
  }
  let failed = 0;
  for (const f of files) {
    const t0 = Date.now();
    try {
      const { html } = runNotebook(f, { outDir, kernel, timeout });
      console.log(`ok    ${basename(f)} (${((Date.now() - t0) / 1000).toFixed(1)} s) -> ${html}`);
    } catch (e) {
      failed++;
      console.error(`FAIL  ${basename(f)} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n${e.message}\n`);
    }
  }
  return failed ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exit(main(process.argv.slice(2)));
