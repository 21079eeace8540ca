// scripts/book.mjs in parts: the markdown it renders (math, folded <details>, heading anchors and
// the table of contents), the plotly.js bundle it strips from the first cell's output, and when it
// reuses an executed notebook instead of executing it again. The whole book, built from the
// executed walkthroughs and opened in Chromium, is checked at the end of test/notebooks/walkthroughs.test.ts
// (which executes them first: the book reuses those runs).
import { describe, expect, it } from "vitest";
import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: plain ESM script without types
import { markdownRenderer, staleReason, stripPlotlyBundle, titleOf } from "../../scripts/book.mjs";

const md = (src: string) => {
  const r = markdownRenderer();
  return { html: r.render(src) as string, headings: r.headings as { level: number; id: string; html: string }[] };
};

describe("the book's markdown", () => {
  it("renders $…$ and $$…$$ with KaTeX at build time (no script needed), leaving code spans alone", () => {
    const { html } = md("For position $pos$ and $d_{model}$ columns, `a $b$ c`:\n\n$$PE_{(pos,\\,2i)} = \\sin\\!\\left(\\frac{pos}{10000^{2i/d_{model}}}\\right)$$\n");
    expect(html.match(/<span class="katex">/g)).toHaveLength(3);
    expect(html).toMatch(/<span class="katex-display">/);
    expect(html).toContain("<code>a $b$ c</code>");
    expect(html).not.toMatch(/katex-error/);
    expect(html).not.toMatch(/<em>model/); // the underscores inside math are not emphasis
  });

  it("keeps <details> folded, with markdown, code and math inside it (the walkthroughs' Solutions)", () => {
    const { html } = md("## Solutions\n\n<details><summary>Solution 02.1</summary>\n\n```ts\nconst x = 1;\n```\n\nSo $x = 1$.\n\n</details>\n\n<details><summary>Solution 02.2</summary>\n\nTwo.\n\n</details>\n");
    expect(html.match(/<details>/g)).toHaveLength(2);
    const inner = /<details>([\s\S]*?)<\/details>/.exec(html)?.[1] ?? "";
    expect(html).not.toMatch(/<details[^>]*\bopen\b/);
    expect(inner).toMatch(/<summary>Solution 02\.1<\/summary>/);
    expect(inner).toMatch(/<pre><code class="language-ts"><span class="hljs-keyword">const<\/span> x =/);
    expect(inner).toMatch(/<span class="katex">/);
  });

  it("gives every heading an anchor (Chinese too) and lists h2/h3 for the table of contents, once each", () => {
    const { html, headings } = md("# 02 — Title\n\n## The formula\n\n### A `detail`\n\n## 小结\n\n## The formula\n");
    expect(headings).toEqual([
      { level: 2, id: "the-formula", html: "The formula" },
      { level: 3, id: "a-detail", html: "A <code>detail</code>" },
      { level: 2, id: "小结", html: "小结" },
      { level: 2, id: "the-formula-2", html: "The formula" },
    ]);
    expect(html).toContain('<h1 id="02-title">02 — Title</h1>');
    expect(html).toContain('<h2 id="小结">小结</h2>');
  });

  it("takes a chapter's title from its first level-1 heading", () => {
    const nb = { cells: [{ cell_type: "code", source: "# not markdown" }, { cell_type: "markdown", source: ["intro\n", "# 02 — *Positional* encoding\n"] }] };
    expect(titleOf(nb)).toBe("02 — Positional encoding");
  });
});

describe("the book's outputs", () => {
  it("strips the inlined plotly.js bundle and its note, and keeps what follows them", () => {
    const bundle = '<script type="text/javascript">if(!window.Plotly){(function(define,require,module,exports){\nvar Plotly = {};\n}).call(window);}</script>';
    const note = '<div class="embedlab-note" style="color:#888;font-size:11px">embedlab: plotly.js 4.1.2 loaded (offline, from the npm package)</div>';
    expect(stripPlotlyBundle(`${bundle}${note}<div class="embedlab-note">kept</div>`)).toBe('<div class="embedlab-note">kept</div>');
    expect(stripPlotlyBundle(`${note}`)).toBe(note); // the note alone (no bundle before it) stays
    expect(stripPlotlyBundle("<div>no bundle</div>")).toBe("<div>no bundle</div>");
  });
});

describe("reusing executed notebooks", () => {
  const source = { cells: [{ cell_type: "markdown", source: "# t" }, { cell_type: "code", source: ["const x = 1;\n", "x"] }] };
  const dir = mkdtempSync(join(tmpdir(), "embedlab-book-"));
  const write = (name: string, nb: unknown, mtime: number) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(nb));
    utimesSync(p, mtime, mtime);
    return p;
  };
  const ran = (code: string, outputs: unknown[] = [{ output_type: "stream", name: "stdout", text: "1\n" }]) => ({ cells: [{ cell_type: "markdown", source: "# old prose" }, { cell_type: "code", source: code, outputs }] });

  it("reuses a run newer than the built packages with the same code (prose may differ), and says why not otherwise", () => {
    const builtAt = 1_000_000_000_000;
    const t = builtAt / 1000;
    expect(staleReason(source, join(dir, "missing.ipynb"), builtAt)).toBe("not executed yet");
    expect(staleReason(source, write("fresh.ipynb", ran("const x = 1;\nx"), t + 10), builtAt)).toBeNull();
    expect(staleReason(source, write("old.ipynb", ran("const x = 1;\nx"), t - 10), builtAt)).toBe("older than the built packages");
    expect(staleReason(source, write("edited.ipynb", ran("const x = 2;\nx"), t + 10), builtAt)).toBe("its code differs from the source notebook's");
    const failed = ran("const x = 1;\nx", [{ output_type: "error", ename: "RangeError", evalue: "boom", traceback: [] }]);
    expect(staleReason(source, write("failed.ipynb", failed, t + 10), builtAt)).toBe("cell 2 failed when it was executed");
  });
});
