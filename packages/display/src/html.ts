/**
 * Small HTML helpers shared by the views: escaping, number formatting, tables, script-safe JSON.
 * Not re-exported.
 */

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** JSON that is safe inside an inline `<script>` (no `</script>`, no U+2028/9 line breaks). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Formats a number compactly: integers as is, others with `precision` decimals, exponent when tiny or huge. */
export function fmt(x: number | string | boolean, precision = 4): string {
  if (typeof x === "string") return JSON.stringify(x);
  if (typeof x === "boolean") return String(x);
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e8)) return x.toExponential(precision);
  const s = x.toFixed(precision);
  return Object.is(Number(s), -0) ? s.replace(/^-/, "") : s;
}

/** One table cell: text (escaped), or raw HTML, with an optional CSS class and title. */
export interface Cell {
  text?: string;
  html?: string;
  cls?: string;
  title?: string;
}

/** An HTML table from a header row and body rows; strings are escaped, {@link Cell}s may carry HTML. */
export function htmlTable(header: readonly (string | Cell)[], body: readonly (readonly (string | number | Cell)[])[], opts: { caption?: string; cls?: string } = {}): string {
  const cell = (tag: string, c: string | number | Cell): string => {
    if (typeof c === "string" || typeof c === "number") return `<${tag}>${escapeHtml(String(c))}</${tag}>`;
    const attrs = (c.cls ? ` class="${escapeHtml(c.cls)}"` : "") + (c.title ? ` title="${escapeHtml(c.title)}"` : "");
    return `<${tag}${attrs}>${c.html ?? escapeHtml(c.text ?? "")}</${tag}>`;
  };
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : "";
  const head = header.length ? `<thead><tr>${header.map((h) => cell("th", h)).join("")}</tr></thead>` : "";
  const rows = body.map((r) => `<tr>${r.map((c) => cell("td", c)).join("")}</tr>`).join("");
  return `<table class="embedlab-table${opts.cls ? " " + escapeHtml(opts.cls) : ""}">${caption}${head}<tbody>${rows}</tbody></table>`;
}

/** East Asian wide characters (CJK ideographs, kana, hangul, full-width forms) take two columns in a terminal or monospace font. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u;

/** The columns `s` takes in a monospace font: 2 per wide (CJK) character, 1 for any other. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += WIDE.test(ch) ? 2 : 1;
  return w;
}

/** A plain-text table (for `text/plain` and `console.log`): columns padded to their widest cell (CJK characters count two columns). */
export function textTable(header: readonly string[], body: readonly (readonly (string | number)[])[]): string {
  const all = [header, ...body].map((r) => r.map(String));
  const widths = header.map((_, j) => Math.max(...all.map((r) => displayWidth(r[j] ?? ""))));
  const line = (r: string[]) => r.map((c, j) => c + " ".repeat(Math.max(0, widths[j] - displayWidth(c)))).join("  ").trimEnd();
  return [line(all[0]), widths.map((w) => "-".repeat(w)).join("  "), ...all.slice(1).map(line)].join("\n");
}

/** The CSS every view's HTML carries once per output (scoped to `.embedlab-*` classes). */
export const VIEW_CSS = `<style>
.embedlab-view{font:13px/1.4 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:4px 0}
.embedlab-title{font-weight:600;margin:2px 0 6px}
.embedlab-note{color:#555;margin:2px 0 6px}
.embedlab-table{border-collapse:collapse;margin:4px 0;font-variant-numeric:tabular-nums}
.embedlab-table td,.embedlab-table th{border:1px solid #ddd;padding:2px 6px;text-align:right}
.embedlab-table th{background:#f5f5f5}
.embedlab-table caption{text-align:left;color:#555;padding:2px 0}
.embedlab-table td.el-hot{background:#1f77b4;color:#fff}
.embedlab-table td.el-collision,.embedlab-table tr.el-collision td{background:#ffe0b2}
.embedlab-table td.el-pad{background:#eee;color:#888}
.embedlab-table td.el-elided{color:#999;text-align:center}
.embedlab-table td.el-text{text-align:left}
.embedlab-bar{display:inline-block;height:10px;background:#1f77b4;vertical-align:middle}
.embedlab-progress{width:100%;max-width:640px;height:14px;background:#eee;border-radius:3px;overflow:hidden}
.embedlab-progress>div{height:100%;background:#2ca02c}
.embedlab-missing{color:#b00;border:1px dashed #b00;padding:8px}
</style>`;
