/**
 * What every chart kind of the static renderer provides (one file per kind: heatmap, scatter, bar,
 * histogram). Not re-exported.
 */
import type { Axis, Extent } from "./axes";
import type { ColorScale } from "./colorscale";
import type { Obj } from "./figureData";

/** A colour bar to draw beside the plot. */
export interface ColorBar {
  scale: ColorScale;
  range: [number, number];
  title: string;
}

/** A legend entry. */
export interface LegendItem {
  name: string;
  color: string;
  /** How the entry's symbol looks. */
  symbol: "line" | "marker" | "line+marker" | "box";
  dash?: string;
}

/** Shared state while drawing one figure. */
export interface DrawContext {
  /** The trace's index among all traces (its default colour). */
  index: number;
  /** For bars: how many bar traces share the axes pair, and this one's slot. */
  barSlots: number;
  barSlot: number;
  /** `layout.bargap`, `layout.barmode`. */
  layout: Obj;
}

/** One chart kind. */
export interface TraceKind {
  /** The raw values the trace puts on x and y (for axis type detection and category order). */
  values(trace: Obj): { x: unknown[]; y: unknown[] };
  /** The trace's span on each axis, in the axes' linear units. */
  extents(trace: Obj, xa: Axis, ya: Axis, layout: Obj): { x: Extent | null; y: Extent | null };
  /** SVG of the trace (the caller clips it to the subplot). */
  draw(trace: Obj, xa: Axis, ya: Axis, ctx: DrawContext): string;
  /** The colour bar the trace shows, or null. */
  colorbar?(trace: Obj): ColorBar | null;
  /** The trace's legend entry, or null. */
  legend?(trace: Obj, index: number): LegendItem | null;
}
