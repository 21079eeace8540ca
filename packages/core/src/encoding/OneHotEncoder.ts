/**
 * One-hot encoding of categorical columns (strings or numbers), like scikit-learn's `OneHotEncoder`.
 */
import * as tf from "../tf";
import { checkKeys, checkOneOf, describe, formatShape, rangeError, typeError } from "../validate";
import { type Label, labelKind, listLabels, uniqueSorted } from "./labelOrder";

/** Options of {@link OneHotEncoder}. */
export interface OneHotEncoderOptions {
  /**
   * `"auto"` learns each column's sorted distinct values in `fit`; or one array of categories per
   * column, kept in the order given. Defaults to `"auto"`.
   */
  categories?: "auto" | readonly (readonly Label[])[];
  /** An unseen category: `"error"` throws; `"ignore"` gives an all-zero block. Defaults to `"error"`. */
  handleUnknown?: "error" | "ignore";
  /**
   * Drop one column per feature to avoid collinearity: `"first"` drops every column's first
   * category, `"if-binary"` only in columns with exactly two, `null` none. Defaults to `null`.
   */
  drop?: "first" | "if-binary" | null;
}

/** The JSON form of a fitted {@link OneHotEncoder}. */
export interface OneHotEncoderJSON {
  kind: "OneHotEncoder";
  categories: Label[][];
  handleUnknown: "error" | "ignore";
  drop: "first" | "if-binary" | null;
}

/** Rows of categories (`[N][F]`), or one column as a flat array (`[N]`). */
export type CategoryRows = readonly (readonly Label[])[] | readonly Label[];

const KEYS = ["categories", "handleUnknown", "drop"];

/**
 * One-hot encodes several categorical columns at once, like scikit-learn's `OneHotEncoder`: each
 * column `f` becomes a block of `categories[f].length` (minus a dropped one) 0/1 columns.
 *
 * **Input shape:** `[N, F]` rows of strings/numbers (each column all strings or all numbers), or
 * a flat `[N]` array for one column.
 * **Output shape:** `[N, sum of block widths]` float32.
 *
 * @example
 * const enc = new OneHotEncoder({ drop: "if-binary" }).fit([["red", "S"], ["blue", "M"], ["red", "M"]]);
 * enc.featureNames(["color", "size"]);           // ["color_blue", "color_red", "size_S"]
 * enc.transform([["blue", "S"]]);                // [[1, 0, 1]]
 */
export class OneHotEncoder {
  /** How unseen categories are handled. */
  readonly handleUnknown: "error" | "ignore";
  /** Which category per column is dropped. */
  readonly drop: "first" | "if-binary" | null;
  private readonly given: Label[][] | null;
  private cats: Label[][] | null = null;
  private index: Map<Label, number>[] = [];
  private dropped: boolean[] = [];

  constructor(options: OneHotEncoderOptions = {}) {
    const fn = "OneHotEncoder";
    checkKeys(fn, options, KEYS);
    this.handleUnknown = checkOneOf(fn, "options.handleUnknown", options.handleUnknown ?? "error", ["error", "ignore"] as const);
    this.drop = checkOneOf(fn, "options.drop", options.drop === undefined ? null : options.drop, ["first", "if-binary", null] as const);
    const categories = options.categories ?? "auto";
    if (categories === "auto") this.given = null;
    else {
      if (!Array.isArray(categories)) throw typeError(fn, "options.categories", '"auto" or an array of category arrays (one per column)', categories);
      this.given = categories.map((col, f) => checkCategories(fn, `options.categories[${f}]`, col));
    }
  }

  /** Whether `fit` (or `fromJSON`) has run. */
  get fitted(): boolean {
    return this.cats !== null;
  }

  /** The categories of each column, in block order (the dropped one included). */
  get categories(): readonly (readonly Label[])[] {
    return this.requireFitted("OneHotEncoder.categories");
  }

  /** The index of the dropped category in each column, or `null` where none is dropped. */
  get dropIdx(): (number | null)[] {
    this.requireFitted("OneHotEncoder.dropIdx");
    return this.dropped.map((d) => (d ? 0 : null));
  }

  /**
   * Learns each column's categories (or checks the explicit ones against the data). A failed
   * call leaves the encoder unchanged.
   */
  fit(rows: CategoryRows): this {
    const fn = "OneHotEncoder.fit";
    const columns = readColumns(fn, rows, this.given ? this.given.length : undefined, this.given ?? undefined);
    if (columns.length === 0 || columns[0].length === 0) throw rangeError(fn, "rows", "a non-empty array of rows", rows);
    let cats: Label[][];
    if (this.given) {
      cats = this.given;
      if (this.handleUnknown === "error") {
        columns.forEach((col, f) => {
          const known = new Set(cats[f]);
          col.forEach((v, i) => {
            if (!known.has(v)) throw unknownError(fn, i, f, v, cats[f]);
          });
        });
      }
    } else cats = columns.map((col) => uniqueSorted(col));
    this.setCategories(cats);
    return this;
  }

  /**
   * The one-hot matrix. **Input shape:** `[N, F]` (or `[N]` for one column).
   * **Output shape:** `[N, numFeatures]` float32.
   */
  transform(rows: CategoryRows): tf.Tensor2D {
    const fn = "OneHotEncoder.transform";
    const cats = this.requireFitted(fn);
    const columns = readColumns(fn, rows, cats.length, cats);
    const N = columns.length ? columns[0].length : 0;
    const width = this.numFeatures;
    const out = new Float32Array(N * width); // [N * width], row-major [N, width]
    let offset = 0;
    for (let f = 0; f < cats.length; f++) {
      const index = this.index[f];
      const shift = this.dropped[f] ? 1 : 0;
      const col = columns[f];
      for (let i = 0; i < N; i++) {
        const c = index.get(col[i]);
        if (c === undefined) {
          if (this.handleUnknown === "error") throw unknownError(fn, i, f, col[i], cats[f]);
          continue; // "ignore": all-zero block
        }
        if (c - shift >= 0) out[i * width + offset + c - shift] = 1; // the dropped category is all zeros
      }
      offset += cats[f].length - shift;
    }
    return tf.tensor2d(out, [N, width], "float32"); // [N, width]
  }

  /** `fit(rows)` then `transform(rows)`. */
  fitTransform(rows: CategoryRows): tf.Tensor2D {
    return this.fit(rows).transform(rows);
  }

  /** The number of output columns. */
  get numFeatures(): number {
    const cats = this.requireFitted("OneHotEncoder.numFeatures");
    return cats.reduce((n, c, f) => n + c.length - (this.dropped[f] ? 1 : 0), 0);
  }

  /**
   * The categories of each row of a one-hot matrix. An all-zero block is the dropped category,
   * or `null` (an unknown category under `handleUnknown: "ignore"`).
   *
   * **Input shape:** `[N, numFeatures]`: a tensor or nested array of 0/1. **Output shape:** `[N, F]`.
   */
  inverseTransform(matrix: tf.Tensor | readonly (readonly number[])[]): (Label | null)[][] {
    const fn = "OneHotEncoder.inverseTransform";
    const cats = this.requireFitted(fn);
    const width = this.numFeatures;
    let values: ArrayLike<number>;
    let N: number;
    if (matrix instanceof tf.Tensor) {
      if (matrix.rank !== 2 || matrix.shape[1] !== width) {
        throw new RangeError(`${fn}: expected matrix to have shape [N, ${width}], but got shape ${formatShape(matrix.shape)}`);
      }
      N = matrix.shape[0];
      values = matrix.dataSync();
    } else if (Array.isArray(matrix)) {
      N = matrix.length;
      const flat = new Float64Array(N * width);
      matrix.forEach((row, i) => {
        if (!Array.isArray(row) || row.length !== width) throw typeError(fn, `matrix[${i}]`, `an array of ${width} numbers`, row);
        row.forEach((v, j) => (flat[i * width + j] = typeof v === "number" ? v : NaN));
      });
      values = flat;
    } else throw typeError(fn, "matrix", `a tensor or nested array of shape [N, ${width}]`, matrix);
    const out: (Label | null)[][] = [];
    for (let i = 0; i < N; i++) {
      const row: (Label | null)[] = [];
      let offset = 0;
      for (let f = 0; f < cats.length; f++) {
        const shift = this.dropped[f] ? 1 : 0;
        const w = cats[f].length - shift;
        let hot = -1;
        for (let j = 0; j < w; j++) {
          const v = values[i * width + offset + j];
          if (v !== 0 && v !== 1) throw typeError(fn, `matrix[${i}][${offset + j}]`, "0 or 1", v);
          if (v === 1) {
            if (hot !== -1) throw rangeError(fn, `row ${i}, column ${f}'s block`, "at most one 1", `1s at ${offset + hot} and ${offset + j}`);
            hot = j;
          }
        }
        row.push(hot !== -1 ? cats[f][hot + shift] : shift ? cats[f][0] : null);
        offset += w;
      }
      out.push(row);
    }
    return out;
  }

  /**
   * The name of each output column, `<input>_<category>` like scikit-learn's
   * `get_feature_names_out`. `inputNames` defaults to `x0, x1, …`.
   */
  featureNames(inputNames?: readonly string[]): string[] {
    const fn = "OneHotEncoder.featureNames";
    const cats = this.requireFitted(fn);
    const names = inputNames ?? cats.map((_, f) => `x${f}`);
    if (!Array.isArray(names) || names.length !== cats.length || names.some((n) => typeof n !== "string")) {
      throw typeError(fn, "inputNames", `an array of ${cats.length} strings (one per column)`, inputNames);
    }
    return cats.flatMap((c, f) => c.slice(this.dropped[f] ? 1 : 0).map((v) => `${names[f]}_${String(v)}`));
  }

  /** The JSON form. */
  toJSON(): OneHotEncoderJSON {
    const cats = this.requireFitted("OneHotEncoder.toJSON");
    return { kind: "OneHotEncoder", categories: cats.map((c) => [...c]), handleUnknown: this.handleUnknown, drop: this.drop };
  }

  /** Rebuilds a fitted encoder from {@link OneHotEncoder.toJSON} output. */
  static fromJSON(json: OneHotEncoderJSON): OneHotEncoder {
    if (json === null || typeof json !== "object" || json.kind !== "OneHotEncoder") {
      throw typeError("OneHotEncoder.fromJSON", "json", 'an object with kind "OneHotEncoder"', json);
    }
    const enc = new OneHotEncoder({ categories: json.categories, handleUnknown: json.handleUnknown, drop: json.drop });
    enc.setCategories(enc.given as Label[][]);
    return enc;
  }

  private setCategories(cats: Label[][]): void {
    this.index = cats.map((c) => new Map(c.map((v, i) => [v, i] as [Label, number])));
    this.dropped = cats.map((c) => this.drop === "first" || (this.drop === "if-binary" && c.length === 2));
    this.cats = cats;
  }

  private requireFitted(fn: string): Label[][] {
    if (this.cats === null) throw new Error(`${fn}: this OneHotEncoder is not fitted yet; call fit(rows) first`);
    return this.cats;
  }
}

function unknownError(fn: string, i: number, f: number, v: Label, cats: readonly Label[]): RangeError {
  return new RangeError(
    `${fn}: expected rows[${i}][${f}] to be one of column ${f}'s ${cats.length} categories (${listLabels(cats)}), but got ${describe(v)}` +
      ' (pass handleUnknown: "ignore" for an all-zero block)',
  );
}

function checkCategories(fn: string, arg: string, col: unknown): Label[] {
  if (labelKind(fn, arg, col) === null) throw rangeError(fn, arg, "a non-empty array", col);
  const list = col as Label[];
  if (new Set(list).size !== list.length) throw typeError(fn, arg, "distinct categories", col);
  return [...list];
}

/** Rows `[N][F]` (or a flat `[N]`) to `F` checked columns. */
function readColumns(fn: string, rows: unknown, expectedF: number | undefined, categories?: readonly (readonly Label[])[]): Label[][] {
  if (!Array.isArray(rows)) throw typeError(fn, "rows", "an array of rows (arrays of strings or numbers)", rows);
  const N = rows.length;
  const flat = N > 0 && !Array.isArray(rows[0]);
  const F = N === 0 ? (expectedF ?? 0) : flat ? 1 : (rows[0] as unknown[]).length;
  if (expectedF !== undefined && F !== expectedF) {
    throw new RangeError(`${fn}: expected rows to have ${expectedF} column${expectedF === 1 ? "" : "s"}, but got ${F}`);
  }
  const columns: Label[][] = Array.from({ length: F }, () => new Array<Label>(N));
  for (let i = 0; i < N; i++) {
    const row = rows[i];
    if (flat) {
      if (Array.isArray(row)) throw typeError(fn, `rows[${i}]`, "a string or number like rows[0]", row);
      columns[0][i] = row as Label;
    } else {
      if (!Array.isArray(row) || row.length !== F) throw typeError(fn, `rows[${i}]`, `an array of ${F} values like rows[0]`, row);
      for (let f = 0; f < F; f++) columns[f][i] = row[f];
    }
  }
  columns.forEach((col, f) => {
    const kind = categories ? typeof categories[f][0] : typeof col[0];
    const like = categories ? `column ${f}'s categories` : "the rest of its column (a column is all strings or all numbers)";
    col.forEach((v, i) => {
      const arg = flat ? `rows[${i}]` : `rows[${i}][${f}]`;
      if (typeof v !== "string" && !(typeof v === "number" && Number.isFinite(v))) throw typeError(fn, arg, "a string or a finite number", v);
      if (typeof v !== kind) throw typeError(fn, arg, `a ${kind} like ${like}`, v);
    });
  });
  return columns;
}
