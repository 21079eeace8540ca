/**
 * The legend: one entry per trace that has one (a line, a marker or a box, then the name), stacked
 * to the right of the plot (plotly's default) or in rows under it (`legend.orientation: "h"`).
 * Not re-exported.
 */
import { px, svgText } from "./figureData";
import { dashArray } from "./markers";
import { textWidth } from "./textMetrics";
import type { LegendItem } from "./traceKind";

const FONT = 12;
const ROW = 19;
const SYMBOL = 40;

function itemWidth(item: LegendItem): number {
  return SYMBOL + textWidth(item.name, FONT) + 10;
}

/** Rows of items for a horizontal legend at most `maxWidth` wide. */
function rows(items: readonly LegendItem[], maxWidth: number): LegendItem[][] {
  const out: LegendItem[][] = [[]];
  let w = 0;
  for (const it of items) {
    const iw = itemWidth(it);
    if (w + iw > maxWidth && out[out.length - 1].length) {
      out.push([]);
      w = 0;
    }
    out[out.length - 1].push(it);
    w += iw;
  }
  return out;
}

/** The legend's size in pixels. */
export function legendSize(items: readonly LegendItem[], horizontal: boolean, maxWidth: number): { width: number; height: number } {
  if (!items.length) return { width: 0, height: 0 };
  if (horizontal) {
    const r = rows(items, maxWidth);
    return { width: Math.max(...r.map((row) => row.reduce((a, it) => a + itemWidth(it), 0))), height: r.length * ROW + 6 };
  }
  return { width: Math.max(...items.map(itemWidth)) + 4, height: items.length * ROW + 6 };
}

function symbol(item: LegendItem, x: number, y: number): string {
  const line = `<line x1="${px(x + 5)}" y1="${px(y)}" x2="${px(x + 35)}" y2="${px(y)}" stroke="${item.color}" stroke-width="2"${item.dash ? ` stroke-dasharray="${item.dash}"` : ""}/>`;
  const dot = `<circle cx="${px(x + 20)}" cy="${px(y)}" r="3" fill="${item.color}"/>`;
  if (item.symbol === "box") return `<rect x="${px(x + 14)}" y="${px(y - 6)}" width="12" height="12" fill="${item.color}"/>`;
  if (item.symbol === "line") return line;
  if (item.symbol === "marker") return dot;
  return line + dot;
}

/** SVG of the legend with its top-left corner at `(x, y)`. */
export function drawLegend(items: readonly LegendItem[], x: number, y: number, horizontal: boolean, maxWidth: number): string {
  if (!items.length) return "";
  const out: string[] = [];
  const r = horizontal ? rows(items, maxWidth) : items.map((it) => [it]);
  r.forEach((row, k) => {
    let cx = x;
    const cy = y + 3 + k * ROW + ROW / 2;
    for (const it of row) {
      out.push(symbol(it, cx, cy));
      out.push(svgText(cx + SYMBOL, cy + FONT * 0.35, it.name, { size: FONT }));
      cx += itemWidth(it);
    }
  });
  return out.join("");
}

