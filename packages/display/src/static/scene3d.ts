/**
 * 3-D scatter (`scatter3d`) as a still: an orthographic view from plotly's default camera
 * (eye 1.25, 1.25, 1.25; z up), the data cube's edges, axis titles at the edges, markers drawn far
 * to near, text labels. Not re-exported.
 */
import { colorMapper, markerScale } from "./colorscale";
import { arr, COLORWAY, num, obj, px, str, svgText, titleText, toNumber, type Obj } from "./figureData";
import { markerSvg } from "./markers";
import type { PlotArea } from "./refs";
import { scatterMode } from "./scatter";

type V3 = [number, number, number];
const norm = (v: V3): V3 => {
  const l = Math.hypot(...v) || 1;
  return [v[0] / l, v[1] / l, v[2] / l];
};
const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const dot = (a: V3, b: V3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** SVG of the 3-D traces inside `plot`. */
export function drawScene(traces: readonly Obj[], layout: Obj, plot: PlotArea): string {
  const scene = obj(layout.scene);
  const lo: V3 = [Infinity, Infinity, Infinity];
  const hi: V3 = [-Infinity, -Infinity, -Infinity];
  const pts = traces.map((t) => {
    const [x, y, z] = ["x", "y", "z"].map((k) => arr(t[k]).map(toNumber));
    return x.map((_, i) => [x[i], y[i], z[i]] as V3);
  });
  for (const p of pts.flat()) for (let k = 0; k < 3; k++) if (Number.isFinite(p[k])) [lo[k], hi[k]] = [Math.min(lo[k], p[k]), Math.max(hi[k], p[k])];
  for (let k = 0; k < 3; k++) if (!(hi[k] > lo[k])) [lo[k], hi[k]] = Number.isFinite(lo[k]) ? [lo[k] - 1, lo[k] + 1] : [-1, 1];
  const unit = (p: V3): V3 => [0, 1, 2].map((k) => ((p[k] - lo[k]) / (hi[k] - lo[k])) * 2 - 1) as V3;
  const eye = obj(obj(scene.camera).eye);
  const view = norm([-num(eye.x, 1.25), -num(eye.y, 1.25), -num(eye.z, 1.25)]);
  const right = norm(cross(view, [0, 0, 1]));
  const up = cross(right, view);
  const cx = (plot.left + plot.right) / 2;
  const cy = (plot.top + plot.bottom) / 2;
  const s = Math.min(plot.right - plot.left, plot.bottom - plot.top) / 3.6;
  const project = (u: V3): [number, number, number] => [cx + s * dot(u, right), cy - s * dot(u, up), dot(u, view)];
  const out: string[] = [];
  // The cube's edges (back ones lighter) and the axis titles on three front-bottom edges.
  const corners: V3[] = [];
  for (const a of [-1, 1]) for (const b of [-1, 1]) for (const c of [-1, 1]) corners.push([a, b, c]);
  for (let i = 0; i < 8; i++) {
    for (let j = i + 1; j < 8; j++) {
      const d = corners[i].filter((v, k) => v !== corners[j][k]).length;
      if (d !== 1) continue;
      const [x1, y1] = project(corners[i]);
      const [x2, y2] = project(corners[j]);
      out.push(`<line x1="${px(x1)}" y1="${px(y1)}" x2="${px(x2)}" y2="${px(y2)}" stroke="#ccc" stroke-width="1"/>`);
    }
  }
  // Each axis title beside the one of its four parallel edges that sits outermost on screen (lowest for x and y).
  (["xaxis", "yaxis", "zaxis"] as const).forEach((key, k) => {
    const title = titleText(obj(scene[key]).title) || key[0];
    let best: [number, number] | null = null;
    let bestScore = -Infinity;
    for (const a of [-1, 1]) {
      for (const b of [-1, 1]) {
        const mid: V3 = [0, 0, 0];
        const others = [0, 1, 2].filter((i) => i !== k);
        mid[others[0]] = a;
        mid[others[1]] = b;
        const [x, y] = project(mid);
        const score = Math.hypot(x - cx, y - cy) + (k < 2 ? 0.5 * (y - cy) : -0.5 * (x - cx));
        if (score > bestScore) [bestScore, best] = [score, [x, y]];
      }
    }
    const [x, y] = best as [number, number];
    const d = Math.hypot(x - cx, y - cy) || 1;
    out.push(svgText(x + ((x - cx) / d) * 22, y + ((y - cy) / d) * 22 + 4, title, { size: 13, anchor: "middle" }));
  });
  const drawn: { depth: number; svg: string }[] = [];
  traces.forEach((t, ti) => {
    const m = scatterMode(t);
    const marker = obj(t.marker);
    const scaled = markerScale(marker);
    const map = scaled ? colorMapper(scaled.scale, scaled.range) : null;
    const colors = arr(marker.color);
    const base = str(marker.color, COLORWAY[ti % COLORWAY.length]);
    const size = num(marker.size, 8);
    const text = arr(t.text);
    const tcolor = str(obj(t.textfont).color, "#444");
    pts[ti].forEach((p, i) => {
      if (!p.every(Number.isFinite)) return;
      const [x, y, depth] = project(unit(p));
      const c = map ? map(colors[i] as number) : typeof colors[i] === "string" ? (colors[i] as string) : base;
      let svg = m.markers || !m.text ? markerSvg(str(marker.symbol, "circle"), x, y, size, c, null, num(t.opacity, 1)) : "";
      if (m.text && text[i] !== undefined && text[i] !== "") svg += svgText(x, y - size / 2 - 3, String(text[i]), { size: 11, color: tcolor, anchor: "middle" });
      drawn.push({ depth, svg });
    });
  });
  drawn.sort((a, b) => b.depth - a.depth);
  for (const d of drawn) out.push(d.svg);
  return out.join("");
}
