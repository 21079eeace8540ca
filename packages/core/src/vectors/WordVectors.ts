/**
 * A table of pretrained word vectors: lookup, similarity queries (gensim's `KeyedVectors`
 * methods, same formulas), and the bridge to an `Embedding` layer.
 */
import * as tf from "../tf";
import { checkInt, checkKeys, checkOneOf, rangeError, typeError } from "../validate";
import { Embedding } from "../layers";
import { tableFromValues } from "../layers/args";
import { checkAllocation } from "../backend/memoryLimit";
import type { LoadReport } from "./RowCollector";
import type { WordIndex } from "./WordIndex";
import type { WordList } from "./CacheWords";
import { topK } from "./UnitRows";
import { QuantizedRows, unitRow } from "./QuantizedRows";
import { NibbleRows } from "./NibbleRows";

/** A word of the table, or a raw vector of length `dim` (used as given, like gensim). */
export type WordOrVector = string | ArrayLike<number>;

/** One answer of `mostSimilar` / `mostSimilarCosmul`. */
export interface SimilarWord {
  word: string;
  /** Cosine similarity (`mostSimilar`) or the 3CosMul score (`mostSimilarCosmul`). */
  similarity: number;
}

/** Options of `mostSimilar` / `mostSimilarCosmul`. */
export interface MostSimilarOptions {
  /** Words (or vectors) that count positively. Defaults to `[]`. */
  positive?: WordOrVector | WordOrVector[];
  /** Words (or vectors) that count negatively. Defaults to `[]`. */
  negative?: WordOrVector | WordOrVector[];
  /** How many answers. Defaults to `10`. */
  topn?: number;
  /** Only the first `restrictVocab` words are candidates (files list frequent words first). Defaults to all. */
  restrictVocab?: number;
}

/**
 * What to put where a word has no vector: `"zeros"` (torchtext's default), `"normal"` (N(0, 1)
 * draws from the seeded `Math.random`, see `seed`), or a function returning `dim` numbers.
 */
export type UnkInit = "zeros" | "normal" | ((word: string, dim: number) => ArrayLike<number>);

/** Options of `getVecsByTokens`. */
export interface GetVecsOptions {
  /** Try `token.toLowerCase()` when `token` itself has no vector (torchtext). Defaults to `false`. */
  lowerCaseBackup?: boolean;
  /** Rows for tokens without a vector. Defaults to `"zeros"`. */
  unkInit?: UnkInit;
}

/** How many of a vocabulary's words have a vector. */
export interface VectorCoverage {
  /** Vocabulary words found (directly or through `lowerCaseBackup`). */
  found: number;
  /** Vocabulary size. */
  total: number;
  /** `found / total` (1 for an empty vocabulary). */
  ratio: number;
  /** Up to 50 words without a vector, in vocabulary order. */
  missing: string[];
}

/** Options of `toEmbedding`. */
export interface ToEmbeddingOptions {
  /** Row i of the layer is `vocab.itos[i]`'s vector (a `Vocab`, `{ itos }` or an array of words). Defaults to every word of the table, in table order. */
  vocab?: readonly string[] | { itos: readonly string[] };
  /** Keep the table fixed. Defaults to `true` (PyTorch's `from_pretrained`); `false` fine-tunes it. */
  freeze?: boolean;
  /** The padding row (negative counts from the end): its row is zeros and gets no gradient. Defaults to none. */
  paddingIdx?: number;
  /** Rows for vocabulary words without a vector. Defaults to `"zeros"`. */
  unkInit?: UnkInit;
  /** Look a word up in lower case when it has no vector as written. Defaults to `false`. */
  lowerCaseBackup?: boolean;
  /** Passed to the `Embedding` (PyTorch's `max_norm`). Defaults to none. */
  maxNorm?: number;
  /** Layer name. Defaults to a unique one. */
  name?: string;
}

const MAX_SHOWN_MISSING = 50;

/** Box–Muller N(0, 1) from the (seedable) `Math.random`. */
function normal(): number {
  let u = 0;
  while (u === 0) u = Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

/** Fills `out[off…off+dim)` for an unknown word. */
export function fillUnknown(fn: string, unkInit: UnkInit, word: string, out: Float32Array, off: number, dim: number): void {
  if (unkInit === "zeros") {
    out.fill(0, off, off + dim); // `out` may be a fresh backend buffer (wasm heap), not zero-filled
    return;
  }
  if (unkInit === "normal") {
    for (let j = 0; j < dim; j++) out[off + j] = normal();
    return;
  }
  const v = unkInit(word, dim);
  if (v === null || typeof v !== "object" || typeof (v as ArrayLike<number>).length !== "number") {
    throw typeError(fn, "unkInit(word, dim)", `an array of ${dim} numbers`, v);
  }
  if (v.length !== dim) throw rangeError(fn, "unkInit(word, dim)", `an array of ${dim} numbers`, v);
  for (let j = 0; j < dim; j++) out[off + j] = v[j];
}

export function checkUnkInit(fn: string, value: unknown): UnkInit {
  if (value === undefined) return "zeros";
  if (typeof value === "function") return value as UnkInit;
  return checkOneOf(fn, "options.unkInit", value, ["zeros", "normal"] as const);
}

/**
 * Pretrained word vectors: `size` words × `dim` floats, the first occurrence of each word.
 * Made by `loadVectors` (or `new WordVectors(words, matrix)`).
 *
 * **Shape:** `vectors` is `[size, dim]` (V × D); `get(word)` is `[dim]`.
 *
 * @example
 * const wv = await loadVectors("glove.6B.100d.txt");
 * wv.get("apple");                                   // Float32Array(100)
 * wv.mostSimilar({ positive: ["king", "woman"], negative: ["man"], topn: 1 }); // [{ word: "queen", … }]
 */
export class WordVectors {
  /** Vector length D. */
  readonly dim: number;
  /** Number of words V. */
  readonly size: number;
  /** Decoded words, or `undefined` while they are still the cache file's bytes (see `words`). */
  private wordArray: readonly string[] | undefined;
  /** Where the words come from when the table was reloaded from a binary cache. */
  private readonly wordList: WordList | undefined;
  /** The raw `[size, dim]` row-major float32 table. Treat as read-only: `vectors` shares it. */
  readonly data: Float32Array;
  /** What `loadVectors` saw in the file (duplicates, skipped lines, …); `undefined` for tables made in code. */
  readonly report: LoadReport | undefined;
  private readonly index: WordIndex;
  private tensor: tf.Tensor2D | undefined;
  /** The 4-bit index `mostSimilar` scans, built on its first call. */
  private nibbleRows: NibbleRows | undefined;
  /** The int8 index `mostSimilarCosmul` scans, built on its first call. */
  private quantizedRows: QuantizedRows | undefined;

  /**
   * A table from words and their vectors.
   *
   * **Input:** `words` (distinct strings) and `matrix` as a `[V, D]` nested array, a `Tensor2D`,
   * or a flat `Float32Array` of length V·D (then `dim` is `matrix.length / words.length`, or give
   * `options.dim` when `words` is empty).
   *
   * @example
   * const wv = new WordVectors(["cat", "dog"], [[1, 0], [0.8, 0.6]]);
   * wv.similarity("cat", "dog"); // 0.8
   */
  constructor(words: readonly string[], matrix: Float32Array | ArrayLike<ArrayLike<number>> | tf.Tensor2D, options: { dim?: number } = {}) {
    const fn = "WordVectors";
    checkKeys(fn, options, ["dim", "index", "report", "wordList"]);
    // internal (loadVectors): an index made while reading, the load report, words left undecoded
    const internal = options as { dim?: number; index?: WordIndex; report?: LoadReport; wordList?: WordList };
    if (!Array.isArray(words)) throw typeError(fn, "words", "an array of strings", words);
    const count = internal.wordList ? internal.wordList.length : words.length;
    let index = internal.index;
    if (!index) {
      const map = new Map<string, number>();
      index = map;
      for (let i = 0; i < words.length; i++) {
        const w = words[i];
        if (typeof w !== "string") throw typeError(fn, `words[${i}]`, "a string", w);
        if (map.has(w)) throw rangeError(fn, `words[${i}]`, `a word not already at index ${map.get(w)}`, w);
        map.set(w, i);
      }
    }
    let data: Float32Array;
    let dim: number;
    if (matrix instanceof tf.Tensor) {
      if (matrix.rank !== 2 || matrix.shape[0] !== count) {
        throw rangeError(fn, "matrix", `a tensor of shape [${count}, D]`, matrix);
      }
      dim = matrix.shape[1];
      data = Float32Array.from(matrix.dataSync() as ArrayLike<number>);
    } else if (matrix instanceof Float32Array) {
      if (internal.dim !== undefined) dim = checkInt(fn, "options.dim", internal.dim, 0);
      else if (count > 0) dim = matrix.length / count;
      else throw typeError(fn, "options.dim", "an integer when words is empty", internal.dim);
      if (!Number.isInteger(dim) || matrix.length !== count * dim) {
        throw rangeError(fn, "matrix", `a Float32Array of length ${count} × dim`, matrix);
      }
      data = matrix;
    } else if (matrix !== null && typeof matrix === "object" && typeof (matrix as ArrayLike<unknown>).length === "number") {
      const rows = matrix as ArrayLike<ArrayLike<number>>;
      if (rows.length !== count) throw rangeError(fn, "matrix", `an array of ${count} rows`, matrix);
      dim = internal.dim ?? (rows.length > 0 ? rows[0]?.length : undefined) ?? -1;
      if (!Number.isInteger(dim) || dim < 0) throw typeError(fn, "options.dim", "an integer when matrix is empty", internal.dim);
      data = new Float32Array(rows.length * dim);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (row === null || typeof row !== "object" || row.length !== dim) {
          throw rangeError(fn, `matrix[${i}]`, `an array of ${dim} numbers`, row);
        }
        for (let j = 0; j < dim; j++) {
          const v = row[j];
          if (typeof v !== "number") throw typeError(fn, `matrix[${i}][${j}]`, "a number", v);
          data[i * dim + j] = v;
        }
      }
    } else {
      throw typeError(fn, "matrix", "a [V, D] nested array, a Tensor2D or a Float32Array", matrix);
    }
    this.dim = dim;
    this.size = count;
    this.wordList = internal.wordList;
    this.wordArray = internal.wordList ? undefined : internal.index ? words : Object.freeze([...words]);
    this.data = data;
    this.index = index;
    this.report = internal.report;
  }

  /**
   * The words in file order (index i ↔ row i of `vectors`). A table reloaded from the binary
   * cache decodes them here, on first use (about a second for 2M words), not when it loads.
   */
  get words(): readonly string[] {
    if (this.wordArray === undefined) this.wordArray = this.wordList ? this.wordList.all() : [];
    return this.wordArray;
  }

  /** Word of row `i`, without decoding the others. */
  private wordAt(i: number): string {
    return this.wordArray !== undefined ? this.wordArray[i] : (this.wordList as WordList).at(i);
  }

  /**
   * The whole table as a tensor, made on first use and kept (not disposed by `tf.tidy`) until
   * `dispose()`. **Output shape:** `[size, dim]`.
   */
  get vectors(): tf.Tensor2D {
    if (!this.tensor || this.tensor.isDisposed) {
      checkAllocation("WordVectors.vectors", "the table", [this.size, this.dim]);
      this.tensor = tf.keep(tf.tensor2d(this.data, [this.size, this.dim], "float32"));
    }
    return this.tensor;
  }

  /** Row of `word`, or -1. */
  indexOf(word: string): number {
    return this.index.get(word) ?? -1;
  }

  /** Whether `word` has a vector. */
  has(word: string): boolean {
    return this.index.has(word);
  }

  /**
   * The vector of `word` (a copy), or `undefined` when it has none — or a `RangeError` with
   * `{ missing: "error" }`. **Output shape:** `[dim]`.
   *
   * @example
   * wv.get("apple");                       // Float32Array(100)
   * wv.get("qwxz", { missing: "error" });  // RangeError
   */
  get(word: string, options: { missing?: "undefined" | "error" } = {}): Float32Array | undefined {
    checkKeys("get", options, ["missing"]);
    const missing = options.missing === undefined ? "undefined" : checkOneOf("get", "options.missing", options.missing, ["undefined", "error"] as const);
    if (typeof word !== "string") throw typeError("get", "word", "a string", word);
    const i = this.index.get(word);
    if (i === undefined) {
      if (missing === "error") throw rangeError("get", "word", `a word with a vector (${this.size} words)`, word);
      return undefined;
    }
    return this.data.slice(i * this.dim, (i + 1) * this.dim);
  }

  /**
   * One row per token (torchtext's `get_vecs_by_tokens`): the token's vector, else with
   * `lowerCaseBackup` its lower-case form's, else `unkInit` (zeros). The caller owns the tensor.
   * **Input:** `T` tokens. **Output shape:** `[T, dim]`.
   *
   * @example
   * const x = wv.getVecsByTokens(["The", "cat"], { lowerCaseBackup: true }); // [2, 100]
   */
  getVecsByTokens(tokens: readonly string[], options: GetVecsOptions = {}): tf.Tensor2D {
    const fn = "getVecsByTokens";
    checkKeys(fn, options, ["lowerCaseBackup", "unkInit"]);
    if (!Array.isArray(tokens)) throw typeError(fn, "tokens", "an array of strings", tokens);
    const lower = options.lowerCaseBackup ?? false;
    if (typeof lower !== "boolean") throw typeError(fn, "options.lowerCaseBackup", "a boolean", lower);
    const unkInit = checkUnkInit(fn, options.unkInit);
    const { dim } = this;
    const out = new Float32Array(tokens.length * dim);
    for (let t = 0; t < tokens.length; t++) {
      const token = tokens[t];
      if (typeof token !== "string") throw typeError(fn, `tokens[${t}]`, "a string", token);
      const i = this.lookup(token, lower);
      if (i >= 0) out.set(this.data.subarray(i * dim, (i + 1) * dim), t * dim);
      else fillUnknown(fn, unkInit, token, out, t * dim, dim);
    }
    return tf.tensor2d(out, [tokens.length, dim]); // [T, D]
  }

  /** Row of `word`, or of its lower-case form with `lower`, or -1. */
  private lookup(word: string, lower: boolean): number {
    const i = this.index.get(word);
    if (i !== undefined) return i;
    if (lower) {
      const j = this.index.get(word.toLowerCase());
      if (j !== undefined) return j;
    }
    return -1;
  }

  /** How many of `vocab`'s words have a vector (and which do not). */
  coverage(vocab: readonly string[] | { itos: readonly string[] }, options: { lowerCaseBackup?: boolean } = {}): VectorCoverage {
    checkKeys("coverage", options, ["lowerCaseBackup"]);
    const itos = vocabWords("coverage", vocab);
    const lower = options.lowerCaseBackup ?? false;
    let found = 0;
    const missing: string[] = [];
    for (const w of itos) {
      if (this.lookup(w, lower) >= 0) found++;
      else if (missing.length < MAX_SHOWN_MISSING) missing.push(w);
    }
    return { found, total: itos.length, ratio: itos.length === 0 ? 1 : found / itos.length, missing };
  }

  /** The 4-bit index of `mostSimilar`, built on its first call (one pass over the table, no float copy). */
  private nibbles(): NibbleRows {
    if (!this.nibbleRows) this.nibbleRows = new NibbleRows(this.data, this.size, this.dim);
    return this.nibbleRows;
  }

  /** The int8 index of `mostSimilarCosmul`, built on its first call (one pass over the table, no float copy). */
  private quantized(): QuantizedRows {
    if (!this.quantizedRows) this.quantizedRows = new QuantizedRows(this.data, this.size, this.dim);
    return this.quantizedRows;
  }

  /** Row index of a word, or a RangeError naming the argument. */
  private need(fn: string, arg: string, word: string): number {
    const i = this.index.get(word);
    if (i === undefined) throw rangeError(fn, arg, `a word with a vector (${this.size} words)`, word);
    return i;
  }

  /**
   * A word's vector — its unit row (float32, as the scores use it), or with `raw` its row as
   * stored — or a raw vector given by the caller (checked). No index is built.
   */
  private term(fn: string, arg: string, x: unknown, exclude: Set<number>, raw = false): ArrayLike<number> {
    if (typeof x === "string") {
      const i = this.need(fn, arg, x);
      exclude.add(i);
      return raw ? this.data.subarray(i * this.dim, (i + 1) * this.dim) : unitRow(this.data, this.dim, i);
    }
    if (x !== null && typeof x === "object" && typeof (x as ArrayLike<number>).length === "number") {
      const v = x as ArrayLike<number>;
      if (v.length !== this.dim) throw rangeError(fn, arg, `a word or a vector of length ${this.dim}`, x);
      for (let j = 0; j < v.length; j++) if (typeof v[j] !== "number") throw typeError(fn, `${arg}[${j}]`, "a number", v[j]);
      return v;
    }
    throw typeError(fn, arg, `a word or a vector of length ${this.dim}`, x);
  }

  private terms(fn: string, options: MostSimilarOptions | string, exclude: Set<number>) {
    const opts: MostSimilarOptions = typeof options === "string" ? { positive: [options] } : options;
    checkKeys(fn, opts, ["positive", "negative", "topn", "restrictVocab"]);
    const list = (arg: "positive" | "negative") => {
      const v = opts[arg];
      if (v === undefined) return [];
      // one word, or one vector of numbers, or a list of words / vectors
      const items: unknown[] = typeof v === "string" || (typeof (v as ArrayLike<unknown>).length === "number" && typeof (v as ArrayLike<unknown>)[0] === "number") ? [v] : Array.isArray(v) ? v : [v];
      return items.map((x, i) => this.term(fn, `options.${arg}[${i}]`, x, exclude));
    };
    const positive = list("positive");
    const negative = list("negative");
    if (positive.length + negative.length === 0) throw typeError(fn, "options.positive", "at least one word (or options.negative)", opts.positive);
    const topn = opts.topn === undefined ? 10 : checkInt(fn, "options.topn", opts.topn, 1);
    const limit = opts.restrictVocab === undefined ? this.size : Math.min(checkInt(fn, "options.restrictVocab", opts.restrictVocab, 1), this.size);
    if (this.dim === 0) throw rangeError(fn, "the vectors", "at least 1-dimensional", 0);
    return { positive, negative, topn, limit };
  }

  /**
   * The `topn` words closest to the mean of the positive unit vectors minus the negative ones
   * (gensim's `most_similar`): cosine similarity, the input words themselves left out. A string
   * argument is shorthand for `{ positive: [word] }`.
   *
   * @example
   * wv.mostSimilar("frog", ).map((s) => s.word);                                  // ["frogs", "toad", …]
   * wv.mostSimilar({ positive: ["king", "woman"], negative: ["man"], topn: 1 });  // [{ word: "queen", similarity: 0.77 }]
   */
  mostSimilar(options: MostSimilarOptions | string): SimilarWord[] {
    const fn = "mostSimilar";
    const exclude = new Set<number>();
    const { positive, negative, topn, limit } = this.terms(fn, options, exclude);
    const mean = new Float64Array(this.dim);
    for (const [list, w] of [[positive, 1], [negative, -1]] as const) {
      for (const v of list) for (let j = 0; j < this.dim; j++) mean[j] += w * v[j];
    }
    unitInPlace(mean);
    const { index, score } = this.nibbles().top(mean, topn, limit, exclude);
    return index.map((i, k) => ({ word: this.wordAt(i), similarity: score[k] }));
  }

  /**
   * Levy & Goldberg's 3CosMul (gensim's `most_similar_cosmul`): cosine similarities shifted to
   * [0, 1], multiplied over the positive words and divided by the product over the negative ones
   * (+ 1e-6). Input words are left out.
   *
   * @example
   * wv.mostSimilarCosmul({ positive: ["king", "woman"], negative: ["man"], topn: 1 }); // [{ word: "queen", … }]
   */
  mostSimilarCosmul(options: MostSimilarOptions | string): SimilarWord[] {
    const fn = "mostSimilarCosmul";
    const exclude = new Set<number>();
    const { positive, negative, topn, limit } = this.terms(fn, options, exclude);
    const index = this.quantized();
    const terms = [...positive.map((v) => ({ v, sign: 1 })), ...negative.map((v) => ({ v, sign: -1 }))];
    // The 3CosMul score of row i, from exact cosines (as mostSimilar scores them), gensim's order.
    const exactScore = (i: number): number => {
      let p = 1;
      let n = 1;
      for (const { v, sign } of terms) {
        const f = (1 + index.exact(i, v)) / 2;
        if (sign > 0) p *= f;
        else n *= f;
      }
      return p / (n + 1e-6); // 1e-6: gensim's guard against 0
    };
    const approx = terms.map(({ v }) => index.approxScores(v, limit));
    let candidates: number[];
    if (approx.every((a) => a !== null)) {
      candidates = cosmulCandidates(approx as { approx: Float32Array; bound: number }[], terms.map((t) => t.sign), limit, topn, exclude);
    } else {
      candidates = [];
      for (let i = 0; i < limit; i++) if (!exclude.has(i)) candidates.push(i);
    }
    const scored = candidates.map((i) => ({ i, s: exactScore(i) })).filter((x) => x.s === x.s); // NaN never wins
    scored.sort((a, b) => b.s - a.s || a.i - b.i);
    return scored.slice(0, topn).map(({ i, s }) => ({ word: this.wordAt(i), similarity: s }));
  }

  /**
   * Cosine similarity of two words (or vectors).
   *
   * @example
   * wv.similarity("cat", "dog"); // 0.88
   */
  similarity(a: WordOrVector, b: WordOrVector): number {
    const fn = "similarity";
    const va = this.term(fn, "a", a, new Set(), true);
    const vb = this.term(fn, "b", b, new Set(), true);
    let dot = 0, na = 0, nb = 0;
    for (let j = 0; j < this.dim; j++) {
      dot += va[j] * vb[j];
      na += va[j] * va[j];
      nb += vb[j] * vb[j];
    }
    return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
  }

  /**
   * The word that fits least (gensim's `doesnt_match`): the one whose unit vector is farthest from
   * the normalised mean of all of them. Words without a vector are an error, or ignored with
   * `{ ignoreMissing: true }`.
   *
   * @example
   * wv.doesntMatch(["breakfast", "cereal", "dinner", "lunch"]); // "cereal"
   */
  doesntMatch(words: readonly string[], options: { ignoreMissing?: boolean } = {}): string {
    const fn = "doesntMatch";
    checkKeys(fn, options, ["ignoreMissing"]);
    if (!Array.isArray(words)) throw typeError(fn, "words", "an array of words", words);
    const ignore = options.ignoreMissing ?? false;
    const used: string[] = [];
    for (let i = 0; i < words.length; i++) {
      if (typeof words[i] !== "string") throw typeError(fn, `words[${i}]`, "a string", words[i]);
      if (this.index.has(words[i])) used.push(words[i]);
      else if (!ignore) this.need(fn, `words[${i}]`, words[i]);
    }
    if (used.length === 0) throw rangeError(fn, "words", "at least one word with a vector", words);
    const rows = used.map((w) => {
      const i = this.index.get(w) as number;
      const v = Float64Array.from(this.data.subarray(i * this.dim, (i + 1) * this.dim));
      unitInPlace(v);
      return v;
    });
    const mean = new Float64Array(this.dim);
    for (const r of rows) for (let j = 0; j < this.dim; j++) mean[j] += r[j];
    unitInPlace(mean);
    let best = "";
    let bestScore = Infinity;
    rows.forEach((r, k) => {
      let s = 0;
      for (let j = 0; j < this.dim; j++) s += r[j] * mean[j];
      // gensim sorts (score, word) pairs: the lowest score wins, ties go to the smaller word
      if (s < bestScore || (s === bestScore && used[k] < best)) {
        bestScore = s;
        best = used[k];
      }
    });
    return best;
  }

  /**
   * "`a` is to `b` as `c` is to ?" — `man : king :: woman : ?` → `"queen"`: the best answer of
   * `mostSimilar({ positive: [b, c], negative: [a] })` (`method: "add"`, the default) or of
   * `mostSimilarCosmul` (`method: "mul"`).
   *
   * @example
   * wv.analogy("man", "king", "woman"); // "queen"
   */
  analogy(a: string, b: string, c: string, options: { method?: "add" | "mul"; restrictVocab?: number } = {}): string {
    const fn = "analogy";
    checkKeys(fn, options, ["method", "restrictVocab"]);
    const method = options.method === undefined ? "add" : checkOneOf(fn, "options.method", options.method, ["add", "mul"] as const);
    for (const [arg, w] of [["a", a], ["b", b], ["c", c]] as const) {
      if (typeof w !== "string") throw typeError(fn, arg, "a word", w);
      this.need(fn, arg, w);
    }
    const query = { positive: [b, c], negative: [a], topn: 1, restrictVocab: options.restrictVocab };
    const best = method === "add" ? this.mostSimilar(query) : this.mostSimilarCosmul(query);
    if (best.length === 0) throw rangeError(fn, "the vectors", "more words than the three given", this.size);
    return best[0].word;
  }

  /**
   * An `Embedding` layer initialised from these vectors (PyTorch's
   * `nn.Embedding.from_pretrained(glove.vectors, freeze)`), its rows aligned to `vocab`: row i is
   * the vector of `vocab.itos[i]`, `unkInit` where there is none, zeros at `paddingIdx`. The
   * returned layer carries `coverage`: how many vocabulary words had a vector.
   *
   * **Output:** an `Embedding` of `[vocab size, dim]`; called on ids `[B, T]` it gives `[B, T, dim]`.
   *
   * @example
   * const vocab = buildVocab(tokens, { specials: ["<pad>", "<unk>"] });
   * const emb = wv.toEmbedding({ vocab, freeze: false, paddingIdx: 0 });
   * emb.coverage; // { found: 4817, total: 5002, ratio: 0.963, missing: ["<pad>", "<unk>", …] }
   */
  toEmbedding(options: ToEmbeddingOptions = {}): Embedding & { coverage: VectorCoverage } {
    const fn = "toEmbedding";
    checkKeys(fn, options, ["vocab", "freeze", "paddingIdx", "unkInit", "lowerCaseBackup", "maxNorm", "name"]);
    const itos = options.vocab === undefined ? this.words : vocabWords(fn, options.vocab);
    const lower = options.lowerCaseBackup ?? false;
    if (typeof lower !== "boolean") throw typeError(fn, "options.lowerCaseBackup", "a boolean", lower);
    const unkInit = checkUnkInit(fn, options.unkInit);
    const V = itos.length;
    const { dim } = this;
    if (V === 0) throw rangeError(fn, "vocab", "at least one word", options.vocab);
    if (dim === 0) throw rangeError(fn, "the vectors", "at least 1-dimensional", 0);
    let pad: number | undefined;
    if (options.paddingIdx !== undefined && options.paddingIdx !== null) {
      pad = checkInt(fn, "options.paddingIdx", options.paddingIdx, -V, V - 1);
      if (pad < 0) pad += V; // PyTorch: negative padding_idx counts from the end
    }
    // The [V, D] table is checked against the backend's limit, then written once, in place, into
    // the tensor the layer keeps (no JS copy first): a refusal costs nothing.
    let found = 0;
    const missing: string[] = [];
    const table = tableFromValues(fn, "the table", [V, dim], (matrix) => {
      for (let i = 0; i < V; i++) {
        const r = options.vocab === undefined ? i : this.lookup(itos[i], lower);
        if (r >= 0) {
          matrix.set(this.data.subarray(r * dim, (r + 1) * dim), i * dim);
          found++;
        } else {
          if (missing.length < MAX_SHOWN_MISSING) missing.push(itos[i]);
          if (i !== pad) fillUnknown(fn, unkInit, itos[i], matrix, i * dim, dim);
        }
      }
      if (pad !== undefined) matrix.fill(0, pad * dim, (pad + 1) * dim); // the padding row starts at zero, as in nn.Embedding
    });
    let layer: Embedding;
    try {
      layer = Embedding.fromPretrained(table, {
        freeze: options.freeze ?? true,
        paddingIdx: pad,
        maxNorm: options.maxNorm,
        copy: false, // the layer takes this fresh table's storage
        ...(options.name !== undefined ? { name: options.name } : {}),
      });
    } finally {
      table.dispose(); // the layer's variable holds its own reference
    }
    const coverage: VectorCoverage = { found, total: V, ratio: found / V, missing };
    return Object.assign(layer, { coverage });
  }

  /** Frees the cached `vectors` tensor and the similarity indexes. */
  dispose(): void {
    if (this.tensor && !this.tensor.isDisposed) this.tensor.dispose();
    this.tensor = undefined;
    this.quantizedRows?.dispose();
    this.quantizedRows = undefined;
    this.nibbleRows?.dispose();
    this.nibbleRows = undefined;
  }

  /** `WordVectors(300000 × 100)`. */
  toString(): string {
    return `WordVectors(${this.size} × ${this.dim})`;
  }
}

/**
 * The rows that can still be among the `k` best by 3CosMul, from approximate cosines per term
 * (`sign` 1 positive, -1 negative), each within `bound` of the exact one: interval arithmetic
 * gives every row's score a lower and an upper bound; a row stays when its upper bound reaches
 * the k-th largest lower bound (k rows score at least that, exactly).
 */
function cosmulCandidates(approx: { approx: Float32Array; bound: number }[], sign: number[], limit: number, k: number, exclude: ReadonlySet<number>): number[] {
  const lower = new Float64Array(limit);
  const upper = new Float64Array(limit);
  const scores = approx.map((a) => a.approx);
  const bounds = approx.map((a) => a.bound);
  for (let i = 0; i < limit; i++) {
    let pLo = 1, pHi = 1, nLo = 1, nHi = 1;
    for (let t = 0; t < scores.length; t++) {
      const a = scores[t][i];
      const b = bounds[t];
      const lo = (1 + a - b) / 2;
      const hi = (1 + a + b) / 2;
      // [xLo, xHi] · [lo, hi]: the extremes are among the four corner products
      const xLo = sign[t] > 0 ? pLo : nLo;
      const xHi = sign[t] > 0 ? pHi : nHi;
      const c1 = xLo * lo, c2 = xLo * hi, c3 = xHi * lo, c4 = xHi * hi;
      const mLo = Math.min(c1, c2, c3, c4);
      const mHi = Math.max(c1, c2, c3, c4);
      if (sign[t] > 0) {
        pLo = mLo;
        pHi = mHi;
      } else {
        nLo = mLo;
        nHi = mHi;
      }
    }
    nLo += 1e-6;
    nHi += 1e-6;
    if (!(nLo > 0)) {
      // the denominator can reach 0: no bound (NaN inputs land here too)
      lower[i] = -Infinity;
      upper[i] = Infinity;
      continue;
    }
    const d1 = pLo / nLo, d2 = pLo / nHi, d3 = pHi / nLo, d4 = pHi / nHi;
    // float64 rounding of the interval arithmetic: widen a little (the bounds already hold ≥ 1e-5)
    const lo = Math.min(d1, d2, d3, d4);
    const hi = Math.max(d1, d2, d3, d4);
    lower[i] = lo - Math.abs(lo) * 1e-12;
    upper[i] = hi + Math.abs(hi) * 1e-12;
  }
  const best = topK(lower, k, exclude);
  const floor = best.length === k ? lower[best[k - 1]] : -Infinity;
  const out: number[] = [];
  for (let i = 0; i < limit; i++) if (!exclude.has(i) && upper[i] >= floor) out.push(i);
  return out;
}

/** Scales `v` to unit length in place (a zero vector stays zero). */
function unitInPlace(v: Float64Array): void {
  let ss = 0;
  for (let j = 0; j < v.length; j++) ss += v[j] * v[j];
  if (ss > 0) {
    const inv = 1 / Math.sqrt(ss);
    for (let j = 0; j < v.length; j++) v[j] *= inv;
  }
}

/** The words of a `Vocab` (its `itos`), or a plain array of words. */
export function vocabWords(fn: string, vocab: unknown): readonly string[] {
  const itos = Array.isArray(vocab) ? vocab : vocab !== null && typeof vocab === "object" ? (vocab as { itos?: unknown }).itos : undefined;
  if (!Array.isArray(itos)) throw typeError(fn, "vocab", "a Vocab (with itos) or an array of words", vocab);
  for (let i = 0; i < itos.length; i++) if (typeof itos[i] !== "string") throw typeError(fn, `vocab[${i}]`, "a string", itos[i]);
  return itos as readonly string[];
}

