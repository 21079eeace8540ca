/**
 * Decimal number parsing straight from bytes, for vector files: no string per value.
 *
 * The fast path is Clinger's: when the decimal digits form an integer `m < 2^53` and the decimal
 * exponent `e` is within ±22, both `m` and `10^|e|` are exact doubles, so the one multiplication or
 * division is correctly rounded — the same double `Number()` returns. Everything else (17-digit
 * mantissas, large exponents, `nan`, `inf`) goes to an exact fallback through `Number()` on the
 * token. Either way the value then lands in a `Float32Array`, i.e. `Math.fround(Number(token))`.
 */

/** 10^0 … 10^22: every one is an exact double (10^23 is not). */
const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < 23; i++, p *= 10) POW10[i] = p;
/** 2^53: below it every integer is an exact double. */
const EXACT_INT = 9007199254740992;

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** Where the last `scanFloat` stopped, and whether it found a number. */
export const scan = { end: 0, ok: true };

/** Space or tab: the separators between values in every text vector format. */
export function isSeparator(byte: number): boolean {
  return byte === 32 || byte === 9;
}

/**
 * Parses the number token starting at `p` (it ends at a space, a tab or `end`). Returns its value
 * and sets `scan.end` to the byte after the token; `scan.ok` is false when the token is not a
 * number (then the value is NaN).
 */
export function scanFloat(buf: Uint8Array, p: number, end: number): number {
  const start = p;
  let c = buf[p];
  let neg = false;
  if (c === 45) {
    neg = true;
    p++;
  } else if (c === 43) p++;
  let m = 0;
  let digits = 0;
  while (p < end && (c = buf[p] - 48) >= 0 && c <= 9) {
    m = m * 10 + c;
    p++;
    digits++;
  }
  let frac = 0;
  if (p < end && buf[p] === 46) {
    p++;
    while (p < end && (c = buf[p] - 48) >= 0 && c <= 9) {
      m = m * 10 + c;
      p++;
      frac++;
    }
    digits += frac;
  }
  let exp = 0;
  if (p < end && (buf[p] | 32) === 101 && digits > 0) {
    // e or E: an exponent needs at least one digit, else the token is not a number
    let q = p + 1;
    let eneg = false;
    if (q < end && (buf[q] === 45 || buf[q] === 43)) eneg = buf[q++] === 45;
    const expStart = q;
    while (q < end && (c = buf[q] - 48) >= 0 && c <= 9) {
      if (exp < 100000) exp = exp * 10 + c; // beyond this the value is 0 or Infinity anyway
      q++;
    }
    if (q === expStart) return slowFloat(buf, start, end);
    if (eneg) exp = -exp;
    p = q;
  }
  if (digits === 0 || (p < end && buf[p] !== 32 && buf[p] !== 9)) return slowFloat(buf, start, end);
  scan.end = p;
  scan.ok = true;
  if (m === 0) return neg ? -0 : 0;
  const e = exp - frac;
  if (m >= EXACT_INT || e < -22 || e > 22) return slowFloat(buf, start, end);
  const v = e < 0 ? m / POW10[-e] : m * POW10[e];
  return neg ? -v : v;
}

/** The exact path: the whole token through `Number()`, after a strict syntax check. */
function slowFloat(buf: Uint8Array, start: number, end: number): number {
  let p = start;
  while (p < end && buf[p] !== 32 && buf[p] !== 9) p++;
  scan.end = p;
  let s = "";
  for (let i = start; i < p; i++) {
    const b = buf[i];
    if (b >= 128) {
      scan.ok = false;
      return NaN;
    }
    s += String.fromCharCode(b);
  }
  return parseNumberToken(s);
}

/** Python's `float()` syntax (what gensim and torchtext accept), minus underscores. */
function parseNumberToken(s: string): number {
  if (DECIMAL.test(s)) {
    scan.ok = true;
    return Number(s);
  }
  const special = SPECIAL.exec(s);
  if (special) {
    scan.ok = true;
    const inf = special[1] === "-" ? -Infinity : Infinity;
    return special[2].toLowerCase() === "nan" ? NaN : inf;
  }
  scan.ok = false;
  return NaN;
}

/**
 * Parses one decimal number written as bytes (ASCII), exactly as `Number()` would parse the same
 * text: `[+-]digits[.digits][(e|E)[+-]digits]`, plus Python's `nan` / `inf` / `infinity` in any
 * case. Returns `undefined` when the bytes are not one such number (empty, trailing garbage, `0x10`).
 *
 * **Input:** bytes and an optional `[start, end)` range. **Output:** a double; store it in a
 * `Float32Array` for the float32 value vector files hold.
 *
 * @example
 * parseFloatBytes(Buffer.from("-0.038194"));   // -0.038194
 * parseFloatBytes(Buffer.from("1e-3"));        // 0.001
 * parseFloatBytes(Buffer.from("0.5abc"));      // undefined
 */
export function parseFloatBytes(bytes: Uint8Array, start = 0, end = bytes.length): number | undefined {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`parseFloatBytes: expected bytes to be a Uint8Array or Buffer, but got ${typeof bytes}`);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > bytes.length || start > end) {
    throw new RangeError(`parseFloatBytes: expected [start, end) to be a range within [0, ${bytes.length}], but got [${start}, ${end})`);
  }
  if (start === end) return undefined;
  const v = scanFloat(bytes, start, end);
  return scan.ok && scan.end === end ? v : undefined;
}
