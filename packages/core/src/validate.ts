/**
 * Shared argument checks, for core and (as `validate` from "@embedlab/core") for display. Every
 * message reads `<fn>: expected <argument> to be <requirement>, but got <value>`.
 * `TypeError` for a wrong type, `RangeError` for a value out of range.
 * @example
 * const { checkInt } = validate;
 * checkInt("projector", "options.dims", 4, 2, 3); // RangeError: … to be an integer in [2, 3], but got 4
 */

/** A short, printable form of any value for error messages (never a 10 MB string). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "function") return `a function ${value.name || "(anonymous)"}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${article(value.constructor.name)} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  const t = value as { shape?: unknown; dtype?: unknown };
  if (Array.isArray(t.shape) && typeof t.dtype === "string") return `${article(t.dtype)} tensor of shape ${formatShape(t.shape)}`;
  const ctor = (value as object).constructor?.name;
  return ctor && ctor !== "Object" ? article(ctor) : "an object";
}

/** `word` with its indefinite article: "an int32", "a float32", "an Int32Array". */
function article(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}

/** A shape as the messages print it: `[2, 10, 16]`. */
export function formatShape(shape: readonly unknown[]): string {
  return `[${shape.join(", ")}]`;
}

/** Throws `TypeError` in the house format. */
export function typeError(fn: string, arg: string, expected: string, got: unknown): TypeError {
  return new TypeError(`${fn}: expected ${arg} to be ${expected}, but got ${describe(got)}`);
}

/** Throws `RangeError` in the house format. */
export function rangeError(fn: string, arg: string, expected: string, got: unknown): RangeError {
  return new RangeError(`${fn}: expected ${arg} to be ${expected}, but got ${describe(got)}`);
}

/** `value` must be an integer (a number with no fraction), optionally within [min, max]. */
export function checkInt(fn: string, arg: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== "number" || Number.isNaN(value)) throw typeError(fn, arg, "an integer", value);
  if (!Number.isInteger(value)) throw typeError(fn, arg, "an integer", value);
  if (value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : min === -Infinity ? `<= ${max}` : `in [${min}, ${max}]`;
    throw rangeError(fn, arg, `an integer ${range}`, value);
  }
  return value;
}

/** `value` must be a finite number, optionally > 0. */
export function checkNumber(fn: string, arg: string, value: unknown, opts: { positive?: boolean; min?: number; max?: number } = {}): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw typeError(fn, arg, "a finite number", value);
  if (opts.positive && !(value > 0)) throw rangeError(fn, arg, "a number > 0", value);
  if (opts.min !== undefined && value < opts.min) throw rangeError(fn, arg, `a number >= ${opts.min}`, value);
  if (opts.max !== undefined && value > opts.max) throw rangeError(fn, arg, `a number <= ${opts.max}`, value);
  return value;
}

/** `value` must be one of `allowed`; the error lists them. */
export function checkOneOf<T extends string | number | boolean | null>(fn: string, arg: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw typeError(fn, arg, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, value);
  }
  return value as T;
}

/** `value` must be a boolean. */
export function checkBool(fn: string, arg: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw typeError(fn, arg, "a boolean", value);
  return value;
}

/** `value` must be a string. */
export function checkString(fn: string, arg: string, value: unknown): string {
  if (typeof value !== "string") throw typeError(fn, arg, "a string", value);
  return value;
}

/** `value` must be an array of strings (optionally of a given length, one per row). */
export function checkStrings(fn: string, arg: string, value: unknown, length?: number): string[] {
  if (!Array.isArray(value)) throw typeError(fn, arg, "an array of strings", value);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== "string") throw typeError(fn, `${arg}[${i}]`, "a string", value[i]);
  }
  if (length !== undefined && value.length !== length) {
    throw rangeError(fn, `${arg}.length`, `${length} (one per row)`, value.length);
  }
  return value as string[];
}

/** Rejects option keys the function does not know, listing the ones it does. */
export function checkKeys(fn: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw typeError(fn, "options", "an object", options);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${fn}: unknown option ${JSON.stringify(key)}; allowed options are ${allowed.join(", ")}`);
    }
  }
}

/** Formats a flat index in a row-major `shape` as `[i, j, k]`. */
export function position(flatIndex: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length);
  let rest = flatIndex;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] || 1;
    idx[d] = rest % n;
    rest = Math.floor(rest / n);
  }
  return `[${idx.join(", ")}]`;
}

/** Shape equality. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
