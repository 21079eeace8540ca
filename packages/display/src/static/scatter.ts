/**
 * Scatter traces (`mode`: lines, markers, text, any mix): lines with `line.dash`/`width`, gaps at
 * missing values, markers with symbols, per-point colours or a colour scale (with its colour bar),
 * text labels at `textposition`, trace `opacity`. Padding follows plotly: x is tight for pure
 * lines, y gets 5%. Not re-exported.
 */
import { toLinear, toPixel } from "./axes";
import { colorMapper, markerScale } from "./colorscale";
import { arr, COLORWAY, num, obj, str, svgText, titleText, type Obj, px } from "./figureData";
import { dashArray, markerSvg } from "./markers";
import type { TraceKind } from "./traceKind";

function xs(trace: Obj): unknown[] {
  const x = arr(trace.x);
  if (x.length) return x;
  const n = arr(trace.y).length;
  const x0 = num(trace.x0, 0);
  const dx = num(trace.dx, 1);
  return Array.from({ length: n }, (_, i) => x0 + i * dx);
}

/** The trace's mode, with plotly's default (lines+markers under 20 points, else lines). */
export function scatterMode(trace: Obj): { lines: boolean; markers: boolean; text: boolean } {
  const n = arr(trace.y).length;
  const mode = str(trace.mode, n < 20 ? "lines+markers" : "lines");
  return { lines: mode.includes("lines"), markers: mode.includes("markers"), text: mode.includes("text") };
}

function span(values: number[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? null : [lo, hi];
}

export const scatter: TraceKind = {
  values(trace) {
    return { x: xs(trace), y: arr(trace.y) };
  },

  extents(trace, xa, ya) {
    const m = scatterMode(trace);
    const sx = span(xs(trace).map((v) => toLinear(xa, v)));
    const sy = span(arr(trace.y).map((v) => toLinear(ya, v)));
    const padX = m.markers || m.text ? 0.05 : 0;
    const padY = 0.05 + (m.text ? 0.05 : 0);
    return {
      x: sx && { lo: sx[0], hi: sx[1], padLo: padX, padHi: padX },
      y: sy && { lo: sy[0], hi: sy[1], padLo: 0.05, padHi: padY },
    };
  },

  draw(trace, xa, ya, ctx) {
    const m = scatterMode(trace);
    const X = xs(trace).map((v) => toPixel(xa, toLinear(xa, v)));
    const Y = arr(trace.y).map((v) => toPixel(ya, toLinear(ya, v)));
    const n = Math.min(X.length, Y.length);
    const line = obj(trace.line);
    const marker = obj(trace.marker);
    const base = str(line.color, str(marker.color, COLORWAY[ctx.index % COLORWAY.length]));
    const opacity = num(trace.opacity, 1);
    const out: string[] = [];
    if (m.lines && n > 1) {
      let d = "";
      let pen = false;
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(X[i]) || !Number.isFinite(Y[i])) {
          pen = false;
          continue;
        }
        d += `${pen ? "L" : "M"}${px(X[i])},${px(Y[i])}`;
        pen = true;
      }
      const width = num(line.width, 2);
      const dash = dashArray(str(line.dash, "solid"), width);
      out.push(`<path d="${d}" fill="none" stroke="${str(line.color, base)}" stroke-width="${px(width)}" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash}"` : ""}${opacity < 1 ? ` stroke-opacity="${px(opacity)}"` : ""}/>`);
    }
    if (m.markers) {
      const sizes = arr(marker.size);
      const size = num(marker.size, 6);
      const colors = arr(marker.color);
      const scaled = markerScale(marker);
      const map = scaled ? colorMapper(scaled.scale, scaled.range) : null;
      const symbols = arr(marker.symbol);
      const mline = obj(marker.line);
      const stroke = num(mline.width, 0) > 0 ? { color: str(mline.color, "#444"), width: num(mline.width, 0) } : null;
      const mop = num(marker.opacity, 1) * opacity;
      // Plain circles: one path per colour (thousands of points parse and fill much faster as one element).
      const circles = new Map<string, string[]>();
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(X[i]) || !Number.isFinite(Y[i])) continue;
        const c = map ? map(colors[i] as number) : typeof colors[i] === "string" ? (colors[i] as string) : str(marker.color, base);
        const symbol = String(symbols[i] ?? str(marker.symbol, "circle"));
        const d = num(sizes[i], size);
        if ((symbol === "circle" || symbol === "0") && !stroke) {
          const r = d / 2;
          let list = circles.get(c);
          if (!list) circles.set(c, (list = []));
          list.push(`M${px(X[i] - r)},${px(Y[i])}a${px(r)},${px(r)} 0 1,0 ${px(d)},0a${px(r)},${px(r)} 0 1,0 ${px(-d)},0`);
        } else out.push(markerSvg(symbol, X[i], Y[i], d, c, stroke, mop));
      }
      for (const [c, list] of circles) out.push(`<path d="${list.join("")}" fill="${c}"${mop < 1 ? ` fill-opacity="${px(mop)}"` : ""}/>`);
    }
    if (m.text) {
      const text = arr(trace.text);
      const pos = str(trace.textposition, "middle center");
      const font = obj(trace.textfont);
      const size = num(font.size, 12);
      const color = str(font.color, "#444");
      const off = (m.markers ? num(marker.size, 6) / 2 : 0) + 3;
      for (let i = 0; i < n; i++) {
        const t = text[i];
        if (t === undefined || t === null || t === "" || !Number.isFinite(X[i]) || !Number.isFinite(Y[i])) continue;
        let x = X[i];
        let y = Y[i] + size * 0.35;
        let anchor: "start" | "middle" | "end" = "middle";
        if (pos.startsWith("top")) y = Y[i] - off - 2;
        if (pos.startsWith("bottom")) y = Y[i] + off + size * 0.8;
        if (pos.endsWith("left")) [x, anchor] = [X[i] - off, "end"];
        if (pos.endsWith("right")) [x, anchor] = [X[i] + off, "start"];
        out.push(svgText(x, y, String(t), { size, color, anchor }));
      }
    }
    return out.join("");
  },

  colorbar(trace) {
    const marker = obj(trace.marker);
    const scaled = markerScale(marker);
    return scaled && marker.showscale === true ? { scale: scaled.scale, range: scaled.range, title: titleText(obj(marker.colorbar).title) } : null;
  },

  legend(trace, index) {
    const m = scatterMode(trace);
    const line = obj(trace.line);
    const marker = obj(trace.marker);
    const color = str(line.color, str(marker.color, COLORWAY[index % COLORWAY.length]));
    return { name: str(trace.name, `trace ${index}`), color, symbol: m.lines && m.markers ? "line+marker" : m.lines ? "line" : "marker", dash: dashArray(str(line.dash, "solid"), 2) };
  },
};
