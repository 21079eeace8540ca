/**
 * Static images of plotly figures for the places scripts do not run (untrusted notebooks, GitHub
 * and nbviewer previews, exports viewed without JavaScript, PDF): figure → SVG (figureSvg.ts) →
 * PNG (resvg). PNG because every frontend shows it untrusted (JupyterLab counts image/svg+xml as
 * unsafe). On by default; off with `setStaticImages(false)`, `show(v, { staticImages: false })` or
 * the environment variable `EMBEDLAB_STATIC_IMAGES=0` (`setStaticImages` wins over the variable).
 */
import { figureSvg, type FigureLike } from "./figureSvg";
import { svgToPng } from "./png";

/** A rendered still of one figure. */
export interface StaticImage {
  /** The PNG bytes. */
  png: Buffer;
  /** Its size in CSS pixels (the figure's `layout.width`/`height`, plotly's 700 × 450 default). */
  width: number;
  height: number;
}

let setting: boolean | undefined;

/**
 * Turns the static PNG copy of every figure in views' MIME bundles on or off for this process
 * (`undefined`: back to the `EMBEDLAB_STATIC_IMAGES` environment variable, default on).
 *
 * @example
 * setStaticImages(false);   // bundles carry only interactive plotly figures
 */
export function setStaticImages(on: boolean | undefined): void {
  if (on !== undefined && typeof on !== "boolean") throw new TypeError(`setStaticImages: expected on to be a boolean or undefined, but got ${typeof on === "string" ? JSON.stringify(on) : String(on)}`);
  setting = on;
}

/** Whether views' bundles carry static images: {@link setStaticImages}, else `EMBEDLAB_STATIC_IMAGES` (`0`, `false`, `off`, `no` turn them off), else on. */
export function staticImagesEnabled(): boolean {
  if (setting !== undefined) return setting;
  const env = (process.env.EMBEDLAB_STATIC_IMAGES ?? "").trim().toLowerCase();
  return !["0", "false", "off", "no"].includes(env);
}

const cache = new Map<string, StaticImage>();
const CACHE_SIZE = 32;

/**
 * The PNG of a plotly figure, rendered without a browser (heatmaps, scatter, lines, bars,
 * histograms, annotations, shapes, legends, colour bars, subplots, CJK labels).
 *
 * @example
 * writeFileSync("fig.png", figurePng(positionalEncodingView(pe).figures[0]));
 */
export function figurePng(figure: FigureLike): Buffer {
  return staticImage(figure).png;
}

/** {@link figurePng} with the image's size; the last 32 figures are cached by content. */
export function staticImage(figure: FigureLike): StaticImage {
  const key = JSON.stringify([figure.data, figure.layout ?? null]);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const { svg, width, height } = figureSvg(figure);
  const image = { png: svgToPng(svg), width, height };
  cache.set(key, image);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return image;
}
