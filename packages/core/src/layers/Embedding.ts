/**
 * `nn.Embedding` with PyTorch's semantics, exactly, as a tfjs layer.
 */
import * as tf from "../tf";
import { EagerLayer } from "./EagerLayer";
import { embeddingLookup } from "../kernels/embeddingLookup";
import { withCheckedIndices } from "../kernels/checkIndices";
import { renormRows } from "../kernels/renormRows";
import { checkInt, checkKeys, typeError } from "../validate";
import {
  LAYER_ARG_KEYS,
  type LayerArgs,
  type Shape,
  checkBool,
  checkMaxNorm,
  checkNormType,
  firstInput,
  normTypeToJSON,
  normalTable,
  normalizePaddingIdx,
  readValues,
  sharedHandle,
  tableFromValues,
  tensorInitializer,
  withDefaultName,
} from "./args";

/** Options of {@link embedding} (plus tfjs's `name`, `inputShape`, `trainable`…). */
export interface EmbeddingArgs extends LayerArgs {
  /** Rows in the table (V). Required, an integer ≥ 1. */
  numEmbeddings: number;
  /** Length of each row (D). Required, an integer ≥ 1. */
  embeddingDim: number;
  /**
   * This row is zero at construction and its gradient is always zero. In [-V, V); negative counts
   * from the end (`-1` is the last row). Defaults to none.
   */
  paddingIdx?: number | null;
  /** Rows looked up whose `normType`-norm exceeds this are rescaled, in the table, to it. Defaults to none. */
  maxNorm?: number | null;
  /** The p of the p-norm used by `maxNorm` (a number > 0 or `Infinity`). Defaults to 2. */
  normType?: number;
  /** Divide each row's gradient by its count in the batch. Defaults to `false`. */
  scaleGradByFreq?: boolean;
}

/** Options of {@link Embedding.fromPretrained}. */
export interface FromPretrainedOptions {
  /**
   * Keep the table fixed: the layer and its variable are not trainable (PyTorch `requires_grad =
   * False`), so neither `model.fit` nor a bare `optimizer.minimize(f)` changes it;
   * `layer.trainable = true` unfreezes it. Defaults to `true`, as PyTorch.
   */
  freeze?: boolean;
  /** As in {@link EmbeddingArgs}; the row is *not* zeroed (PyTorch doesn't either). Defaults to none. */
  paddingIdx?: number | null;
  /** As in {@link EmbeddingArgs}. Defaults to none. */
  maxNorm?: number | null;
  /** As in {@link EmbeddingArgs}. Defaults to 2. */
  normType?: number;
  /** As in {@link EmbeddingArgs}. Defaults to `false`. */
  scaleGradByFreq?: boolean;
  /**
   * Copy the matrix (default `true`). `false` shares a float32 tensor's storage, as PyTorch does,
   * so `maxNorm` rescales the caller's rows too.
   */
  copy?: boolean;
  /** `[V, D]` when `matrix` is a flat `Float32Array`. */
  shape?: [number, number];
  /** Layer name. Defaults to a unique one. */
  name?: string;
}

/** A matrix for `fromPretrained`: a 2-D tensor, nested rows, or a flat `Float32Array` with `shape`. */
export type PretrainedMatrix = tf.Tensor | readonly (readonly number[] | Float32Array)[] | Float32Array;

const FN = "embedding";
const ARG_KEYS = [...LAYER_ARG_KEYS, "numEmbeddings", "embeddingDim", "paddingIdx", "maxNorm", "normType", "scaleGradByFreq"];

/**
 * A lookup table of `numEmbeddings` trainable vectors of size `embeddingDim` (PyTorch
 * `nn.Embedding`): weights N(0, 1) (seeded by `seed()`), padding row zero with zero gradient,
 * `maxNorm` renormalisation in place before each lookup, `scaleGradByFreq`. Indices are checked:
 * fractions, NaN, negatives and ids ≥ `numEmbeddings` throw, naming the value and its position.
 *
 * **Input shape:** any, int32 ids (or float32 whole numbers), e.g. `[B, T]`.
 * **Output shape:** input shape + `[embeddingDim]`, e.g. `[B, T, D]`.
 */
export class Embedding extends EagerLayer {
  /** Registered serialization name (distinct from tfjs's own `Embedding`). */
  static className = "EmbedlabEmbedding";
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding row, normalised to [0, V), or `null`. */
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  private table: tf.LayerVariable | null = null;
  /** `fromPretrained(..., { copy: false })`: maxNorm writes into storage shared with the caller. */
  private sharedStorage = false;

  constructor(args: EmbeddingArgs) {
    if (args === null || typeof args !== "object") throw typeError(FN, "args", "an object", args);
    checkKeys(FN, args, ARG_KEYS);
    const numEmbeddings = checkInt(FN, "numEmbeddings", args.numEmbeddings, 1);
    const embeddingDim = checkInt(FN, "embeddingDim", args.embeddingDim, 1);
    const paddingIdx = normalizePaddingIdx(FN, args.paddingIdx, numEmbeddings);
    const maxNorm = checkMaxNorm(FN, args.maxNorm);
    const normType = checkNormType(FN, args.normType);
    const scaleGradByFreq = checkBool(FN, "scaleGradByFreq", args.scaleGradByFreq, false);
    if (args.dtype !== undefined && args.dtype !== "float32") throw typeError(FN, "dtype", '"float32" (the table\'s dtype)', args.dtype);
    super(withDefaultName(args, "embedding"));
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = paddingIdx;
    this.maxNorm = maxNorm;
    this.normType = normType;
    this.scaleGradByFreq = scaleGradByFreq;
    // The table doesn't depend on the input shape: make it now, like PyTorch, so weights can be
    // read and set before the first call.
    this.build([null]);
    if (args.weights) this.setWeights(args.weights);
  }

  override build(_inputShape: Shape | Shape[]): void {
    if (this.table !== null) return;
    const shape = [this.numEmbeddings, this.embeddingDim]; // [V, D]
    // Named `<layer>/embeddings` explicitly: we build outside tfjs's name scope.
    // The variable takes over the initial table's storage: one [V, D] buffer, no zero-filled copy.
    // fromPretrained hands over its matrix instead.
    const init = pretrained ?? normalTable(this.numEmbeddings, this.embeddingDim, this.paddingIdx, FN);
    pretrained = null;
    this.table = this.addWeight(`${this.name}/embeddings`, shape, "float32", tensorInitializer(init));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) || inputShape[0] === undefined ? inputShape[0] : inputShape) as Shape;
    return [...(s ?? []), this.embeddingDim]; // [...S] -> [...S, D]
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor {
    return this.lookup(firstInput(inputs));
  }

  /** The `[V, D]` table (the live variable: don't dispose it). */
  get weight(): tf.Variable {
    if (this.table === null) this.build([null]);
    return (this.table as tf.LayerVariable).read() as tf.Variable;
  }

  /** Looks `ids` up: renorm (maxNorm), then the fast lookup with its exact gradient. */
  lookup(ids: tf.Tensor, fn = FN): tf.Tensor {
    const table = this.weight;
    return withCheckedIndices(fn, ids, this.numEmbeddings, (checked) => {
      if (this.maxNorm !== null) {
        renormRows(table, checked, { maxNorm: this.maxNorm, normType: this.normType, shared: this.sharedStorage });
      }
      return embeddingLookup(table, checked, { paddingIdx: this.paddingIdx ?? undefined, scaleGradByFreq: this.scaleGradByFreq }, fn);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numEmbeddings: this.numEmbeddings,
      embeddingDim: this.embeddingDim,
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: normTypeToJSON(this.normType),
      scaleGradByFreq: this.scaleGradByFreq,
    };
  }

  /**
   * An embedding whose table is `matrix` (PyTorch `nn.Embedding.from_pretrained`). The padding row
   * is not zeroed. The matrix is copied unless `copy: false`.
   *
   * **Input:** `matrix` `[V, D]` as a tensor, nested rows or a `Float32Array` with `shape`.
   * Defaults: `freeze = true`, `copy = true`, `normType = 2`.
   * @example
   * const emb = Embedding.fromPretrained([[0, 0], [1, 2]], { freeze: false, paddingIdx: 0 });
   * emb.apply(tf.tensor1d([1], "int32")); // [[1, 2]]
   */
  static fromPretrained(matrix: PretrainedMatrix, options: FromPretrainedOptions = {}): Embedding {
    const fn = "Embedding.fromPretrained";
    checkKeys(fn, options, ["freeze", "paddingIdx", "maxNorm", "normType", "scaleGradByFreq", "copy", "shape", "name"]);
    const freeze = checkBool(fn, "options.freeze", options.freeze, true);
    const copy = checkBool(fn, "options.copy", options.copy, true);
    const shareTensor = !copy && matrix instanceof tf.Tensor && matrix.dtype === "float32" && matrix.rank === 2;
    if (matrix instanceof tf.Tensor && options.shape !== undefined) throw typeError(fn, "options.shape", "absent for a tensor matrix", options.shape);
    // Shared: a second handle on the caller's storage (addWeight disposes the handle, not the storage).
    // Copied: one copy, written straight into the backend's storage after the size check.
    const table = shareTensor ? sharedHandle(matrix as tf.Tensor2D) : matrixTable(fn, matrix, options.shape);
    pretrained = table; // build() takes it instead of drawing V × D random numbers
    try {
      const layer = new Embedding({
        numEmbeddings: table.shape[0],
        embeddingDim: table.shape[1],
        paddingIdx: options.paddingIdx,
        maxNorm: options.maxNorm,
        normType: options.normType,
        scaleGradByFreq: options.scaleGradByFreq,
        trainable: !freeze,
        ...(options.name !== undefined ? { name: options.name } : {}),
      });
      layer.sharedStorage = shareTensor;
      return layer;
    } catch (e) {
      if (pretrained !== null) pretrained.dispose(); // bad options: the copy was never handed over
      throw e;
    } finally {
      pretrained = null;
    }
  }
}
tf.serialization.registerClass(Embedding);

/** Set while `fromPretrained` constructs its layer: `build` takes this tensor as the table. */
let pretrained: tf.Tensor2D | null = null;

/**
 * A float32 copy of a pretrained matrix as a fresh `[V, D]` tensor, written once into the backend's
 * storage after checking it fits (`checkAllocation`); 1-D and ragged input throw.
 */
function matrixTable(fn: string, matrix: PretrainedMatrix, shape?: [number, number]): tf.Tensor2D {
  if (matrix instanceof tf.Tensor) {
    if (matrix.rank !== 2) throw typeError(fn, "matrix", "a 2-D tensor [numEmbeddings, embeddingDim]", matrix);
    if (matrix.dtype !== "float32" && matrix.dtype !== "int32") throw typeError(fn, "matrix", "a numeric 2-D tensor", matrix);
    if (matrix.shape[0] === 0 || matrix.shape[1] === 0) throw typeError(fn, "matrix", "a non-empty 2-D tensor", matrix);
    const source = matrix;
    // The source is read after the table is allocated: on wasm, growing the heap moves every view.
    return tableFromValues(fn, "the matrix", matrix.shape as [number, number], (out) => out.set(readValues(source)));
  }
  if (matrix instanceof Float32Array) {
    if (shape === undefined) throw typeError(fn, "options.shape", "[numEmbeddings, embeddingDim] for a flat Float32Array", shape);
    if (!Array.isArray(shape) || shape.length !== 2) throw typeError(fn, "options.shape", "[numEmbeddings, embeddingDim]", shape);
    const v = checkInt(fn, "options.shape[0]", shape[0], 1);
    const d = checkInt(fn, "options.shape[1]", shape[1], 1);
    if (v * d !== matrix.length) {
      throw new RangeError(`${fn}: expected matrix to have ${v} × ${d} = ${v * d} values for shape [${v}, ${d}], but got ${matrix.length}`);
    }
    return tableFromValues(fn, "the matrix", [v, d], (out) => out.set(matrix));
  }
  if (!Array.isArray(matrix) || matrix.length === 0) throw typeError(fn, "matrix", "a 2-D tensor, nested rows or a Float32Array", matrix);
  const rows = matrix as readonly (readonly number[] | Float32Array)[];
  const first = rows[0];
  if (!(Array.isArray(first) || first instanceof Float32Array)) {
    throw typeError(fn, "matrix", "a 2-D matrix (rows of numbers), not a 1-D array", matrix);
  }
  const d = first.length;
  if (d === 0) throw typeError(fn, "matrix", "rows of at least one number", first);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!(Array.isArray(row) || row instanceof Float32Array)) throw typeError(fn, `matrix[${i}]`, "a row of numbers", row);
    if (row.length !== d) throw new RangeError(`${fn}: expected every row of matrix to have ${d} values (a rectangular matrix), but row ${i} has ${row.length}`);
    for (let j = 0; j < d; j++) {
      const x = row[j];
      if (typeof x !== "number") throw typeError(fn, `matrix[${i}][${j}]`, "a number", x);
    }
  }
  return tableFromValues(fn, "the matrix", [rows.length, d], (out) => {
    for (let i = 0; i < rows.length; i++) out.set(rows[i], i * d);
  });
}

/**
 * Creates an {@link Embedding} layer (PyTorch `nn.Embedding`).
 *
 * **Input shape:** any int32 ids `S`. **Output shape:** `[...S, embeddingDim]`.
 * Defaults: no padding, no maxNorm, `normType = 2`, `scaleGradByFreq = false`, trainable.
 * @example
 * seed(0);
 * const emb = embedding({ numEmbeddings: 10000, embeddingDim: 300 });
 * emb.apply(tf.tensor2d([[1, 22, 45], [3, 8, 2]], [2, 3], "int32")); // [2, 3, 300]
 */
export function embedding(args: EmbeddingArgs): Embedding {
  return new Embedding(args);
}
