/**
 * Category axes that keep one slot per item. plotly's `type: "category"` merges equal labels
 * into one position, so `["cat", "bird", "dog", "cat"]` would draw three rows for four items.
 * Views place items at positions `0 … N−1` and show the labels as tick text instead. Not re-exported.
 */

/** Axis settings for `labels` at positions `0 … N−1`: the labels as tick text, one tick per item. */
export function categoryAxis(labels: readonly string[], axis: Record<string, unknown> = {}): Record<string, unknown> {
  const positions = labels.map((_, i) => i);
  return {
    ...axis,
    type: "linear",
    tickmode: "array",
    tickvals: positions,
    ticktext: [...labels],
    showgrid: false,
    zeroline: false,
  };
}

/** The positions `0 … n−1` that {@link categoryAxis} labels. */
export function positionsOf(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
