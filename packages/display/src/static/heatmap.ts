/**
 * Heatmaps: `z` rows along y, columns along x, cell edges between `x`/`y` centres (or index
 * positions, or categories), plotly's colour scale rules, `xgap`/`ygap`, cell text
 * (`texttemplate`) in a contrasting colour, and a colour bar unless `showscale: false`. Large
 * evenly spaced heatmaps are embedded as one raster (a pixel per cell) instead of thousands of
 * rectangles. Not re-exported.
 */
import { toLinear, toPixel, type Axis } from "./axes";
import { colorMapper, colorRange, luminance, resolveScale, sample } from "./colorscale";
import { arr, num, obj, px, str, svgText, titleText, toNumber, type Obj } from "./figureData";
import { encodePng } from "./pngEncode";
import type { TraceKind } from "./traceKind";

const grids = new WeakMap<Obj, { z: number[][]; range: [number, number] }>();

/** `z` as numbers and the colour range, computed once per trace object (values, extents, draw and colour bar all need them). */
function parsed(trace: Obj): { z: number[][]; range: [number, number] } {
  let g = grids.get(trace);
  if (!g) {
    const z = arr(trace.z).map((row) => arr(row).map((v) => (v === null ? NaN : toNumber(v))));
    let lo = Infinity;
    let hi = -Infinity;
    for (const row of z) {
      for (const v of row) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    g = { z, range: colorRange(trace, lo <= hi ? [lo, hi] : [], "z") };
    grids.set(trace, g);
  }
  return g;
}

function grid(trace: Obj): number[][] {
  return parsed(trace).z;
}

function size(z: number[][]): [number, number] {
  return [Math.max(0, ...z.map((r) => r.length)), z.length];
}

/** The centres given for one direction, or the indices `0 … n-1` (with `x0`/`dx`). */
function centres(trace: Obj, letter: "x" | "y", n: number): unknown[] {
  const given = arr(trace[letter]);
  if (given.length) return given;
  const v0 = num(trace[`${letter}0`], 0);
  const d = num(trace[`d${letter}`], 1);
  return Array.from({ length: n }, (_, i) => v0 + i * d);
}

/** Cell edges in the axis's linear units: `n + 1` values. */
function edges(axis: Axis, values: unknown[], n: number): number[] {
  let lin = values.map((v) => toLinear(axis, v));
  // Missing or unplaceable coordinates: fall back to cell indices, as for a heatmap without x/y.
  if (lin.length < n || lin.slice(0, n).some((u) => !Number.isFinite(u))) lin = Array.from({ length: n }, (_, i) => i);
  if (axis.type !== "category" && lin.length === n + 1 && lin.every(Number.isFinite)) return lin;
  const c = lin.slice(0, n);
  while (c.length < n) c.push(c.length ? c[c.length - 1] + 1 : 0);
  if (n === 1) return [c[0] - 0.5, c[0] + 0.5];
  const e: number[] = [c[0] - (c[1] - c[0]) / 2];
  for (let i = 0; i + 1 < n; i++) e.push((c[i] + c[i + 1]) / 2);
  e.push(c[n - 1] + (c[n - 1] - c[n - 2]) / 2);
  return e;
}

function fill(template: string, v: { z: number; x: unknown; y: unknown; text: unknown }): string {
  return template.replace(/%\{(\w+)(?::[^}]*)?\}/g, (_, k: string) => (k === "z" ? String(v.z) : k === "x" ? String(v.x) : k === "y" ? String(v.y) : k === "text" ? String(v.text ?? "") : ""));
}

export const heatmap: TraceKind = {
  values(trace) {
    const [nx, ny] = size(grid(trace));
    return { x: centres(trace, "x", nx), y: centres(trace, "y", ny) };
  },

  extents(trace, xa, ya) {
    const [nx, ny] = size(grid(trace));
    if (!nx || !ny) return { x: null, y: null };
    const ex = edges(xa, centres(trace, "x", nx), nx);
    const ey = edges(ya, centres(trace, "y", ny), ny);
    return { x: { lo: Math.min(...ex), hi: Math.max(...ex) }, y: { lo: Math.min(...ey), hi: Math.max(...ey) } };
  },

  draw(trace, xa, ya) {
    const z = grid(trace);
    const [nx, ny] = size(z);
    if (!nx || !ny) return "";
    const scale = resolveScale(trace.colorscale, trace.reversescale);
    const range = parsed(trace).range;
    const color = colorMapper(scale, range);
    const xs = edges(xa, centres(trace, "x", nx), nx).map((u) => toPixel(xa, u));
    const ys = edges(ya, centres(trace, "y", ny), ny).map((u) => toPixel(ya, u));
    const gx = num(trace.xgap, 0);
    const gy = num(trace.ygap, 0);
    const out: string[] = [];
    const even = (p: number[]) => p.every((v, i) => i === 0 || Math.abs(v - p[i - 1] - (p[1] - p[0])) < 0.01);
    if (nx * ny > 1500 && !gx && !gy && even(xs) && even(ys) && z.every((r) => r.length === nx)) {
      // One raster, a pixel per cell, stretched with nearest-neighbour sampling; flipped as the axes are.
      // 1024 levels of the scale, looked up per cell (no per-cell colour strings).
      const LEVELS = 1024;
      const lut = new Uint8Array(LEVELS * 3);
      for (let i = 0; i < LEVELS; i++) lut.set(sample(scale, i / (LEVELS - 1)).map(Math.round), i * 3);
      const rgb = new Uint8Array(nx * ny * 3).fill(255);
      const flipX = xs[nx] < xs[0];
      const flipY = ys[ny] < ys[0];
      const [lo, hi] = range;
      for (let r = 0; r < ny; r++) {
        const row = z[r];
        const base = (flipY ? ny - 1 - r : r) * nx;
        for (let c = 0; c < nx; c++) {
          const v = row[c];
          if (!Number.isFinite(v)) continue;
          const t = hi === lo ? 0.5 : Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
          const k = Math.round(t * (LEVELS - 1)) * 3;
          const o = (base + (flipX ? nx - 1 - c : c)) * 3;
          rgb[o] = lut[k];
          rgb[o + 1] = lut[k + 1];
          rgb[o + 2] = lut[k + 2];
        }
      }
      const png = encodePng(rgb, nx, ny).toString("base64");
      const x = Math.min(xs[0], xs[nx]);
      const y = Math.min(ys[0], ys[ny]);
      out.push(`<image x="${px(x)}" y="${px(y)}" width="${px(Math.abs(xs[nx] - xs[0]))}" height="${px(Math.abs(ys[ny] - ys[0]))}" preserveAspectRatio="none" image-rendering="optimizeSpeed" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>`);
    } else {
      for (let r = 0; r < ny; r++) {
        for (let c = 0; c < z[r].length; c++) {
          const fillColor = color(z[r][c]);
          if (fillColor === "none" || ![xs[c], xs[c + 1], ys[r], ys[r + 1]].every(Number.isFinite)) continue;
          const x = Math.min(xs[c], xs[c + 1]) + gx / 2;
          const y = Math.min(ys[r], ys[r + 1]) + gy / 2;
          const w = Math.abs(xs[c + 1] - xs[c]) - gx;
          const h = Math.abs(ys[r + 1] - ys[r]) - gy;
          // Cells overlap by a hair so no background seam shows between neighbours.
          const seam = gx || gy ? 0 : 0.5;
          if (w > 0 && h > 0) out.push(`<rect x="${px(x)}" y="${px(y)}" width="${px(w + seam)}" height="${px(h + seam)}" fill="${fillColor}"/>`);
        }
      }
    }
    const template = str(trace.texttemplate, "");
    if (template) {
      const text = arr(trace.text).map(arr);
      const xv = centres(trace, "x", nx);
      const yv = centres(trace, "y", ny);
      const size = num(obj(trace.textfont).size, 12);
      for (let r = 0; r < ny; r++) {
        for (let c = 0; c < z[r].length; c++) {
          if (!Number.isFinite(z[r][c])) continue;
          const label = fill(template, { z: z[r][c], x: xv[c], y: yv[r], text: text[r]?.[c] });
          if (![xs[c], xs[c + 1], ys[r], ys[r + 1]].every(Number.isFinite)) continue;
          const cx = (xs[c] + xs[c + 1]) / 2;
          const cy = (ys[r] + ys[r + 1]) / 2;
          out.push(svgText(cx, cy + size * 0.35, label, { size, anchor: "middle", color: luminance(color(z[r][c])) < 0.5 ? "#fff" : "#444" }));
        }
      }
    }
    return `<g shape-rendering="crispEdges">${out.join("")}</g>`;
  },

  colorbar(trace) {
    if (trace.showscale === false) return null;
    return { scale: resolveScale(trace.colorscale, trace.reversescale), range: parsed(trace).range, title: titleText(obj(trace.colorbar).title) };
  },
};
