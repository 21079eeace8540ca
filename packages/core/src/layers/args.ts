/**
 * Argument checks and types shared by the embedding layers (internal to `layers/`).
 */
import * as tf from "../tf";
import { nextSeed } from "../backend/seed";
import { checkAllocation } from "../backend/memoryLimit";
import { fillNormal } from "../kernels/fillNormal";
import { allocate, kernelBackendName, view } from "../kernels/heap";
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
 *
 * Checks first that the table fits the active backend (a `RangeError` naming `fn`, the size, the
 * limit and the ways out). On `cpu` and `wasm` the numbers are written once, straight into the
 * tensor's storage (no JS buffer, no copy into the wasm heap): peak memory is the table itself.
 */
export function normalTable(rows: number, dim: number, paddingIdx: number | null, fn = "embedding", what = "the table"): tf.Tensor2D {
  return tableFromValues(fn, what, [rows, dim], (values) => {
    fillNormal(values, nextSeed()); // [V * D]; drawn after the size check, so a refusal leaves the seed stream alone
    if (paddingIdx !== null) values.fill(0, paddingIdx * dim, (paddingIdx + 1) * dim);
  });
}

/**
 * A fresh float32 tensor of `shape` whose values `fill` writes, once, straight into the backend's
 * storage (cpu: the tensor's typed array; wasm: its heap) after `checkAllocation` said it fits.
 * Other backends get a JS buffer and one copy. The caller owns the tensor; a throwing `fill`
 * leaves nothing behind.
 */
export function tableFromValues(fn: string, what: string, shape: [number, number], fill: (out: Float32Array) => void): tf.Tensor2D {
  checkAllocation(fn, what, shape);
  const backend = tf.backend();
  if (kernelBackendName(backend) === null) {
    const values = new Float32Array(shape[0] * shape[1]);
    fill(values);
    return tf.tensor2d(values, shape);
  }
  const info = allocate(backend, shape, "float32", false);
  const t = tf.engine().makeTensorFromTensorInfo(info, backend) as tf.Tensor2D;
  try {
    fill(view(backend, info) as Float32Array); // the view is taken after the allocation (wasm heaps move when they grow)
  } catch (e) {
    t.dispose();
    throw e;
  }
  return t;
}

/** A tensor's values without a copy on cpu and wasm (a live view: read it before allocating again). */
export function readValues(t: tf.Tensor): tf.TypedArray {
  const backend = tf.backend();
  // refCount > 0: the tensor lives on the active backend (not on cpu from before `ready()`).
  if (kernelBackendName(backend) !== null && backend.refCount(t.dataId) > 0) {
    return view(backend, { dataId: t.dataId, shape: t.shape, dtype: t.dtype });
  }
  return t.dataSync() as tf.TypedArray;
}

/**
 * A second tensor on the same storage as `t` (no copy on any backend; `tf.clone` copies on wasm).
 * Disposing it leaves `t` intact.
 */
export function sharedHandle<T extends tf.Tensor>(t: T): T {
  const handle = tf.engine().makeTensorFromDataId(t.dataId, t.shape, t.dtype) as T;
  tf.engine().backend.incRef(t.dataId); // the handle holds its own reference, as a variable would
  return handle;
}

/** What `addWeight` needs of an initializer (tfjs does not export its `Initializer` class by name). */
export type InitializerLike = Parameters<tf.layers.Layer["addWeight"]>[3];

/**
 * A tfjs initializer that hands over a tensor made beforehand, so `addWeight` wraps it in the
 * variable without a zero-filled table first (a [2M, 300] table is 2.4 GB: one copy is plenty).
 * `addWeight` disposes what the initializer returns once the variable shares its storage.
 */
export function tensorInitializer(value: tf.Tensor): InitializerLike {
  let pending: tf.Tensor | null = value;
  const apply = (shape: Shape): tf.Tensor => {
    const v = pending;
    if (v === null || v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) {
      throw new TypeError(`tensorInitializer: expected one call with shape [${value.shape.join(", ")}], but got [${shape.join(", ")}]`);
    }
    pending = null;
    return v;
  };
  return { apply, getClassName: () => "EmbedlabTensorInitializer", getConfig: () => ({}) } as unknown as InitializerLike;
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
