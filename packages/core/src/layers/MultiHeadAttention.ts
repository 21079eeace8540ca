/**
 * Multi-head self-attention (Vaswani et al., 2017, §3.2) with the position schemes that live inside
 * attention rather than in the input: rotary queries and keys (RoPE), ALiBi's linear distance
 * penalty, or T5's learned bias per relative-position bucket.
 */
import * as tf from "../tf";
import { FreezableLayer } from "./FreezableLayer";
import { nextSeed } from "../backend/seed";
import { alibiSlopeValues } from "../encoding/alibiSlopes";
import { applyRotary } from "../encoding/applyRotary";
import { relativePositionBucket } from "../encoding/relativePositionBucket";
import { checkInt, checkKeys, checkNumber, checkOneOf, formatShape, typeError } from "../validate";
import { LAYER_ARG_KEYS, type LayerArgs, type Shape, checkBool, firstInput, withDefaultName } from "./args";

/** Where the attention layer puts positions. */
export const ATTENTION_POSITIONALS = ["none", "rope", "alibi", "t5"] as const;
/** `"none"`, `"rope"`, `"alibi"` or `"t5"`. */
export type AttentionPositional = (typeof ATTENTION_POSITIONALS)[number];

/** Options of {@link multiHeadAttention} (plus tfjs's `name`, `trainable`…). */
export interface MultiHeadAttentionArgs extends LayerArgs {
  /** Number of heads (H). Required. */
  numHeads: number;
  /** Width of each head's queries, keys and values. Required. Even for `"rope"`. */
  headDim: number;
  /**
   * `"none"`: no positions here (use `transformerInput`'s, or none at all); `"rope"`: queries and
   * keys rotated by {@link applyRotary}; `"alibi"`: {@link alibiSlopes} penalties `-m_h·|i-j|` on
   * the scores; `"t5"`: a learned `[numBuckets, H]` bias of the {@link relativePositionBucket} of
   * `j - i`. Defaults to `"none"`.
   */
  positional?: AttentionPositional;
  /** Queries attend only to keys at or before them (a decoder). Defaults to `false`. */
  causal?: boolean;
  /** Dropout rate on the attention probabilities, in training only. Defaults to 0. */
  dropout?: number;
  /** RoPE's wavelength base. Defaults to 10000. */
  base?: number;
  /** RoPE's pairing: `(2i, 2i+1)` when true (GPT-J), halves when false (Llama). Defaults to `false`. */
  interleaved?: boolean;
  /** T5's bucket count. Defaults to 32. */
  numBuckets?: number;
  /** T5's distance from which all share the last bucket. Defaults to 128. */
  maxDistance?: number;
}

const FN = "multiHeadAttention";
const ARG_KEYS = [...LAYER_ARG_KEYS, "numHeads", "headDim", "positional", "causal", "dropout", "base", "interleaved", "numBuckets", "maxDistance"];
// why: a masked score must vanish after softmax without making -Infinity - (-Infinity) = NaN
const MASKED_SCORE = -1e9;
const PROJECTIONS = ["query", "key", "value", "output"] as const;

/**
 * Multi-head self-attention over `[B, T, dModel]`, honouring a `[B, T]` padding mask (the one
 * `transformerInput({ paddingIdx })` passes along): padded keys get no weight, and the mask goes
 * on to the next layer.
 *
 * `Q = xW_q + b_q`, `K = xW_k + b_k`, `V = xW_v + b_v`, split into H heads of `headDim`;
 * `A = softmax(QKᵀ/√headDim + positional bias + mask)`; `out = concat_h(A V) W_o + b_o`.
 * Kernels start Glorot-uniform, biases at 0, T5's bias table N(0, 1/dModel) as in Hugging Face's T5.
 *
 * **Input shape:** `[B, T, dModel]` (+ optional mask `[B, T]`). **Output shape:** `[B, T, dModel]`.
 */
export class MultiHeadAttention extends FreezableLayer {
  static className = "EmbedlabMultiHeadAttention";
  readonly numHeads: number;
  readonly headDim: number;
  readonly positional: AttentionPositional;
  readonly causal: boolean;
  readonly dropout: number;
  readonly base: number;
  readonly interleaved: boolean;
  readonly numBuckets: number;
  readonly maxDistance: number;
  private kernels: tf.LayerVariable[] = [];
  private biases: tf.LayerVariable[] = [];
  private relativeBias: tf.LayerVariable | null = null;

  constructor(args: MultiHeadAttentionArgs) {
    if (args === null || typeof args !== "object") throw typeError(FN, "args", "an object", args);
    checkKeys(FN, args, ARG_KEYS);
    const numHeads = checkInt(FN, "numHeads", args.numHeads, 1);
    const headDim = checkInt(FN, "headDim", args.headDim, 1);
    const positional = checkOneOf(FN, "positional", args.positional ?? "none", ATTENTION_POSITIONALS);
    if (positional === "rope" && headDim % 2 !== 0) {
      throw new RangeError(`${FN}: expected headDim to be even with positional "rope" (features rotate in pairs), but got ${headDim}`);
    }
    const causal = checkBool(FN, "causal", args.causal, false);
    const dropout = checkNumber(FN, "dropout", args.dropout ?? 0, { min: 0, max: 1 });
    if (dropout >= 1) throw new RangeError(`${FN}: expected dropout to be a rate in [0, 1), but got ${dropout}`);
    const base = checkNumber(FN, "base", args.base ?? 10000, { positive: true });
    const interleaved = checkBool(FN, "interleaved", args.interleaved, false);
    const numBuckets = checkInt(FN, "numBuckets", args.numBuckets ?? 32, causal ? 2 : 4);
    const maxDistance = checkInt(FN, "maxDistance", args.maxDistance ?? 128, 1);
    if (positional === "t5") relativePositionBucket([0], { bidirectional: !causal, numBuckets, maxDistance }).dispose(); // same checks, once
    super(withDefaultName(args, "multi_head_attention"));
    this.numHeads = numHeads;
    this.headDim = headDim;
    this.positional = positional;
    this.causal = causal;
    this.dropout = dropout;
    this.base = base;
    this.interleaved = interleaved;
    this.numBuckets = numBuckets;
    this.maxDistance = maxDistance;
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (s.length !== 3 || typeof s[2] !== "number") {
      throw new TypeError(`${FN}: expected input shape to be [batch, seqLen, dModel] with a known dModel, but got ${formatShape(s)}`);
    }
    if (this.kernels.length > 0) return;
    const d = s[2];
    const inner = this.numHeads * this.headDim;
    for (const p of PROJECTIONS) {
      const [rows, cols] = p === "output" ? [inner, d] : [d, inner];
      this.kernels.push(this.addWeight(`${p}/kernel`, [rows, cols], "float32", tf.initializers.glorotUniform({ seed: nextSeed() })));
      this.biases.push(this.addWeight(`${p}/bias`, [cols], "float32", tf.initializers.zeros()));
    }
    if (this.positional === "t5") {
      // why: std dModel^-0.5 is Hugging Face T5's initialisation of relative_attention_bias
      const init = tf.initializers.randomNormal({ mean: 0, stddev: 1 / Math.sqrt(d), seed: nextSeed() });
      this.relativeBias = this.addWeight("relative_attention_bias", [this.numBuckets, this.numHeads], "float32", init);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape; // [B, T, D] -> [B, T, D]
  }

  /**
   * The bias this layer adds to every head's scores for a length-`T` sequence, without the masks:
   * ALiBi's `-m_h·|i - j|` or T5's learned `bias[bucket(j - i), h]`; `null` for "none" and "rope".
   * **Output shape:** `[H, T, T]` (the caller owns it).
   */
  positionalBias(T: number): tf.Tensor3D | null {
    checkInt(`${FN}.positionalBias`, "T", T, 1);
    if (this.positional === "alibi") {
      const slopes = alibiSlopeValues(this.numHeads, FN);
      const out = new Float32Array(this.numHeads * T * T); // [H, T, T]
      for (let h = 0; h < this.numHeads; h++) for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) out[(h * T + i) * T + j] = -slopes[h] * Math.abs(i - j) + 0;
      return tf.tensor3d(out, [this.numHeads, T, T]);
    }
    if (this.positional === "t5") {
      if (!this.built) throw new TypeError(`${FN}.positionalBias: expected the layer to be built (applied once), but got an unbuilt layer`);
      const table = (this.relativeBias as tf.LayerVariable).read(); // [numBuckets, H]
      return tf.tidy(() => {
        // A one-hot matmul instead of a gather: tfjs's gather gradient needs UnsortedSegmentSum,
        // which the wasm backend lacks (DESIGN.md), and T² x numBuckets is small.
        const oneHot = tf.oneHot(this.buckets(T).flatten(), this.numBuckets).toFloat(); // [T*T, numBuckets]
        const bias = tf.matMul(oneHot, table); // [T*T, numBuckets] x [numBuckets, H] -> [T*T, H]
        return tf.transpose(tf.reshape(bias, [T, T, this.numHeads]), [2, 0, 1]) as tf.Tensor3D; // [H, T, T]
      });
    }
    return null;
  }

  /** T5 mode: the bucket of every (query i, key j) pair, `bucket(j - i)`. **Output shape:** `[T, T]` int32. */
  buckets(T: number): tf.Tensor2D {
    const rel = new Int32Array(T * T); // [T, T]: j - i
    for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) rel[i * T + j] = j - i;
    return relativePositionBucket(tf.tensor2d(rel, [T, T], "int32"), { bidirectional: !this.causal, numBuckets: this.numBuckets, maxDistance: this.maxDistance }) as tf.Tensor2D;
  }

  /** `[B, T, D] -> [B, H, T, headDim]` through projection `p`. */
  private project(x: tf.Tensor, p: number): tf.Tensor4D {
    const [b, t, d] = x.shape;
    const flat = tf.reshape(x, [b * t, d]); // [B*T, D]
    const y = tf.add(tf.matMul(flat, this.kernels[p].read()), this.biases[p].read()); // [B*T, H*hd]
    return tf.transpose(tf.reshape(y, [b, t, this.numHeads, this.headDim]), [0, 2, 1, 3]) as tf.Tensor4D; // [B, H, T, hd]
  }

  /** Scores → probabilities `[B, H, T, T]` (rows over keys sum to 1; masked keys get 0). */
  private probabilities(x: tf.Tensor, mask: tf.Tensor | null, q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
    const [b, t] = x.shape;
    let scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(this.headDim)); // [B, H, T, hd] x [B, H, hd, T] -> [B, H, T, T]
    const bias = this.positionalBias(t);
    if (bias !== null) scores = tf.add(scores, bias); // + [H, T, T]
    if (this.causal) {
      const future = new Float32Array(t * t); // [T, T]: keys after the query are masked
      for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) future[i * t + j] = MASKED_SCORE;
      scores = tf.add(scores, tf.tensor2d(future, [t, t]));
    }
    if (mask !== null) {
      const padded = tf.mul(tf.sub(1, tf.cast(mask, "float32")), MASKED_SCORE); // [B, T]: padded keys
      scores = tf.add(scores, tf.reshape(padded, [b, 1, 1, t])); // + [B, 1, 1, T]
    }
    return tf.softmax(scores) as tf.Tensor4D; // over keys
  }

  private queriesAndKeys(x: tf.Tensor): [tf.Tensor4D, tf.Tensor4D] {
    let q = this.project(x, 0); // [B, H, T, hd]
    let k = this.project(x, 1); // [B, H, T, hd]
    if (this.positional === "rope") {
      q = applyRotary(q, { base: this.base, interleaved: this.interleaved });
      k = applyRotary(k, { base: this.base, interleaved: this.interleaved });
    }
    return [q, k];
  }

  private checkInput(x: unknown): asserts x is tf.Tensor3D {
    if (!(x instanceof tf.Tensor) || x.rank !== 3 || x.dtype !== "float32") throw typeError(FN, "input", "a float32 [batch, seqLen, dModel] tensor", x);
    if (x.shape[1] === 0) throw new RangeError(`${FN}: expected at least one position, but got input of shape ${formatShape(x.shape)}`);
    const d = this.kernels.length ? this.kernels[0].shape[0] : x.shape[2];
    if (x.shape[2] !== d) throw new RangeError(`${FN}: expected the input's last dimension to be dModel ${d}, but got input of shape ${formatShape(x.shape)}`);
  }

  private checkMask(x: tf.Tensor, mask: unknown): tf.Tensor | null {
    if (mask === undefined || mask === null) return null;
    if (!(mask instanceof tf.Tensor) || mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1]) {
      throw typeError(FN, "mask", `a [${x.shape[0]}, ${x.shape[1]}] tensor (true = real token)`, mask);
    }
    return mask;
  }

  /**
   * The attention probabilities of every head, `[B, H, T, T]` (query rows, key columns; no
   * dropout): what {@link attentionView} draws.
   */
  attentionWeights(x: tf.Tensor, mask?: tf.Tensor | null): tf.Tensor4D {
    this.checkInput(x);
    const m = this.checkMask(x, mask);
    if (!this.built) this.build(x.shape);
    return tf.tidy(() => {
      const [q, k] = this.queriesAndKeys(x);
      return this.probabilities(x, m, q, k);
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = firstInput(inputs);
    this.checkInput(x);
    const mask = this.checkMask(x, kwargs.mask);
    return tf.tidy(() => {
      const [b, t] = x.shape;
      const [q, k] = this.queriesAndKeys(x);
      const v = this.project(x, 2); // [B, H, T, hd]
      let a: tf.Tensor = this.probabilities(x, mask, q, k); // [B, H, T, T]
      if (this.dropout > 0 && kwargs.training === true) a = tf.dropout(a, this.dropout, undefined, nextSeed());
      const heads = tf.matMul(a, v); // [B, H, T, T] x [B, H, T, hd] -> [B, H, T, hd]
      const joined = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [b * t, this.numHeads * this.headDim]); // [B*T, H*hd]
      const out = tf.add(tf.matMul(joined, this.kernels[3].read()), this.biases[3].read()); // [B*T, D]
      return tf.reshape(out, x.shape); // [B, T, D]
    });
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    // the sequence keeps its length: the padding mask goes on unchanged (tfjs types it as present)
    return ((Array.isArray(mask) ? mask[0] : mask) ?? null) as unknown as tf.Tensor;
  }

  /** Disposes the weights, also of a layer only ever called eagerly (tfjs counts references from the first symbolic apply). */
  override dispose(): ReturnType<tf.layers.Layer["dispose"]> {
    if (this._refCount === null) this._refCount = 1;
    return super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      headDim: this.headDim,
      positional: this.positional,
      causal: this.causal,
      dropout: this.dropout,
      base: this.base,
      interleaved: this.interleaved,
      numBuckets: this.numBuckets,
      maxDistance: this.maxDistance,
    };
  }
}
tf.serialization.registerClass(MultiHeadAttention);

/**
 * Creates a {@link MultiHeadAttention} layer: self-attention with positions inside it.
 *
 * **Input shape:** `[B, T, dModel]` (+ mask). **Output shape:** `[B, T, dModel]`.
 * Defaults: `positional = "none"`, `causal = false`, `dropout = 0`, `base = 10000`,
 * `interleaved = false`, `numBuckets = 32`, `maxDistance = 128`.
 * @example
 * const h = transformerInput({ vocabSize: 100, dModel: 32, maxSeqLen: 64, positional: "none", paddingIdx: 0 }).apply(tokens);
 * const a = multiHeadAttention({ numHeads: 4, headDim: 8, positional: "rope" }).apply(h);   // [B, T, 32]
 * const pooled = sequencePooling({ mode: "mean" }).apply(a);                                  // padding ignored
 */
export function multiHeadAttention(args: MultiHeadAttentionArgs): MultiHeadAttention {
  return new MultiHeadAttention(args);
}
