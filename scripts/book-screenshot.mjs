#!/usr/bin/env node
// The README's picture of the book: a chapter of the Chinese edition in Chromium (Debian's, through
// playwright-core), from build/book/ (`npm run book` first).
//   node scripts/book-screenshot.mjs [page] [--out docs/book-zh.png] [--at "heading text"]
// Defaults: zh/02-positional-encoding.html of build/book/ (BOOK_DIR=DIR for another), scrolled to
// the heading containing --at when given.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { root } from "./lib.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const page = args.find((a, i) => !a.startsWith("--") && !["--out", "--at"].includes(args[i - 1])) ?? "zh/02-positional-encoding.html";
const out = resolve(opt("--out", join(root, "docs/book-zh.png")));
const at = opt("--at", null);
const file = join(process.env.BOOK_DIR ?? join(root, "build/book"), page);
if (!existsSync(file)) {
  console.error(`book-screenshot: no ${file}; run \`npm run book\` first`);
  process.exit(1);
}
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"] });
try {
  const p = await browser.newPage({ viewport: { width: 1200, height: 820 }, deviceScaleFactor: 1 });
  await p.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 180_000 });
  await p.waitForFunction(() => [...document.querySelectorAll(".embedlab-figure")].every((el) => el.querySelector("svg.main-svg, canvas")), null, { timeout: 120_000 });
  if (at) {
    await p.evaluate((text) => {
      const h = [...document.querySelectorAll("main h2, main h3")].find((e) => e.textContent?.includes(text));
      if (!h) throw new Error(`book-screenshot: no heading containing ${JSON.stringify(text)}`);
      window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 60);
    }, at);
  }
  await p.waitForTimeout(500);
  await p.screenshot({ path: out });
  console.log(`book-screenshot: wrote ${out}`);
} finally {
  await browser.close();
}
