/**
 * Bar traces: vertical (default) or `orientation: "h"`, from zero to the value, `bargap` (plotly's
 * 0.2), grouped side by side when several bar traces share the axes (`barmode: "group"`, plotly's
 * default) or overlaid, per-bar colours. Also draws histograms' bins (see histogram.ts). Not re-exported.
 */
import { toLinear, toPixel, type Axis } from "./axes";
import { colorMapper, markerScale } from "./colorscale";
import { arr, COLORWAY, num, obj, px, str, type Obj } from "./figureData";
import type { DrawContext, TraceKind } from "./traceKind";

/** Bars as `[position start, position end, value]` in linear units of the position and value axes. */
export interface Bars {
  bars: { p0: number; p1: number; v: number; i: number }[];
  horizontal: boolean;
}

function positions(trace: Obj, key: "x" | "y", n: number): unknown[] {
  const p = arr(trace[key]);
  return p.length ? p : Array.from({ length: n }, (_, i) => i);
}

/** The bars of a bar trace, before grouping. */
function barsOf(trace: Obj, pa: Axis, gap: number): Bars {
  const horizontal = trace.orientation === "h";
  const values = arr(horizontal ? trace.x : trace.y);
  const pos = positions(trace, horizontal ? "y" : "x", values.length).map((v) => toLinear(pa, v));
  const sorted = [...new Set(pos.filter(Number.isFinite))].sort((a, b) => a - b);
  let step = 1;
  for (let i = 1; i < sorted.length; i++) step = i === 1 ? sorted[1] - sorted[0] : Math.min(step, sorted[i] - sorted[i - 1]);
  const w = num(trace.width, step * (1 - gap));
  const bars = values.map((v, i) => ({ p0: pos[i] - w / 2, p1: pos[i] + w / 2, v: typeof v === "number" ? v : Number(v), i }));
  return { bars, horizontal };
}

/** The extents of bars: positions tight, values from zero (on a log axis: from the smallest bar) with 5% room on the far side. */
export function barExtents(b: Bars, va: Axis): { pos: { lo: number; hi: number } | null; val: { lo: number; hi: number; padLo: number; padHi: number } | null } {
  const ok = b.bars.filter((r) => Number.isFinite(r.p0) && Number.isFinite(toLinear(va, r.v)));
  if (!ok.length) return { pos: null, val: null };
  const vals = ok.map((r) => toLinear(va, r.v));
  const base = va.type === "log" ? Math.min(...vals) : 0;
  const lo = Math.min(base, ...vals);
  const hi = Math.max(base, ...vals);
  return { pos: { lo: Math.min(...ok.map((r) => r.p0)), hi: Math.max(...ok.map((r) => r.p1)) }, val: { lo, hi, padLo: lo < 0 ? 0.05 : 0, padHi: hi > 0 ? 0.05 : 0 } };
}

/** SVG rectangles for bars, shifted into this trace's slot when grouped. */
export function drawBars(trace: Obj, b: Bars, xa: Axis, ya: Axis, ctx: DrawContext): string {
  const marker = obj(trace.marker);
  const colors = arr(marker.color);
  const scaled = markerScale(marker);
  const map = scaled ? colorMapper(scaled.scale, scaled.range) : null;
  const base = str(marker.color, COLORWAY[ctx.index % COLORWAY.length]);
  const opacity = num(trace.opacity, num(marker.opacity, 1));
  const group = str(ctx.layout.barmode, "group") === "group" && ctx.barSlots > 1;
  const [pa, va] = b.horizontal ? [ya, xa] : [xa, ya];
  const mline = obj(marker.line);
  const stroke = num(mline.width, 0) > 0 ? ` stroke="${str(mline.color, "#444")}" stroke-width="${px(num(mline.width, 0))}"` : "";
  const out: string[] = [];
  for (const r of b.bars) {
    if (!Number.isFinite(r.p0) || !Number.isFinite(r.v)) continue;
    let [p0, p1] = [r.p0, r.p1];
    if (group) {
      const w = (p1 - p0) / ctx.barSlots;
      p0 += ctx.barSlot * w;
      p1 = p0 + w;
    }
    const a = toPixel(pa, p0);
    const c = toPixel(pa, p1);
    const v0 = va.type === "log" ? Math.max(va.p0, va.p1) * (b.horizontal ? 0 : 1) + Math.min(va.p0, va.p1) * (b.horizontal ? 1 : 0) : toPixel(va, 0);
    const v1 = toPixel(va, toLinear(va, r.v));
    if (!Number.isFinite(v1)) continue;
    const color = map ? map(colors[r.i] as number) : typeof colors[r.i] === "string" ? (colors[r.i] as string) : base;
    const [x, y, w, h] = b.horizontal ? [Math.min(v0, v1), Math.min(a, c), Math.abs(v1 - v0), Math.abs(c - a)] : [Math.min(a, c), Math.min(v0, v1), Math.abs(c - a), Math.abs(v1 - v0)];
    out.push(`<rect x="${px(x)}" y="${px(y)}" width="${px(w)}" height="${px(h)}" fill="${color}"${opacity < 1 ? ` fill-opacity="${px(opacity)}"` : ""}${stroke}/>`);
  }
  return out.join("");
}

export const bar: TraceKind = {
  values(trace) {
    const horizontal = trace.orientation === "h";
    const n = arr(horizontal ? trace.x : trace.y).length;
    return horizontal ? { x: arr(trace.x), y: positions(trace, "y", n) } : { x: positions(trace, "x", n), y: arr(trace.y) };
  },

  extents(trace, xa, ya, layout) {
    const horizontal = trace.orientation === "h";
    const e = barExtents(barsOf(trace, horizontal ? ya : xa, num(layout.bargap, 0.2)), horizontal ? xa : ya);
    return horizontal ? { x: e.val, y: e.pos } : { x: e.pos, y: e.val };
  },

  draw(trace, xa, ya, ctx) {
    const horizontal = trace.orientation === "h";
    return drawBars(trace, barsOf(trace, horizontal ? ya : xa, num(ctx.layout.bargap, 0.2)), xa, ya, ctx);
  },

  legend(trace, index) {
    const marker = obj(trace.marker);
    return { name: str(trace.name, `trace ${index}`), color: typeof marker.color === "string" ? marker.color : COLORWAY[index % COLORWAY.length], symbol: "box" };
  },
};
