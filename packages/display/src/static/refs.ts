/**
 * Positions given as `xref`/`yref` ("paper" or an axis id such as "x", "y2", with plotly's
 * "x domain" too) turned into pixels. Shared by annotations and shapes. Not re-exported.
 */
import { dataToPixel, type Axis } from "./axes";
import { toNumber } from "./figureData";

/** The plot area in pixels. */
export interface PlotArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The pixel of `v` along `letter` for reference `ref`. */
export function refPixel(letter: "x" | "y", ref: unknown, v: unknown, axes: Map<string, Axis>, plot: PlotArea): number {
  const r = typeof ref === "string" ? ref : letter;
  if (r === "paper" || r.endsWith(" domain")) {
    const f = toNumber(v);
    const axis = r === "paper" ? undefined : axes.get(r.split(" ")[0]);
    if (axis) return axis.p0 + f * (axis.p1 - axis.p0);
    return letter === "x" ? plot.left + f * (plot.right - plot.left) : plot.bottom - f * (plot.bottom - plot.top);
  }
  const axis = axes.get(r) ?? axes.get(letter);
  return axis ? dataToPixel(axis, v) : NaN;
}
