/**
 * Layout shapes: lines, rectangles and circles in data or paper coordinates, with `line.color`,
 * `line.width`, `line.dash`, `fillcolor`, `opacity`. Not re-exported.
 */
import type { Axis } from "./axes";
import { arr, num, obj, px, str } from "./figureData";
import { dashArray } from "./markers";
import { refPixel, type PlotArea } from "./refs";

/** SVG of `layout.shapes` (those on `layer`: "above" traces by default, or "below"). */
export function drawShapes(shapes: unknown, axes: Map<string, Axis>, plot: PlotArea, layer: "above" | "below"): string {
  const out: string[] = [];
  for (const s of arr(shapes).map(obj)) {
    if (str(s.layer, "above") !== layer || s.visible === false) continue;
    const x0 = refPixel("x", s.xref, s.x0, axes, plot);
    const x1 = refPixel("x", s.xref, s.x1, axes, plot);
    const y0 = refPixel("y", s.yref, s.y0, axes, plot);
    const y1 = refPixel("y", s.yref, s.y1, axes, plot);
    if (![x0, x1, y0, y1].every(Number.isFinite)) continue;
    const line = obj(s.line);
    const width = num(line.width, 2);
    const dash = dashArray(str(line.dash, "solid"), width);
    const stroke = width > 0 ? ` stroke="${str(line.color, "#444")}" stroke-width="${px(width)}"${dash ? ` stroke-dasharray="${dash}"` : ""}` : "";
    const op = num(s.opacity, 1) < 1 ? ` opacity="${px(num(s.opacity, 1))}"` : "";
    const fill = str(s.fillcolor, "none");
    const type = str(s.type, "rect");
    if (type === "line") out.push(`<line x1="${px(x0)}" y1="${px(y0)}" x2="${px(x1)}" y2="${px(y1)}"${stroke}${op}/>`);
    else if (type === "circle") out.push(`<ellipse cx="${px((x0 + x1) / 2)}" cy="${px((y0 + y1) / 2)}" rx="${px(Math.abs(x1 - x0) / 2)}" ry="${px(Math.abs(y1 - y0) / 2)}" fill="${fill}"${stroke}${op}/>`);
    else out.push(`<rect x="${px(Math.min(x0, x1))}" y="${px(Math.min(y0, y1))}" width="${px(Math.abs(x1 - x0))}" height="${px(Math.abs(y1 - y0))}" fill="${fill}"${stroke}${op}/>`);
  }
  return out.join("");
}
