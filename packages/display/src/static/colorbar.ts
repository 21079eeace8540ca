/**
 * Colour bars: a vertical gradient of the trace's colour scale over its value range, tick labels on
 * the right, the title above — plotly's default placement, just right of the plot. Not re-exported.
 */
import { hex, sample } from "./colorscale";
import { px, svgText } from "./figureData";
import { textWidth } from "./textMetrics";
import { linearTicks, tickLabel } from "./ticks";
import type { ColorBar } from "./traceKind";

const THICK = 30;
const FONT = 12;

function ticks(bar: ColorBar, len: number): { values: number[]; labels: string[] } {
  const [lo, hi] = bar.range;
  const t = linearTicks(lo, hi, len, true);
  const maxAbs = Math.max(...t.values.map(Math.abs), 0);
  return { values: t.values, labels: t.values.map((v) => tickLabel(v, t.step, maxAbs)) };
}

/** The width a colour bar takes (bar, tick labels, title). */
export function colorBarWidth(bar: ColorBar, len: number): number {
  const { labels } = ticks(bar, len);
  return THICK + 6 + Math.max(0, ...labels.map((l) => textWidth(l, FONT))) + 10;
}

/** SVG of a colour bar at `x`, spanning `top`…`bottom`; `id` names its gradient. */
export function drawColorBar(bar: ColorBar, x: number, top: number, bottom: number, id: string): string {
  const [lo, hi] = bar.range;
  const titleRoom = bar.title ? 22 : 0;
  const y0 = top + titleRoom;
  const len = bottom - y0;
  const stops: string[] = [];
  for (let i = 0; i <= 32; i++) stops.push(`<stop offset="${px(i / 32)}" stop-color="${hex(sample(bar.scale, 1 - i / 32))}"/>`);
  const out = [
    `<defs><linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">${stops.join("")}</linearGradient></defs>`,
    `<rect x="${px(x)}" y="${px(y0)}" width="${THICK}" height="${px(len)}" fill="url(#${id})"/>`,
  ];
  const t = ticks(bar, len);
  t.values.forEach((v, i) => {
    const y = hi === lo ? y0 + len / 2 : y0 + ((hi - v) / (hi - lo)) * len;
    out.push(`<line x1="${px(x + THICK)}" y1="${px(y)}" x2="${px(x + THICK + 4)}" y2="${px(y)}" stroke="#444"/>`);
    out.push(svgText(x + THICK + 6, y + FONT * 0.35, t.labels[i], { size: FONT }));
  });
  if (bar.title) out.push(svgText(x, top + 14, bar.title, { size: 14 }));
  return out.join("");
}
