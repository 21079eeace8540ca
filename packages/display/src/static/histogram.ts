/**
 * Histograms: plotly's automatic bins (`nbinsx` as the most bins, a "nice" bin size, edges on
 * multiples of it) or `xbins: { start, end, size }`, counts drawn as touching bars (`bargap`
 * defaults to 0 for histograms). Horizontal when only `y` is given. Not re-exported.
 */
import { toLinear } from "./axes";
import { barExtents, drawBars, type Bars } from "./bar";
import { arr, COLORWAY, num, obj, str, toNumber, type Obj } from "./figureData";
import { niceStep } from "./ticks";
import type { TraceKind } from "./traceKind";

/** Bin edges and counts of `values`. */
export function histogramBins(values: readonly number[], options: { nbins?: number; start?: number; end?: number; size?: number }): { edges: number[]; counts: number[] } {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return { edges: [], counts: [] };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of finite) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  let size = options.size && options.size > 0 ? options.size : 0;
  if (!size) {
    const nbins = options.nbins && options.nbins > 0 ? options.nbins : Math.min(50, Math.max(5, Math.ceil(Math.sqrt(finite.length))));
    size = hi > lo ? niceStep((hi - lo) / nbins) : 1;
  }
  const start = options.start ?? Math.floor(lo / size) * size - (hi > lo ? 0 : size / 2);
  const nb = options.end !== undefined ? Math.max(1, Math.ceil((options.end - start) / size - 1e-9)) : Math.floor((hi - start) / size + 1e-9) + 1;
  const counts = new Array<number>(nb).fill(0);
  for (const v of finite) {
    const k = Math.floor((v - start) / size + 1e-9);
    if (k >= 0 && k < nb) counts[k]++;
  }
  let last = nb;
  while (last > 1 && counts[last - 1] === 0) last--;
  return { edges: Array.from({ length: last + 1 }, (_, i) => start + i * size), counts: counts.slice(0, last) };
}

function binsOf(trace: Obj): Bars {
  const horizontal = !arr(trace.x).length && arr(trace.y).length > 0;
  const data = arr(horizontal ? trace.y : trace.x).map(toNumber);
  const spec = obj(horizontal ? trace.ybins : trace.xbins);
  const { edges, counts } = histogramBins(data, { nbins: num(horizontal ? trace.nbinsy : trace.nbinsx, 0) || undefined, start: typeof spec.start === "number" ? spec.start : undefined, end: typeof spec.end === "number" ? spec.end : undefined, size: typeof spec.size === "number" ? spec.size : undefined });
  return { horizontal, bars: counts.map((c, i) => ({ p0: edges[i], p1: edges[i + 1], v: c, i })) };
}

function shrink(b: Bars, gap: number): Bars {
  if (!gap) return b;
  return { ...b, bars: b.bars.map((r) => ({ ...r, p0: r.p0 + ((r.p1 - r.p0) * gap) / 2, p1: r.p1 - ((r.p1 - r.p0) * gap) / 2 })) };
}

export const histogram: TraceKind = {
  values(trace) {
    const b = binsOf(trace);
    const edges = b.bars.flatMap((r) => [r.p0, r.p1]);
    return b.horizontal ? { x: b.bars.map((r) => r.v), y: edges } : { x: edges, y: b.bars.map((r) => r.v) };
  },

  extents(trace, xa, ya) {
    const b = binsOf(trace);
    const pa = b.horizontal ? ya : xa;
    const e = barExtents({ ...b, bars: b.bars.map((r) => ({ ...r, p0: toLinear(pa, r.p0), p1: toLinear(pa, r.p1) })) }, b.horizontal ? xa : ya);
    return b.horizontal ? { x: e.val, y: e.pos } : { x: e.pos, y: e.val };
  },

  draw(trace, xa, ya, ctx) {
    return drawBars(trace, shrink(binsOf(trace), num(ctx.layout.bargap, 0)), xa, ya, ctx);
  },

  legend(trace, index) {
    const marker = obj(trace.marker);
    return { name: str(trace.name, `trace ${index}`), color: typeof marker.color === "string" ? marker.color : COLORWAY[index % COLORWAY.length], symbol: "box" };
  },
};
