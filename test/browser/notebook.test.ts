// Real browser, real kernel: execute a notebook that uses every view on the embedlab kernel (via the
// project's notebook runner), export it to HTML and open it in headless Chromium; then run a
// notebook live in the classic `jupyter notebook` server and watch the figures render.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { buildDir, buildDisplay, freePort, htmlOutputs, installKernel, launchChromium, PYTHON, root } from "./setup";
import { staticFigureChecks } from "./staticFigures";

interface Executed {
  ipynb: string;
  html: string;
  notebook: Parameters<typeof htmlOutputs>[0];
}

let kernel: ReturnType<typeof installKernel>;
let browser: Browser;
let executed: Executed;

beforeAll(async () => {
  buildDisplay();
  kernel = installKernel();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (kernel) rmSync(kernel.prefix, { recursive: true, force: true });
});

/** Waits until every `.embedlab-figure` holds a drawn plotly SVG (or a "run initNotebook()" notice). */
async function waitForFigures(page: Page, expected: number, timeout: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const figs = Array.from(document.querySelectorAll(".embedlab-figure"));
      return figs.length >= n && figs.every((f) => f.querySelector(".main-svg") || f.querySelector(".embedlab-missing"));
    },
    expected,
    { timeout, polling: 250 },
  );
}

describe("the embedlab kernel", () => {
  it("embedlab kernel install --prefix registers this checkout's tslab with the prelude", () => {
    const { spec } = kernel;
    expect(spec.display_name).toBe("TypeScript (embedlab)");
    expect(spec.language).toBe("typescript");
    expect(spec.argv[0]).toBe(process.execPath);
    expect(spec.argv.slice(1, 3)).toEqual(["--require", join(root, "packages/display/dist/kernel/prelude.js")]);
    expect(spec.argv[3]).toBe(join(root, "node_modules/tslab/bin/tslab"));
    expect(spec.argv.slice(4)).toEqual(["kernel", "--config-path", "{connection_file}"]);
    expect(existsSync(spec.argv[2])).toBe(true);
    const listed = spawnSync(PYTHON, ["-m", "jupyter_client.kernelspecapp", "list", "--json"], { encoding: "utf8", env: { ...process.env, JUPYTER_PATH: kernel.jupyterPath } });
    expect(JSON.parse(listed.stdout).kernelspecs.embedlab.spec.display_name).toBe("TypeScript (embedlab)");
  });

  it("executes a notebook using every view through the runner", async () => {
    const { runNotebook } = (await import(pathToFileURL(join(root, "scripts/run-notebooks.mjs")).href)) as {
      runNotebook(path: string, o: { outDir: string; kernel: string; env: Record<string, string> }): Executed;
    };
    executed = runNotebook(join(root, "test/browser/all-views.ipynb"), { outDir: buildDir, kernel: "embedlab", env: { JUPYTER_PATH: kernel.jupyterPath } });
    expect(existsSync(executed.html)).toBe(true);
  }, 300_000);

  it("publishes plotly.js in the first cell, once", () => {
    const outs = htmlOutputs(executed.notebook);
    const inits = outs.filter((o) => o.html.includes("function(define,require,module,exports)"));
    expect(inits.map((o) => o.cell)).toEqual([2]);
    expect(inits[0].plain).toMatch(/^embedlab: plotly\.js \d+\.\d+\.\d+ loaded \(offline, from the npm package\)$/);
  });

  it("renders a tensor that ends a cell as an HTML table, while console.log stays text", () => {
    const outs = htmlOutputs(executed.notebook);
    const tensorCell = outs.filter((o) => o.cell === 4);
    expect(tensorCell).toHaveLength(1);
    expect(tensorCell[0].type).toBe("display_data");
    expect(tensorCell[0].html).toMatch(/<table class="embedlab-table">.*<td>1\.0000<\/td><td>2\.0000<\/td>/s);
    expect(tensorCell[0].plain).toMatch(/^tensor\(\[\[1\.0000, 2\.0000\],\n {8}\[3\.0000, 4\.0000\]\], shape=\[2, 2\], dtype=float32, backend=(wasm|cpu|tensorflow)\)$/);
    const logCell = outs.filter((o) => o.cell === 5);
    expect(logCell.map((o) => [o.type, o.text])).toEqual([["stream", "[ 2, 2 ]\n"]]);
  });

  it("the exported HTML draws every figure in Chromium, with no page errors", async () => {
    const outs = htmlOutputs(executed.notebook);
    const figures = outs.reduce((n, o) => n + (o.html.match(/class="embedlab-figure"/g) ?? []).length, 0);
    const tables = outs.reduce((n, o) => n + (o.html.match(/<table class="embedlab-table/g) ?? []).length, 0);
    expect(figures).toBe(19); // rotaryView draws 2, attentionView with a bias 2
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(executed.html).href, { waitUntil: "load", timeout: 60_000 });
    await waitForFigures(page, figures, 60_000);
    const drawn = await page.$$eval(".embedlab-figure", (els) => els.map((e) => e.querySelectorAll(".main-svg").length));
    expect(drawn).toHaveLength(figures);
    expect(drawn.every((n) => n >= 1)).toBe(true);
    expect(await page.$$eval(".embedlab-missing", (els) => els.length)).toBe(0);
    expect(await page.$$eval("table.embedlab-table", (els) => els.length)).toBe(tables);
    expect(await page.evaluate(() => typeof (window as unknown as { Plotly?: { newPlot?: unknown } }).Plotly?.newPlot)).toBe("function");
    await page.screenshot({ path: join(buildDir, "all-views.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  // Exports without JavaScript, JupyterLab 4's renderers trusted and untrusted: test/browser/staticFigures.ts.
  staticFigureChecks(() => ({ browser, executed }));

  it("a figure without plotly.js says \"run initNotebook() first\" instead of staying blank", async () => {
    const { figureHtml } = await import("@embedlab/display");
    const page = await browser.newPage();
    await page.setContent(`<html><body>${figureHtml({ data: [{ type: "bar", x: [1], y: [1] }], layout: {} })}</body></html>`);
    await page.waitForSelector(".embedlab-missing", { timeout: 20_000 });
    expect(await page.textContent(".embedlab-missing")).toMatch(/run initNotebook\(\) first/);
    await page.close();
  }, 30_000);
});

describe("the classic jupyter notebook server", () => {
  let server: ChildProcess | undefined;
  let workDir: string;
  let dataDir: string;
  let url: string;

  beforeAll(async () => {
    workDir = join(buildDir, "live");
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    copyFileSync(join(root, "test/browser/live.ipynb"), join(workDir, "live.ipynb"));
    dataDir = mkdtempSync(join(tmpdir(), "embedlab-jupyter-data-"));
    const env = { ...process.env, JUPYTER_PATH: kernel.jupyterPath, JUPYTER_DATA_DIR: dataDir, JUPYTER_RUNTIME_DIR: join(dataDir, "runtime"), JUPYTER_CONFIG_DIR: join(dataDir, "config"), PYDEVD_DISABLE_FILE_VALIDATION: "1" };
    // A trusted notebook: signed with this data dir's secret, which the server reads too.
    const trust = spawnSync(PYTHON, ["-c", "from nbformat.sign import TrustNotebookApp; TrustNotebookApp.launch_instance()", join(workDir, "live.ipynb")], { encoding: "utf8", env });
    expect(trust.status, trust.stderr).toBe(0);
    const port = await freePort();
    const token = randomBytes(16).toString("hex");
    server = spawn(PYTHON, ["-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", `--NotebookApp.token=${token}`, `--notebook-dir=${workDir}`, ...(process.getuid?.() === 0 ? ["--allow-root"] : [])], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let log = "";
    server.stdout?.on("data", (d) => (log += d));
    server.stderr?.on("data", (d) => (log += d));
    url = `http://127.0.0.1:${port}/notebooks/live.ipynb?token=${token}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/api/status?token=${token}`);
        if (r.ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`jupyter notebook did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 120_000);

  afterAll(() => {
    if (server?.pid && server.exitCode === null) {
      try {
        process.kill(-server.pid, "SIGTERM"); // the server and the kernels it started
      } catch {
        // already gone
      }
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs all cells of a trusted notebook and renders the figures live", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url, { waitUntil: "load", timeout: 60_000 });
    type J = { Jupyter: { notebook: { trusted: boolean; kernel: { is_connected(): boolean; info_reply?: { protocol_version?: string } } | null; execute_all_cells(): void; get_cells(): { cell_type: string; input_prompt_number: unknown }[] } } };
    await page.waitForFunction(() => {
      const nb = (window as unknown as J).Jupyter?.notebook;
      return !!nb?.kernel && nb.kernel.is_connected() && !!nb.kernel.info_reply?.protocol_version; // tslab's kernel_info has no "status"
    }, undefined, { timeout: 90_000, polling: 250 });
    expect(await page.evaluate(() => (window as unknown as J).Jupyter.notebook.trusted)).toBe(true);
    await page.evaluate(() => (window as unknown as J).Jupyter.notebook.execute_all_cells());
    await page.waitForFunction(
      () => (window as unknown as J).Jupyter.notebook.get_cells().every((c) => c.cell_type !== "code" || (typeof c.input_prompt_number === "number")),
      undefined,
      { timeout: 120_000, polling: 500 },
    );
    // projector 1 + positional encoding 2 + training 1
    await waitForFigures(page, 4, 60_000);
    const drawn = await page.$$eval(".embedlab-figure", (els) => els.map((e) => e.querySelectorAll(".main-svg").length));
    expect(drawn).toHaveLength(4);
    expect(drawn.every((n) => n >= 1)).toBe(true);
    expect(await page.$$eval(".embedlab-missing", (els) => els.length)).toBe(0);
    const tensorTable = await page.$$eval(".output_html table.embedlab-table", (els) => els.map((e) => e.textContent ?? ""));
    expect(tensorTable[0]).toMatch(/1\.0000\s*2\.0000/);
    const notes = await page.$$eval(".embedlab-note", (els) => els.map((e) => e.textContent ?? ""));
    expect(notes.some((n) => /^done: epoch 2\/2 · 20 steps/.test(n))).toBe(true);
    await page.screenshot({ path: join(buildDir, "live-notebook.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
