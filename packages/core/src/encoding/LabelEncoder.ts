/**
 * Label encoding: categories to integers `0 … C-1` in scikit-learn's order.
 */
import * as tf from "../tf";
import { checkInt, checkKeys, checkOneOf, describe, rangeError, typeError } from "../validate";
import { compareLabels, type Label, labelKind, listLabels, uniqueSorted } from "./labelOrder";

/** Options of {@link LabelEncoder}. */
export interface LabelEncoderOptions {
  /**
   * What `transform` does with a label it never saw: `"error"` throws (listing up to 5 known
   * classes); `"use-index"` maps it to `unknownIndex`. Defaults to `"error"`.
   */
  unknown?: "error" | "use-index";
  /** The index unseen labels get with `unknown: "use-index"` (an integer >= -1). Required then. */
  unknownIndex?: number;
}

/** The JSON form of a fitted {@link LabelEncoder}. */
export interface LabelEncoderJSON {
  kind: "LabelEncoder";
  classes: Label[];
  unknown: "error" | "use-index";
  unknownIndex?: number;
}

const UNKNOWN = ["error", "use-index"] as const;

/**
 * Maps categories to integers like scikit-learn's `LabelEncoder`: `classes` are the sorted distinct
 * labels (numbers numerically, strings by code point) and a label's code is its index there.
 * Label encoding implies an order between categories that usually isn't there: prefer one-hot or an
 * embedding as a model input.
 *
 * **Input shape:** `[N]` labels, all strings or all finite numbers.
 * **Output shape:** `[N]` codes (`Int32Array`).
 *
 * @example
 * const enc = new LabelEncoder().fit(["red", "blue", "green", "blue"]);
 * enc.classes;                       // ["blue", "green", "red"]
 * enc.transform(["red", "blue"]);    // Int32Array [2, 0]
 * enc.inverseTransform([1]);         // ["green"]
 */
export class LabelEncoder<T extends Label = Label> {
  private classList: T[] | null = null;
  private index = new Map<Label, number>();
  /** What unseen labels do. */
  readonly unknown: "error" | "use-index";
  /** The code of unseen labels with `unknown: "use-index"`. */
  readonly unknownIndex: number | undefined;

  constructor(options: LabelEncoderOptions = {}) {
    const fn = "LabelEncoder";
    checkKeys(fn, options, ["unknown", "unknownIndex"]);
    this.unknown = checkOneOf(fn, "options.unknown", options.unknown ?? "error", UNKNOWN);
    if (this.unknown === "use-index") {
      if (options.unknownIndex === undefined) {
        throw typeError(fn, "options.unknownIndex", 'an integer >= -1 when unknown is "use-index"', undefined);
      }
      this.unknownIndex = checkInt(fn, "options.unknownIndex", options.unknownIndex, -1);
    } else if (options.unknownIndex !== undefined) {
      throw typeError(fn, "options.unknownIndex", 'undefined unless unknown is "use-index"', options.unknownIndex);
    }
  }

  /** Whether `fit` (or `fromJSON`) has run. */
  get fitted(): boolean {
    return this.classList !== null;
  }

  /** The sorted distinct labels seen by `fit`; a label's code is its index here. */
  get classes(): readonly T[] {
    return this.requireFitted("LabelEncoder.classes");
  }

  /** The number of classes. */
  get numClasses(): number {
    return this.requireFitted("LabelEncoder.numClasses").length;
  }

  /**
   * Learns the classes: the sorted distinct labels. A failed call leaves the encoder unchanged.
   * @param labels a non-empty array of strings, or of finite numbers.
   */
  fit(labels: readonly T[]): this {
    const fn = "LabelEncoder.fit";
    if (labelKind(fn, "labels", labels) === null) throw rangeError(fn, "labels", "a non-empty array", labels);
    this.setClasses(uniqueSorted(labels) as T[]);
    return this;
  }

  /**
   * Codes of `labels`. Unseen labels throw, or get `unknownIndex` with `unknown: "use-index"`.
   *
   * **Input shape:** `[N]`. **Output shape:** `[N]` (`Int32Array`).
   */
  transform(labels: readonly T[]): Int32Array {
    const fn = "LabelEncoder.transform";
    const classes = this.requireFitted(fn);
    const kind = labelKind(fn, "labels", labels);
    const fittedKind = typeof classes[0];
    if (kind !== null && kind !== fittedKind) {
      throw typeError(fn, "labels[0]", `a ${fittedKind} like the fitted classes`, labels[0]);
    }
    const out = new Int32Array(labels.length);
    for (let i = 0; i < labels.length; i++) {
      const code = this.index.get(labels[i]);
      if (code !== undefined) out[i] = code;
      else if (this.unknown === "use-index") out[i] = this.unknownIndex as number;
      else {
        throw new RangeError(
          `${fn}: expected labels[${i}] to be one of the ${classes.length} known classes (${listLabels(classes)}), but got ${describe(labels[i])}`,
        );
      }
    }
    return out;
  }

  /** `fit(labels)` then `transform(labels)`. */
  fitTransform(labels: readonly T[]): Int32Array {
    return this.fit(labels).transform(labels);
  }

  /**
   * Labels of `codes` (integers in `[0, numClasses)`).
   *
   * **Input shape:** `[N]`: an array, a typed array or a 1-D int32 tensor. **Output shape:** `[N]` labels.
   */
  inverseTransform(codes: ArrayLike<number> | tf.Tensor): T[] {
    const fn = "LabelEncoder.inverseTransform";
    const classes = this.requireFitted(fn);
    let values: ArrayLike<number>;
    if (codes instanceof tf.Tensor) {
      if (codes.dtype !== "int32" || codes.rank !== 1) throw typeError(fn, "codes", "a 1-D int32 tensor", codes);
      values = codes.dataSync();
    } else if (Array.isArray(codes) || ArrayBuffer.isView(codes)) {
      values = codes as ArrayLike<number>;
    } else {
      throw typeError(fn, "codes", "an array of integers or a 1-D int32 tensor", codes);
    }
    const out = new Array<T>(values.length);
    for (let i = 0; i < values.length; i++) {
      const c = values[i];
      if (typeof c !== "number" || !Number.isInteger(c)) throw typeError(fn, `codes[${i}]`, "an integer", c);
      if (c < 0 || c >= classes.length) throw rangeError(fn, `codes[${i}]`, `an integer in [0, ${classes.length - 1}]`, c);
      out[i] = classes[c];
    }
    return out;
  }

  /** The JSON form (`classes` and the unknown-label policy). */
  toJSON(): LabelEncoderJSON {
    const classes = this.requireFitted("LabelEncoder.toJSON");
    const json: LabelEncoderJSON = { kind: "LabelEncoder", classes: [...classes], unknown: this.unknown };
    if (this.unknownIndex !== undefined) json.unknownIndex = this.unknownIndex;
    return json;
  }

  /**
   * Rebuilds an encoder from {@link LabelEncoder.toJSON} output (or its `JSON.parse`d string).
   * @example
   * const copy = LabelEncoder.fromJSON(JSON.parse(JSON.stringify(enc)));
   */
  static fromJSON<T extends Label = Label>(json: LabelEncoderJSON): LabelEncoder<T> {
    const fn = "LabelEncoder.fromJSON";
    if (json === null || typeof json !== "object" || json.kind !== "LabelEncoder") {
      throw typeError(fn, "json", 'an object with kind "LabelEncoder"', json);
    }
    const options: LabelEncoderOptions = { unknown: json.unknown };
    if (json.unknownIndex !== undefined) options.unknownIndex = json.unknownIndex;
    const enc = new LabelEncoder<T>(options);
    if (labelKind(fn, "json.classes", json.classes) === null) throw rangeError(fn, "json.classes", "a non-empty array", json.classes);
    for (let i = 1; i < json.classes.length; i++) {
      if (compareLabels(json.classes[i - 1], json.classes[i]) >= 0) {
        throw typeError(fn, "json.classes", "sorted and distinct", json.classes);
      }
    }
    enc.setClasses([...json.classes] as T[]);
    return enc;
  }

  private setClasses(classes: T[]): void {
    const index = new Map<Label, number>();
    classes.forEach((c, i) => index.set(c, i));
    this.classList = classes;
    this.index = index;
  }

  private requireFitted(fn: string): T[] {
    if (this.classList === null) throw new Error(`${fn}: this LabelEncoder is not fitted yet; call fit(labels) first`);
    return this.classList;
  }
}
