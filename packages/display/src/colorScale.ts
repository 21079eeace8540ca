/**
 * The colour conventions every view shares, so a picture reads the same way in every notebook.
 *
 * - Signed values (positional encodings, weights, cosines, any `tensorView` heatmap) use
 *   {@link DIVERGING}: **negative blue, zero white, positive red**, centred on 0.
 * - Counts and other non-negative amounts (confusion matrices, one-hot cells) use
 *   {@link SEQUENTIAL}: **light = few, dark = many**.
 *
 * Both are explicit colour lists (ColorBrewer RdBu and Blues), never plotly's named scales: plotly's
 * "RdBu" runs blue → red while matplotlib's runs red → blue, and plotly's "Blues" starts dark.
 */

/** A plotly colour scale: `[position in 0…1, CSS colour]` pairs. */
export type ColorScale = readonly (readonly [number, string])[];

/**
 * Diverging scale for signed values: −max dark blue, 0 white, +max dark red (ColorBrewer RdBu,
 * 11 classes, ordered so that positive is red). Use with `zmid: 0` or symmetric `zmin`/`zmax`.
 */
export const DIVERGING: ColorScale = [
  [0, "#053061"], [0.1, "#2166ac"], [0.2, "#4393c3"], [0.3, "#92c5de"], [0.4, "#d1e5f0"],
  [0.5, "#f7f7f7"],
  [0.6, "#fddbc7"], [0.7, "#f4a582"], [0.8, "#d6604d"], [0.9, "#b2182b"], [1, "#67001f"],
];

/** Sequential scale for non-negative amounts: 0 near white, the maximum dark blue (ColorBrewer Blues, 9 classes). */
export const SEQUENTIAL: ColorScale = [
  [0, "#f7fbff"], [0.125, "#deebf7"], [0.25, "#c6dbef"], [0.375, "#9ecae1"], [0.5, "#6baed6"],
  [0.625, "#4292c6"], [0.75, "#2171b5"], [0.875, "#08519c"], [1, "#08306b"],
];

/** The convention in words, for captions and docs. */
export const COLOR_CONVENTION = "blue = negative, white = 0, red = positive; counts: light = few, dark = many";

/** A mutable copy of a scale (plotly specs are plain JSON; a copy keeps the shared constant frozen in spirit). */
export function colorscale(scale: ColorScale): [number, string][] {
  return scale.map(([p, c]) => [p, c]);
}
