/**
 * A token vocabulary in torchtext's order: specials first, then tokens by frequency, ties by token.
 */
import * as tf from "../tf";
import { checkInt, checkKeys, describe, rangeError, typeError } from "../validate";
import { compareLabels } from "./labelOrder";

/** Options of {@link Vocab}'s constructor. */
export interface VocabOptions {
  /**
   * The index unknown tokens get; `null` makes them an error. Defaults to the index of `"<unk>"`
   * when the vocabulary has it, else `null`.
   */
  defaultIndex?: number | null;
}

/** Options of {@link Vocab.padBatch}. */
export interface PadBatchOptions {
  /** Pad (and cut) every sequence to this length. Defaults to the longest sequence. */
  maxLen?: number;
  /** The id to pad with. Defaults to the index of `"<pad>"`; required when there is none. */
  padIndex?: number;
}

/** The JSON form of a {@link Vocab}. */
export interface VocabJSON {
  kind: "Vocab";
  itos: string[];
  defaultIndex: number | null;
}

/**
 * A vocabulary: token ↔ id, like torchtext's `Vocab`. Build one with {@link buildVocab}.
 *
 * **Input shape:** `encode`: `[T]` tokens; `padBatch`: `B` sequences of ids or tokens.
 * **Output shape:** `encode`: `[T]` ids; `padBatch`: `[B, T]` int32.
 *
 * @example
 * const vocab = buildVocab([["the", "cat"], ["the", "dog"]]);   // <pad> <unk> the cat dog
 * vocab.encode(["the", "cow"]);                                 // [2, 1] (<unk> is the default)
 * vocab.decode([2, 3]);                                         // ["the", "cat"]
 */
export class Vocab {
  /** Id → token. */
  readonly itos: readonly string[];
  /** Token → id. */
  readonly stoi: ReadonlyMap<string, number>;
  private defaultIdx: number | null;

  /**
   * @param itos the tokens in id order, distinct strings.
   * @param options `defaultIndex` defaults to the index of `"<unk>"` when present, else `null`.
   */
  constructor(itos: readonly string[], options: VocabOptions = {}) {
    const fn = "Vocab";
    checkKeys(fn, options, ["defaultIndex"]);
    if (!Array.isArray(itos)) throw typeError(fn, "itos", "an array of strings", itos);
    const stoi = new Map<string, number>();
    for (let i = 0; i < itos.length; i++) {
      const token = itos[i];
      if (typeof token !== "string") throw typeError(fn, `itos[${i}]`, "a string", token);
      if (stoi.has(token)) throw typeError(fn, `itos[${i}]`, `a token not already at index ${stoi.get(token)}`, token);
      stoi.set(token, i);
    }
    this.itos = Object.freeze([...itos]);
    this.stoi = stoi;
    this.defaultIdx = null;
    const unk = stoi.get("<unk>");
    this.defaultIndex = options.defaultIndex === undefined ? (unk ?? null) : options.defaultIndex;
  }

  /** The number of tokens. */
  get size(): number {
    return this.itos.length;
  }

  /** The id unknown tokens get, or `null` when unknown tokens throw. */
  get defaultIndex(): number | null {
    return this.defaultIdx;
  }

  set defaultIndex(index: number | null) {
    this.defaultIdx = index === null ? null : checkInt("Vocab.defaultIndex", "defaultIndex", index, 0, this.itos.length - 1);
  }

  /** Whether `token` is in the vocabulary. */
  has(token: string): boolean {
    return this.stoi.has(token);
  }

  /** The id of one token (`defaultIndex` when unknown, or an error when there is none). */
  indexOf(token: string): number {
    return this.lookup("Vocab.indexOf", "token", token);
  }

  /**
   * Ids of `tokens`. **Input shape:** `[T]`. **Output shape:** `[T]` (`number[]`).
   */
  encode(tokens: readonly string[]): number[] {
    const fn = "Vocab.encode";
    if (!Array.isArray(tokens)) throw typeError(fn, "tokens", "an array of strings (see tokenize(text))", tokens);
    return tokens.map((t, i) => this.lookup(fn, `tokens[${i}]`, t));
  }

  /**
   * Tokens of `ids`. **Input shape:** `[T]`: an array, a typed array or a 1-D int32 tensor.
   * **Output shape:** `[T]` (`string[]`).
   */
  decode(ids: ArrayLike<number> | tf.Tensor): string[] {
    const fn = "Vocab.decode";
    let values: ArrayLike<number>;
    if (ids instanceof tf.Tensor) {
      if (ids.dtype !== "int32" || ids.rank !== 1) throw typeError(fn, "ids", "a 1-D int32 tensor", ids);
      values = ids.dataSync();
    } else if (Array.isArray(ids) || ArrayBuffer.isView(ids)) values = ids as ArrayLike<number>;
    else throw typeError(fn, "ids", "an array of integers or a 1-D int32 tensor", ids);
    const out = new Array<string>(values.length);
    for (let i = 0; i < values.length; i++) out[i] = this.token(fn, `ids[${i}]`, values[i]);
    return out;
  }

  /**
   * Pads a batch of sequences (ids, or tokens which are encoded first) into one int32 tensor.
   * Sequences longer than `maxLen` are cut to their first `maxLen` ids (only when `maxLen` is given).
   *
   * **Input shape:** `B` sequences of any lengths. **Output shape:** `[B, T]` int32, `T = maxLen`
   * or the longest length.
   *
   * @example
   * vocab.padBatch([[2, 3], [4]]);                  // [[2, 3], [4, 0]] with <pad> = 0
   */
  padBatch(sequences: readonly (ArrayLike<number> | readonly string[])[], options: PadBatchOptions = {}): tf.Tensor2D {
    const fn = "Vocab.padBatch";
    checkKeys(fn, options, ["maxLen", "padIndex"]);
    if (!Array.isArray(sequences)) throw typeError(fn, "sequences", "an array of id or token arrays", sequences);
    const maxLen = options.maxLen === undefined ? undefined : checkInt(fn, "options.maxLen", options.maxLen, 0);
    let padIndex: number;
    if (options.padIndex !== undefined) padIndex = checkInt(fn, "options.padIndex", options.padIndex, 0, this.size - 1);
    else {
      const pad = this.stoi.get("<pad>");
      if (pad === undefined) throw typeError(fn, "options.padIndex", 'an integer (this vocabulary has no "<pad>" token)', undefined);
      padIndex = pad;
    }
    const rows: ArrayLike<number>[] = sequences.map((seq, b) => {
      if (!Array.isArray(seq) && !ArrayBuffer.isView(seq)) throw typeError(fn, `sequences[${b}]`, "an array of ids or tokens", seq);
      const s = seq as ArrayLike<unknown>;
      if (s.length > 0 && typeof s[0] === "string") {
        return Array.from(s, (t, i) => this.lookup(fn, `sequences[${b}][${i}]`, t));
      }
      return s as ArrayLike<number>;
    });
    const T = maxLen ?? rows.reduce((m, r) => Math.max(m, r.length), 0);
    const B = rows.length;
    const out = new Int32Array(B * T).fill(padIndex); // [B * T], row-major [B, T]
    for (let b = 0; b < B; b++) {
      const row = rows[b];
      const n = Math.min(row.length, T);
      for (let t = 0; t < n; t++) out[b * T + t] = this.checkId(fn, `sequences[${b}][${t}]`, row[t]);
    }
    return tf.tensor2d(out, [B, T], "int32"); // [B, T]
  }

  /** The JSON form (`itos`, `defaultIndex`). */
  toJSON(): VocabJSON {
    return { kind: "Vocab", itos: [...this.itos], defaultIndex: this.defaultIdx };
  }

  /** Rebuilds a vocabulary from {@link Vocab.toJSON} output. */
  static fromJSON(json: VocabJSON): Vocab {
    if (json === null || typeof json !== "object" || json.kind !== "Vocab") {
      throw typeError("Vocab.fromJSON", "json", 'an object with kind "Vocab"', json);
    }
    return new Vocab(json.itos, { defaultIndex: json.defaultIndex });
  }

  private lookup(fn: string, arg: string, token: unknown): number {
    if (typeof token !== "string") throw typeError(fn, arg, "a string", token);
    const id = this.stoi.get(token);
    if (id !== undefined) return id;
    if (this.defaultIdx !== null) return this.defaultIdx;
    throw new RangeError(`${fn}: expected ${arg} to be in the vocabulary (it has no defaultIndex), but got ${describe(token)}`);
  }

  private checkId(fn: string, arg: string, id: unknown): number {
    if (typeof id !== "number" || !Number.isInteger(id)) throw typeError(fn, arg, "an integer id", id);
    if (id < 0 || id >= this.itos.length) throw rangeError(fn, arg, `an id in [0, ${this.itos.length - 1}]`, id);
    return id;
  }

  private token(fn: string, arg: string, id: unknown): string {
    return this.itos[this.checkId(fn, arg, id)];
  }
}

/** Options of {@link buildVocab}. */
export interface BuildVocabOptions {
  /** Tokens placed first, in this order, whatever their counts. Defaults to `["<pad>", "<unk>"]`. */
  specials?: readonly string[];
  /** Keep tokens seen at least this often. Defaults to `1`. */
  minFreq?: number;
  /** The largest vocabulary, specials included. Defaults to no limit. */
  maxTokens?: number;
}

/**
 * Builds a {@link Vocab} like torchtext's `build_vocab_from_iterator`: the specials first, then
 * tokens seen at least `minFreq` times by frequency (descending), ties by token (code point
 * order), cut to `maxTokens` in all. `defaultIndex` is the `"<unk>"` index when it is a special.
 *
 * **Input:** an array of tokens, or an iterable of token arrays (one per sentence or document).
 *
 * @param options `specials` defaults to `["<pad>", "<unk>"]`; `minFreq` to `1`; `maxTokens` to no limit.
 * @example
 * const vocab = buildVocab(texts.map((t) => tokenize(t)), { minFreq: 2, maxTokens: 10000 });
 * vocab.itos.slice(0, 4);     // ["<pad>", "<unk>", "the", ","]
 */
export function buildVocab(tokens: Iterable<string> | Iterable<Iterable<string>>, options: BuildVocabOptions = {}): Vocab {
  const fn = "buildVocab";
  checkKeys(fn, options, ["specials", "minFreq", "maxTokens"]);
  if (typeof tokens === "string" || tokens === null || typeof tokens !== "object" || !(Symbol.iterator in (tokens as object))) {
    throw typeError(fn, "tokens", "an array of tokens or an iterable of token arrays (see tokenize(text))", tokens);
  }
  const specials = options.specials ?? ["<pad>", "<unk>"];
  if (!Array.isArray(specials)) throw typeError(fn, "options.specials", "an array of strings", specials);
  specials.forEach((s, i) => {
    if (typeof s !== "string") throw typeError(fn, `options.specials[${i}]`, "a string", s);
    if (specials.indexOf(s) !== i) throw typeError(fn, `options.specials[${i}]`, "distinct from the other specials", s);
  });
  const minFreq = checkInt(fn, "options.minFreq", options.minFreq ?? 1, 1);
  const maxTokens = options.maxTokens === undefined ? Infinity : checkInt(fn, "options.maxTokens", options.maxTokens, Math.max(1, specials.length));

  const counts = new Map<string, number>();
  const count = (t: unknown, arg: string) => {
    if (typeof t !== "string") throw typeError(fn, arg, "a string token", t);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  };
  let i = 0;
  for (const item of tokens as Iterable<unknown>) {
    if (typeof item === "string") count(item, `tokens[${i}]`);
    else if (item !== null && typeof item === "object" && Symbol.iterator in item) {
      let j = 0;
      for (const t of item as Iterable<unknown>) count(t, `tokens[${i}][${j++}]`);
    } else throw typeError(fn, `tokens[${i}]`, "a string token or an iterable of tokens", item);
    i++;
  }
  for (const s of specials) counts.delete(s);
  const ranked = [...counts.entries()]
    .filter(([, c]) => c >= minFreq)
    .sort((a, b) => b[1] - a[1] || compareLabels(a[0], b[0])); // frequency desc, then token
  const room = maxTokens - specials.length;
  const kept = ranked.slice(0, Math.min(ranked.length, room)).map(([t]) => t);
  return new Vocab([...specials, ...kept]);
}
