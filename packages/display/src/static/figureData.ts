/**
 * Reading a plotly figure spec defensively (any field may be missing or of the wrong type), and the
 * plotly.js defaults the static renderer shares. Not re-exported.
 */

/** A plotly object (a trace, the layout, an axis). */
export type Obj = Record<string, unknown>;

/** `v` as an object, else `{}`. */
export function obj(v: unknown): Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
}

/** `v` when it is a finite number, else `dflt`. */
export function num(v: unknown, dflt: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : dflt;
}

/** `v` when it is a string, else `dflt`. */
export function str(v: unknown, dflt: string): string {
  return typeof v === "string" ? v : dflt;
}

/** `v` as an array (typed arrays copied), else `[]`. */
export function arr(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return [];
}

/** A title given as a string or as `{ text }`. */
export function titleText(v: unknown): string {
  if (typeof v === "string") return v;
  return str(obj(v).text, "");
}

/** A number from a plotly data value (numbers, numeric strings); `NaN` otherwise. */
export function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "") return Number(v);
  return NaN;
}

/** plotly.js's default trace colours. */
export const COLORWAY = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** plotly.js's default text colour. */
export const TEXT_COLOR = "#444";

/** The font family written into the SVG: plotly's, then the fonts the PNG step loads (CJK last, per-glyph fallback). */
export const FONT_FAMILY = "'Open Sans', Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";

/** Formats a pixel coordinate for SVG (2 decimals at most). */
export function px(v: number): string {
  if (!Number.isFinite(v)) return "0"; // never write NaN into the SVG (resvg would drop the whole element)
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

/** Escapes text for SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** plotly's pseudo-HTML in labels (`<b>`, `<br>`, `<sup>`) reduced to plain text lines. */
export function plainLines(s: string): string[] {
  return s
    .split(/<br\s*\/?>/i)
    .map((l) => l.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&"));
}

/** One `<text>` element; `lines` stack downwards from `y` (the first line's baseline). */
export function svgText(x: number, y: number, text: string, o: { size?: number; color?: string; anchor?: "start" | "middle" | "end"; rotate?: number; weight?: string } = {}): string {
  const size = o.size ?? 12;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return "";
  const lines = plainLines(text);
  const attrs = [`x="${px(x)}"`, `y="${px(y)}"`, `font-size="${px(size)}"`, `fill="${o.color ?? TEXT_COLOR}"`];
  if (o.anchor && o.anchor !== "start") attrs.push(`text-anchor="${o.anchor}"`);
  if (o.weight) attrs.push(`font-weight="${o.weight}"`);
  if (o.rotate) attrs.push(`transform="rotate(${px(o.rotate)} ${px(x)} ${px(y)})"`);
  if (lines.length === 1) return `<text ${attrs.join(" ")}>${escapeXml(lines[0])}</text>`;
  const spans = lines.map((l, i) => `<tspan x="${px(x)}" dy="${i === 0 ? 0 : px(size * 1.3)}">${escapeXml(l)}</tspan>`).join("");
  return `<text ${attrs.join(" ")}>${spans}</text>`;
}
