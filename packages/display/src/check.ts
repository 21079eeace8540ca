/**
 * Argument checks for the display package, in the house error format
 * `<fn>: expected <argument> to be <requirement>, but got <value>` (TypeError for types,
 * RangeError for ranges). Core's validate.ts is internal to core, so display keeps its own copy
 * of the few checks it needs. Not re-exported.
 */

/** A short, printable form of any value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "function") return `a function ${value.name || "(anonymous)"}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  const t = value as { shape?: unknown; dtype?: unknown };
  if (Array.isArray(t.shape) && typeof t.dtype === "string") return `a ${t.dtype} tensor of shape [${t.shape}]`;
  const ctor = (value as object).constructor?.name;
  return ctor && ctor !== "Object" ? `a ${ctor}` : "an object";
}

/** A `TypeError` in the house format. */
export function typeError(fn: string, arg: string, expected: string, got: unknown): TypeError {
  return new TypeError(`${fn}: expected ${arg} to be ${expected}, but got ${describe(got)}`);
}

/** A `RangeError` in the house format. */
export function rangeError(fn: string, arg: string, expected: string, got: unknown): RangeError {
  return new RangeError(`${fn}: expected ${arg} to be ${expected}, but got ${describe(got)}`);
}

/** `value` must be an integer within [min, max]. */
export function checkInt(fn: string, arg: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw typeError(fn, arg, "an integer", value);
  if (value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : min === -Infinity ? `<= ${max}` : `in [${min}, ${max}]`;
    throw rangeError(fn, arg, `an integer ${range}`, value);
  }
  return value;
}

/** `value` must be a finite number, optionally > 0. */
export function checkNumber(fn: string, arg: string, value: unknown, opts: { positive?: boolean } = {}): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw typeError(fn, arg, "a finite number", value);
  if (opts.positive && !(value > 0)) throw rangeError(fn, arg, "a number > 0", value);
  return value;
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

/** `value` must be one of `allowed`; the error lists them. */
export function checkOneOf<T extends string | number>(fn: string, arg: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw typeError(fn, arg, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, value);
  return value as T;
}

/** Rejects option keys the function does not know, listing the ones it does. */
export function checkKeys<T extends object>(fn: string, options: T | undefined, allowed: readonly string[]): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw typeError(fn, "options", "an object", options);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${fn}: unknown option ${JSON.stringify(key)}; allowed options are ${allowed.join(", ")}`);
    }
  }
  return options;
}

/** `value` must be an array of strings (optionally of a given length). */
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
