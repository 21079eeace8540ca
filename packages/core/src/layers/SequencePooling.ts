/**
 * Pooling a sequence of vectors `[B, T, D]` into one vector per example `[B, D]`, honouring the
 * padding mask that `transformerInput` / `embedding` pass along (tfjs's own pooling layers ignore it,
 * so padded positions would dilute every mean).
 */
import * as tf from "../tf";
import { FreezableLayer } from "./FreezableLayer";
import { nextSeed } from "../backend/seed";
import { rowDot, weightedSum } from "../kernels/sequenceWeights";
import { canPoolFused, sequencePool } from "../kernels/sequencePool";
import { checkKeys, checkOneOf, formatShape, typeError } from "../validate";
import { LAYER_ARG_KEYS, type LayerArgs, type Shape, firstInput, withDefaultName } from "./args";

/** How the positions of a sequence are combined. */
export const POOLING_MODES = ["mean", "max", "attention"] as const;
export type PoolingMode = (typeof POOLING_MODES)[number];

/** Options of {@link sequencePooling} (plus tfjs's `name`, `trainable`…). */
export interface SequencePoolingArgs extends LayerArgs {
  /**
   * `"mean"`: the average of the real (unmasked) positions; `"max"`: their element-wise maximum;
   * `"attention"`: a weighted average with weights `softmax_t(x_t · q / √D)` over the real
   * positions, where `q` `[D]` is learned. Defaults to `"mean"`.
   */
  mode?: PoolingMode;
}

const FN = "sequencePooling";
// why: a masked score must vanish after softmax without making -Infinity - (-Infinity) = NaN
const MASKED_SCORE = -1e9;

/**
 * Masked pooling over the time axis.
 *
 * **Input shape:** `[B, T, D]`, with an optional `[B, T]` mask (true = real token).
 * **Output shape:** `[B, D]`. A row whose positions are all masked pools to zeros.
 */
export class SequencePooling extends FreezableLayer {
  static className = "EmbedlabSequencePooling";
  readonly mode: PoolingMode;
  private query: tf.LayerVariable | null = null;

  constructor(args: SequencePoolingArgs = {}) {
    if (args === null || typeof args !== "object") throw typeError(FN, "args", "an object", args);
    checkKeys(FN, args, [...LAYER_ARG_KEYS, "mode"]);
    const mode = checkOneOf(FN, "mode", args.mode ?? "mean", POOLING_MODES);
    super(withDefaultName(args, `${mode}_pooling`));
    this.mode = mode;
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (s.length !== 3 || typeof s[2] !== "number") {
      throw new TypeError(`${FN}: expected input shape to be [batch, seqLen, dim] with a known dim, but got ${formatShape(s)}`);
    }
    if (this.mode === "attention" && this.query === null) {
      const d = s[2];
      // why: N(0, 1/D) keeps the initial scores x·q/√D near 0, so attention starts close to a mean
      this.query = this.addWeight(`${this.name}/query`, [d], "float32", tf.initializers.randomNormal({ mean: 0, stddev: 1 / Math.sqrt(d), seed: nextSeed() }));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0], s[2]]; // [B, T, D] -> [B, D]
  }

  /** The weights each position gets, `[B, T]` (rows sum to 1 over real positions); mean/max: the uniform or arg-max share. */
  attentionWeights(x: tf.Tensor, mask?: tf.Tensor | null): tf.Tensor2D {
    return tf.tidy(() => {
      const fused = this.fused(x, mask ?? null);
      if (fused !== null) return fused[1] as tf.Tensor2D;
      const [b, t] = x.shape as number[];
      const real = mask ? tf.cast(mask, "float32") : tf.ones([b, t]); // [B, T]
      if (this.mode !== "attention") {
        const n = tf.maximum(tf.sum(real, 1, true), 1); // [B, 1]
        return tf.div(real, n) as tf.Tensor2D;
      }
      const d = x.shape[2] as number;
      const q = (this.query as tf.LayerVariable).read(); // [D]
      const scores = tf.div(rowDot(x, q), Math.sqrt(d)); // [B, T, D] · [D] -> [B, T], one kernel each way
      const masked = tf.where(tf.cast(real, "bool"), scores, tf.fill([b, t], MASKED_SCORE)); // [B, T]
      return tf.mul(tf.softmax(masked, 1), real) as tf.Tensor2D; // a fully masked row -> zeros
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = firstInput(inputs);
    if (!(x instanceof tf.Tensor) || x.rank !== 3) throw typeError(FN, "input", "a [batch, seqLen, dim] tensor", x);
    const mask = (kwargs.mask as tf.Tensor | undefined) ?? null;
    return tf.tidy(() => {
      if (this.mode === "max") {
        if (!mask) return tf.max(x, 1);
        const real = tf.expandDims(tf.cast(mask, "bool"), 2); // [B, T, 1]
        const filled = tf.where(tf.broadcastTo(real, x.shape), x, tf.fill(x.shape, MASKED_SCORE)); // [B, T, D]
        const anyReal = tf.any(tf.cast(mask, "bool"), 1, true); // [B, 1]
        const pooled = tf.max(filled, 1); // [B, D]
        return tf.where(tf.broadcastTo(anyReal, pooled.shape), pooled, tf.zerosLike(pooled)); // all-masked rows -> 0
      }
      const fused = this.fused(x, mask);
      if (fused !== null) return fused[0]; // one kernel forward, one backward (kernels/sequencePool.ts)
      const w = this.attentionWeights(x, mask); // [B, T]
      return weightedSum(x, w); // Σ_t w[b, t] · x[b, t, :]: [B, T, D], [B, T] -> [B, D], no broadcasting gradients
    });
  }

  /** Mean/attention pooling in one kernel on cpu/wasm: `[pooled, weights]`, or `null` where it can't run. */
  private fused(x: tf.Tensor, mask: tf.Tensor | null): [tf.Tensor, tf.Tensor] | null {
    if (this.mode === "max" || !canPoolFused() || x.dtype !== "float32") return null;
    if (mask !== null && !(mask.rank === 2 && mask.shape[0] === x.shape[0] && mask.shape[1] === x.shape[1])) return null;
    const q = this.mode === "attention" ? (this.query as tf.LayerVariable).read() : null;
    return sequencePool(x, q, mask, this.mode);
  }

  override computeMask(): tf.Tensor {
    return null as unknown as tf.Tensor; // the time axis is gone
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}
tf.serialization.registerClass(SequencePooling);

/**
 * Creates a {@link SequencePooling} layer: masked mean, max or learned-attention pooling.
 *
 * **Input shape:** `[B, T, D]` (+ mask). **Output shape:** `[B, D]`. Defaults to `mode = "mean"`.
 * @example
 * const x = transformerInput({ vocabSize: 1000, dModel: 32, maxSeqLen: 64, paddingIdx: 0 }).apply(tokens);
 * const pooled = sequencePooling({ mode: "attention" }).apply(x);   // [B, 32], padding ignored
 */
export function sequencePooling(args: SequencePoolingArgs = {}): SequencePooling {
  return new SequencePooling(args);
}
