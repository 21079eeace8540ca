/**
 * Colour scales as plotly.js defines them (named scales copied from plotly.js 2/3, `reversescale`,
 * `zmin`/`zmax`/`zmid`), colour parsing and interpolation. Not re-exported.
 */
import { arr, num, obj, type Obj } from "./figureData";

type Stops = [number, string][];

/** plotly.js's named colour scales (the same stops as `Plotly.colorscale`). */
export const NAMED_SCALES: Record<string, Stops> = {
  RdBu: [[0, "rgb(5,10,172)"], [0.35, "rgb(106,137,247)"], [0.5, "rgb(190,190,190)"], [0.6, "rgb(220,170,132)"], [0.7, "rgb(230,145,90)"], [1, "rgb(178,10,28)"]],
  Blues: [[0, "rgb(5,10,172)"], [0.35, "rgb(40,60,190)"], [0.5, "rgb(70,100,245)"], [0.6, "rgb(90,120,245)"], [0.7, "rgb(106,137,247)"], [1, "rgb(220,220,220)"]],
  Reds: [[0, "rgb(220,220,220)"], [0.2, "rgb(245,195,157)"], [0.4, "rgb(245,160,105)"], [1, "rgb(178,10,28)"]],
  Greys: [[0, "rgb(0,0,0)"], [1, "rgb(255,255,255)"]],
  Greens: [[0, "rgb(0,68,27)"], [0.125, "rgb(0,109,44)"], [0.25, "rgb(35,139,69)"], [0.375, "rgb(65,171,93)"], [0.5, "rgb(116,196,118)"], [0.625, "rgb(161,217,155)"], [0.75, "rgb(199,233,192)"], [0.875, "rgb(229,245,224)"], [1, "rgb(247,252,245)"]],
  YlGnBu: [[0, "rgb(8,29,88)"], [0.125, "rgb(37,52,148)"], [0.25, "rgb(34,94,168)"], [0.375, "rgb(29,145,192)"], [0.5, "rgb(65,182,196)"], [0.625, "rgb(127,205,187)"], [0.75, "rgb(199,233,180)"], [0.875, "rgb(237,248,217)"], [1, "rgb(255,255,217)"]],
  YlOrRd: [[0, "rgb(128,0,38)"], [0.125, "rgb(189,0,38)"], [0.25, "rgb(227,26,28)"], [0.375, "rgb(252,78,42)"], [0.5, "rgb(253,141,60)"], [0.625, "rgb(254,178,76)"], [0.75, "rgb(254,217,118)"], [0.875, "rgb(255,237,160)"], [1, "rgb(255,255,204)"]],
  Bluered: [[0, "rgb(0,0,255)"], [1, "rgb(255,0,0)"]],
  Hot: [[0, "rgb(0,0,0)"], [0.3, "rgb(230,0,0)"], [0.6, "rgb(255,210,0)"], [1, "rgb(255,255,255)"]],
  Jet: [[0, "rgb(0,0,131)"], [0.125, "rgb(0,60,170)"], [0.375, "rgb(5,255,255)"], [0.625, "rgb(255,255,0)"], [0.875, "rgb(250,0,0)"], [1, "rgb(128,0,0)"]],
  Portland: [[0, "rgb(12,51,131)"], [0.25, "rgb(10,136,186)"], [0.5, "rgb(242,211,56)"], [0.75, "rgb(242,143,56)"], [1, "rgb(217,30,30)"]],
  Picnic: [[0, "rgb(0,0,255)"], [0.1, "rgb(51,153,255)"], [0.2, "rgb(102,204,255)"], [0.3, "rgb(153,204,255)"], [0.4, "rgb(204,204,255)"], [0.5, "rgb(255,255,255)"], [0.6, "rgb(255,204,255)"], [0.7, "rgb(255,153,255)"], [0.8, "rgb(255,102,204)"], [0.9, "rgb(255,102,102)"], [1, "rgb(255,0,0)"]],
  Electric: [[0, "rgb(0,0,0)"], [0.15, "rgb(30,0,100)"], [0.4, "rgb(120,0,100)"], [0.6, "rgb(160,90,0)"], [0.8, "rgb(230,200,0)"], [1, "rgb(255,250,220)"]],
  Blackbody: [[0, "rgb(0,0,0)"], [0.2, "rgb(230,0,0)"], [0.4, "rgb(230,210,0)"], [0.7, "rgb(255,255,255)"], [1, "rgb(160,200,255)"]],
  Earth: [[0, "rgb(0,0,130)"], [0.1, "rgb(0,180,180)"], [0.2, "rgb(40,210,40)"], [0.4, "rgb(230,230,50)"], [0.6, "rgb(120,70,20)"], [1, "rgb(255,255,255)"]],
  Rainbow: [[0, "rgb(150,0,90)"], [0.125, "rgb(0,0,200)"], [0.25, "rgb(0,25,255)"], [0.375, "rgb(0,152,255)"], [0.5, "rgb(44,255,150)"], [0.625, "rgb(151,255,0)"], [0.75, "rgb(255,234,0)"], [0.875, "rgb(255,111,0)"], [1, "rgb(255,0,0)"]],
  Viridis: [[0, "#440154"], [0.0627, "#48186a"], [0.1255, "#472d7b"], [0.1882, "#424086"], [0.251, "#3b528b"], [0.3137, "#33638d"], [0.3765, "#2c728e"], [0.4392, "#26828e"], [0.502, "#21918c"], [0.5647, "#1fa088"], [0.6275, "#28ae80"], [0.6902, "#3fbc73"], [0.7529, "#5ec962"], [0.8157, "#84d44b"], [0.8784, "#addc30"], [0.9412, "#d8e219"], [1, "#fde725"]],
  Cividis: [[0, "rgb(0,32,76)"], [0.0588, "rgb(0,42,102)"], [0.1176, "rgb(0,52,110)"], [0.1765, "rgb(39,63,108)"], [0.2353, "rgb(60,74,107)"], [0.2941, "rgb(76,85,107)"], [0.3529, "rgb(91,95,109)"], [0.4118, "rgb(104,106,112)"], [0.4706, "rgb(117,117,117)"], [0.5294, "rgb(131,129,120)"], [0.5882, "rgb(146,140,120)"], [0.6471, "rgb(161,152,118)"], [0.7059, "rgb(176,165,114)"], [0.7647, "rgb(192,177,109)"], [0.8235, "rgb(209,191,102)"], [0.8824, "rgb(225,204,92)"], [0.9412, "rgb(243,219,79)"], [1, "rgb(255,233,69)"]],
};

const NAMED_COLORS: Record<string, [number, number, number]> = {
  black: [0, 0, 0], white: [255, 255, 255], red: [255, 0, 0], green: [0, 128, 0], blue: [0, 0, 255], gray: [128, 128, 128], grey: [128, 128, 128],
  orange: [255, 165, 0], purple: [128, 0, 128], yellow: [255, 255, 0], transparent: [0, 0, 0],
};

/** `[r, g, b, a]` (0–255, alpha 0–1) of a CSS colour plotly accepts (`#rgb`, `#rrggbb`, `rgb()`, `rgba()`, a few names); `null` otherwise. */
export function parseColor(c: string): [number, number, number, number] | null {
  const s = c.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) return [parseInt(m[1][0] + m[1][0], 16), parseInt(m[1][1] + m[1][1], 16), parseInt(m[1][2] + m[1][2], 16), 1];
  m = /^#([0-9a-f]{6})$/.exec(s);
  if (m) return [parseInt(m[1].slice(0, 2), 16), parseInt(m[1].slice(2, 4), 16), parseInt(m[1].slice(4, 6), 16), 1];
  m = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  if (s in NAMED_COLORS) return [...NAMED_COLORS[s], s === "transparent" ? 0 : 1];
  return null;
}

/** `#rrggbb` of an RGB triple. */
export function hex(rgb: readonly number[]): string {
  return "#" + rgb.slice(0, 3).map((v) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, "0")).join("");
}

/** A colour scale ready to sample: sorted stops with parsed colours. */
export interface ColorScale {
  stops: { t: number; rgb: [number, number, number] }[];
}

/** The scale a trace asks for (`colorscale` as a name or `[[t, colour], …]`, `reversescale`); plotly's default RdBu otherwise. */
export function resolveScale(colorscale: unknown, reverse: unknown): ColorScale {
  let stops: Stops | undefined;
  if (typeof colorscale === "string" && NAMED_SCALES[colorscale]) stops = NAMED_SCALES[colorscale];
  else if (Array.isArray(colorscale) && colorscale.length >= 2 && colorscale.every((s) => Array.isArray(s) && typeof s[0] === "number" && typeof s[1] === "string")) stops = colorscale as Stops;
  stops ??= NAMED_SCALES.RdBu;
  let parsed = stops.map(([t, c]) => ({ t, rgb: (parseColor(c) ?? [0, 0, 0, 1]).slice(0, 3) as [number, number, number] }));
  if (reverse === true) parsed = parsed.map((s) => ({ t: 1 - s.t, rgb: s.rgb })).reverse();
  return { stops: parsed };
}

/** The RGB colour at `t` ∈ [0, 1] (clamped). */
export function sample(scale: ColorScale, t: number): [number, number, number] {
  const s = scale.stops;
  if (!(t > s[0].t)) return s[0].rgb;
  if (t >= s[s.length - 1].t) return s[s.length - 1].rgb;
  let i = 1;
  while (s[i].t < t) i++;
  const a = s[i - 1];
  const b = s[i];
  const f = b.t === a.t ? 0 : (t - a.t) / (b.t - a.t);
  return [a.rgb[0] + f * (b.rgb[0] - a.rgb[0]), a.rgb[1] + f * (b.rgb[1] - a.rgb[1]), a.rgb[2] + f * (b.rgb[2] - a.rgb[2])];
}

/**
 * The value range a colour scale spans, as plotly computes it: `{prefix}min`/`{prefix}max` when
 * given, else the data's; `{prefix}mid` widens the range symmetrically around it.
 */
export function colorRange(trace: Obj, values: readonly number[], prefix: "z" | "c"): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) [lo, hi] = [0, 1];
  const zmin = trace[`${prefix}min`];
  const zmax = trace[`${prefix}max`];
  if (typeof zmin === "number" && typeof zmax === "number") return [zmin, zmax];
  const mid = trace[`${prefix}mid`];
  if (typeof mid === "number") {
    const d = Math.max(hi - mid, mid - lo);
    lo = mid - d;
    hi = mid + d;
  }
  return [num(zmin, lo), num(zmax, hi)];
}

/** A colour mapper for values: `(v) => "#rrggbb"` over `range` with `scale`. */
export function colorMapper(scale: ColorScale, range: [number, number]): (v: number) => string {
  const [lo, hi] = range;
  return (v) => (Number.isFinite(v) ? hex(sample(scale, hi === lo ? 0.5 : (v - lo) / (hi - lo))) : "none");
}

/** Relative luminance (0 dark … 1 light) of a colour; 1 for unparsable. */
export function luminance(c: string): number {
  const p = parseColor(c);
  if (!p) return 1;
  return (0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2]) / 255;
}

/** A marker's colour scale description: `marker.colorscale` etc. with numeric `marker.color`. */
export function markerScale(marker: Obj): { scale: ColorScale; range: [number, number]; values: number[] } | null {
  const colors = arr(marker.color);
  if (!colors.length || !colors.every((c) => typeof c === "number")) return null;
  const values = colors as number[];
  return { scale: resolveScale(marker.colorscale ?? "Viridis", marker.reversescale), range: colorRange(obj(marker), values, "c"), values };
}
