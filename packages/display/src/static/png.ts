/**
 * SVG → PNG with resvg (`@resvg/resvg-js`: Rust's resvg behind N-API, the binary shipped inside a
 * per-platform npm package, no browser, no system libraries) and the fonts from fonts.ts. Not re-exported.
 */
import type { Resvg as ResvgClass } from "@resvg/resvg-js";
import { fontSetup } from "./fonts";

/** Characters the Latin font lacks and the CJK font has (the ranges of `isWide`, and astral ones). */
const WIDE_CHAR = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\ud800-\udbff]/;

/** Whether the SVG's text has a character only the CJK font has. */
function needsCjk(svg: string): boolean {
  return WIDE_CHAR.test(svg);
}

let ResvgCtor: typeof ResvgClass | undefined;

/** PNG bytes of `svg` rendered at `scale` × its own size on a white background. */
export function svgToPng(svg: string, scale = 1): Buffer {
  // Loaded on first use: a runtime that cannot load the native addon loses static images only
  // (View catches the error), not the whole display package.
  ResvgCtor ??= (require("@resvg/resvg-js") as { Resvg: typeof ResvgClass }).Resvg;
  const Resvg = ResvgCtor;
  const fonts = fontSetup();
  const r = new Resvg(svg, {
    font: { fontFiles: fonts.cjkFile && needsCjk(svg) ? [...fonts.files, fonts.cjkFile] : fonts.files, loadSystemFonts: fonts.system, defaultFontFamily: fonts.defaultFamily, defaultFontSize: 12 },
    fitTo: scale === 1 ? { mode: "original" } : { mode: "zoom", value: scale },
    background: "#ffffff",
    imageRendering: 1, // optimizeSpeed: heatmap rasters stay one crisp block per cell
  });
  return r.render().asPng();
}
