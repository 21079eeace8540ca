/**
 * SVG → PNG with resvg (`@resvg/resvg-js`: Rust's resvg behind N-API, the binary shipped inside a
 * per-platform npm package, no browser, no system libraries) and the fonts from fonts.ts. Not re-exported.
 */
import { Resvg } from "@resvg/resvg-js";
import { fontSetup } from "./fonts";
import { isWide } from "./textMetrics";

/** Whether the SVG's text has a character the Latin font lacks and the CJK font has. */
function needsCjk(svg: string): boolean {
  for (let i = 0; i < svg.length; i++) {
    const c = svg.charCodeAt(i);
    if (c >= 0x1100 && (isWide(c) || (c >= 0xd800 && c <= 0xdbff))) return true;
  }
  return false;
}

/** PNG bytes of `svg` rendered at `scale` × its own size on a white background. */
export function svgToPng(svg: string, scale = 1): Buffer {
  const fonts = fontSetup();
  const r = new Resvg(svg, {
    font: { fontFiles: fonts.cjkFile && needsCjk(svg) ? [...fonts.files, fonts.cjkFile] : fonts.files, loadSystemFonts: fonts.system, defaultFontFamily: fonts.defaultFamily, defaultFontSize: 12 },
    fitTo: scale === 1 ? { mode: "original" } : { mode: "zoom", value: scale },
    background: "#ffffff",
    imageRendering: 1, // optimizeSpeed: heatmap rasters stay one crisp block per cell
  });
  return r.render().asPng();
}
