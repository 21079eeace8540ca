/**
 * The static figure renderer (plotly spec → SVG → PNG without a browser). This file only re-exports.
 */
export { figureSvg } from "./figureSvg";
export type { FigureLike, FigureSvg } from "./figureSvg";
export { figurePng, staticImage, setStaticImages, staticImagesEnabled } from "./staticImage";
export type { StaticImage } from "./staticImage";
export { fontSetup } from "./fonts";
export type { FontSetup } from "./fonts";
