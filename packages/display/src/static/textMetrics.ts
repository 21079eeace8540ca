/**
 * Text widths without a font engine: per-character advance widths close to Arial / Liberation Sans
 * (the metric-compatible font the PNG step prefers), CJK and other wide characters one em. Used to
 * size margins, legends and tick spacing. Not re-exported.
 */
import { plainLines } from "./figureData";

const NARROW = new Set("il.,:;'|!`ijtfrI()[]{} ".split(""));
const WIDE = new Set("mwMW@%".split(""));

/** Whether `code` is a full-width character (CJK ideographs, kana, hangul, full-width forms). */
export function isWide(code: number): boolean {
  return (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) || code >= 0x20000;
}

/** The approximate width in pixels of `text` (its longest line) at font size `size`. */
export function textWidth(text: string, size: number): number {
  let best = 0;
  for (const line of plainLines(text)) {
    let w = 0;
    for (const ch of line) {
      const code = ch.codePointAt(0) as number;
      if (isWide(code)) w += 1;
      else if (NARROW.has(ch)) w += 0.3;
      else if (WIDE.has(ch)) w += 0.85;
      else if (ch >= "A" && ch <= "Z") w += 0.67;
      else w += 0.556;
    }
    best = Math.max(best, w * size);
  }
  return best;
}

/** The number of lines in a label (plotly's `<br>`). */
export function lineCount(text: string): number {
  return plainLines(text).length;
}
