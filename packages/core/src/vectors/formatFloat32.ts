/**
 * Float32 values as short decimal text that reads back to the same float32.
 */

/**
 * The shortest decimal (by `toPrecision` digits) that `Math.fround(Number(text))` maps back to
 * `v`, which must be a float32 value. `nan`, `inf`, `-inf` and `-0` are written as Python does.
 *
 * @example
 * formatFloat32(Math.fround(0.1)); // "0.1"   (String() would give "0.10000000149011612")
 */
export function formatFloat32(v: number): string {
  if (v !== v) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  // Values read from 6-decimal text (GloVe) round-trip at ≤ 6 digits: walk down from 6. Others need
  // 7–9 digits (9 always works for float32): try 8, then 7 or 9.
  const ok = (q: number) => Math.fround(Number(v.toPrecision(q))) === v;
  let p: number;
  if (ok(6)) {
    p = 6;
    while (p > 1 && ok(p - 1)) p--;
  } else if (ok(8)) p = ok(7) ? 7 : 8;
  else p = 9;
  return trim(v.toPrecision(p));
}

/** `"1.500"` → `"1.5"`, `"2.0e+5"` → `"2e+5"`: toPrecision pads with zeros. */
function trim(s: string): string {
  const e = s.indexOf("e");
  let mant = e === -1 ? s : s.slice(0, e);
  const exp = e === -1 ? "" : s.slice(e);
  if (mant.includes(".")) mant = mant.replace(/0+$/, "").replace(/\.$/, "");
  return mant + exp;
}

/** `decimals` fixed digits after the point (GloVe files use 5–6), `-0` kept. */
export function formatFixed(v: number, decimals: number): string {
  if (v !== v) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return v.toFixed(decimals);
}
