/**
 * Cartesian axes: type detection (linear, log, category — plotly's "autotype"), category order,
 * autorange with plotly's padding, `range`, `autorange: "reversed"`, `domain` (subplots), the
 * data → pixel mapping, and drawing grid lines, zero lines, tick labels and titles. Not re-exported.
 */
import { arr, num, obj, str, svgText, titleText, toNumber, px, type Obj } from "./figureData";
import { textWidth } from "./textMetrics";
import { linearTicks, logTickLabel, logTicks, tickLabel } from "./ticks";

/** The span of a trace's data along one axis, in the axis's linear units, with plotly's padding. */
export interface Extent {
  lo: number;
  hi: number;
  /** Extra room below `lo` / above `hi` as a fraction of the span (plotly pads markers ~5%). */
  padLo?: number;
  padHi?: number;
}

/** One cartesian axis, ready to map data to pixels. */
export interface Axis {
  /** `x`, `x2`, `y`, … */
  id: string;
  letter: "x" | "y";
  /** Its layout object (`layout.xaxis`, `layout.yaxis2`, …). */
  layout: Obj;
  type: "linear" | "log" | "category";
  /** For category axes: the categories in order (index = linear unit). */
  categories: string[];
  /** The range in linear units (log axes: log10), `range[0]` at the start of the axis (left / bottom). */
  range: [number, number];
  /** The pixel span: x left→right, y bottom→top (so `p1 < p0` for y). */
  p0: number;
  p1: number;
  /** Where the axis line sits (a y pixel for x axes, an x pixel for y axes). */
  position: number;
  /** The domain `[start, end]` (fractions of the plot area). */
  domain: [number, number];
}

/** The layout key of an axis id: `x` → `xaxis`, `y2` → `yaxis2`. */
export function axisKey(id: string): string {
  return `${id[0]}axis${id.slice(1)}`;
}

/** plotly's autotype: "category" when a trace's values are mostly non-numeric strings, else "linear". */
export function autotype(values: readonly unknown[]): "linear" | "category" {
  let numbers = 0;
  let strings = 0;
  for (const v of values) {
    if (typeof v === "number") numbers++;
    else if (typeof v === "string") {
      if (Number.isFinite(toNumber(v))) numbers++;
      else strings++;
    }
  }
  return strings > numbers ? "category" : "linear";
}

/** The domain `layout.grid` (rows × columns, "independent" axes x, x2, … / y, y2, …) gives axis `id`, or null. */
function gridDomain(id: string, grid: Obj): [number, number] | null {
  const rows = num(grid.rows, 0);
  const cols = num(grid.columns, 0);
  if (rows < 1 || cols < 1 || (rows === 1 && cols === 1)) return null;
  const n = Number(id.slice(1) || "1") - 1;
  if (!(n >= 0 && n < rows * cols)) return null;
  const [r, c] = [Math.floor(n / cols), n % cols];
  if (id[0] === "x") {
    const g = num(grid.xgap, 0.2) / 2;
    return [(c + g) / cols, (c + 1 - g) / cols];
  }
  const g = num(grid.ygap, 0.3) / 2;
  return [1 - (r + 1 - g) / rows, 1 - (r + g) / rows];
}

/** Creates an axis whose type and categories come from `values` (all traces' values on it, in order); `grid` is `layout.grid`. */
export function makeAxis(id: string, layoutAxis: Obj, values: readonly unknown[], grid: Obj = {}): Axis {
  const given = str(layoutAxis.type, "-");
  const type = given === "linear" || given === "log" || given === "category" ? given : autotype(values);
  const categories: string[] = [];
  if (type === "category") {
    const seen = new Set<string>();
    const order = str(layoutAxis.categoryorder, "trace");
    const fixed = order === "array" ? arr(layoutAxis.categoryarray).map(String) : [];
    for (const c of [...fixed, ...values.filter((v) => v !== null && v !== undefined).map(String)]) {
      if (!seen.has(c)) {
        seen.add(c);
        categories.push(c);
      }
    }
    if (order === "category ascending") categories.sort();
    if (order === "category descending") categories.sort().reverse();
  }
  const d = arr(layoutAxis.domain);
  const domain: [number, number] = d.length === 2 ? [num(d[0], 0), num(d[1], 1)] : (gridDomain(id, grid) ?? [0, 1]);
  return { id, letter: id[0] as "x" | "y", layout: layoutAxis, type, categories, range: [0, 1], p0: 0, p1: 1, position: 0, domain };
}

/** A data value in the axis's linear units (category index, log10, number); `NaN` when not on the axis. */
export function toLinear(axis: Axis, v: unknown): number {
  if (axis.type === "category") {
    if (v === null || v === undefined) return NaN;
    const i = axis.categories.indexOf(String(v));
    return i >= 0 ? i : typeof v === "number" ? v : NaN;
  }
  const n = toNumber(v);
  if (axis.type === "log") return n > 0 ? Math.log10(n) : NaN;
  return n;
}

/** Sets `axis.range` from the traces' extents: `layout.range` when given, else autorange with padding; honours `autorange: "reversed"`. */
export function setRange(axis: Axis, extents: readonly Extent[]): void {
  const given = arr(axis.layout.range);
  const reversed = axis.layout.autorange === "reversed";
  if (given.length === 2 && axis.layout.autorange !== true && !reversed) {
    const r = given.map((v) => (axis.type === "log" ? toNumber(v) : toLinear(axis, v)));
    if (r.every(Number.isFinite)) {
      axis.range = [r[0], r[1]];
      return;
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  let padLo = 0;
  let padHi = 0;
  for (const e of extents) {
    if (!Number.isFinite(e.lo) || !Number.isFinite(e.hi)) continue;
    if (e.lo < lo || (e.lo === lo && (e.padLo ?? 0) > padLo)) [lo, padLo] = [e.lo, e.padLo ?? 0];
    if (e.hi > hi || (e.hi === hi && (e.padHi ?? 0) > padHi)) [hi, padHi] = [e.hi, e.padHi ?? 0];
  }
  if (lo === Infinity) [lo, hi] = axis.type === "category" ? [-0.5, Math.max(0, axis.categories.length - 1) + 0.5] : [-1, 6];
  if (hi === lo) {
    const d = axis.type === "category" ? 0.5 : Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= d;
    hi += d;
  } else {
    const span = hi - lo;
    lo -= padLo * span;
    hi += padHi * span;
  }
  if (axis.type === "category") {
    // Categories are slots: never cut the first or last one in half (points and labels at the edge).
    lo = Math.min(lo, Math.round(lo + 1e-9) - 0.5);
    hi = Math.max(hi, Math.round(hi - 1e-9) + 0.5);
  }
  axis.range = reversed ? [hi, lo] : [lo, hi];
}

/** Places the axis on the page: the plot area `[left, top, right, bottom]` and its domain. */
export function placeAxis(axis: Axis, plot: { left: number; top: number; right: number; bottom: number }): void {
  const [d0, d1] = axis.domain;
  if (axis.letter === "x") {
    axis.p0 = plot.left + d0 * (plot.right - plot.left);
    axis.p1 = plot.left + d1 * (plot.right - plot.left);
  } else {
    axis.p0 = plot.bottom - d0 * (plot.bottom - plot.top);
    axis.p1 = plot.bottom - d1 * (plot.bottom - plot.top);
  }
}

/** The pixel of a linear-unit value. */
export function toPixel(axis: Axis, u: number): number {
  const [r0, r1] = axis.range;
  return axis.p0 + ((u - r0) / (r1 - r0)) * (axis.p1 - axis.p0);
}

/** The pixel of a data value (`NaN` when it is not on the axis). */
export function dataToPixel(axis: Axis, v: unknown): number {
  return toPixel(axis, toLinear(axis, v));
}

/** The axis length in pixels. */
export function axisLength(axis: Axis): number {
  return Math.abs(axis.p1 - axis.p0);
}

const TICK_FONT = 12;
const TITLE_FONT = 14;

/** The ticks of an axis: linear-unit positions and labels (categories thinned so labels do not collide). */
export function axisTicks(axis: Axis): { at: number[]; labels: string[]; angle: number } {
  const len = axisLength(axis);
  const [lo, hi] = axis.range[0] <= axis.range[1] ? axis.range : [axis.range[1], axis.range[0]];
  if (axis.type === "category") {
    const idx = axis.categories.map((_, i) => i).filter((i) => i >= lo - 1e-9 && i <= hi + 1e-9);
    const per = idx.length ? len / (hi - lo) : len;
    let angle = 0;
    let every: number;
    if (axis.letter === "y") every = Math.max(1, Math.ceil((TICK_FONT + 2) / per));
    else {
      const widest = Math.max(0, ...idx.map((i) => textWidth(axis.categories[i], TICK_FONT)));
      angle = givenAngle(axis) ?? (widest + 6 > per ? -30 : 0);
      const sin = Math.abs(Math.sin((angle * Math.PI) / 180));
      every = Math.max(1, Math.ceil((angle ? (TICK_FONT * 1.4) / Math.max(sin, 0.2) : widest + 6) / per));
    }
    const dtick = num(axis.layout.dtick, 0);
    if (dtick >= 1) every = Math.max(every, Math.round(dtick));
    const at = idx.filter((i) => i % every === 0);
    return { at, labels: at.map((i) => axis.categories[i]), angle };
  }
  const tickvals = arr(axis.layout.tickvals);
  if (tickvals.length && str(axis.layout.tickmode, "array") === "array") {
    // Explicit ticks (views label category positions this way): every one in range, thinned only where labels would overlap.
    const ticktext = arr(axis.layout.ticktext);
    let ticks = tickvals
      .map((v, i) => ({ u: axis.type === "log" ? Math.log10(toNumber(v)) : toLinear(axis, v), text: ticktext[i] !== undefined ? String(ticktext[i]) : String(v) }))
      .filter((t) => Number.isFinite(t.u) && t.u >= lo - 1e-9 && t.u <= hi + 1e-9);
    const per = ticks.length > 1 ? len / ((hi - lo) || 1) * Math.min(...ticks.slice(1).map((t, i) => Math.abs(t.u - ticks[i].u) || Infinity)) : len;
    let angle = 0;
    let every = 1;
    if (axis.letter === "y") every = Math.max(1, Math.ceil((TICK_FONT + 1) / per));
    else {
      const widest = Math.max(0, ...ticks.map((t) => textWidth(t.text, TICK_FONT)));
      angle = givenAngle(axis) ?? (widest + 6 > per ? -30 : 0);
      const sin = Math.abs(Math.sin((angle * Math.PI) / 180));
      every = Math.max(1, Math.ceil((angle ? (TICK_FONT * 1.4) / Math.max(sin, 0.2) : widest + 6) / per));
    }
    ticks = ticks.filter((_, i) => i % every === 0);
    return { at: ticks.map((t) => t.u), labels: ticks.map((t) => t.text), angle };
  }
  if (axis.type === "log") {
    const at = logTicks(lo, hi, len);
    return { at, labels: at.map(logTickLabel), angle: 0 };
  }
  const t = linearTicks(lo, hi, len, axis.letter === "y", { dtick: typeof axis.layout.dtick === "number" ? axis.layout.dtick : undefined, tick0: typeof axis.layout.tick0 === "number" ? axis.layout.tick0 : undefined, nticks: typeof axis.layout.nticks === "number" ? axis.layout.nticks : undefined });
  const maxAbs = Math.max(...t.values.map(Math.abs), 0);
  const labels = t.values.map((v) => tickLabel(v, t.step, maxAbs));
  let angle = 0;
  if (axis.letter === "x") {
    const widest = Math.max(0, ...labels.map((l) => textWidth(l, TICK_FONT)));
    angle = givenAngle(axis) ?? (t.values.length > 1 && widest + 6 > len / t.values.length ? -30 : 0);
  }
  return { at: t.values, labels, angle };
}

/** `layout.xaxis.tickangle` when it is a number. */
function givenAngle(axis: Axis): number | null {
  return typeof axis.layout.tickangle === "number" && Number.isFinite(axis.layout.tickangle) ? axis.layout.tickangle : null;
}

/** Extra left margin rotated x tick labels need (their ends reach left of the plot). */
export function axisOverhang(axis: Axis, plotLeft: number): number {
  if (axis.letter !== "x" || axis.layout.visible === false || axis.layout.showticklabels === false) return 0;
  const { at, labels, angle } = axisTicks(axis);
  if (!angle) return 0;
  const cos = Math.abs(Math.cos((angle * Math.PI) / 180));
  let need = 0;
  at.forEach((u, i) => {
    need = Math.max(need, textWidth(labels[i], TICK_FONT) * cos - (toPixel(axis, u) - plotLeft) + 4);
  });
  return need;
}

/** The room (px) tick labels and the title need beside the axis line. */
export function axisRoom(axis: Axis): number {
  if (axis.layout.visible === false) return 0;
  const { labels, angle } = axisTicks(axis);
  const showLabels = axis.layout.showticklabels !== false;
  let tick = 0;
  if (showLabels && labels.length) {
    const widest = Math.max(...labels.map((l) => textWidth(l, TICK_FONT)));
    if (axis.letter === "y") tick = widest + 6;
    else tick = angle ? widest * Math.abs(Math.sin((angle * Math.PI) / 180)) + TICK_FONT + 6 : TICK_FONT + 6;
  }
  const title = titleText(axis.layout.title);
  return tick + (title ? TITLE_FONT + 14 : 0);
}

/** Grid lines and the zero line of an axis across `[across0, across1]` (pixels of the other direction). */
export function drawGrid(axis: Axis, across0: number, across1: number): string {
  if (axis.layout.visible === false) return "";
  const out: string[] = [];
  const { at } = axisTicks(axis);
  const grid = axis.layout.showgrid !== false && axis.type !== "category";
  const gridColor = str(axis.layout.gridcolor, "#eee");
  const line = (p: number, color: string, w: number) =>
    axis.letter === "x" ? `<line x1="${px(p)}" y1="${px(across0)}" x2="${px(p)}" y2="${px(across1)}" stroke="${color}" stroke-width="${w}"/>` : `<line x1="${px(across0)}" y1="${px(p)}" x2="${px(across1)}" y2="${px(p)}" stroke="${color}" stroke-width="${w}"/>`;
  if (grid) for (const u of at) out.push(line(toPixel(axis, u), gridColor, 1));
  const [lo, hi] = axis.range[0] <= axis.range[1] ? axis.range : [axis.range[1], axis.range[0]];
  if (axis.type === "linear" && axis.layout.zeroline !== false && lo < 0 && hi > 0) out.push(line(toPixel(axis, 0), str(axis.layout.zerolinecolor, "#444"), num(axis.layout.zerolinewidth, 1)));
  return out.join("");
}

/** Tick labels and title of an axis; `across` is the far edge of the subplot (for titles of y axes on the right). */
export function drawAxis(axis: Axis): string {
  if (axis.layout.visible === false) return "";
  const out: string[] = [];
  const { at, labels, angle } = axisTicks(axis);
  const side = str(axis.layout.side, axis.letter === "x" ? "bottom" : "left");
  const color = str(obj(axis.layout.tickfont).color, "#444");
  let room = 0;
  if (axis.layout.showticklabels !== false) {
    at.forEach((u, i) => {
      const p = toPixel(axis, u);
      if (axis.letter === "x") {
        const y = side === "top" ? axis.position - 6 : axis.position + 6 + TICK_FONT * 0.8;
        out.push(angle ? svgText(p, y, labels[i], { size: TICK_FONT, color, anchor: "end", rotate: angle }) : svgText(p, y, labels[i], { size: TICK_FONT, color, anchor: "middle" }));
      } else {
        const x = side === "right" ? axis.position + 4 : axis.position - 4;
        out.push(svgText(x, p + TICK_FONT * 0.35, labels[i], { size: TICK_FONT, color, anchor: side === "right" ? "start" : "end" }));
      }
    });
    if (labels.length) {
      const widest = Math.max(...labels.map((l) => textWidth(l, TICK_FONT)));
      room = axis.letter === "y" ? widest + 6 : angle ? widest * Math.abs(Math.sin((angle * Math.PI) / 180)) + TICK_FONT + 6 : TICK_FONT + 6;
    }
  }
  const title = titleText(axis.layout.title);
  if (title) {
    const mid = (axis.p0 + axis.p1) / 2;
    const tcolor = str(obj(obj(axis.layout.title).font).color, "#444");
    if (axis.letter === "x") {
      const y = side === "top" ? axis.position - room - 8 : axis.position + room + TITLE_FONT + 4;
      out.push(svgText(mid, y, title, { size: TITLE_FONT, color: tcolor, anchor: "middle" }));
    } else {
      const x = side === "right" ? axis.position + room + TITLE_FONT + 4 : axis.position - room - 8;
      out.push(svgText(x, mid, title, { size: TITLE_FONT, color: tcolor, anchor: "middle", rotate: side === "right" ? 90 : -90 }));
    }
  }
  return out.join("");
}
