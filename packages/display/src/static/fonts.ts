/**
 * The fonts the PNG step hands to resvg, found once per process: a Latin sans (Liberation Sans —
 * metric-compatible with Arial, plotly's fallback — else DejaVu Sans, Arial on macOS/Windows) and a
 * CJK font (Debian's fonts-droid-fallback, which scripts/setup.mjs installs, or Noto Sans CJK, WenQuanYi,
 * PingFang, Microsoft YaHei), plus any listed in `EMBEDLAB_FONT_FILES` (paths separated by the
 * platform's path delimiter). resvg falls back per glyph, so CJK labels use the CJK font. Loading
 * named files instead of scanning every system font keeps a render fast. Not re-exported.
 */
import { existsSync } from "node:fs";
import { delimiter } from "node:path";

const LATIN: [string, string][] = [
  ["/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "Liberation Sans"],
  ["/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", "Liberation Sans"],
  ["/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf", "Liberation Sans"],
  ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVu Sans"],
  ["/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf", "DejaVu Sans"],
  ["/System/Library/Fonts/Supplemental/Arial.ttf", "Arial"],
  ["/Library/Fonts/Arial.ttf", "Arial"],
  ["C:\\Windows\\Fonts\\arial.ttf", "Arial"],
];

const CJK = [
  "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
  "/usr/share/fonts-droid-fallback/truetype/DroidSansFallbackFull.ttf",
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
  "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
  "/System/Library/Fonts/PingFang.ttc",
  "/System/Library/Fonts/Hiragino Sans GB.ttc",
  "C:\\Windows\\Fonts\\msyh.ttc",
];

/** What resvg loads. */
export interface FontSetup {
  /** Font files to load for Latin text. */
  files: string[];
  /** The CJK font file, loaded only for SVGs with wide characters (parsing it costs more than the render). */
  cjkFile: string | undefined;
  /** The family used when a name in the SVG is not found. */
  defaultFamily: string;
  /** Whether a CJK font was found (else CJK labels render as empty boxes). */
  cjk: boolean;
  /** Whether no known font was found and resvg scans the system fonts instead (slow). */
  system: boolean;
}

let cached: FontSetup | undefined;

/** The fonts for rendering, found once (pass `refresh` to look again). */
export function fontSetup(refresh = false): FontSetup {
  if (cached && !refresh) return cached;
  const latin = LATIN.find(([f]) => existsSync(f));
  const cjk = CJK.find((f) => existsSync(f));
  const extra = (process.env.EMBEDLAB_FONT_FILES ?? "").split(delimiter).filter((f) => f && existsSync(f));
  // DejaVu Sans as well when the first choice is another font: it covers what Liberation lacks (ᵢ, ₂, arrows, maths).
  const dejavu = LATIN.find(([f, family]) => family === "DejaVu Sans" && existsSync(f));
  const files = [...(latin ? [latin[0]] : []), ...(dejavu && dejavu !== latin ? [dejavu[0]] : []), ...extra];
  cached = { files, cjkFile: cjk, defaultFamily: latin ? latin[1] : "sans-serif", cjk: cjk !== undefined || extra.length > 0, system: !latin && !extra.length };
  return cached;
}
