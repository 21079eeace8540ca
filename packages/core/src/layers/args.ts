/**
 * Argument checks and types shared by the embedding layers (internal to `layers/`).
 */
import * as tf from "../tf";
import { nextSeed } from "../backend/seed";
import { checkBool as checkBoolean, checkInt, checkNumber, typeError } from "../validate";

/** tfjs's `LayerArgs` (name, inputShape, batchInputShape, trainable, dtype…), which tfjs does not export by name. */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** A tfjs layer shape: `null` for unknown dimensions. */
export type Shape = (number | null)[];

/** The keys every tfjs layer accepts besides its own (`customObjects` is added by tfjs when deserializing). */
export const LAYER_ARG_KEYS = ["inputShape", "batchInputShape", "batchSize", "dtype", "name", "trainable", "weights", "inputDType", "customObjects"] as const;

/** Normalises PyTorch's `padding_idx`: must lie in [-n, n); negative counts from the end. `undefined`/`null` → `null`. */
export function normalizePaddingIdx(fn: string, paddingIdx: unknown, numEmbeddings: number, arg = "paddingIdx"): number | null {
  if (paddingIdx === undefined || paddingIdx === null) return null;
  const p = checkInt(fn, arg, paddingIdx, -numEmbeddings, numEmbeddings - 1);
  return p < 0 ? numEmbeddings + p : p;
}

/** `maxNorm`: `undefined`/`null` for none, else a number > 0. */
export function checkMaxNorm(fn: string, maxNorm: unknown): number | null {
  if (maxNorm === undefined || maxNorm === null) return null;
  return checkNumber(fn, "maxNorm", maxNorm, { positive: true });
}

/** `normType`: the p of the p-norm, a number > 0 or `Infinity`. Defaults to 2. */
export function checkNormType(fn: string, normType: unknown): number {
  if (normType === undefined || normType === null) return 2;
  if (normType === Infinity || normType === "inf") return Infinity;
  return checkNumber(fn, "normType", normType, { positive: true });
}

/** A boolean option (`undefined` → `fallback`). */
export function checkBool(fn: string, arg: string, value: unknown, fallback: boolean): boolean {
  return value === undefined || value === null ? fallback : checkBoolean(fn, arg, value);
}

/**
 * A fresh `[rows, dim]` table of N(0, 1) values, as PyTorch initialises `nn.Embedding`, seeded
 * through `nextSeed()` (so `seed()` fixes it), with row `paddingIdx` zeroed. The caller owns it.
 */
export function normalTable(rows: number, dim: number, paddingIdx: number | null): tf.Tensor2D {
  const random = tf.randomNormal<tf.Rank.R2>([rows, dim], 0, 1, "float32", nextSeed()); // [V, D]
  if (paddingIdx === null) return random;
  const values = Float32Array.from(random.dataSync());
  random.dispose();
  values.fill(0, paddingIdx * dim, (paddingIdx + 1) * dim);
  return tf.tensor2d(values, [rows, dim]); // [V, D]
}

/** The first tensor of a layer's `inputs`. */
export function firstInput(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/**
 * `normType` as a layer config stores it: `Infinity` becomes the string "inf" (JSON has no
 * Infinity, and tfjs snake_cases every string in a config on save, so it must stay lower case).
 */
export function normTypeToJSON(p: number): number | string {
  return p === Infinity ? "inf" : p;
}

/**
 * Strings inside a tfjs layer config are rewritten on save/load (snake_case, then camelCase), so
 * free text such as a vocabulary travels as lower-case hex of its UTF-8 JSON.
 */
export function toConfigText(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("hex");
}

/** The inverse of {@link toConfigText}. */
export function fromConfigText(fn: string, text: unknown): unknown {
  if (typeof text !== "string" || !/^([0-9a-f]{2})*$/.test(text)) throw typeError(fn, "config text", "hex-encoded JSON", text);
  return JSON.parse(Buffer.from(text, "hex").toString("utf8"));
}

const nameCounters = new Map<string, number>();

/**
 * A readable unique default layer name (`embedding_1`, `transformer_input_2`): tfjs would derive
 * `embedlab_embedding_EmbedlabEmbedding1` from the class name, which `model.summary()` truncates.
 */
export function withDefaultName<T extends { name?: string }>(args: T, prefix: string): T {
  if (args.name !== undefined) return args;
  const n = (nameCounters.get(prefix) ?? 0) + 1;
  nameCounters.set(prefix, n);
  return { ...args, name: `${prefix}_${n}` };
}
