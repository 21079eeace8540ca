/**
 * Marker symbols (circle, square, diamond, triangles, star, cross, x, line-ew, line-ns) as SVG, with `-open`
 * variants. Not re-exported.
 */
import { px } from "./figureData";

/** SVG of one marker of diameter `size` at `(x, y)`. */
export function markerSvg(symbol: string, x: number, y: number, size: number, fill: string, stroke: { color: string; width: number } | null, opacity = 1): string {
  const r = size / 2;
  const open = symbol.endsWith("-open");
  const base = symbol.replace(/-open$/, "");
  const paint = open ? `fill="none" stroke="${fill}" stroke-width="${px(Math.max(1, stroke?.width || 1))}"` : `fill="${fill}"${stroke && stroke.width > 0 ? ` stroke="${stroke.color}" stroke-width="${px(stroke.width)}"` : ""}`;
  const op = opacity < 1 ? ` fill-opacity="${px(opacity)}" stroke-opacity="${px(opacity)}"` : "";
  const poly = (pts: [number, number][]) => `<path d="M${pts.map(([a, b]) => `${px(x + a)},${px(y + b)}`).join("L")}Z" ${paint}${op}/>`;
  switch (base) {
    case "square":
      return `<rect x="${px(x - r)}" y="${px(y - r)}" width="${px(size)}" height="${px(size)}" ${paint}${op}/>`;
    case "diamond":
      return poly([[0, -r * 1.3], [r * 1.3, 0], [0, r * 1.3], [-r * 1.3, 0]]);
    case "triangle-up":
      return poly([[0, -r * 1.2], [r * 1.1, r * 0.7], [-r * 1.1, r * 0.7]]);
    case "triangle-down":
      return poly([[0, r * 1.2], [r * 1.1, -r * 0.7], [-r * 1.1, -r * 0.7]]);
    case "star": {
      const pts: [number, number][] = [];
      for (let i = 0; i < 10; i++) {
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        const rr = i % 2 ? r * 0.55 : r * 1.4;
        pts.push([rr * Math.cos(a), rr * Math.sin(a)]);
      }
      return poly(pts);
    }
    case "cross": {
      const t = r * 0.4;
      return poly([[-t, -r], [t, -r], [t, -t], [r, -t], [r, t], [t, t], [t, r], [-t, r], [-t, t], [-r, t], [-r, -t], [-t, -t]]);
    }
    case "line-ew":
      return `<path d="M${px(x - r)},${px(y)}L${px(x + r)},${px(y)}" stroke="${fill}" stroke-width="${px(Math.max(1, stroke?.width || 1))}" fill="none"${op}/>`;
    case "line-ns":
      return `<path d="M${px(x)},${px(y - r)}L${px(x)},${px(y + r)}" stroke="${fill}" stroke-width="${px(Math.max(1, stroke?.width || 1))}" fill="none"${op}/>`;
    case "x":
      return `<path d="M${px(x - r)},${px(y - r)}L${px(x + r)},${px(y + r)}M${px(x - r)},${px(y + r)}L${px(x + r)},${px(y - r)}" stroke="${fill}" stroke-width="${px(Math.max(1.5, r / 2))}" fill="none"${op}/>`;
    default:
      return `<circle cx="${px(x)}" cy="${px(y)}" r="${px(r)}" ${paint}${op}/>`;
  }
}

/** plotly's `line.dash` as an SVG `stroke-dasharray` (scaled by the line width), or "". */
export function dashArray(dash: string, width: number): string {
  const unit = Math.max(width, 3); // plotly: dash lengths in units of max(line width, 3) px
  const named: Record<string, number[]> = { dash: [3, 3], dot: [1, 1], dashdot: [3, 1, 1, 1], longdash: [5, 3], longdashdot: [5, 2, 1, 2] };
  if (named[dash]) return named[dash].map((v) => px(v * unit)).join(",");
  if (/^[\d.\s,px%]+$/.test(dash) && dash !== "solid") return dash.replace(/px/g, "");
  return "";
}
