// Shared by the book's browser checks (not a test file): opens every page of a built book from
// file:// in Chromium and reports what a reader would hit: page errors, failed loads, links and
// sources that point at nothing, figures that did not draw, folded solutions, the language link.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";

export interface PageReport {
  /** Relative to the book: "index.html", "en/02-positional-encoding.html". */
  page: string;
  bytes: number;
  errors: string[];
  /** Local href/src values whose file (or #fragment) does not exist, with the tag that has it. */
  broken: string[];
  /** Local href/src values checked. */
  links: number;
  /** Per figure (embedlab's figure divs and bare plotly outputs): whether it drew and its drawn size. */
  figures: { drawn: boolean; width: number; height: number }[];
  /** `<details>` elements open when the page loaded (solutions must start folded). */
  detailsOpen: number;
  details: number;
  /** The href of the link to the other language, resolved relative to the book. */
  otherLanguage: string | null;
  plotlyLoaded: boolean;
  /** Elements KaTeX rendered, and KaTeX errors. */
  math: number;
  mathErrors: number;
}

/** Every .html file under `dir`, relative to it, sorted. */
export function htmlFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return htmlFiles(p, base);
    return e.name.endsWith(".html") ? [relative(base, p)] : [];
  }).sort();
}

export function launchForBook(): Promise<Browser> {
  // swiftshader: WebGL in software (3-D scatters), as on a machine without a GPU
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking", "--no-first-run"] });
}

const idsCache = new Map<string, Set<string>>();
function idsOf(file: string): Set<string> {
  let ids = idsCache.get(file);
  if (!ids) {
    ids = new Set([...readFileSync(file, "utf8").matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    idsCache.set(file, ids);
  }
  return ids;
}

/** Opens `page` (relative to `bookDir`) from file:// and reports on it. */
export async function inspectPage(browser: Browser, bookDir: string, page: string): Promise<PageReport> {
  const file = join(bookDir, page);
  const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  p.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  p.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
  p.on("requestfailed", (r) => errors.push(`failed to load ${r.url()}: ${r.failure()?.errorText}`));
  try {
    // a page draws its figures while it loads (04's word maps: two WebGL scatters of 7,426 points)
    await p.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 180_000 });
    const details = await p.$$eval("details", (ds) => ({ total: ds.length, open: ds.filter((d) => (d as HTMLDetailsElement).open).length }));
    // figures inside folded solutions draw at size 0; open them all to measure every figure
    await p.$$eval("details", (ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    const figureSelector = ".embedlab-figure, .output.plotly > div";
    await p.waitForFunction((sel) => [...document.querySelectorAll(sel)].every((el) => el.querySelector("svg.main-svg, canvas") || el.querySelector(".embedlab-missing")), figureSelector, { timeout: 120_000 }).catch(() => undefined);
    const figures = await p.$$eval(figureSelector, (els) => els.map((el) => {
      const drawn = el.querySelector("svg.main-svg, canvas");
      const r = drawn?.getBoundingClientRect();
      return { drawn: !!drawn, width: Math.round(r?.width ?? 0), height: Math.round(r?.height ?? 0) };
    }));
    const refs = await p.$$eval("a[href], link[href], script[src], img[src], iframe[src]", (els) => els.map((el) => `${el.tagName.toLowerCase()} ${el.getAttribute("href") ?? el.getAttribute("src")}`));
    const broken: string[] = [];
    let links = 0;
    for (const ref of refs) {
      const [tag, value] = [ref.slice(0, ref.indexOf(" ")), ref.slice(ref.indexOf(" ") + 1)];
      if (/^(data:|https?:|mailto:|javascript:)/i.test(value)) continue;
      links++;
      const url = new URL(value, pathToFileURL(file));
      const target = fileURLToPath(url);
      if (!existsSync(target) || !statSync(target).isFile()) broken.push(`${tag} ${value}`);
      else if (url.hash && target.endsWith(".html") && !idsOf(target).has(decodeURIComponent(url.hash.slice(1)))) broken.push(`${tag} ${value} (no such id)`);
    }
    const other = await p.$eval("a.other-lang", (a) => a.getAttribute("href")).catch(() => null);
    const otherLanguage = other === null ? null : relative(bookDir, fileURLToPath(new URL(other, pathToFileURL(file))));
    const plotlyLoaded = await p.evaluate(() => typeof (window as unknown as { Plotly?: { newPlot?: unknown } }).Plotly?.newPlot === "function");
    const math = await p.$$eval(".katex", (els) => els.length);
    const mathErrors = await p.$$eval(".katex-error", (els) => els.length);
    return { page, bytes: statSync(file).size, errors, broken, links, figures, detailsOpen: details.open, details: details.total, otherLanguage, plotlyLoaded, math, mathErrors };
  } finally {
    await p.close();
  }
}

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".png": "image/png", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf" };

/** A plain static file server for `dir` on 127.0.0.1 (what any static server does: files, by path). */
export function serveStatic(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` })));
}
