/**
 * The structural type of an embedding layer the views read (core's `Embedding` and tfjs's
 * `tf.layers.embedding` both fit). Not re-exported beyond its type.
 */
import { validate } from "@embedlab/core";
import { isTensorLike, toMatrix, type Matrix, type TensorLike } from "../matrix";

const { rangeError, typeError } = validate;

/** What `embeddingView` / `gradientView` need of a layer: its `[V, D]` weight and settings. */
export interface EmbeddingLike {
  getWeights(): TensorLike[];
  readonly paddingIdx?: number | null;
  readonly maxNorm?: number | null;
  readonly trainable?: boolean;
  readonly name?: string;
}

/** The layer's weight matrix `[V, D]`, its padding row (normalised, or null) and settings. */
export function readLayer(fn: string, layer: unknown): { w: Matrix; paddingIdx: number | null; maxNorm: number | null; trainable: boolean; name: string } {
  if (layer === null || typeof layer !== "object" || typeof (layer as EmbeddingLike).getWeights !== "function") {
    throw typeError(fn, "layer", "an embedding layer (with getWeights())", layer);
  }
  const l = layer as EmbeddingLike;
  const weights = l.getWeights();
  const first = weights[0];
  if (!isTensorLike(first)) throw typeError(fn, "layer", "a built embedding layer (call it once or build it first)", layer);
  const w = toMatrix(fn, "layer.getWeights()[0]", first);
  let paddingIdx: number | null = null;
  if (l.paddingIdx !== undefined && l.paddingIdx !== null) {
    const p = l.paddingIdx;
    if (!Number.isInteger(p) || p < -w.rows || p >= w.rows) throw rangeError(fn, "layer.paddingIdx", `an integer in [${-w.rows}, ${w.rows - 1}]`, p);
    paddingIdx = p < 0 ? w.rows + p : p; // PyTorch: a negative paddingIdx counts from the end
  }
  const maxNorm = typeof l.maxNorm === "number" ? l.maxNorm : null;
  return { w, paddingIdx, maxNorm, trainable: l.trainable !== false, name: l.name ?? "embedding" };
}
