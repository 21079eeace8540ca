/**
 * The comparison behind `check()`: what differs between an expected answer (computed by a worked
 * solution) and a learner's answer, as a list of differences a learner can act on — the shape, the
 * value at an index, a sign, a missing or extra item, the type. Not re-exported.
 */
import { tr } from "../lang";
import { isTensorLike } from "../matrix";

/**
 * How numbers are compared. Two numbers are equal when
 * `|actual − expected| <= atol + rtol · |expected|` (numpy's `allclose` rule); NaN equals NaN;
 * infinities must match exactly. Integers get the same rule, so `2` never equals `3`.
 */
export interface Tolerance {
  /** Absolute tolerance. Defaults to `1e-6`. */
  atol?: number;
  /** Relative tolerance. Defaults to `1e-5` (float32 keeps about 7 significant digits). */
  rtol?: number;
}

/** Options of {@link compareAnswer}. */
export interface CompareOptions extends Tolerance {
  /**
   * Paths whose arrays are compared as sets (order ignored): `""` for the answer itself, `"changed"`
   * for the key `changed` of an object answer. Defaults to none.
   */
  unordered?: readonly string[];
}

/** The kinds of difference. */
export type DifferenceKind = "type" | "shape" | "value" | "sign" | "missing" | "extra";

/** One way the answer differs from the expected one. */
export interface Difference {
  /** What differs. */
  kind: DifferenceKind;
  /** Where: `""` for the answer itself, else like `position[2]`, `shape`, `d8`. */
  path: string;
  /** The expected value there (for `missing`: the item that is missing). */
  expected?: unknown;
  /** The learner's value there (for `extra`: the item that should not be there). */
  actual?: unknown;
  /** One sentence, in the language of `lang()`. */
  message: string;
}

/** The tolerance `check` uses unless an exercise says otherwise. */
export const DEFAULT_TOLERANCE: Required<Tolerance> = { atol: 1e-6, rtol: 1e-5 };

/** How many differences are listed at most (the rest are counted). */
export const MAX_DIFFERENCES = 8;

/** A learner's value in plain form: tensors and typed arrays become (nested) arrays, Sets arrays. */
export function plain(value: unknown): unknown {
  if (isTensorLike(value)) {
    const t = value as unknown as { arraySync?: () => unknown; isDisposed?: boolean };
    if (t.isDisposed) return value;
    if (typeof t.arraySync === "function") return t.arraySync();
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (value instanceof Set) return [...value].map(plain);
  if (Array.isArray(value)) return value.map(plain);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A value as a message prints it: numbers to 6 significant digits, short arrays in full. */
export function formatValue(v: unknown): string {
  if (typeof v === "number") {
    if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
    return String(Number(v.toPrecision(6)));
  }
  if (typeof v === "string") return JSON.stringify(v);
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (Array.isArray(v)) {
    const shown = v.slice(0, 8).map(formatValue).join(", ");
    return `[${shown}${v.length > 8 ? `, … (${v.length} items)` : ""}]`;
  }
  if (isTensorLike(v)) return `shape [${v.shape.join(", ")}]`;
  if (typeof v === "object") return `{ ${Object.keys(v as object).join(", ")} }`;
  return String(v);
}

/** The type of a value in words, as messages print it. */
function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return tr("an array", "数组");
  if (isTensorLike(v)) return tr("a disposed tensor", "已释放的张量");
  switch (typeof v) {
    case "number": return tr("a number", "数字");
    case "string": return tr("a string", "字符串");
    case "boolean": return tr("a boolean", "布尔值");
    case "undefined": return "undefined";
    case "object": return tr("an object", "对象");
    default: return typeof v;
  }
}

/** The shape of a rectangular nested array of non-arrays (`[2, 2, 3]`), or null when ragged. */
export function shapeOf(v: unknown): number[] | null {
  if (!Array.isArray(v)) return [];
  if (v.length === 0) return [0];
  const inner = v.map(shapeOf);
  const first = inner[0];
  if (first === null) return null;
  for (const s of inner) if (s === null || s.length !== first.length || s.some((d, i) => d !== first[i])) return null;
  return [v.length, ...first];
}

function where(path: string): string {
  return path === "" ? tr("the answer", "答案") : path;
}

function numbersEqual(e: number, a: number, tol: Required<Tolerance>): boolean {
  if (Number.isNaN(e) || Number.isNaN(a)) return Number.isNaN(e) && Number.isNaN(a);
  if (!Number.isFinite(e) || !Number.isFinite(a)) return e === a;
  return Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
}

const key = (v: unknown): string => JSON.stringify(v);

/**
 * Every way `actual` differs from `expected` (empty when they agree), in order, at most
 * {@link MAX_DIFFERENCES} of them plus a count of the rest in the last one's place.
 * `expected` is plain data: numbers, strings, booleans, null, arrays and plain objects.
 * `actual` may also hold tensors, typed arrays and Sets (read as arrays).
 *
 * @example
 * compareAnswer([2, 2, 3], [2, 3]);           // [{ kind: "shape", path: "", … }]
 * compareAnswer({ d8: 0.5 }, { d8: -0.5 });    // [{ kind: "sign", path: "d8", … }]
 */
export function compareAnswer(expected: unknown, actual: unknown, options: CompareOptions = {}): Difference[] {
  const tol = { atol: options.atol ?? DEFAULT_TOLERANCE.atol, rtol: options.rtol ?? DEFAULT_TOLERANCE.rtol };
  const unordered = new Set(options.unordered ?? []);
  const out: Difference[] = [];
  let dropped = 0;
  const push = (d: Difference) => {
    if (out.length < MAX_DIFFERENCES) out.push(d);
    else dropped++;
  };

  const walk = (e: unknown, a: unknown, path: string, field: string): void => {
    if (typeof e === "number") {
      if (typeof a !== "number") {
        push({ kind: "type", path, expected: e, actual: a, message: tr(`${where(path)}: expected a number, but got ${typeName(a)} (${formatValue(a)})`, `${where(path)}：应为数字，实际是${typeName(a)}（${formatValue(a)}）`) });
        return;
      }
      if (numbersEqual(e, a, tol)) return;
      if (e !== 0 && numbersEqual(-e, a, tol)) {
        push({ kind: "sign", path, expected: e, actual: a, message: tr(`${where(path)}: the sign is wrong: expected ${formatValue(e)}, got ${formatValue(a)}`, `${where(path)}：符号反了：应为 ${formatValue(e)}，实际是 ${formatValue(a)}`) });
        return;
      }
      push({ kind: "value", path, expected: e, actual: a, message: tr(`${where(path)}: expected ${formatValue(e)}, got ${formatValue(a)}`, `${where(path)}：应为 ${formatValue(e)}，实际是 ${formatValue(a)}`) });
      return;
    }
    if (typeof e === "string" || typeof e === "boolean" || e === null || e === undefined) {
      if (typeof a !== typeof e || (e === null) !== (a === null)) {
        push({ kind: "type", path, expected: e, actual: a, message: tr(`${where(path)}: expected ${typeName(e)} (${formatValue(e)}), but got ${typeName(a)} (${formatValue(a)})`, `${where(path)}：应为${typeName(e)}（${formatValue(e)}），实际是${typeName(a)}（${formatValue(a)}）`) });
      } else if (a !== e) {
        push({ kind: "value", path, expected: e, actual: a, message: tr(`${where(path)}: expected ${formatValue(e)}, got ${formatValue(a)}`, `${where(path)}：应为 ${formatValue(e)}，实际是 ${formatValue(a)}`) });
      }
      return;
    }
    if (Array.isArray(e)) {
      if (!Array.isArray(a)) {
        push({ kind: "type", path, expected: e, actual: a, message: tr(`${where(path)}: expected an array (${formatValue(e)}), but got ${typeName(a)} (${formatValue(a)})`, `${where(path)}：应为数组（${formatValue(e)}），实际是${typeName(a)}（${formatValue(a)}）`) });
        return;
      }
      if (unordered.has(field)) {
        const have = new Map<string, number>();
        for (const x of a) have.set(key(x), (have.get(key(x)) ?? 0) + 1);
        for (const x of e) {
          const n = have.get(key(x)) ?? 0;
          if (n > 0) have.set(key(x), n - 1);
          else push({ kind: "missing", path, expected: x, message: tr(`${where(path)}: ${formatValue(x)} is missing`, `${where(path)}：缺少 ${formatValue(x)}`) });
        }
        const extra = a.filter((x) => {
          const n = have.get(key(x)) ?? 0;
          if (n > 0) have.set(key(x), n - 1);
          return n > 0;
        });
        for (const x of extra) push({ kind: "extra", path, actual: x, message: tr(`${where(path)}: ${formatValue(x)} should not be there`, `${where(path)}：不应包含 ${formatValue(x)}`) });
        return;
      }
      const se = shapeOf(e);
      const sa = shapeOf(a);
      if (a.length !== e.length && (se === null || se.length <= 1)) {
        push({ kind: "shape", path, expected: [e.length], actual: [a.length], message: tr(`${where(path)} has ${a.length} items, expected ${e.length}`, `${where(path)}有 ${a.length} 项，应为 ${e.length} 项`) });
        return;
      }
      if (se && sa && (se.length !== sa.length || se.some((d, i) => d !== sa[i]))) {
        push({ kind: "shape", path, expected: se, actual: sa, message: tr(`${where(path)} has shape [${sa.join(", ")}], expected [${se.join(", ")}]`, `${where(path)}的形状是 [${sa.join(", ")}]，应为 [${se.join(", ")}]`) });
        return;
      }
      if (a.length !== e.length) {
        push({ kind: "shape", path, expected: [e.length], actual: [a.length], message: tr(`${where(path)} has ${a.length} items, expected ${e.length}`, `${where(path)}有 ${a.length} 项，应为 ${e.length} 项`) });
        return;
      }
      e.forEach((x, i) => walk(x, a[i], `${path}[${i}]`, field));
      return;
    }
    if (isPlainObject(e)) {
      if (!isPlainObject(a)) {
        push({ kind: "type", path, expected: e, actual: a, message: tr(`${where(path)}: expected an object with keys ${Object.keys(e).join(", ")}, but got ${typeName(a)} (${formatValue(a)})`, `${where(path)}：应为包含键 ${Object.keys(e).join("、")} 的对象，实际是${typeName(a)}（${formatValue(a)}）`) });
        return;
      }
      for (const k of Object.keys(e)) {
        const p = path === "" ? k : `${path}.${k}`;
        if (!(k in a)) push({ kind: "missing", path: p, expected: e[k], message: tr(`key "${k}" is missing${path === "" ? "" : ` in ${path}`}`, `${path === "" ? "" : `${path} 中`}缺少键 "${k}"`) });
        else walk(e[k], a[k], p, path === "" ? k : field);
      }
      for (const k of Object.keys(a)) {
        if (!(k in e)) push({ kind: "extra", path: path === "" ? k : `${path}.${k}`, actual: a[k], message: tr(`key "${k}" is not part of the answer (expected keys: ${Object.keys(e).join(", ")})`, `键 "${k}" 不属于答案（应有的键：${Object.keys(e).join("、")}）`) });
      }
      return;
    }
    throw new TypeError(`compareAnswer: expected the expected answer to be plain data, but got ${typeName(e)}`);
  };

  walk(expected, plain(actual), "", "");
  if (dropped > 0) {
    const last = out[out.length - 1];
    out[out.length - 1] = { ...last, message: `${last.message} ${tr(`(and ${dropped} more differences)`, `（另有 ${dropped} 处不同）`)}` };
  }
  return out;
}
