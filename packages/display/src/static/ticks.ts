/**
 * Tick positions and labels as plotly.js chooses them by default: "nice" steps (1, 2, 5 × 10ⁿ)
 * about every 80 px on x and 40 px on y, `dtick`/`tick0`/`nticks` when the layout gives them,
 * labels with just enough decimals, `k`/`M`/`B` for large values, a true minus sign. Not re-exported.
 */

/** The least number of decimals that writes every multiple of `step` exactly. */
export function decimalsFor(step: number): number {
  for (let d = 0; d <= 10; d++) {
    const s = Math.abs(step) * 10 ** d;
    if (Math.abs(s - Math.round(s)) < 1e-6 * Math.max(1, s)) return d;
  }
  return 10;
}

/** The "nice" step (1, 2 or 5 × 10ⁿ) at least `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const base = 10 ** Math.floor(Math.log10(rough));
  const r = rough / base;
  return base * (r <= 1 + 1e-9 ? 1 : r <= 2 + 1e-9 ? 2 : r <= 5 + 1e-9 ? 5 : 10);
}

/** Tick values within `[lo, hi]` (either order) for a linear axis `lenPx` long. */
export function linearTicks(lo: number, hi: number, lenPx: number, isY: boolean, given: { dtick?: number; tick0?: number; nticks?: number } = {}): { values: number[]; step: number } {
  const [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
  const span = b - a;
  let step: number;
  if (given.dtick && given.dtick > 0) step = given.dtick;
  else {
    const nt = given.nticks && given.nticks > 0 ? given.nticks : Math.max(2, Math.min(10, lenPx / (isY ? 40 : 80)));
    step = niceStep(span / nt);
  }
  if (!(span > 0)) return { values: [a], step };
  const t0 = given.tick0 ?? 0;
  const first = t0 + Math.ceil((a - t0) / step - 1e-9) * step;
  const values: number[] = [];
  for (let v = first, i = 0; v <= b + step * 1e-9 && i < 1000; i++, v = first + i * step) values.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { values, step };
}

/** The label of tick `v` on an axis whose ticks are `step` apart and whose largest |tick| is `maxAbs`. */
export function tickLabel(v: number, step: number, maxAbs: number): string {
  let scale = 1;
  let suffix = "";
  if (maxAbs >= 1e9) [scale, suffix] = [1e9, "B"];
  else if (maxAbs >= 1e6) [scale, suffix] = [1e6, "M"];
  else if (maxAbs >= 1e4) [scale, suffix] = [1e3, "k"];
  const d = decimalsFor(step / scale);
  let s = (v / scale).toFixed(d);
  if (/^-0(\.0*)?$/.test(s)) s = s.slice(1);
  return s.replace(/^-/, "\u2212") + suffix;
}

/** Tick values (in log10 units) for a log axis spanning `[lo, hi]` log10 units. */
export function logTicks(lo: number, hi: number, lenPx: number): number[] {
  const [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
  const out: number[] = [];
  const every = Math.max(1, Math.ceil((b - a) / Math.max(2, lenPx / 50)));
  for (let e = Math.ceil(a - 1e-9); e <= b + 1e-9; e += every) out.push(e);
  if (out.length < 3) {
    for (let e = Math.floor(a); e <= b; e++) for (const m of [2, 5]) {
      const v = e + Math.log10(m);
      if (v >= a - 1e-9 && v <= b + 1e-9) out.push(v);
    }
    out.sort((x, y) => x - y);
  }
  return out;
}

/** The label of a log tick at `e` log10 units. */
export function logTickLabel(e: number): string {
  const v = 10 ** e;
  const r = Number(v.toPrecision(6));
  if (r >= 1e4) return tickLabel(r, r >= 1e9 ? 1e9 : r >= 1e6 ? 1e6 : 1e3, r);
  return String(r);
}
