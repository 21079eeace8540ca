// Shared by the browser tests (not a test file): bundles test/browser/jupyterlab/page.ts with
// esbuild into build/browser/jupyterlab/ and renders an executed notebook's outputs there.
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { buildDir, root } from "./setup";

const outDir = join(buildDir, "jupyterlab");

/** Builds the page (when page.ts is newer than the bundle); returns the HTML file's path. */
export async function buildJupyterLabPage(): Promise<string> {
  const entry = join(root, "test/browser/jupyterlab/page.ts");
  const bundle = join(outDir, "page.js");
  const html = join(outDir, "index.html");
  mkdirSync(outDir, { recursive: true });
  const built = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built < statSync(entry).mtimeMs || built < statSync(join(root, "package-lock.json")).mtimeMs) {
    const esbuild = await import("esbuild");
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      outfile: bundle,
      format: "iife",
      platform: "browser",
      target: "es2020",
      logLevel: "error",
      loader: { ".css": "empty", ".svg": "text", ".woff": "empty", ".woff2": "empty", ".ttf": "empty", ".eot": "empty", ".png": "empty" },
      define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
    });
  }
  writeFileSync(html, `<!doctype html><html><head><meta charset="utf-8"><title>JupyterLab outputs</title></head><body><script src="page.js"></script></body></html>`);
  return html;
}

/**
 * The code cells' outputs of a notebook file, in order, as Jupyter's server hands them to JupyterLab:
 * multi-line strings (stored as arrays of lines in .ipynb) joined, as nbformat's reader does.
 */
export function cellOutputs(nb: { cells: { cell_type: string; outputs?: unknown[] }[] }): unknown[][] {
  const join = (v: unknown) => (Array.isArray(v) && v.every((l) => typeof l === "string") ? v.join("") : v);
  return nb.cells
    .filter((c) => c.cell_type === "code")
    .map((c) => (c.outputs ?? []).map((o) => {
      const out = { ...(o as Record<string, unknown>) };
      if (out.text !== undefined) out.text = join(out.text);
      if (out.data) out.data = Object.fromEntries(Object.entries(out.data as Record<string, unknown>).map(([k, v]) => [k, k.endsWith("json") ? v : join(v)]));
      return out;
    }));
}

/** Opens the page and renders `outputs`; returns the page (with page errors collected in `errors`). */
export async function renderInJupyterLab(browser: Browser, page: string, outputs: unknown[][], options: { trusted: boolean; plotly: boolean }): Promise<{ page: Page; errors: string[] }> {
  const p = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  p.on("pageerror", (e) => errors.push(e.message));
  await p.goto(pathToFileURL(page).href, { waitUntil: "load", timeout: 60_000 });
  await p.waitForFunction(() => typeof window.renderOutputs === "function", undefined, { timeout: 30_000 });
  await p.evaluate(([cells, o]) => window.renderOutputs(cells, o), [outputs, options] as const);
  return { page: p, errors };
}

declare global {
  interface Window {
    renderOutputs(cells: unknown[][], options: { trusted: boolean; plotly: boolean }): Promise<number>;
  }
}
