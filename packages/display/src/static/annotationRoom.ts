/**
 * Room right of the plot for annotations placed there in paper coordinates (`xref: "paper"`,
 * `x >= 1`, `xanchor: "left"`, as views use for labels beside a heatmap). Not re-exported.
 */
import { arr, num, obj, str } from "./figureData";
import { textWidth } from "./textMetrics";

/** The width in pixels that such annotations need beyond the plot's right edge. */
export function annotationsInMargin(annotations: unknown): number {
  let w = 0;
  for (const a of arr(annotations).map(obj)) {
    if (a.xref !== "paper" || num(a.x, 0) < 1 || str(a.xanchor, "auto") !== "left") continue;
    w = Math.max(w, textWidth(str(a.text, ""), num(obj(a.font).size, 12)) + 8);
  }
  return w;
}
