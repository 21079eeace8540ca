/**
 * `nn.EmbeddingBag` with PyTorch's semantics as a tfjs layer: sums, means or maxima of bags of
 * rows, computed without materialising the `[B, L, D]` lookup.
 */
import * as tf from "../tf";
import { EagerLayer } from "./EagerLayer";
import { BAG_MODES, type BagMode, embeddingBagLookup } from "../kernels/embeddingBagLookup";
import { withCheckedIndices } from "../kernels/checkIndices";
import { renormRows } from "../kernels/renormRows";
import { checkInt, checkKeys, checkOneOf, typeError } from "../validate";
import { LAYER_ARG_KEYS, type LayerArgs, type Shape, checkBool, checkMaxNorm, checkNormType, normTypeToJSON, normalTable, normalizePaddingIdx, tensorInitializer, withDefaultName } from "./args";

/** Options of {@link embeddingBag} (plus tfjs's `name`, `inputShape`, `trainable`…). */
export interface EmbeddingBagArgs extends LayerArgs {
  /** Rows in the table (V). Required. */
  numEmbeddings: number;
  /** Length of each row (D). Required. */
  embeddingDim: number;
  /** `"sum"`, `"mean"` or `"max"`. Defaults to `"mean"`, as PyTorch. */
  mode?: BagMode;
  /** Entries equal to this row are left out of their bag and of the mean's count; zero at init. In [-V, V). Defaults to none. */
  paddingIdx?: number | null;
  /** Rescale looked-up rows whose norm exceeds this, in the table, before each lookup. Defaults to none. */
  maxNorm?: number | null;
  /** The p of the p-norm for `maxNorm`. Defaults to 2. */
  normType?: number;
  /** Divide each row's gradient by its count in the batch (not with `"max"`). Defaults to `false`. */
  scaleGradByFreq?: boolean;
  /** Offsets have B + 1 entries, the last being the number of ids. Defaults to `false`. */
  includeLastOffset?: boolean;
}

/** Call-time options (`layer.apply(ids, { offsets, perSampleWeights })`). */
export interface EmbeddingBagCallArgs {
  /** Bag starts for 1-D ids. */
  offsets?: tf.Tensor;
  /** A weight per id, `"sum"` mode only. */
  perSampleWeights?: tf.Tensor;
}

const FN = "embeddingBag";
const ARG_KEYS = [...LAYER_ARG_KEYS, "numEmbeddings", "embeddingDim", "mode", "paddingIdx", "maxNorm", "normType", "scaleGradByFreq", "includeLastOffset"];

/**
 * Bags of embeddings (PyTorch `nn.EmbeddingBag`). Call it with:
 * - ids `[B, L]`: each row is a bag;
 * - `[ids2D, perSampleWeights2D]`: weighted bags (`"sum"` mode);
 * - `[ids1D, offsets]` or `[ids1D, offsets, perSampleWeights1D]`: bags of different lengths.
 *
 * **Output shape:** `[B, embeddingDim]`.
 */
export class EmbeddingBag extends EagerLayer {
  static className = "EmbedlabEmbeddingBag";
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly mode: BagMode;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly includeLastOffset: boolean;
  private table: tf.LayerVariable | null = null;

  constructor(args: EmbeddingBagArgs) {
    if (args === null || typeof args !== "object") throw typeError(FN, "args", "an object", args);
    checkKeys(FN, args, ARG_KEYS);
    const numEmbeddings = checkInt(FN, "numEmbeddings", args.numEmbeddings, 1);
    const embeddingDim = checkInt(FN, "embeddingDim", args.embeddingDim, 1);
    const mode = checkOneOf(FN, "mode", args.mode ?? "mean", BAG_MODES);
    const paddingIdx = normalizePaddingIdx(FN, args.paddingIdx, numEmbeddings);
    const maxNorm = checkMaxNorm(FN, args.maxNorm);
    const normType = checkNormType(FN, args.normType);
    const scaleGradByFreq = checkBool(FN, "scaleGradByFreq", args.scaleGradByFreq, false);
    if (scaleGradByFreq && mode === "max") throw new TypeError(`${FN}: mode "max" does not support scaleGradByFreq (as in PyTorch)`);
    const includeLastOffset = checkBool(FN, "includeLastOffset", args.includeLastOffset, false);
    super(withDefaultName(args, "embedding_bag"));
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.mode = mode;
    this.paddingIdx = paddingIdx;
    this.maxNorm = maxNorm;
    this.normType = normType;
    this.scaleGradByFreq = scaleGradByFreq;
    this.includeLastOffset = includeLastOffset;
    this.build([null]); // the table doesn't depend on the input shape
    if (args.weights) this.setWeights(args.weights);
  }

  override build(_inputShape: Shape | Shape[]): void {
    if (this.table !== null) return;
    const init = normalTable(this.numEmbeddings, this.embeddingDim, this.paddingIdx, "embeddingBag"); // [V, D]
    // The variable takes over init's storage: one [V, D] buffer, no zero-filled copy first.
    this.table = this.addWeight(`${this.name}/embeddings`, [this.numEmbeddings, this.embeddingDim], "float32", tensorInitializer(init));
    this.built = true;
  }

  /** The `[V, D]` table (the live variable: don't dispose it). */
  get weight(): tf.Variable {
    if (this.table === null) this.build([null]);
    return (this.table as tf.LayerVariable).read() as tf.Variable;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as Shape[];
    const ids = shapes[0];
    if (ids.length === 2) return [ids[0], this.embeddingDim]; // [B, L] -> [B, D]
    const offsets = shapes[1];
    const b = offsets && offsets[0] !== null ? offsets[0] - (this.includeLastOffset ? 1 : 0) : null;
    return [b, this.embeddingDim]; // [N] + offsets [B] -> [B, D]
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const ids = list[0];
    let offsets = kwargs.offsets as tf.Tensor | undefined;
    let weights = kwargs.perSampleWeights as tf.Tensor | undefined;
    if (list.length > 3) throw typeError(FN, "inputs", "ids, [ids, offsets], [ids, offsets, perSampleWeights] or [ids2D, perSampleWeights]", inputs);
    if (ids instanceof tf.Tensor && ids.rank === 2 && list.length === 2) weights = list[1];
    else if (list.length >= 2) {
      offsets = list[1];
      if (list.length === 3) weights = list[2];
    }
    return this.bag(ids, offsets, weights);
  }

  /** Reduces the bags: renorm (maxNorm) then the fused bag kernel. */
  bag(ids: tf.Tensor, offsets?: tf.Tensor, perSampleWeights?: tf.Tensor): tf.Tensor {
    const table = this.weight;
    return withCheckedIndices(FN, ids, this.numEmbeddings, (checked) => {
      if (this.maxNorm !== null) renormRows(table, checked, { maxNorm: this.maxNorm, normType: this.normType });
      return embeddingBagLookup(
        table,
        checked,
        {
          mode: this.mode,
          ...(offsets !== undefined ? { offsets } : {}),
          ...(perSampleWeights !== undefined ? { perSampleWeights } : {}),
          includeLastOffset: this.includeLastOffset,
          ...(this.paddingIdx !== null ? { paddingIdx: this.paddingIdx } : {}),
          scaleGradByFreq: this.scaleGradByFreq,
        },
        FN,
      );
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numEmbeddings: this.numEmbeddings,
      embeddingDim: this.embeddingDim,
      mode: this.mode,
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: normTypeToJSON(this.normType),
      scaleGradByFreq: this.scaleGradByFreq,
      includeLastOffset: this.includeLastOffset,
    };
  }
}
tf.serialization.registerClass(EmbeddingBag);

/**
 * Creates an {@link EmbeddingBag} layer (PyTorch `nn.EmbeddingBag`).
 *
 * **Input shape:** `[B, L]` ids, or 1-D ids with offsets. **Output shape:** `[B, embeddingDim]`.
 * Defaults: `mode = "mean"`, no padding, no maxNorm, `normType = 2`.
 * @example
 * const bag = embeddingBag({ numEmbeddings: 100, embeddingDim: 8, mode: "sum" });
 * bag.apply(tf.tensor2d([[1, 2, 3]], [1, 3], "int32")); // [1, 8]
 * bag.apply([tf.tensor1d([1, 2, 3], "int32"), tf.tensor1d([0, 1], "int32")]); // [2, 8]
 */
export function embeddingBag(args: EmbeddingBagArgs): EmbeddingBag {
  return new EmbeddingBag(args);
}
