/**
 * Internal helpers shared by the label-like encoders (`LabelEncoder`, `OneHotEncoder`): the
 * scikit-learn class order and the "uniformly strings or numbers" check. Not re-exported.
 */
import { describe, typeError } from "../validate";

/** A category value: a string or a finite number. */
export type Label = string | number;

/**
 * Orders labels like `numpy.unique`: numbers numerically, strings by Unicode code point (not by
 * UTF-16 code unit, which is what `Array.prototype.sort` does: "\u{1F600}" < "\uFF01" there).
 */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = a as string;
  const y = b as string;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const cx = x.codePointAt(i) as number;
    const cy = y.codePointAt(i) as number;
    if (cx !== cy) return cx - cy;
    if (cx > 0xffff) i++; // skip the low surrogate of an astral character
  }
  return x.length - y.length;
}

/**
 * Checks `values` is an array of finite numbers or of strings, not mixed (scikit-learn refuses
 * mixed columns too). Returns the kind, or `null` for an empty array.
 */
export function labelKind(fn: string, arg: string, values: unknown): "string" | "number" | null {
  if (!Array.isArray(values)) throw typeError(fn, arg, "an array of strings or numbers", values);
  let kind: "string" | "number" | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const k = typeof v === "string" ? "string" : typeof v === "number" && Number.isFinite(v) ? "number" : null;
    if (k === null) throw typeError(fn, `${arg}[${i}]`, "a string or a finite number", v);
    if (kind === null) kind = k;
    else if (k !== kind) throw typeError(fn, `${arg}[${i}]`, `a ${kind} like ${arg}[0] (labels must be all strings or all numbers)`, v);
  }
  return kind;
}

/** The sorted distinct labels of `values`. */
export function uniqueSorted(values: readonly Label[]): Label[] {
  return [...new Set(values)].sort(compareLabels);
}

/** `"a", "b", "c", "d", "e", … (12 in all)`: up to `max` labels for an error message. */
export function listLabels(labels: readonly Label[], max = 5): string {
  const shown = labels.slice(0, max).map((l) => describe(l)).join(", ");
  return labels.length > max ? `${shown}, … (${labels.length} in all)` : shown;
}
