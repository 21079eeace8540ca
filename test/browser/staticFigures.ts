// Shared by the browser tests (not a test file): checks on the executed all-views notebook (reused,
// not executed again) where scripts do not run or frontends differ:
// - the nbconvert HTML export opened in Chromium with JavaScript disabled shows every figure as its
//   static PNG;
// - JupyterLab 4's own output area and renderers (test/browser/jupyterlab/page.ts), with and without
//   plotly's JupyterLab extension, trusted and untrusted: every figure is drawn or shown as an image,
//   no page errors.
import { expect, it } from "vitest";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { buildJupyterLabPage, cellOutputs, renderInJupyterLab } from "./jupyterlab";
import { buildDir, htmlOutputs } from "./setup";

interface Executed {
  html: string;
  notebook: Parameters<typeof htmlOutputs>[0];
}

const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** How many figures the notebook's outputs hold, and how many of them are single-figure outputs (with the plotly MIME type). */
function figureCounts(nb: Executed["notebook"]): { figures: number; single: number } {
  const figures = htmlOutputs(nb).reduce((n, o) => n + (o.html.match(/class="embedlab-figure"/g) ?? []).length, 0);
  const single = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data && PLOTLY_MIME in o.data).length;
  return { figures, single };
}

/** Waits until `fn` holds in the page (polling), then returns. */
async function until(page: Page, fn: () => boolean, timeout = 60_000): Promise<void> {
  await page.waitForFunction(fn, undefined, { timeout, polling: 250 });
}

/** Registers the checks; `get` returns the browser and the executed notebook once the earlier tests made them. */
export function staticFigureChecks(get: () => { browser: Browser; executed: Executed }): void {
  it("every figure carries its static PNG: in the HTML under the plotly script, and as image/png for single figures", () => {
    const { executed } = get();
    const { figures, single } = figureCounts(executed.notebook);
    expect(figures).toBe(19);
    const imgs = htmlOutputs(executed.notebook).reduce((n, o) => n + (o.html.match(/<img class="embedlab-static" [^>]*src="data:image\/png;base64,/g) ?? []).length, 0);
    expect(imgs).toBe(figures);
    const outs = executed.notebook.cells.flatMap((c) => c.outputs ?? []);
    const withPlotly = outs.filter((o) => o.data && PLOTLY_MIME in o.data);
    expect(withPlotly.length).toBe(single);
    expect(single).toBeGreaterThanOrEqual(4); // the projectors and the similarity matrix at least; other views have several parts
    // (the .ipynb stores MIME keys sorted; the bundle's own order is checked in test/display)
    for (const o of withPlotly) expect(Object.keys(o.data as object).sort()).toEqual([PLOTLY_MIME, "image/png", "text/html", "text/plain"]);
  });

  it("the nbconvert HTML export viewed with JavaScript disabled shows every figure as an image", async () => {
    const { browser, executed } = get();
    const { figures } = figureCounts(executed.notebook);
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await page.goto(pathToFileURL(executed.html).href, { waitUntil: "load", timeout: 60_000 });
    expect(await page.evaluate(() => typeof (window as unknown as { Plotly?: unknown }).Plotly)).toBe("undefined");
    const shown = await page.$$eval(".embedlab-figure", (els) => els.map((e) => {
      const img = e.querySelector("img.embedlab-static") as HTMLImageElement | null;
      return img ? [img.complete && img.naturalWidth > 0, img.getBoundingClientRect().width > 100, img.getBoundingClientRect().height > 100] : [false, false, false];
    }));
    expect(shown).toHaveLength(figures);
    expect(shown.filter((s) => s.every(Boolean))).toHaveLength(figures);
    // Nothing else pretends to be a figure: one image per figure, no "waiting for plotly" text.
    expect(await page.$$eval("img", (els) => els.filter((e) => (e as HTMLImageElement).src.startsWith("data:image/png")).length)).toBe(figures);
    expect(await page.$$eval(".embedlab-waiting", (els) => els.length)).toBe(0);
    await page.screenshot({ path: join(buildDir, "all-views-no-js.png"), fullPage: true });
    await context.close();
  }, 120_000);

  it("JupyterLab 4 without plotly's extension: trusted outputs draw every figure with plotly, untrusted ones show every static image", async () => {
    const { browser, executed } = get();
    const { figures } = figureCounts(executed.notebook);
    const html = await buildJupyterLabPage();
    const outputs = cellOutputs(executed.notebook);

    const trusted = await renderInJupyterLab(browser, html, outputs, { trusted: true, plotly: false });
    await until(trusted.page, () => document.querySelectorAll(".embedlab-figure .main-svg").length > 0 && Array.from(document.querySelectorAll(".embedlab-figure")).every((f) => f.querySelector(".main-svg") || f.querySelector(".embedlab-missing")));
    expect(await trusted.page.$$eval(".embedlab-figure", (els) => els.map((e) => !!e.querySelector(".main-svg")))).toEqual(Array(figures).fill(true));
    expect(await trusted.page.$$eval("img.embedlab-static", (els) => els.length)).toBe(0); // plotly replaced them
    await trusted.page.screenshot({ path: join(buildDir, "jupyterlab-trusted.png"), fullPage: true });
    expect(trusted.errors).toEqual([]);
    await trusted.page.close();

    const untrusted = await renderInJupyterLab(browser, html, outputs, { trusted: false, plotly: false });
    await until(untrusted.page, () => document.querySelectorAll(".jp-OutputArea-output").length > 0);
    // The sanitizer keeps the <img> (data: URLs allowed) and drops every script: no plotly, every still shown.
    const imgs = await untrusted.page.$$eval(".jp-RenderedHTMLCommon img", (els) => els.filter((e) => (e as HTMLImageElement).src.startsWith("data:image/png")).length);
    expect(imgs).toBe(figures);
    await until(untrusted.page, () => Array.from(document.querySelectorAll(".jp-RenderedHTMLCommon img")).every((e) => (e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth > 0));
    expect(await untrusted.page.$$eval(".main-svg", (els) => els.length)).toBe(0);
    expect(await untrusted.page.$$eval("script", (els) => els.filter((e) => e.closest(".jp-OutputArea")).length)).toBe(0);
    await untrusted.page.screenshot({ path: join(buildDir, "jupyterlab-untrusted.png"), fullPage: true });
    expect(untrusted.errors).toEqual([]);
    await untrusted.page.close();
  }, 240_000);

  it("JupyterLab 4 with plotly's extension (jupyterlab-plotly): single figures go to its renderer (our PNG until hovered, then interactive), the rest as above", async () => {
    const { browser, executed } = get();
    const { figures, single } = figureCounts(executed.notebook);
    const html = await buildJupyterLabPage();
    const outputs = cellOutputs(executed.notebook);
    for (const trusted of [true, false]) {
      const r = await renderInJupyterLab(browser, html, outputs, { trusted, plotly: true });
      // plotly's renderer is "safe": it draws single figures trusted or not, showing the bundle's image/png first.
      await until(r.page, (() => document.querySelectorAll(".jp-RenderedPlotly img.plot-img").length > 0) as () => boolean);
      const plotImgs = await r.page.$$eval(".jp-RenderedPlotly img.plot-img", (els) => els.filter((e) => (e as HTMLImageElement).src.startsWith("data:image/png")).length);
      expect(plotImgs).toBe(single);
      const rest = figures - single;
      if (trusted) {
        await until(r.page, () => Array.from(document.querySelectorAll(".embedlab-figure")).every((f) => f.querySelector(".main-svg") || f.querySelector(".embedlab-missing")));
        expect(await r.page.$$eval(".embedlab-figure .main-svg", (els) => new Set(els.map((e) => e.closest(".embedlab-figure"))).size)).toBe(rest);
      } else {
        const stills = await r.page.$$eval(".jp-RenderedHTMLCommon img", (els) => els.filter((e) => (e as HTMLImageElement).src.startsWith("data:image/png")).length);
        expect(stills).toBe(rest);
      }
      // Hovering a plotly output makes it interactive.
      await r.page.$eval(".jp-RenderedPlotly img.plot-img", (e) => e.dispatchEvent(new MouseEvent("mouseenter")));
      await until(r.page, () => document.querySelectorAll(".jp-RenderedPlotly .main-svg").length > 0);
      await r.page.screenshot({ path: join(buildDir, `jupyterlab-plotly-${trusted ? "trusted" : "untrusted"}.png`), fullPage: true });
      expect(r.errors).toEqual([]);
      await r.page.close();
    }
  }, 240_000);
}
