/**
 * A plotly figure spec → a standalone SVG, without a browser: the figure's size (plotly's 700 × 450
 * default), margins (widened so tick labels, legends and colour bars fit), the title, cartesian
 * subplots (`xaxis2`, `domain`, `anchor`), grid and zero lines, the chart kinds in this folder,
 * shapes, annotations, the legend and colour bars; `scatter3d` as a fixed-camera still. Trace types
 * it does not know are listed in a note instead of failing. Deterministic: the same figure gives
 * the same bytes.
 *
 * @example
 * const { svg, width, height } = figureSvg({ data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }], layout: {} });
 */
import { axisKey, axisOverhang, axisRoom, drawAxis, drawGrid, makeAxis, placeAxis, setRange, type Axis, type Extent } from "./axes";
import { annotationsInMargin } from "./annotationRoom";
import { drawAnnotations } from "./annotations";
import { bar } from "./bar";
import { colorBarWidth, drawColorBar } from "./colorbar";
import { arr, escapeXml, FONT_FAMILY, num, obj, px, str, svgText, titleText, type Obj } from "./figureData";
import { heatmap } from "./heatmap";
import { histogram } from "./histogram";
import { drawLegend, legendSize } from "./legend";
import type { PlotArea } from "./refs";
import { scatter } from "./scatter";
import { drawScene } from "./scene3d";
import { drawShapes } from "./shapes";
import { mergeTextRuns } from "./textRuns";
import type { ColorBar, LegendItem, TraceKind } from "./traceKind";

/** The chart kinds drawn on cartesian axes, by plotly trace type. */
const KINDS: Record<string, TraceKind> = { scatter, scattergl: scatter, bar, histogram, heatmap, heatmapgl: heatmap };

/** A figure as the renderer takes it (a `PlotlyFigure`). */
export interface FigureLike {
  data: unknown;
  layout?: unknown;
}

/** The SVG of a figure and its pixel size. */
export interface FigureSvg {
  svg: string;
  width: number;
  height: number;
  /** Trace types that were not drawn (listed in the image's note). */
  skipped: string[];
}

function traceType(t: Obj): string {
  return str(t.type, "scatter");
}

/** Renders `figure` to SVG (see the file comment for what is drawn). */
export function figureSvg(figure: FigureLike): FigureSvg {
  const layout = obj(figure.layout);
  const width = Math.round(num(layout.width, 700));
  const height = Math.round(num(layout.height, 450));
  const margin = obj(layout.margin);
  let [ml, mr, mt, mb] = [num(margin.l, 80), num(margin.r, 80), num(margin.t, 100), num(margin.b, 80)];
  // Shallow copies: per-trace caches (heatmap.ts) then live for this call only, whatever the caller mutates later.
  const traces = arr(figure.data).map((t) => ({ ...obj(t) })).filter((t) => t.visible !== false && t.visible !== "legendonly");
  const cart = traces.filter((t) => KINDS[traceType(t)]);
  const scene = traces.filter((t) => traceType(t) === "scatter3d");
  const skipped = [...new Set(traces.map(traceType).filter((ty) => !KINDS[ty] && ty !== "scatter3d"))];

  // Axes: ids from the traces, types and categories from their values, ranges from their extents.
  const values = new Map<string, unknown[]>();
  const pairOf = (t: Obj): [string, string] => [str(t.xaxis, "x"), str(t.yaxis, "y")];
  for (const t of cart) {
    const v = KINDS[traceType(t)].values(t);
    const [xid, yid] = pairOf(t);
    values.set(xid, [...(values.get(xid) ?? []), ...v.x]);
    values.set(yid, [...(values.get(yid) ?? []), ...v.y]);
  }
  if (!scene.length && !values.size) ["x", "y"].forEach((id) => values.set(id, []));
  const axes = new Map<string, Axis>();
  for (const [id, v] of values) axes.set(id, makeAxis(id, obj(layout[axisKey(id)]), v, obj(layout.grid)));
  const extents = new Map<string, Extent[]>();
  for (const t of cart) {
    const [xid, yid] = pairOf(t);
    const e = KINDS[traceType(t)].extents(t, axes.get(xid) as Axis, axes.get(yid) as Axis, layout);
    if (e.x) extents.set(xid, [...(extents.get(xid) ?? []), e.x]);
    if (e.y) extents.set(yid, [...(extents.get(yid) ?? []), e.y]);
  }
  for (const [id, a] of axes) setRange(a, extents.get(id) ?? []);

  // What sits around the plot: legend, colour bars.
  const legendable = traces.filter((t) => t.showlegend !== false && (KINDS[traceType(t)]?.legend || traceType(t) === "scatter3d"));
  const showLegend = typeof layout.showlegend === "boolean" ? layout.showlegend : legendable.length > 1;
  const items: LegendItem[] = showLegend
    ? legendable.map((t) => (KINDS[traceType(t)] ?? scatter).legend?.(t, traces.indexOf(t)) ?? null).filter((i): i is LegendItem => i !== null)
    : [];
  const horizontal = obj(layout.legend).orientation === "h";
  const bars: ColorBar[] = [];
  for (const t of [...cart, ...scene]) {
    const cb = (KINDS[traceType(t)] ?? scatter).colorbar?.(t);
    if (cb) bars.push(cb);
  }
  const plotH0 = height - mt - mb;
  const legend = legendSize(items, horizontal, width - ml - mr);
  const barWidths = bars.map((b) => colorBarWidth(b, plotH0));
  const needRight = (items.length && !horizontal ? legend.width + 20 : 0) + barWidths.reduce((a, w) => a + w + 20, 0) + annotationsInMargin(layout.annotations);
  mr = Math.max(mr, needRight);

  // Margins wide enough for the tick labels and titles (placed twice: ticks depend on lengths).
  const place = (): PlotArea => {
    const plot = { left: ml, top: mt, right: Math.max(ml + 20, width - mr), bottom: Math.max(mt + 20, height - mb) };
    for (const a of axes.values()) placeAxis(a, plot);
    for (const a of axes.values()) {
      // Default anchor: the other letter with the same number (x2 ↔ y2, as subplots pair them), else x / y.
      const twin = `${a.letter === "x" ? "y" : "x"}${a.id.slice(1)}`;
      const anchorId = str(a.layout.anchor, axes.has(twin) ? twin : a.letter === "x" ? "y" : "x");
      const anchor = axes.get(anchorId);
      const side = str(a.layout.side, a.letter === "x" ? "bottom" : "left");
      if (a.letter === "x") a.position = anchor ? (side === "top" ? anchor.p1 : anchor.p0) : side === "top" ? plot.top : plot.bottom;
      else a.position = anchor ? (side === "right" ? anchor.p1 : anchor.p0) : side === "right" ? plot.right : plot.left;
    }
    return plot;
  };
  const legendBelow = items.length && horizontal ? legend.height + 10 : 0;
  for (let pass = 0; pass < 2; pass++) {
    place();
    let left = 0;
    let bottom = 0;
    for (const a of axes.values()) {
      const side = str(a.layout.side, a.letter === "x" ? "bottom" : "left");
      const room = axisRoom(a);
      if (room && a.letter === "y" && side === "left") left = Math.max(left, room + 6);
      if (room && a.letter === "x" && side === "bottom") bottom = Math.max(bottom, room + 6);
    }
    for (const a of axes.values()) left = Math.max(left, axisOverhang(a, ml));
    ml = Math.max(ml, left);
    mb = Math.max(mb, bottom + legendBelow);
  }
  const plot = place();

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT_FAMILY)}">`);
  out.push(`<rect width="${width}" height="${height}" fill="${escapeXml(str(layout.paper_bgcolor, "#fff"))}"/>`);
  if (scene.length) out.push(drawScene(scene, layout, plot));

  // Subplots: one per axis pair used, each clipped to its own rectangle.
  const pairs = [...new Set(cart.map((t) => pairOf(t).join(",")))].map((p) => p.split(",") as [string, string]);
  if (!pairs.length && axes.has("x") && axes.has("y")) pairs.push(["x", "y"]);
  const rect = (xa: Axis, ya: Axis) => ({ x: Math.min(xa.p0, xa.p1), y: Math.min(ya.p0, ya.p1), w: Math.abs(xa.p1 - xa.p0), h: Math.abs(ya.p1 - ya.p0) });
  const plotBg = str(layout.plot_bgcolor, "");
  pairs.forEach(([xid, yid]) => {
    const xa = axes.get(xid) as Axis;
    const ya = axes.get(yid) as Axis;
    const r = rect(xa, ya);
    if (plotBg) out.push(`<rect x="${px(r.x)}" y="${px(r.y)}" width="${px(r.w)}" height="${px(r.h)}" fill="${escapeXml(plotBg)}"/>`);
    out.push(drawGrid(xa, ya.p0, ya.p1), drawGrid(ya, xa.p0, xa.p1));
  });
  out.push(drawShapes(layout.shapes, axes, plot, "below"));
  let barSlots = new Map<string, number>();
  for (const t of cart) if (traceType(t) === "bar") barSlots.set(pairOf(t).join(","), (barSlots.get(pairOf(t).join(",")) ?? 0) + 1);
  const slotUsed = new Map<string, number>();
  pairs.forEach(([xid, yid], k) => {
    const xa = axes.get(xid) as Axis;
    const ya = axes.get(yid) as Axis;
    const r = rect(xa, ya);
    out.push(`<clipPath id="clip${k}"><rect x="${px(r.x)}" y="${px(r.y)}" width="${px(r.w)}" height="${px(r.h)}"/></clipPath><g clip-path="url(#clip${k})">`);
    for (const t of cart) {
      if (pairOf(t).join(",") !== `${xid},${yid}`) continue;
      const key = `${xid},${yid}`;
      const slot = traceType(t) === "bar" ? (slotUsed.get(key) ?? 0) : 0;
      if (traceType(t) === "bar") slotUsed.set(key, slot + 1);
      out.push(KINDS[traceType(t)].draw(t, xa, ya, { index: traces.indexOf(t), barSlots: barSlots.get(key) ?? 1, barSlot: slot, layout }));
    }
    out.push("</g>");
  });
  barSlots = new Map();
  for (const a of axes.values()) out.push(drawAxis(a));
  out.push(drawShapes(layout.shapes, axes, plot, "above"));
  out.push(drawAnnotations(layout.annotations, axes, plot));

  // Legend and colour bars right of the plot (plotly's x = 1.02), or the legend under it.
  let x = plot.right + 0.02 * (plot.right - plot.left) + 5;
  if (items.length) {
    if (horizontal) out.push(drawLegend(items, plot.left, height - legend.height - 4, true, plot.right - plot.left));
    else {
      out.push(drawLegend(items, x, plot.top, false, legend.width));
      x += legend.width + 20;
    }
  }
  bars.forEach((b, i) => {
    out.push(drawColorBar(b, x, plot.top, plot.bottom, `cb${i}`));
    x += barWidths[i] + 20;
  });

  const title = titleText(layout.title);
  if (title) {
    const tl = obj(layout.title);
    const size = num(obj(tl.font).size, 17);
    const tx = num(tl.x, 0.5) * width;
    const anchor = tl.xanchor === "left" || (tl.xanchor === undefined && num(tl.x, 0.5) < 0.3) ? "start" : tl.xanchor === "right" ? "end" : "middle";
    out.push(svgText(tx, Math.max(size, mt / 2 + size * 0.35), title, { size, anchor }));
  }
  if (skipped.length) out.push(svgText(4, height - 4, `(not drawn in this still image: ${skipped.join(", ")} traces)`, { size: 10, color: "#888" }));
  out.push("</svg>");
  return { svg: mergeTextRuns(out.join("")), width, height, skipped };
}
