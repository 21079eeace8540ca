/**
 * Layout annotations: text at data or paper coordinates with `xanchor`/`yanchor`, and arrows
 * (plotly's default `showarrow: true`): the head at `(x, y)`, the text at the tail — `(ax, ay)`
 * pixels away, or at data coordinates when `axref`/`ayref` name an axis. Not re-exported.
 */
import type { Axis } from "./axes";
import { arr, num, obj, px, str, svgText } from "./figureData";
import { refPixel, type PlotArea } from "./refs";
import { lineCount, textWidth } from "./textMetrics";

function arrowHead(x: number, y: number, fromX: number, fromY: number, size: number, color: string): string {
  const a = Math.atan2(y - fromY, x - fromX);
  const l = size * 3;
  const w = size * 1.6;
  const p = (dx: number, dy: number) => `${px(x + dx * Math.cos(a) - dy * Math.sin(a))},${px(y + dx * Math.sin(a) + dy * Math.cos(a))}`;
  return `<path d="M${p(0, 0)}L${p(-l, w)}L${p(-l, -w)}Z" fill="${color}"/>`;
}

/** SVG of `layout.annotations`. */
export function drawAnnotations(annotations: unknown, axes: Map<string, Axis>, plot: PlotArea): string {
  const out: string[] = [];
  for (const a of arr(annotations).map(obj)) {
    if (a.visible === false) continue;
    const x = refPixel("x", a.xref, a.x ?? 0.5, axes, plot);
    const y = refPixel("y", a.yref, a.y ?? 0.5, axes, plot);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const text = str(a.text, "");
    const font = obj(a.font);
    const size = num(font.size, 12);
    const color = str(font.color, "#444");
    let tx = x;
    let ty = y;
    if (a.showarrow !== false) {
      const dataTail = (ref: unknown) => typeof ref === "string" && ref !== "pixel";
      tx = dataTail(a.axref) ? refPixel("x", a.axref, a.ax, axes, plot) : x + num(a.ax, -10);
      ty = dataTail(a.ayref) ? refPixel("y", a.ayref, a.ay, axes, plot) : y + num(a.ay, -30);
      const aw = num(a.arrowwidth, 1);
      const acolor = str(a.arrowcolor, color);
      const head = num(a.arrowhead, 1) > 0 ? Math.max(1.5, aw * num(a.arrowsize, 1)) : 0;
      const len = Math.hypot(x - tx, y - ty);
      if (len > 0) {
        const ex = x - ((x - tx) / len) * head * 2;
        const ey = y - ((y - ty) / len) * head * 2;
        out.push(`<line x1="${px(tx)}" y1="${px(ty)}" x2="${px(ex)}" y2="${px(ey)}" stroke="${acolor}" stroke-width="${px(aw)}"/>`);
        if (head) out.push(arrowHead(x, y, tx, ty, head, acolor));
      }
    }
    if (!text) continue;
    const lines = lineCount(text);
    const w = textWidth(text, size);
    const h = lines * size * 1.3;
    const xanchor = str(a.xanchor, "auto");
    const yanchor = str(a.yanchor, "auto");
    let anchor: "start" | "middle" | "end" = "middle";
    if (xanchor === "left") anchor = "start";
    else if (xanchor === "right") anchor = "end";
    let top = ty - h / 2;
    if (yanchor === "top") top = ty;
    else if (yanchor === "bottom") top = ty - h;
    else if (a.showarrow !== false && yanchor === "auto") top = ty - h / 2 - (ty < y ? h / 2 : ty > y ? -h / 2 : 0);
    const bg = str(a.bgcolor, "");
    if (bg) out.push(`<rect x="${px(anchor === "start" ? tx : anchor === "end" ? tx - w : tx - w / 2)}" y="${px(top)}" width="${px(w)}" height="${px(h)}" fill="${bg}"/>`);
    out.push(svgText(tx, top + size, text, { size, color, anchor }));
  }
  return out.join("");
}
