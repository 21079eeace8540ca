// Executes every walkthrough, both editions, through the headless runner: the English ones on the
// embedlab kernel into build/notebooks/ (the same files `npm start -- --headless` writes), the Chinese
// ones (notebooks/zh/, written by scripts/editions.mjs) on embedlab-zh into build/notebooks/zh/. Fails
// on any error output; checks that the two runs of each notebook (the same code and seeds, only the
// labels' language differs) print the same numbers, which is also the reproducibility check; checks
// the English prose against its outputs; then builds the book from these runs (executing nothing
// again) and opens every page of it in Chromium.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
// @ts-expect-error: plain ESM script without types
import { runNotebook } from "../../scripts/run-notebooks.mjs";
import { htmlFiles, inspectPage, launchForBook, serveStatic, type PageReport } from "../book/browse";

const root = join(__dirname, "../..");
const dir = join(root, "notebooks");
const zhDir = join(root, "notebooks/zh");
const built = { en: join(root, "build/notebooks"), zh: join(root, "build/notebooks/zh") };
const bookDir = join(root, "build/book");
const all = readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
const walkthroughs = all.filter((f) => !f.startsWith("00-"));

interface Output { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown>; ename?: string; evalue?: string }
interface Cell { cell_type: string; source: string | string[]; outputs?: Output[] }
const text = (t: unknown) => (Array.isArray(t) ? t.join("") : typeof t === "string" ? t : "");

/** A base64 float32 block (how big figures carry their coordinates) as the numbers it holds. */
function floats(b64: string): string {
  const bytes = Buffer.from(b64, "base64");
  const copy = new Uint8Array(bytes.length - (bytes.length % 4));
  copy.set(bytes.subarray(0, copy.length));
  return Array.from(new Float32Array(copy.buffer), (v) => v.toPrecision(7)).join(",");
}

/**
 * Per code cell, the numbers its outputs show, sorted: printed text, tables, figure data. Left out:
 * durations ("9.4 s", "120 ms", "3 秒") and their ratios ("137× longer", "耗时是 PCA 的 137 倍"),
 * the inlined plotly.js, images, element ids, and integers
 * below 100 (labels such as "top-10" or "3 seeds" may be worded without them in Chinese). Sorted,
 * because a Chinese label may put its numbers in another order.
 */
function numbersByCell(nb: { cells: Cell[] }): string[][] {
  return nb.cells.filter((c) => c.cell_type === "code").map((c) => {
    const shown = (c.outputs ?? []).map((o) => {
      if (o.output_type === "stream") return text(o.text);
      if (o.output_type === "error") return `${o.ename}: ${o.evalue}`;
      const html = text(o.data?.["text/html"]);
      if (html.includes("if(!window.Plotly){(function(define")) return "";
      return html || text(o.data?.["text/plain"]);
    }).join("\n");
    const cleaned = shown
      .replace(/data:[a-z]+\/[a-z+.-]+;base64,[A-Za-z0-9+/=]+/g, "")
      .replace(/"([A-Za-z0-9+/]{40,}={0,2})"/g, (_, b64: string) => floats(b64))   // big figures' float32 blocks
      .replace(/\bembedlab-[a-z]+-[0-9a-z]+(?:-\d+)*/g, "")
      .replace(/\b\d+(?:\.\d+)? ?(?:ms|s)\b|\d+(?:\.\d+)? ?(?:毫秒|秒)/g, "")
      .replace(/\d+(?:\.\d+)?× (?:longer|shorter|faster|slower)\b|\d+(?:\.\d+)? ?倍/g, "")
      .replace(/(\d),(?=\d{3}\b)/g, "$1");
    return [...cleaned.matchAll(/\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi)].map((m) => m[0]).filter((n) => /[.e]/i.test(n) || Number(n) >= 100).sort();
  });
}

function streamText(nb: { cells: Cell[] }): string {
  return nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "stream").map((o) => text(o.text)).join("");
}

describe("the walkthroughs", () => {
  it("there are seven walkthroughs and 00-hello, committed without outputs, each walkthrough ending with Summary and Exercises", () => {
    expect(walkthroughs).toEqual([
      "01-encodings.ipynb",
      "02-positional-encoding.ipynb",
      "03-embedding-layer.ipynb",
      "04-pretrained-vectors.ipynb",
      "05-category-embedding.ipynb",
      "06-transformer-input-end-to-end.ipynb",
      "07-where-does-position-go.ipynb",
    ]);
    expect(all[0]).toBe("00-hello.ipynb");
    for (const f of walkthroughs) {
      const nb = JSON.parse(readFileSync(join(dir, f), "utf8")) as { cells: Cell[]; metadata: { kernelspec: { name: string } } };
      expect(nb.metadata.kernelspec.name, f).toBe("embedlab");
      expect(nb.cells.every((c) => (c.outputs ?? []).length === 0), `${f} has outputs`).toBe(true);
      const md = nb.cells.filter((c) => c.cell_type === "markdown").map((c) => text(c.source)).join("\n");
      expect(md, f).toMatch(/^## Summary$/m);
      expect(md, f).toMatch(/^## Exercises$/m);
    }
  });

  for (const [lang, from, kernel] of [["en", dir, "embedlab"], ["zh", zhDir, "embedlab-zh"]] as const) {
    for (const f of all) {
      it(`${lang}/${f} executes without an error on the ${kernel} kernel`, () => {
        const src = join(from, f);
        expect(existsSync(src), `${src} is missing (scripts/editions.mjs write makes notebooks/zh/)`).toBe(true);
        expect(JSON.parse(readFileSync(src, "utf8")).metadata.kernelspec.name).toBe(kernel);
        const { notebook, html, ipynb } = runNotebook(src);
        expect(ipynb).toBe(join(built[lang], f));
        expect(readFileSync(html, "utf8")).toMatch(/<html/);
        // the first code cell ran ready(), which names the backend once
        expect(streamText(notebook)).toMatch(/^embedlab: backend /m);
      }, 900_000);
    }
  }

  for (const f of all) {
    it(`${f} prints the same numbers in both editions (same code and seeds; durations aside)`, () => {
      const [en, zh] = [built.en, built.zh].map((d) => numbersByCell(JSON.parse(readFileSync(join(d, f), "utf8"))));
      expect(zh.length).toBe(en.length);
      expect(en.flat().length, `${f} prints numbers`).toBeGreaterThan(f.startsWith("00-") ? 0 : 20);
      en.forEach((numbers, k) => expect(zh[k], `${f}: code cell ${k + 1} (among code cells)`).toEqual(numbers));
    });
  }

  it("01's prose matches its output: collisions follow 1 − e^(−(m−1)/n), label codes get colours wrong that one-hot gets right", () => {
    const out = streamText(JSON.parse(readFileSync(join(root, "build/notebooks/01-encodings.ipynb"), "utf8")));
    const rows = [...out.matchAll(/^(\d+) +([\d.]+) +([\d.]+)$/gm)].map((m) => m.slice(1).map(Number));
    expect(rows.map((r) => r[0])).toEqual([64, 128, 256, 512, 1024, 2048, 4096, 8192]);
    for (const [n, measured, formula] of rows) {
      expect(formula, `n = ${n}`).toBeCloseTo(1 - Math.exp(-499 / n), 3);
      expect(Math.abs(measured - formula), `n = ${n}`).toBeLessThan(0.03);
    }
    const right = out.match(/^colours right: label code (\d) of 6, one-hot (\d) of 6$/m);
    expect(Number(right?.[2])).toBe(6);
    expect(Number(right?.[1])).toBeLessThan(6);
    expect(out).toMatch(/^purple +3 +0 +0\.\d+ WRONG/m);                    // the prose: purple cannot be cool
  });

  it("04's prose matches its output: skip-gram agrees with PPMI on groups, frozen vectors win with few labels only", () => {
    const out = streamText(JSON.parse(readFileSync(join(root, "build/notebooks/04-pretrained-vectors.ipynb"), "utf8")));
    const corr = out.match(/PPMI vs skip-gram: ([\d.]+); mean cosine: PPMI (-?[\d.]+), skip-gram (-?[\d.]+)/);
    expect(Number(corr?.[1])).toBeGreaterThan(0.5);                          // "the two methods' cosines correlate"
    expect(Number(corr?.[3])).toBeGreaterThan(Number(corr?.[2]));           // "skip-gram's cosines are larger overall"
    const shared = Number(out.match(/top-10 neighbours shared by the two methods, over 200 frequent words: ([\d.]+) of 10/)?.[1]);
    expect(shared).toBeGreaterThan(0.5);                                    // far above chance ...
    expect(shared).toBeLessThan(8);                                         // ... but "overlap only partly"
    const regimes = [...out.matchAll(/^(.+)\n  frozen +([\d.]+)%.*\n  fine-tuned +([\d.]+)%.*\n  random +([\d.]+)%.*\n  best: (.+)$/gm)];
    expect(regimes.map((m) => m[1])).toEqual(["212 labelled e-mails", "all 4,232 training e-mails"]);
    const [few, all] = regimes.map((m) => ({ frozen: Number(m[2]), tuned: Number(m[3]), random: Number(m[4]), best: m[5] }));
    expect(few.best).toBe("frozen, and its worst seed beats every seed of the others");
    expect(Math.min(all.tuned, all.random)).toBeGreaterThan(all.frozen);      // "with thousands of labels the table learns itself"
    expect(Math.abs(all.tuned - all.random)).toBeLessThan(Math.abs(few.frozen - few.tuned)); // "matters much less"
  });

  it("06 compares the models seed by seed with intervals, and the reloaded model predicts identically", () => {
    const nb = JSON.parse(readFileSync(join(root, "build/notebooks/06-transformer-input-end-to-end.ipynb"), "utf8"));
    const out = streamText(nb);
    const rows = [...out.matchAll(/^(.+?)\s+accuracy ([\d.]+)%\s+spam F1 ([\d.]+)%/gm)].map((m) => ({ name: m[1].trim(), accuracy: Number(m[2]) }));
    expect(rows.map((r) => r.name)).toEqual([
      "majority class (always ham)",
      "mean of token vectors",
      "attention pooling, no positions",
      "attention + positions",
      "attention + positions + sender",
    ]);
    // the chart leaves the majority out and the prose says so: every learned model is far above it
    for (const r of rows.slice(1)) expect(r.accuracy, r.name).toBeGreaterThan(rows[0].accuracy + 20);
    expect(out).toMatch(/not drawn: the majority class at 68\.65%/);
    // one line per factor: per-seed differences, their mean, a 95% interval and a verdict that agrees with it
    const num = (s: string) => Number(s.replace("−", "-"));
    const diffs = [...out.matchAll(/^(.+?)\s+per seed \[(.+?)\]\s+mean (\S+)\s+95% interval \[(\S+), (\S+)\]\s+→ (.+)$/gm)];
    expect(diffs.map((m) => m[1].trim())).toEqual([
      "attention pooling instead of the mean",
      "positions added",
      "sender added",
      "all three vs the mean of token vectors",
    ]);
    for (const m of diffs) {
      const perSeed = m[2].split(", ").map(num);
      const [mean, low, high] = [num(m[3]), num(m[4]), num(m[5])];
      expect(perSeed).toHaveLength(5);
      expect(mean).toBeCloseTo(perSeed.reduce((a, b) => a + b, 0) / 5, 1);
      expect(low).toBeLessThanOrEqual(mean);
      expect(high).toBeGreaterThanOrEqual(mean);
      expect(m[6], m[1]).toBe(low > 0 ? "better" : high < 0 ? "worse" : "no difference detectable");
    }
    // the summary's claim: every mean difference is smaller than the largest seed-to-seed spread
    const spreads = (out.match(/^spread between seeds \(best − worst\): (.+) points$/m)?.[1] ?? "").split(", ").map((s) => Number(s.split(" ")[1]));
    expect(spreads).toHaveLength(4);
    for (const m of diffs) expect(Math.abs(num(m[3])), m[1]).toBeLessThan(Math.max(...spreads));
    expect(out).toMatch(/^with 5 seeds, detectable: .+; not detectable: .+$/m);
    expect(out).not.toMatch(/beats every baseline/);
    expect(out).toMatch(/identical probabilities on all 1209 test e-mails: true/);
  });

  it("07 prints an accuracy table (3 seeds) for the five schemes at 32, 64 and 128 tokens, and a verdict for each", () => {
    const nb = JSON.parse(readFileSync(join(root, "build/notebooks/07-where-does-position-go.ipynb"), "utf8"));
    const out = streamText(nb);
    const diff = /largest difference from applyRotary: (\S+)$/m.exec(out);
    expect(Number(diff?.[1])).toBeLessThan(1e-5);
    const rows = [...out.matchAll(/^(sinusoidal|learned|RoPE|ALiBi|T5|none)\s+((?:[\d.]+% \(\d+\/\d+\/\d+\)\s*){3})$/gm)];
    expect(rows.map((m) => m[1])).toEqual(["sinusoidal", "learned", "RoPE", "ALiBi", "T5"]);
    const verdicts = [...out.matchAll(/^(\S+)\s+at 32: .*: (no detectable effect|worse at 128|better at 128)$/gm)].map((m) => m[1]);
    expect(verdicts).toEqual(["sinusoidal", "learned", "RoPE", "ALiBi", "T5"]);
  });
});

// The book, from the runs above: built by `npm start -- --book` with --no-execute (so it fails if it
// would execute anything again), then every page opened from file:// in Chromium.
describe("the book (build/book/)", () => {
  let browser: Browser;
  const reports: PageReport[] = [];
  const pages = () => htmlFiles(bookDir);

  beforeAll(async () => {
    browser = await launchForBook();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("npm start -- --book builds it from the executed notebooks, executing none, and says where to open it", () => {
    const r = spawnSync(process.execPath, [join(root, "scripts/start.mjs"), "--no-setup", "--book", "--no-execute"], { cwd: root, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^book: ${1 + 2 * all.length} pages in [\\d.]+ s \\(0 notebooks executed, ${2 * all.length} reused\\)$`, "m"));
    expect(r.stdout).toContain(`book: open ${pathToFileURL(join(bookDir, "index.html")).href}`);
    expect(r.stdout).toMatch(/python3 -m http\.server --directory build\/book 8000/);
    expect(pages()).toEqual(["en", "zh"].flatMap((l) => all.map((f) => `${l}/${f.replace(".ipynb", ".html")}`)).concat("index.html").sort());
    // one copy of plotly.js, loaded by the pages that draw figures; none inlined
    expect(readdirSync(bookDir).filter((f) => f.includes("plotly"))).toEqual(["plotly.min.js"]);
    for (const p of pages()) expect(readFileSync(join(bookDir, p), "utf8"), p).not.toMatch(/\* plotly\.js v\d/);
  }, 120_000);

  it("every page loads from file:// in Chromium without a page error, and every local link and source resolves", async () => {
    for (const p of pages()) reports.push(await inspectPage(browser, bookDir, p));
    for (const r of reports) {
      expect(r.errors, r.page).toEqual([]);
      expect(r.broken, r.page).toEqual([]);
      expect(r.links, r.page).toBeGreaterThan(5);
      expect(r.bytes, `${r.page} is over 2 MB`).toBeLessThanOrEqual(2 * 2 ** 20);
    }
  }, 600_000);

  it("every figure draws (an svg.main-svg or canvas with a size), math is typeset, <details> stay folded", () => {
    expect(reports.length).toBe(pages().length);
    let figures = 0;
    for (const r of reports.filter((x) => x.page !== "index.html")) {
      for (const [k, fig] of r.figures.entries()) {
        expect(fig.drawn, `${r.page}: figure ${k + 1} did not draw`).toBe(true);
        expect(Math.min(fig.width, fig.height), `${r.page}: figure ${k + 1} has no size`).toBeGreaterThan(50);
      }
      figures += r.figures.length;
      if (r.figures.length) expect(r.plotlyLoaded, r.page).toBe(true);
      expect(r.mathErrors, r.page).toBe(0);
      expect(r.detailsOpen, `${r.page}: a <details> block is open on load`).toBe(0);
    }
    expect(figures).toBeGreaterThan(20);
    const en02 = reports.find((r) => r.page === "en/02-positional-encoding.html")!;
    const zh02 = reports.find((r) => r.page === "zh/02-positional-encoding.html")!;
    expect(en02.math).toBeGreaterThan(20);
    expect(zh02.math).toBeGreaterThan(10);
    expect(zh02.figures.length).toBe(en02.figures.length);
  });

  it("each chapter links to the same chapter in the other language", () => {
    for (const r of reports.filter((x) => x.page !== "index.html")) {
      const [lang, name] = r.page.split("/");
      expect(r.otherLanguage, r.page).toBe(`${lang === "en" ? "zh" : "en"}/${name}`);
    }
  });

  it("the index lists every chapter in both languages with its line, and its switch shows one language", async () => {
    const html = readFileSync(join(bookDir, "index.html"), "utf8");
    const chapters = JSON.parse(readFileSync(join(root, "scripts/book-chapters.json"), "utf8")) as Record<string, { en: string; zh: string }>;
    for (const f of all) for (const l of ["en", "zh"]) expect(html).toContain(`href="${l}/${f.replace(".ipynb", ".html")}"`);
    expect(html).toContain(chapters["02-positional-encoding"].zh);
    const p = await browser.newPage();
    try {
      await p.goto(`${pathToFileURL(join(bookDir, "index.html")).href}#zh`);
      expect(await p.$eval("section#zh", (s) => (s as HTMLElement).hidden)).toBe(false);
      expect(await p.$eval("section#en", (s) => (s as HTMLElement).hidden)).toBe(true);
      await p.click('.lang-switch a[data-lang="en"]');
      await p.waitForFunction(() => !(document.querySelector("section#en") as HTMLElement).hidden);
      expect(await p.$eval("section#zh", (s) => (s as HTMLElement).hidden)).toBe(true);
      expect(await p.$$eval("section#zh .chapter-list > li", (li) => li.length)).toBe(all.length);
    } finally {
      await p.close();
    }
  }, 60_000);

  it("works from a static server too: the index, then a chapter through its link, without errors, figures drawn", async () => {
    const { server, url } = await serveStatic(bookDir);
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on("pageerror", (e) => errors.push(e.message));
    p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    try {
      await p.goto(`${url}#zh`);
      await Promise.all([p.waitForEvent("load", { timeout: 180_000 }), p.click('section#zh a[href="zh/02-positional-encoding.html"]')]);
      expect(p.url()).toBe(`${url}zh/02-positional-encoding.html`);
      await p.waitForFunction(() => [...document.querySelectorAll(".embedlab-figure")].every((el) => el.querySelector("svg.main-svg")), null, { timeout: 120_000 });
      expect(await p.$$eval(".embedlab-figure svg.main-svg", (s) => s.length)).toBeGreaterThan(0);
      expect(await p.$eval("a.other-lang", (a) => (a as HTMLAnchorElement).href)).toBe(`${url}en/02-positional-encoding.html`);
      expect(errors).toEqual([]);
    } finally {
      await p.close();
      server.close();
    }
  }, 300_000);
});
