/**
 * `CategoryEmbedding(numCategories, embeddingDim)` from the teaching text: dense vectors for
 * high-cardinality categorical features, one table per column, outputs concatenated. Columns hold
 * integer ids, or raw labels encoded by a built-in vocabulary (with out-of-vocabulary buckets) or
 * by hashing.
 */
import * as tf from "../tf";
import { EagerLayer } from "./EagerLayer";
import { checkAllocation } from "../backend/memoryLimit";
import { LabelEncoder, hashEncode, type Label } from "../encoding";
import { embeddingLookup } from "../kernels/embeddingLookup";
import { checkIndices } from "../kernels/checkIndices";
import { checkInt, checkKeys, describe, typeError } from "../validate";
import { LAYER_ARG_KEYS, type LayerArgs, type Shape, fromConfigText, normalTable, tensorInitializer, toConfigText, withDefaultName } from "./args";

/** One categorical column: exactly one of `numCategories`, `vocabulary` or `hashBuckets`. */
export interface CategoryColumn {
  /** Integer ids in [0, numCategories). */
  numCategories?: number;
  /** Known labels (duplicates allowed; sorted like scikit-learn's `LabelEncoder`): row k is `classes[k]`. */
  vocabulary?: readonly Label[];
  /** With `vocabulary`: unseen labels hash into this many extra rows; 0 makes them an error. Defaults to 1. */
  oovBuckets?: number;
  /** Hashing mode: a label's row is `abs(murmurhash3(label)) % hashBuckets` (no vocabulary to store). */
  hashBuckets?: number;
  /** This column's vector size. Defaults to the layer's `embeddingDim`. */
  embeddingDim?: number;
}

/** Options of {@link categoryEmbedding}: one column described inline, or several in `columns`. */
export interface CategoryEmbeddingArgs extends LayerArgs, Omit<CategoryColumn, "embeddingDim"> {
  /** Vector size of every column that doesn't set its own. Required unless every column sets one. */
  embeddingDim?: number;
  /** Several columns, concatenated in this order. Defaults to the one column described by the other options. */
  columns?: readonly CategoryColumn[];
}

interface ColumnPlan {
  kind: "ids" | "vocabulary" | "hash";
  rows: number;
  dim: number;
  encoder: LabelEncoder | null;
  oovBuckets: number;
  hashBuckets: number;
  vocabulary: Label[] | null;
}

const FN = "categoryEmbedding";
const COLUMN_KEYS = ["numCategories", "vocabulary", "oovBuckets", "hashBuckets", "embeddingDim"];
const ARG_KEYS = [...LAYER_ARG_KEYS, ...COLUMN_KEYS, "columns", "vocabularyText"];

function planColumn(col: CategoryColumn & { vocabularyText?: string }, i: number, defaultDim: number | undefined): ColumnPlan {
  const where = `columns[${i}]`;
  if (col === null || typeof col !== "object") throw typeError(FN, where, "an object", col);
  checkKeys(FN, col, [...COLUMN_KEYS, "vocabularyText"]);
  const vocabulary = col.vocabularyText !== undefined ? (fromConfigText(FN, col.vocabularyText) as Label[]) : col.vocabulary;
  const modes = [col.numCategories !== undefined && col.numCategories !== null, vocabulary !== undefined && vocabulary !== null, col.hashBuckets !== undefined && col.hashBuckets !== null];
  if (modes.filter(Boolean).length !== 1) {
    throw new TypeError(`${FN}: expected ${where} to set exactly one of numCategories, vocabulary or hashBuckets, but got ${modes.filter(Boolean).length}`);
  }
  const dimValue = col.embeddingDim ?? defaultDim;
  if (dimValue === undefined) throw typeError(FN, `${where}.embeddingDim`, "an integer >= 1 (or a layer embeddingDim)", undefined);
  const dim = checkInt(FN, `${where}.embeddingDim`, dimValue, 1);
  if (modes[0]) {
    const rows = checkInt(FN, `${where}.numCategories`, col.numCategories, 1);
    return { kind: "ids", rows, dim, encoder: null, oovBuckets: 0, hashBuckets: 0, vocabulary: null };
  }
  if (modes[2]) {
    const rows = checkInt(FN, `${where}.hashBuckets`, col.hashBuckets, 1);
    return { kind: "hash", rows, dim, encoder: null, oovBuckets: 0, hashBuckets: rows, vocabulary: null };
  }
  if (!Array.isArray(vocabulary) || vocabulary.length === 0) throw typeError(FN, `${where}.vocabulary`, "a non-empty array of labels", vocabulary);
  const oovBuckets = checkInt(FN, `${where}.oovBuckets`, col.oovBuckets ?? 1, 0);
  const encoder = new LabelEncoder({ unknown: "use-index", unknownIndex: -1 }).fit(vocabulary);
  const classes = [...encoder.classes];
  return { kind: "vocabulary", rows: classes.length + oovBuckets, dim, encoder, oovBuckets, hashBuckets: 0, vocabulary: classes };
}

/**
 * Embeddings for categorical columns (the text's `CategoryEmbedding`): ids `[B]` or `[B, C]` →
 * `[B, ΣD]`. Raw labels go through {@link CategoryEmbedding.encode} first (or are passed as a
 * string tensor). Tables initialised N(0, 1), seeded by `seed()`.
 *
 * **Input shape:** `[B]` (one column) or `[B, C]`: per-column row ids (int32), or labels (string tensor).
 * **Output shape:** `[B, Σ embeddingDim]`.
 */
export class CategoryEmbedding extends EagerLayer {
  static className = "EmbedlabCategoryEmbedding";
  private readonly plans: ColumnPlan[];
  private tables: tf.LayerVariable[] = [];

  constructor(args: CategoryEmbeddingArgs) {
    if (args === null || typeof args !== "object") throw typeError(FN, "args", "an object", args);
    checkKeys(FN, args, ARG_KEYS);
    let plans: ColumnPlan[];
    if (args.columns !== undefined && args.columns !== null) {
      if (!Array.isArray(args.columns) || args.columns.length === 0) throw typeError(FN, "columns", "a non-empty array of column specs", args.columns);
      for (const k of ["numCategories", "vocabulary", "hashBuckets", "oovBuckets"] as const) {
        if (args[k] !== undefined && args[k] !== null) throw new TypeError(`${FN}: ${k} belongs inside each column when columns is given`);
      }
      plans = args.columns.map((c, i) => planColumn(c, i, args.embeddingDim));
    } else {
      const a = args as CategoryEmbeddingArgs & { vocabularyText?: string };
      plans = [planColumn({ numCategories: a.numCategories, vocabulary: a.vocabulary, vocabularyText: a.vocabularyText, oovBuckets: a.oovBuckets, hashBuckets: a.hashBuckets }, 0, a.embeddingDim)];
    }
    const base: LayerArgs = {};
    for (const k of LAYER_ARG_KEYS) if ((args as Record<string, unknown>)[k] !== undefined) (base as Record<string, unknown>)[k] = (args as Record<string, unknown>)[k];
    super(withDefaultName(base, "category_embedding"));
    this.plans = plans;
    this.build([null]); // the tables don't depend on the input shape
    if (args.weights) this.setWeights(args.weights);
  }

  /** Number of categorical columns (C). */
  get numColumns(): number {
    return this.plans.length;
  }

  /** Rows of each column's table (ids range, vocabulary + OOV buckets, or hash buckets). */
  get numCategories(): number[] {
    return this.plans.map((p) => p.rows);
  }

  /** The sum of the columns' vector sizes (the output width). */
  get outputDim(): number {
    return this.plans.reduce((n, p) => n + p.dim, 0);
  }

  /** Each column's `[rows, dim]` table (live variables). */
  get weightTables(): tf.Variable[] {
    if (!this.built) this.build([null]);
    return this.tables.map((t) => t.read() as tf.Variable);
  }

  override build(_inputShape: Shape | Shape[]): void {
    if (this.tables.length > 0) return;
    // Every column's table is checked before any is made, so a refusal leaves nothing half-built.
    checkAllocation(FN, "the tables", this.plans.map((p) => [p.rows, p.dim]));
    this.tables = this.plans.map((p, c) => {
      const init = normalTable(p.rows, p.dim, null, FN); // [rows_c, D_c], written in place
      return this.addWeight(`${this.name}/embeddings_${c}`, [p.rows, p.dim], "float32", tensorInitializer(init));
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0], this.outputDim]; // [B] | [B, C] -> [B, ΣD]
  }

  /**
   * Turns raw labels into per-column row ids. One column: `values` is `[B]` labels; several:
   * `[B][C]` rows. Id columns check their ids; vocabulary columns map unseen labels to an OOV
   * bucket (or throw with `oovBuckets: 0`); hash columns hash.
   *
   * **Output shape:** int32 `[B]` (one column) or `[B, C]`.
   * @example
   * const cat = categoryEmbedding({ vocabulary: ["red", "green"], embeddingDim: 4 });
   * cat.encode(["green", "purple"]); // int32 [1, 2] (purple → the OOV row)
   */
  encode(values: readonly Label[] | readonly (readonly Label[])[]): tf.Tensor {
    const fn = "CategoryEmbedding.encode";
    if (!Array.isArray(values)) throw typeError(fn, "values", "an array of labels (or of rows of labels)", values);
    const c = this.plans.length;
    const nested = values.length > 0 && Array.isArray(values[0]);
    if (c > 1 && !nested && values.length > 0) throw typeError(fn, "values", `rows of ${c} labels (one per column)`, values[0]);
    const rows = nested ? (values as readonly (readonly Label[])[]) : (values as readonly Label[]).map((v) => [v]);
    const b = rows.length;
    const out = new Int32Array(b * c);
    for (let col = 0; col < c; col++) {
      const column: Label[] = new Array(b);
      for (let r = 0; r < b; r++) {
        const row = rows[r];
        if (!Array.isArray(row) || row.length !== c) throw typeError(fn, `values[${r}]`, `a row of ${c} labels`, row);
        column[r] = row[col];
      }
      const ids = this.encodeColumn(fn, col, column);
      for (let r = 0; r < b; r++) out[r * c + col] = ids[r];
    }
    return c === 1 && !nested ? tf.tensor1d(out, "int32") : tf.tensor2d(out, [b, c], "int32");
  }

  private encodeColumn(fn: string, col: number, labels: Label[]): Int32Array {
    const p = this.plans[col];
    if (p.kind === "hash") return hashEncode(labels, p.hashBuckets, { alternateSign: false, indicesOnly: true });
    if (p.kind === "ids") {
      const ids = new Int32Array(labels.length);
      for (let r = 0; r < labels.length; r++) {
        const raw = labels[r];
        const v = typeof raw === "string" && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
        if (typeof v !== "number" || !Number.isInteger(v)) throw typeError(fn, `column ${col} value at row ${r}`, "an integer id", raw);
        if (v < 0 || v >= p.rows) throw new RangeError(`${fn}: id ${v} at row ${r} of column ${col} is out of range for numCategories ${p.rows}`);
        ids[r] = v;
      }
      return ids;
    }
    const encoder = p.encoder as LabelEncoder;
    const known = encoder.numClasses;
    const codes = encoder.transform(labels);
    let unknown: number[] | null = null;
    for (let r = 0; r < codes.length; r++) if (codes[r] === -1) (unknown ??= []).push(r);
    if (unknown !== null) {
      if (p.oovBuckets === 0) {
        throw new RangeError(`${fn}: label ${describe(labels[unknown[0]])} at row ${unknown[0]} of column ${col} is not in the vocabulary (set oovBuckets to map unseen labels)`);
      }
      const buckets = hashEncode(unknown.map((r) => labels[r]), p.oovBuckets, { alternateSign: false, indicesOnly: true });
      unknown.forEach((r, k) => (codes[r] = known + buckets[k]));
    }
    return codes;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Record<string, unknown>): tf.Tensor {
    let ids = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!(ids instanceof tf.Tensor)) throw typeError(FN, "input", "a tensor of ids or labels", ids);
    const c = this.plans.length;
    const owned: tf.Tensor[] = [];
    const parts: tf.Tensor[] = [];
    try {
      if (ids.dtype === "string") {
        const labels = ids.dataSync() as unknown as string[];
        const rows: string[][] = [];
        const width = ids.rank === 1 ? 1 : (ids.shape[1] as number);
        for (let r = 0; r < (ids.shape[0] as number); r++) rows.push(labels.slice(r * width, (r + 1) * width));
        ids = this.encode(ids.rank === 1 && c === 1 ? rows.map((r) => r[0]) : rows);
        owned.push(ids);
      }
      if (ids.rank === 1 && c !== 1) throw typeError(FN, "input", `[batch, ${c}] ids (one column per table)`, ids);
      if (ids.rank === 2 && ids.shape[1] !== c) throw typeError(FN, "input", `[batch, ${c}] ids (one column per table)`, ids);
      if (ids.rank !== 1 && ids.rank !== 2) throw typeError(FN, "input", `[batch] or [batch, ${c}] ids`, ids);
      const tables = this.weightTables;
      const b = ids.shape[0] as number;
      // Columns are split on the host: ids are small, and tfjs's int32 Slice is slow on wasm.
      const all = c > 1 ? ids.dataSync() : null;
      for (let col = 0; col < c; col++) {
        let column: tf.Tensor;
        if (ids.rank === 1) column = ids;
        else if (all === null) column = tf.reshape(ids, [b]); // [B, 1] -> [B]
        else {
          const values = ids.dtype === "int32" ? new Int32Array(b) : new Float32Array(b);
          for (let r = 0; r < b; r++) values[r] = all[r * c + col];
          column = tf.tensor1d(values, ids.dtype as "int32" | "float32"); // [B, C] -> [B]
        }
        if (column !== ids) owned.push(column);
        const checked = checkIndices(`${FN} (column ${col})`, column, this.plans[col].rows);
        if (checked !== column) owned.push(checked);
        parts.push(embeddingLookup(tables[col], checked, {}, FN)); // [B] -> [B, D_c]
      }
      if (parts.length === 1) return parts[0];
      const out = tf.concat(parts, 1); // C × [B, D_c] -> [B, ΣD]
      owned.push(...parts);
      return out;
    } catch (e) {
      for (const t of parts) t.dispose(); // a later column failed: no half-built output survives
      throw e;
    } finally {
      for (const t of owned) t.dispose();
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    const columns = this.plans.map((p) => {
      if (p.kind === "ids") return { numCategories: p.rows, embeddingDim: p.dim };
      if (p.kind === "hash") return { hashBuckets: p.hashBuckets, embeddingDim: p.dim };
      return { vocabularyText: toConfigText(p.vocabulary), oovBuckets: p.oovBuckets, embeddingDim: p.dim };
    });
    return { ...super.getConfig(), columns } as unknown as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(CategoryEmbedding);

/**
 * Creates a {@link CategoryEmbedding} layer.
 *
 * **Input shape:** `[B]` or `[B, C]` ids (or labels). **Output shape:** `[B, Σ embeddingDim]`.
 * Defaults: `oovBuckets = 1` for vocabulary columns; each column's `embeddingDim` = the layer's.
 * @example
 * const users = categoryEmbedding({ numCategories: 1000, embeddingDim: 64 });
 * users.apply(tf.tensor1d([3, 14, 159], "int32")); // [3, 64]
 * const mixed = categoryEmbedding({ embeddingDim: 8, columns: [{ numCategories: 1000 }, { vocabulary: ["red", "green"] }, { hashBuckets: 64 }] });
 */
export function categoryEmbedding(args: CategoryEmbeddingArgs): CategoryEmbedding {
  return new CategoryEmbedding(args);
}
