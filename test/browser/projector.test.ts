// The projector page at research size in a real browser: 50,000 points drawn with WebGL (and with
// the SVG fallback where WebGL is missing), the search box finding words and listing their
// neighbours in the page, the output within its size budget. Drawing time is measured in
// bench/projection.bench.mjs, not here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { mulberry32 } from "@embedlab/core";
import { projectorAsync, saveHtml, type ProjectorView } from "@embedlab/display";
import { buildDir } from "./setup";

const N = 50_000;
let browser: Browser;
let view: ProjectorView;
let page: string;

beforeAll(async () => {
  // swiftshader: WebGL in software, as on a machine without a GPU
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking", "--no-first-run"] });
  const rand = mulberry32(5);
  const x = Array.from({ length: N }, (_, i) => Array.from({ length: 6 }, (_, j) => (i % 7 === j ? 6 : 0) + rand()));
  view = await projectorAsync(x, { labels: x.map((_, i) => `w${i}`) });
  page = saveHtml(view, join(buildDir, "projector-50k.html"));
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

async function open(init?: string): Promise<Page> {
  const p = await browser.newPage();
  if (init) await p.addInitScript(init);
  await p.goto(pathToFileURL(page).href);
  await p.waitForSelector(".embedlab-search[data-ready]", { timeout: 120_000 });
  return p;
}

describe("projector page, 50,000 points", () => {
  it("the output (every MIME type of the bundle) stays within 4 MB", () => {
    const bundle = view.toBundle();
    const bytes = Object.values(bundle).reduce((s, v) => s + Buffer.byteLength(typeof v === "string" ? v : JSON.stringify(v)), 0);
    expect(view.figures[0].data[0].type).toBe("scattergl");
    expect(bytes).toBeLessThanOrEqual(4 * 2 ** 20);
  });

  it("draws with WebGL and the search box circles matches and lists their neighbours, in the page", async () => {
    const p = await open();
    expect(await p.$eval(".embedlab-figure", (el) => el.getAttribute("data-webgl"))).toBeNull();
    expect(await p.$$eval(".embedlab-figure canvas", (c) => c.length)).toBeGreaterThan(0);
    await p.fill(".embedlab-search input", "w4999");
    await p.waitForSelector(".embedlab-search[data-matches]");
    const state = await p.$eval(".embedlab-search", (el) => ({ matches: el.getAttribute("data-matches"), first: el.getAttribute("data-first"), rows: el.querySelectorAll(".embedlab-search-results > div").length, text: el.querySelector(".embedlab-search-results > div")?.textContent }));
    expect(state).toMatchObject({ matches: "11", first: "w4999", rows: 10 }); // w4999 first, then w49990 … w49999
    const traces = await p.$eval(".embedlab-figure", (el) => (el as unknown as { data: { name?: string; x: number[] }[] }).data.map((t) => ({ name: t.name, n: t.x.length })));
    expect(traces[traces.length - 1]).toEqual({ name: "search", n: 11 });
    // the neighbours listed are the ones computed in Node
    const b64 = /"nbr":"([^"]+)"/.exec(view.tables[0])![1];
    const bytes = Buffer.from(b64, "base64");
    const nbr = Array.from({ length: 10 }, (_, r) => { const o = 3 * (4999 * 10 + r); return `w${bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16)}`; });
    expect(state.text).toBe(`w4999 — nearest: ${nbr.join(", ")}`);
    await p.fill(".embedlab-search input", "");
    await p.waitForFunction(() => document.querySelector(".embedlab-search")?.getAttribute("data-matches") === "0");
    await p.close();
  }, 180_000);

  it("falls back to an SVG scatter where WebGL is missing", async () => {
    const noGl = `(() => { const get = HTMLCanvasElement.prototype.getContext; HTMLCanvasElement.prototype.getContext = function (t, ...a) { return /webgl/.test(t) ? null : get.call(this, t, ...a); }; })();`;
    const p = await open(noGl);
    expect(await p.$eval(".embedlab-figure", (el) => el.getAttribute("data-webgl"))).toBe("missing");
    const type = await p.$eval(".embedlab-figure", (el) => (el as unknown as { data: { type: string }[] }).data[0].type);
    expect(type).toBe("scatter");
    expect(await p.$$eval(".embedlab-figure .scatterlayer .point", (pts) => pts.length)).toBe(N);
    await p.close();
  }, 300_000);
});
