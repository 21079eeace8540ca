/**
 * A stateless, serialisable feature hasher: {@link hashEncode} with its settings kept.
 */
import * as tf from "../tf";
import { checkInt, checkKeys, typeError } from "../validate";
import { type HashValue, hashColumn, hashEncodeAs, hashValue, isNested } from "./hashEncode";

/** Options of {@link HashEncoder}. */
export interface HashEncoderOptions {
  /** The number of columns (buckets), an integer >= 1. */
  nFeatures: number;
  /** Sign each value by its hash so collisions cancel on average. Defaults to `true`. */
  alternateSign?: boolean;
}

/** The JSON form of a {@link HashEncoder}. */
export interface HashEncoderJSON {
  kind: "HashEncoder";
  nFeatures: number;
  alternateSign: boolean;
}

/**
 * Feature hashing like scikit-learn's `FeatureHasher(input_type="string")`, as an object: nothing
 * to fit, so unseen values are never an error; they land in some column like every other value.
 *
 * **Input shape:** `[N]` values or `[N][*]` rows of values.
 * **Output shape:** `transform`: `[N, nFeatures]` float32; `indices`: `[N]` column ids; `signs`: `[N]` ±1.
 *
 * @example
 * const hasher = new HashEncoder({ nFeatures: 1024 });
 * hasher.transform([["cat", "black"], ["dog"]]);   // [2, 1024]
 * hasher.indices(["cat", "dog"]);                  // Int32Array [2]: column ids for an embedding
 */
export class HashEncoder {
  /** The number of columns. */
  readonly nFeatures: number;
  /** Whether values are signed by their hash. */
  readonly alternateSign: boolean;

  constructor(options: HashEncoderOptions) {
    const fn = "HashEncoder";
    if (options === null || typeof options !== "object") throw typeError(fn, "options", "an object with nFeatures", options);
    checkKeys(fn, options, ["nFeatures", "alternateSign"]);
    this.nFeatures = checkInt(fn, "options.nFeatures", options.nFeatures, 1, 2 ** 31 - 1);
    const alternateSign = options.alternateSign ?? true;
    if (typeof alternateSign !== "boolean") throw typeError(fn, "options.alternateSign", "a boolean", alternateSign);
    this.alternateSign = alternateSign;
  }

  /**
   * The dense hashed features. **Output shape:** `[N, nFeatures]` float32.
   */
  transform(values: readonly HashValue[] | readonly (readonly HashValue[])[]): tf.Tensor2D {
    return hashEncodeAs("HashEncoder.transform", values, this.nFeatures, { alternateSign: this.alternateSign }) as tf.Tensor2D;
  }

  /** The column of each value. **Output shape:** `[N]` (`Int32Array`). */
  indices(values: readonly HashValue[]): Int32Array {
    const fn = "HashEncoder.indices";
    if (isNested(fn, values)) throw typeError(fn, "values", "a flat array of strings or numbers", values[0]);
    return hashEncodeAs(fn, values, this.nFeatures, { indicesOnly: true }) as Int32Array;
  }

  /** The sign each value adds (`1` everywhere with `alternateSign: false`). **Output shape:** `[N]` (`Int8Array`). */
  signs(values: readonly HashValue[]): Int8Array {
    const fn = "HashEncoder.signs";
    if (isNested(fn, values)) throw typeError(fn, "values", "a flat array of strings or numbers", values[0]);
    const out = new Int8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const h = hashValue(fn, `values[${i}]`, values[i]);
      out[i] = this.alternateSign && h < 0 ? -1 : 1;
    }
    return out;
  }

  /** The column of one value. */
  indexOf(value: HashValue): number {
    return hashColumn(hashValue("HashEncoder.indexOf", "value", value), this.nFeatures);
  }

  /** The JSON form. */
  toJSON(): HashEncoderJSON {
    return { kind: "HashEncoder", nFeatures: this.nFeatures, alternateSign: this.alternateSign };
  }

  /** Rebuilds a hasher from {@link HashEncoder.toJSON} output. */
  static fromJSON(json: HashEncoderJSON): HashEncoder {
    if (json === null || typeof json !== "object" || json.kind !== "HashEncoder") {
      throw typeError("HashEncoder.fromJSON", "json", 'an object with kind "HashEncoder"', json);
    }
    return new HashEncoder({ nFeatures: json.nFeatures, alternateSign: json.alternateSign });
  }
}
