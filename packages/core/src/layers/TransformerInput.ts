/**
 * The Transformer input of the teaching text (section 5): token embedding (optionally scaled by
 * √dModel) plus a positional encoding, then dropout, with a padding mask.
 */
import * as tf from "../tf";
import { EagerLayer } from "./EagerLayer";
import { nextSeed } from "../backend/seed";
import { positionalEncodingTable } from "../encoding";
import { embeddingLookup } from "../kernels/embeddingLookup";
import { tokenPositionLookup } from "../kernels/tokenPositionLookup";
import { dropoutMask } from "../kernels/dropoutMask";
import { paddingMask } from "../kernels/paddingMask";
import { withCheckedIndices } from "../kernels/checkIndices";
import { checkInt, checkKeys, checkNumber, checkOneOf, typeError } from "../validate";
import { LAYER_ARG_KEYS, type LayerArgs, type Shape, checkBool, firstInput, normalTable, normalizePaddingIdx, tensorInitializer, withDefaultName } from "./args";

/** How positions are encoded. */
export const POSITIONAL_KINDS = ["sinusoidal", "learned", "none"] as const;
/** `"sinusoidal"`, `"learned"` or `"none"`. */
export type PositionalKind = (typeof POSITIONAL_KINDS)[number];

/** Options of {@link transformerInput} (plus tfjs's `name`, `inputShape`, `trainable`…). */
export interface TransformerInputArgs extends LayerArgs {
  /** Token vocabulary size (V). Required. */
  vocabSize: number;
  /** Model width (D); odd values work. Required. */
  dModel: number;
  /** Longest sequence accepted (rows of the position table). Required. */
  maxSeqLen: number;
  /**
   * `"sinusoidal"`: a fixed sin/cos table, rebuilt from the config (never saved as a weight);
   * `"learned"`: a trainable `[maxSeqLen, dModel]` table initialised N(0, 1); `"none"`: tokens only,
   * for models whose positions live inside attention (`multiHeadAttention({ positional })`).
   * Defaults to `"sinusoidal"`.
   */
  positional?: PositionalKind;
  /** Multiply token vectors by √dModel before adding positions (Vaswani et al.). Defaults to `false`. */
  scale?: boolean;
  /** Dropout rate on the sum, in training only. Defaults to 0. */
  dropout?: number;
  /** The padding token: its row starts at zero, gets no gradient, and is masked out. Defaults to none. */
  paddingIdx?: number | null;
  /** The sinusoid base. Defaults to 10000. */
  base?: number;
  /**
   * With `paddingIdx`, pass a `[B, T]` mask (true = real token) to the next layers. Turn it off
   * before layers that don't accept masks (tfjs's pooling layers). Defaults to `true`.
   */
  maskPadding?: boolean;
}

const FN = "transformerInput";
const ARG_KEYS = [...LAYER_ARG_KEYS, "vocabSize", "dModel", "maxSeqLen", "positional", "scale", "dropout", "paddingIdx", "base", "maskPadding"];

/**
 * Token embedding + positional encoding (PyTorch-style `TransformerInput`).
 *
 * **Input shape:** `[B, T]` int32 token ids, `T ≤ maxSeqLen`.
 * **Output shape:** `[B, T, dModel]`; with `paddingIdx`, `computeMask` gives `[B, T]` (true = real token).
 */
export class TransformerInput extends EagerLayer {
  static className = "EmbedlabTransformerInput";
  readonly vocabSize: number;
  readonly dModel: number;
  readonly maxSeqLen: number;
  readonly positional: PositionalKind;
  readonly scale: boolean;
  readonly dropout: number;
  readonly paddingIdx: number | null;
  readonly base: number;
  readonly maskPadding: boolean;
  private tokens: tf.LayerVariable | null = null;
  private positions: tf.LayerVariable | null = null;
  /** The sinusoidal table `[maxSeqLen, dModel]`, a constant (kept out of every tidy). */
  private sinusoids: tf.Tensor | null = null;

  constructor(args: TransformerInputArgs) {
    if (args === null || typeof args !== "object") throw typeError(FN, "args", "an object", args);
    checkKeys(FN, args, ARG_KEYS);
    const vocabSize = checkInt(FN, "vocabSize", args.vocabSize, 1);
    const dModel = checkInt(FN, "dModel", args.dModel, 1);
    const maxSeqLen = checkInt(FN, "maxSeqLen", args.maxSeqLen, 1);
    const positional = checkOneOf(FN, "positional", args.positional ?? "sinusoidal", POSITIONAL_KINDS);
    const scale = checkBool(FN, "scale", args.scale, false);
    const dropout = checkNumber(FN, "dropout", args.dropout ?? 0, { min: 0, max: 1 });
    if (dropout >= 1) throw new RangeError(`${FN}: expected dropout to be a rate in [0, 1), but got ${dropout}`);
    const paddingIdx = normalizePaddingIdx(FN, args.paddingIdx, vocabSize);
    const base = checkNumber(FN, "base", args.base ?? 10000, { positive: true });
    super(withDefaultName(args, "transformer_input"));
    this.vocabSize = vocabSize;
    this.dModel = dModel;
    this.maxSeqLen = maxSeqLen;
    this.positional = positional;
    this.scale = scale;
    this.dropout = dropout;
    this.paddingIdx = paddingIdx;
    this.base = base;
    this.maskPadding = checkBool(FN, "maskPadding", args.maskPadding, true);
    this.supportsMasking = true;
    this.build([null]); // the tables don't depend on the input shape
    if (args.weights) this.setWeights(args.weights);
  }

  override build(_inputShape: Shape | Shape[]): void {
    if (this.tokens !== null) return;
    const d = this.dModel;
    // One [V, D] buffer: N(0, 1) written straight into the tensor the variable takes over (no
    // zero-filled table first), after normalTable's size check (a clear RangeError, nothing allocated).
    const init = normalTable(this.vocabSize, d, this.paddingIdx, FN, "the token table"); // [V, D], like nn.Embedding
    this.tokens = this.addWeight(`${this.name}/embeddings`, [this.vocabSize, d], "float32", tensorInitializer(init));
    if (this.positional === "learned") {
      const p = tf.randomNormal([this.maxSeqLen, d], 0, 1, "float32", nextSeed()); // [T_max, D]
      this.positions = this.addWeight(`${this.name}/positions`, [this.maxSeqLen, d], "float32", tensorInitializer(p));
    } else if (this.positional === "sinusoidal") {
      this.sinusoids = tf.keep(tf.tensor2d(positionalEncodingTable(this.maxSeqLen, d, { base: this.base }), [this.maxSeqLen, d])); // [T_max, D]
    }
    this.built = true;
  }

  /** The token table `[vocabSize, dModel]` (live variable). */
  get tokenWeight(): tf.Variable {
    if (this.tokens === null) this.build([null]);
    return (this.tokens as tf.LayerVariable).read() as tf.Variable;
  }

  /** The position table `[maxSeqLen, dModel]`: the learned variable or the sinusoidal constant; `null` for `"none"`. */
  get positionTable(): tf.Tensor | null {
    if (!this.built) this.build([null]);
    return this.positional === "learned" ? (this.positions as tf.LayerVariable).read() : this.sinusoids;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0], s[1], this.dModel]; // [B, T] -> [B, T, D]
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const ids = firstInput(inputs);
    if (!(ids instanceof tf.Tensor) || ids.rank !== 2) throw typeError(FN, "input", "a [batch, seqLen] tensor of token ids", ids);
    const t = ids.shape[1] as number;
    if (t > this.maxSeqLen) {
      throw new RangeError(`${FN}: expected the sequence length to be <= maxSeqLen ${this.maxSeqLen}, but got ${t}`);
    }
    const table = this.tokenWeight;
    const positions = this.positionTable;
    return withCheckedIndices(FN, ids, this.vocabSize, (checked) =>
      tf.tidy(() => {
        // One fused kernel on cpu/wasm: E[ids] · s + PE[:T] (√D keeps tokens and positions on a par)
        const scale = this.scale ? Math.sqrt(this.dModel) : 1;
        const lookup = () => embeddingLookup(table, checked, { paddingIdx: this.paddingIdx ?? undefined }, FN); // [B, T] -> [B, T, D]
        // dropout (training only) draws its seed here, on every backend, so a seeded run is the same everywhere
        const dropout = this.dropout > 0 && kwargs.training === true ? this.dropout : 0;
        const dropoutSeed = dropout > 0 ? nextSeed() : 0;
        let x: tf.Tensor;
        if (positions === null) {
          x = lookup(); // positional "none": nothing to add
          if (this.scale) x = tf.mul(x, scale);
          if (dropout > 0) x = dropoutMask(x, dropout, dropoutSeed); // tf.dropout's rule, a fast seeded mask
        } else {
          // one kernel: lookup · scale + positions, then the dropout mask, in place
          x = tokenPositionLookup(table, checked, positions, { scale, paddingIdx: this.paddingIdx ?? -1, fn: FN, dropout, dropoutSeed }, lookup); // [B, T, D]
        }
        return x;
      }),
    );
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[], _mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    // tfjs types the mask as always present; `null` (no mask) is what its own layers return too.
    if (this.paddingIdx === null || !this.maskPadding) return null as unknown as tf.Tensor;
    const ids = firstInput(inputs);
    return paddingMask(ids, this.paddingIdx); // [B, T] bool, true = real token
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      vocabSize: this.vocabSize,
      dModel: this.dModel,
      maxSeqLen: this.maxSeqLen,
      positional: this.positional,
      scale: this.scale,
      dropout: this.dropout,
      paddingIdx: this.paddingIdx,
      base: this.base,
      maskPadding: this.maskPadding,
    };
  }

  /** Disposes the weights and the sinusoid table; a layer never applied can be disposed too. */
  override dispose(): ReturnType<tf.layers.Layer["dispose"]> {
    const result = super.dispose();
    if (result.refCountAfterDispose === 0 && this.sinusoids !== null) {
      this.sinusoids.dispose();
      this.sinusoids = null;
    }
    return result;
  }
}
tf.serialization.registerClass(TransformerInput);

/**
 * Creates a {@link TransformerInput} layer: `embedding(ids) (* √dModel) + PE[:T]`, then dropout.
 *
 * **Input shape:** `[B, T]` ids. **Output shape:** `[B, T, dModel]`.
 * Defaults: `positional = "sinusoidal"`, `scale = false`, `dropout = 0`, no padding, `base = 10000`,
 * `maskPadding = true`.
 * @example
 * const input = transformerInput({ vocabSize: 10000, dModel: 64, maxSeqLen: 128 });
 * input.apply(tf.tensor2d([[5, 7, 9]], [1, 3], "int32")); // [1, 3, 64]
 */
export function transformerInput(args: TransformerInputArgs): TransformerInput {
  return new TransformerInput(args);
}
