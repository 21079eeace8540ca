#!/usr/bin/env node
// The walkthroughs as an offline book in two languages: build/book/.
//
//   node scripts/book.mjs [--out DIR] [--no-execute]        (npm run book; npm start -- --book)
//
// Writes index.html (the chapters in English and 中文, a line each, and a language switch), en/ and
// zh/ with one page per walkthrough (prose, code, outputs: text, HTML tables, images, interactive
// plotly figures), a table of contents per page, previous / next, a link to the same page in the
// other language; one shared plotly.min.js (the notebooks' first cell inlines 4.8 MB of it, which is
// stripped here), KaTeX's CSS with its fonts for the math (rendered here, no script), and img/ with every
// figure's static PNG (named by its content, so pages stay small). Opens from file:// and from any
// static server: every link is relative.
//
// Outputs come from the executed notebooks the walkthrough tests and `npm start -- --headless` write:
// build/notebooks/NN-*.ipynb (English) and build/notebooks/zh/NN-*.ipynb (中文). One is reused when
// it is newer than the built packages, has the same code cells as its source notebook and no failed
// cell; the others are executed (with --no-execute they are an error instead). The prose always
// comes from the source notebooks, so a change to the text alone executes nothing.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SOURCE_DIR, ZH_DIR, sources } from "./editions.mjs";
import { findFailures, runNotebook } from "./run-notebooks.mjs";
import { root } from "./lib.mjs";

const require = createRequire(import.meta.url);
const MarkdownIt = require("markdown-it");
const markdownItKatex = require("@vscode/markdown-it-katex").default;
const katex = require("katex");
const hljs = require("highlight.js/lib/core");
hljs.registerLanguage("typescript", require("highlight.js/lib/languages/typescript"));

export const LANGS = ["en", "zh"];
export const BOOK_DIR = join(root, "build/book");
const EXECUTED = { en: join(root, "build/notebooks"), zh: join(root, "build/notebooks/zh") };
const SOURCES = { en: SOURCE_DIR, zh: ZH_DIR };
/** One line per chapter, in both languages (a test checks every walkthrough has one). */
export const CHAPTERS = JSON.parse(readFileSync(join(root, "scripts/book-chapters.json"), "utf8"));

const UI = {
  en: {
    htmlLang: "en", book: "embedlab — encodings and embeddings, hands on", contents: "On this page", chapters: "Chapters",
    prev: "Previous", next: "Next", other: "中文", otherTitle: "这一章的中文版", home: "All chapters",
    intro: "The walkthroughs of embedlab, notebooks that run in Jupyter on its TypeScript kernel, shown here with their outputs.",
    showCode: "Show the code", solution: "Solution",
  },
  zh: {
    htmlLang: "zh-Hans", book: "embedlab —— 动手学编码与嵌入", contents: "本页目录", chapters: "章节",
    prev: "上一章", next: "下一章", other: "English", otherTitle: "This chapter in English", home: "全部章节",
    intro: "embedlab 的教程是在 Jupyter（embedlab TypeScript 内核）中运行的笔记本，这里连同运行结果一起呈现。",
    showCode: "显示代码", solution: "解答",
  },
};

const text = (s) => (Array.isArray(s) ? s.join("") : s ?? "");
const escapeHtml = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");

/** The newest modification time of the files under `dir` (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** When the packages the notebooks import were last built. */
export const packagesBuiltAt = () => Math.max(newest(join(root, "packages/core/dist")), newest(join(root, "packages/display/dist")));

const codeCells = (nb) => nb.cells.filter((c) => c.cell_type === "code").map((c) => text(c.source));

/**
 * Why the executed notebook at `executedPath` can't stand for `source` (a string), or null when it
 * can: it must exist, be newer than the built packages, run the same code and have no failed cell.
 */
export function staleReason(source, executedPath, builtAt = packagesBuiltAt()) {
  if (!existsSync(executedPath)) return "not executed yet";
  if (statSync(executedPath).mtimeMs < builtAt) return "older than the built packages";
  const executed = JSON.parse(readFileSync(executedPath, "utf8"));
  const [a, b] = [codeCells(source), codeCells(executed)];
  if (a.length !== b.length || a.some((s, i) => s !== b[i])) return "its code differs from the source notebook's";
  const failures = findFailures(executed);
  if (failures.length) return `cell ${failures[0].cell} failed when it was executed`;
  return null;
}

// ---------------------------------------------------------------- markdown

/** A heading's anchor: letters (any script) and digits, joined by "-". */
function slug(s, taken) {
  const base = s.toLowerCase().replace(/<[^>]*>/g, "").replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "") || "section";
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
  taken.add(id);
  return id;
}

/**
 * A markdown renderer for one page: CommonMark with raw HTML (so `<details>` blocks stay as
 * written, folded), $…$ / $$…$$ math rendered by KaTeX at build time, TypeScript highlighted,
 * and every h2/h3 given an id and collected into `headings` (the page's table of contents).
 */
export function markdownRenderer() {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false, highlight: highlightCode });
  md.use(markdownItKatex, { throwOnError: false });
  // $$…$$ inside a paragraph: displayed, but as a span (the plugin's <p> can't sit inside a <p>)
  md.renderer.rules.math_inline_block = (tokens, idx) => `<span class="katex-block">${katex.renderToString(tokens[idx].content, { displayMode: true, throwOnError: false })}</span>`;
  const taken = new Set();
  const headings = [];
  md.core.ruler.push("embedlab_heading_ids", (state) => {
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.type !== "heading_open") continue;
      const inline = tokens[i + 1];
      const plain = inline.children.filter((c) => c.type === "text" || c.type === "code_inline").map((c) => c.content).join("");
      const id = slug(plain, taken);
      t.attrSet("id", id);
      const level = Number(t.tag.slice(1));
      if (level === 2 || level === 3) headings.push({ level, id, html: md.renderer.renderInline(inline.children, md.options, state.env) });
    }
  });
  return { render: (src) => md.render(src), renderInline: (src) => md.renderInline(src), headings, md };
}

function highlightCode(code, language) {
  const lang = ["ts", "typescript", "js", "javascript", ""].includes(language) ? "typescript" : null;
  if (!lang) return "";
  return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
}

// ---------------------------------------------------------------- outputs

const PLOTLY_START = '<script type="text/javascript">if(!window.Plotly){(function(define,require,module,exports){';
const PLOTLY_END = "}).call(window);}</script>";

/** The note initNotebook() puts after the bundle ("embedlab: plotly.js 4.1.2 loaded (offline, …)"). */
const PLOTLY_NOTE = /^<div class="embedlab-note"[^>]*>embedlab: plotly\.js [^<]* loaded [^<]*<\/div>/;

/** `html` without the inlined plotly.js bundle and its note (the page loads the shared copy instead). */
export function stripPlotlyBundle(html) {
  let out = html;
  for (let start = out.indexOf(PLOTLY_START); start >= 0; start = out.indexOf(PLOTLY_START)) {
    const end = out.indexOf(PLOTLY_END, start);
    if (end < 0) break;
    out = out.slice(0, start) + out.slice(end + PLOTLY_END.length).replace(PLOTLY_NOTE, "");
  }
  return out;
}

/** Writes each PNG data URL in `html` to img/<hash>.png under the book and points at it instead. */
function externalizeImages(html, ctx) {
  return html.replace(/data:image\/png;base64,([A-Za-z0-9+/=\s]+)/g, (_, b64) => ctx.image(b64.replace(/\s/g, "")));
}

/** One output of a code cell as HTML. */
function renderOutput(out, ctx) {
  if (out.output_type === "stream") {
    return `<pre class="output stream ${out.name === "stderr" ? "stderr" : "stdout"}">${escapeHtml(stripAnsi(text(out.text)))}</pre>`;
  }
  if (out.output_type === "error") {
    const tb = stripAnsi((out.traceback ?? []).join("\n")) || `${out.ename}: ${out.evalue}`;
    return `<pre class="output error">${escapeHtml(tb)}</pre>`;
  }
  const data = out.data ?? {};
  if (data["text/html"] !== undefined) {
    const html = stripPlotlyBundle(text(data["text/html"]));
    if (!html.trim()) return "";
    return `<div class="output html">${externalizeImages(html, ctx)}</div>`;
  }
  if (data["application/vnd.plotly.v1+json"] !== undefined) {
    const fig = data["application/vnd.plotly.v1+json"];
    const id = `plotly-${ctx.nextId()}`;
    const json = JSON.stringify(fig).replace(/</g, "\\u003c");
    return `<div class="output plotly"><div id="${id}"></div><script>(function(){var f=${json};Plotly.newPlot("${id}",f.data,f.layout||{},f.config||{responsive:true,displaylogo:false});})();</script></div>`;
  }
  if (data["image/png"] !== undefined) {
    return `<div class="output image"><img alt="figure" src="${ctx.image(text(data["image/png"]).replace(/\s/g, ""))}"></div>`;
  }
  if (data["image/svg+xml"] !== undefined) return `<div class="output image">${text(data["image/svg+xml"])}</div>`;
  if (data["text/plain"] !== undefined) return `<pre class="output text">${escapeHtml(stripAnsi(text(data["text/plain"])))}</pre>`;
  return "";
}

/** A code cell: the code, then its outputs. Solution cells (tag "solution") come folded. */
function renderCodeCell(cell, executed, ctx, ui) {
  const code = `<pre class="input"><code class="hljs language-typescript">${highlightCode(text(cell.source), "typescript")}</code></pre>`;
  const outputs = (executed?.outputs ?? []).map((o) => renderOutput(o, ctx)).join("");
  const tags = cell.metadata?.tags ?? [];
  const hidden = cell.metadata?.jupyter?.source_hidden === true;
  const input = hidden ? `<details class="code"><summary>${ui.showCode}</summary>${code}</details>` : code;
  const body = `${input}${outputs ? `<div class="outputs">${outputs}</div>` : ""}`;
  if (tags.includes("solution")) return `<details class="cell code solution"><summary>${ui.solution}</summary>${body}</details>`;
  return `<div class="cell code">${body}</div>`;
}

// ---------------------------------------------------------------- pages

const pageName = (f) => f.replace(/\.ipynb$/, ".html");
const stem = (f) => f.replace(/\.ipynb$/, "");

/** The title of a notebook: its first "# " heading, without markdown. */
export function titleOf(nb) {
  for (const c of nb.cells) {
    if (c.cell_type !== "markdown") continue;
    const m = /^# (.+)$/m.exec(text(c.source));
    if (m) return m[1].replace(/[*_`]/g, "").trim();
  }
  return "";
}

function head(title, depth, { plotly }) {
  const up = depth ? "../" : "";
  return `<!DOCTYPE html>
<html lang="LANG">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${up}katex/katex.min.css">
<link rel="stylesheet" href="${up}book.css">
${plotly ? `<script src="${up}plotly.min.js"></script>\n` : ""}</head>`;
}

function chapterPage({ lang, files, index, source, executed, ctx }) {
  const ui = UI[lang];
  const f = files[index];
  const r = markdownRenderer();
  const cells = [];
  let k = 0;
  const executedCode = executed.cells.filter((c) => c.cell_type === "code");
  for (const cell of source.cells) {
    if (cell.cell_type === "markdown") cells.push(`<div class="cell markdown">${r.render(text(cell.source))}</div>`);
    else if (cell.cell_type === "code") cells.push(renderCodeCell(cell, executedCode[k++], ctx, ui));
  }
  const body = cells.join("\n");
  const title = ctx.titles[lang][index];
  const other = LANGS.find((l) => l !== lang);
  const toc = r.headings.map((h) => `<li class="toc-h${h.level}"><a href="#${h.id}">${h.html}</a></li>`).join("");
  const chapters = files.map((g, i) => `<li${i === index ? ' class="current"' : ""}><a href="${pageName(g)}">${escapeHtml(ctx.titles[lang][i])}</a></li>`).join("");
  const link = (i, label, cls) => (i >= 0 && i < files.length ? `<a class="${cls}" href="${pageName(files[i])}"><span>${label}</span> ${escapeHtml(ctx.titles[lang][i])}</a>` : `<span class="${cls}"></span>`);
  const plotly = body.includes("Plotly");
  return `${head(`${title} · embedlab`, 1, { plotly }).replace("LANG", ui.htmlLang)}
<body class="chapter ${lang}">
<header class="bar">
<a class="home" href="../index.html#${lang}">${escapeHtml(ui.book)}</a>
<a class="other-lang" hreflang="${UI[other].htmlLang}" lang="${UI[other].htmlLang}" title="${escapeHtml(ui.otherTitle)}" href="../${other}/${pageName(f)}">${ui.other}</a>
</header>
<div class="layout">
<nav class="sidebar">
<h2>${ui.chapters}</h2>
<ol class="chapters">${chapters}</ol>
<h2>${ui.contents}</h2>
<ul class="toc">${toc}</ul>
</nav>
<main>
${body}
<nav class="prevnext">${link(index - 1, ui.prev, "prev")}${link(index + 1, ui.next, "next")}</nav>
</main>
</div>
</body>
</html>
`;
}

function indexPage(files, ctx) {
  const section = (lang) => {
    const ui = UI[lang];
    const items = files.map((f, i) => `<li><a href="${lang}/${pageName(f)}">${escapeHtml(ctx.titles[lang][i])}</a><p>${ctx.describe(lang, f)}</p></li>`).join("\n");
    return `<section class="edition" id="${lang}" lang="${ui.htmlLang}">
<h1>${escapeHtml(ui.book)}</h1>
<p class="intro">${ui.intro}</p>
<ol class="chapter-list">
${items}
</ol>
</section>`;
  };
  // Without JavaScript both editions show; with it, the one the hash or the browser's language asks for.
  return `${head("embedlab — the book", 0, { plotly: false }).replace("LANG", "en")}
<body class="index">
<nav class="lang-switch"><a href="#en" data-lang="en" lang="en">English</a><a href="#zh" data-lang="zh" lang="zh-Hans">中文</a></nav>
${LANGS.map(section).join("\n")}
<script>
(function () {
  function pick() {
    var want = (location.hash || "").slice(1);
    if (want !== "en" && want !== "zh") want = /^zh/i.test(navigator.language || "") ? "zh" : "en";
    document.querySelectorAll("section.edition").forEach(function (s) { s.hidden = s.id !== want; });
    document.querySelectorAll(".lang-switch a").forEach(function (a) { a.classList.toggle("active", a.dataset.lang === want); });
    document.documentElement.lang = want === "zh" ? "zh-Hans" : "en";
  }
  window.addEventListener("hashchange", pick);
  pick();
})();
</script>
</body>
</html>
`;
}

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--code:#f6f8fa;--accent:#0b62c4}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);font:16px/1.6 -apple-system,"Segoe UI","Helvetica Neue",Arial,"Noto Sans CJK SC","Droid Sans Fallback","PingFang SC","Microsoft YaHei",sans-serif}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.bar{position:sticky;top:0;z-index:10;display:flex;justify-content:space-between;align-items:center;padding:8px 20px;background:#fff;border-bottom:1px solid var(--line)}
.bar .home{font-weight:600;color:var(--fg)}
.bar .other-lang{border:1px solid var(--line);border-radius:4px;padding:2px 10px}
.layout{display:flex;max-width:1280px;margin:0 auto}
.sidebar{flex:0 0 260px;position:sticky;top:45px;align-self:flex-start;max-height:calc(100vh - 45px);overflow:auto;padding:16px 12px 16px 20px;font-size:14px;border-right:1px solid var(--line)}
.sidebar h2{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:12px 0 6px}
.sidebar ol,.sidebar ul{list-style:none;margin:0;padding:0}
.sidebar li{margin:3px 0}
.sidebar .current a{font-weight:600;color:var(--fg)}
.sidebar .toc-h3{padding-left:14px}
main{flex:1;min-width:0;padding:12px 32px 40px}
main h1{font-size:30px;line-height:1.25;margin:16px 0 12px}
main h2{font-size:23px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
main h3{font-size:19px;margin:24px 0 8px}
.cell{margin:12px 0}
pre{overflow-x:auto;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono","Droid Sans Fallback",monospace}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:90%;background:var(--code);padding:1px 4px;border-radius:3px}
pre code,pre code.hljs{background:none;padding:0;font-size:100%}
.cell.markdown pre{background:var(--code);padding:10px 12px;border-radius:6px}
pre.input{background:var(--code);border:1px solid var(--line);border-left:3px solid var(--accent);padding:10px 12px;border-radius:4px;margin:0}
.outputs{border-left:3px solid #e5e7eb;padding:4px 0 4px 12px;margin-top:4px;overflow-x:auto}
pre.output{margin:4px 0;padding:0;background:none}
pre.stderr,pre.error{color:#b00;background:#fff5f5}
.output.html,.output.image{margin:6px 0}
.output img{max-width:100%;height:auto}
details{border:1px solid var(--line);border-radius:6px;padding:6px 12px;margin:10px 0}
details>summary{cursor:pointer;font-weight:600}
.katex-display{overflow-x:auto;overflow-y:hidden;padding:4px 0}.katex-block{display:block}
table{border-collapse:collapse}
.cell.markdown table td,.cell.markdown table th{border:1px solid var(--line);padding:4px 8px}
.prevnext{display:flex;justify-content:space-between;gap:16px;margin-top:40px;padding-top:16px;border-top:1px solid var(--line)}
.prevnext a span{display:block;font-size:12px;color:var(--muted)}
.prevnext .next{text-align:right;margin-left:auto}
body.index{max-width:860px;margin:0 auto;padding:20px}
.lang-switch{display:flex;gap:8px;justify-content:flex-end}
.lang-switch a{border:1px solid var(--line);border-radius:4px;padding:2px 12px}
.lang-switch a.active{background:var(--accent);color:#fff;border-color:var(--accent)}
.chapter-list{list-style:none;padding:0}.chapter-list li{margin:12px 0}.chapter-list li>a{font-weight:600;font-size:18px}.chapter-list p{margin:2px 0;color:var(--muted)}
@media (max-width:900px){.layout{display:block}.sidebar{position:static;max-height:none;border-right:0;border-bottom:1px solid var(--line)}main{padding:12px 16px}}
`;

// ---------------------------------------------------------------- build

/**
 * Builds the book into `outDir` (replacing what an earlier build wrote there). Executes the
 * notebooks whose executed copy is missing or stale (see staleReason) unless `execute` is false, in
 * which case that is an error. `files` (default: every walkthrough) picks the chapters. Returns
 * { outDir, pages, executed, reused }: pages are paths, executed and reused "en/NN-name.ipynb" labels.
 */
export function buildBook({ outDir = BOOK_DIR, execute = true, log = () => {}, files = sources() } = {}) {
  const missingLines = files.filter((f) => !CHAPTERS[stem(f)]);
  if (missingLines.length) throw new Error(`book: scripts/book-chapters.json has no line for ${missingLines.join(", ")}`);
  const builtAt = packagesBuiltAt();
  const notebooks = { en: [], zh: [] };
  const executed = [];
  const reused = [];
  const stale = [];
  for (const lang of LANGS) {
    for (const f of files) {
      const srcPath = join(SOURCES[lang], f);
      if (!existsSync(srcPath)) {
        throw new Error(`book: ${relative(root, srcPath)} is missing: every markdown cell of notebooks/${f} needs its Chinese (metadata.embedlab.zh), then \`node scripts/editions.mjs write\``);
      }
      const source = JSON.parse(readFileSync(srcPath, "utf8"));
      if (lang === "zh") {
        // the prose is checked by `node scripts/editions.mjs check`; the code must be the source's
        const en = codeCells(JSON.parse(readFileSync(join(SOURCE_DIR, f), "utf8")));
        const zh = codeCells(source);
        if (en.length !== zh.length || en.some((c, i) => c !== zh[i])) {
          throw new Error(`book: the code of notebooks/zh/${f} differs from notebooks/${f}'s; run \`node scripts/editions.mjs write\``);
        }
      }
      const exPath = join(EXECUTED[lang], f);
      const why = staleReason(source, exPath, builtAt);
      const label = `${lang}/${f}`;
      if (why) {
        if (!execute) { stale.push(`${label}: ${why}`); continue; }
        log(`book: executing ${label} (${why})`);
        runNotebook(srcPath, { outDir: EXECUTED[lang] });
        executed.push(label);
      } else reused.push(label);
      notebooks[lang].push({ source, executed: JSON.parse(readFileSync(exPath, "utf8")) });
    }
  }
  if (stale.length) throw new Error(`book: these executed notebooks are missing or stale (run without --no-execute to execute them):\n  ${stale.join("\n  ")}`);

  // replace what an earlier build wrote, nothing else (--out may name a folder with other files)
  for (const p of ["en", "zh", "img", "katex", "index.html", "book.css", "plotly.min.js"]) rmSync(join(outDir, p), { recursive: true, force: true });
  for (const d of ["en", "zh", "img", "katex"]) mkdirSync(join(outDir, d), { recursive: true });
  const images = new Set();
  let ids = 0;
  const describer = markdownRenderer();
  const ctx = {
    titles: Object.fromEntries(LANGS.map((l) => [l, files.map((f, i) => titleOf(notebooks[l][i].source) || titleOf(notebooks.en[i].source) || stem(f))])),
    describe: (lang, f) => describer.renderInline(CHAPTERS[stem(f)][lang]),
    nextId: () => ++ids,
    image(b64) {
      const bytes = Buffer.from(b64, "base64");
      const name = `${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}.png`;
      if (!images.has(name)) {
        writeFileSync(join(outDir, "img", name), bytes);
        images.add(name);
      }
      return `../img/${name}`;
    },
  };
  const pages = [];
  for (const lang of LANGS) {
    files.forEach((f, index) => {
      const path = join(outDir, lang, pageName(f));
      writeFileSync(path, chapterPage({ lang, files, index, ...notebooks[lang][index], ctx }));
      pages.push(path);
    });
  }
  writeFileSync(join(outDir, "index.html"), indexPage(files, ctx));
  pages.unshift(join(outDir, "index.html"));
  copyFileSync(require.resolve("plotly.js-dist-min/plotly.min.js", { paths: [join(root, "packages/display")] }), join(outDir, "plotly.min.js"));
  // KaTeX's CSS with its woff2 fonts inlined: browsers that load fonts from file:// only next to or
  // below the page (Firefox) would not load ../katex/fonts/ from en/ and zh/
  const katexDist = dirname(require.resolve("katex/dist/katex.min.css"));
  const katexCss = readFileSync(join(katexDist, "katex.min.css"), "utf8").replace(/src:url\(fonts\/([\w-]+)\.woff2\) format\("woff2"\)[^;}]*/g, (_, font) => `src:url(data:font/woff2;base64,${readFileSync(join(katexDist, "fonts", `${font}.woff2`)).toString("base64")}) format("woff2")`);
  if (/url\(fonts\//.test(katexCss)) throw new Error("book: KaTeX's CSS names a font file this script does not inline; update scripts/book.mjs");
  writeFileSync(join(outDir, "katex/katex.min.css"), katexCss);
  const hljsCss = readFileSync(require.resolve("highlight.js/styles/github.css"), "utf8");
  writeFileSync(join(outDir, "book.css"), hljsCss + CSS);
  return { outDir, pages, executed, reused };
}

function main(argv) {
  let outDir = BOOK_DIR;
  let execute = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") outDir = resolve(argv[++i]);
    else if (a === "--no-execute") execute = false;
    else {
      console.error(`book: unknown argument ${JSON.stringify(a)}; allowed: --out DIR, --no-execute`);
      return 2;
    }
  }
  const t0 = Date.now();
  const { pages, executed, reused } = buildBook({ outDir, execute, log: (m) => console.log(m) });
  const index = join(outDir, "index.html");
  console.log(`book: ${pages.length} pages in ${((Date.now() - t0) / 1000).toFixed(1)} s (${executed.length} notebook${executed.length === 1 ? "" : "s"} executed, ${reused.length} reused)`);
  console.log(`book: open ${pathToFileURL(index).href}`);
  console.log(`book: or serve it: python3 -m http.server --directory ${relative(process.cwd(), outDir) || "."} 8000   (then http://127.0.0.1:8000/)`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exitCode = 1;
  }
}
