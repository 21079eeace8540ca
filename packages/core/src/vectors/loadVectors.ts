/**
 * `loadVectors`: every common word-vector file format, streamed (never the whole file as one
 * string), with the mess of real files handled and reported.
 */
import { existsSync, promises as fsp, statSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { isNpy } from "../io/npy";
import { checkInt, checkKeys, checkOneOf, typeError } from "../validate";
import { ByteSource, type VectorInput } from "./byteSource";
import { readNpyMatrix } from "./npyMatrix";
import { isHeaderLine, readTextVectors } from "./readTextVectors";
import { readWord2vecBinary } from "./readWord2vecBinary";
import { KEEP, RowCollector } from "./RowCollector";
import { isVectorCache, parseVectorCache, readVectorCache } from "./vectorCache";
import { VectorFileError } from "./VectorFileError";
import { WordVectors } from "./WordVectors";

/** The formats `loadVectors` reads (`"auto"` sniffs). */
export const VECTOR_FORMATS = ["auto", "glove", "word2vec", "fasttext", "word2vec-binary", "npy", "tsv", "embedlab"] as const;
export type VectorFormat = (typeof VECTOR_FORMATS)[number];

/** Options of `loadVectors`. */
export interface LoadVectorsOptions {
  /**
   * `"glove"` (no header), `"word2vec"` / `"fasttext"` (text with a `count dim` header),
   * `"word2vec-binary"`, `"npy"` (+ `words`), `"tsv"` (Projector `vectors.tsv` + `metadata`),
   * `"embedlab"` (the `saveVectors` cache). Defaults to `"auto"`: magic bytes, extension, header.
   */
  format?: VectorFormat;
  /** Read only the first `limit` vectors of the file. Defaults to all. */
  limit?: number;
  /** Keep only these words (a `Vocab`, an array or a `Set`): a 400k file for a 5k vocabulary holds 5k vectors. Defaults to all. */
  vocab?: Iterable<string> | { itos: readonly string[] };
  /** Lower-case every word (the first vector of each lower-cased word is kept). Defaults to `false`. */
  lower?: boolean;
  /** Element type of the table: tfjs tensors are float32, so only `"float32"` (float64 / float16 files are converted). */
  dtype?: "float32";
  /** Called after each chunk with bytes read so far and the file size (`undefined` for streams). */
  onProgress?: (bytesRead: number, total: number | undefined) => void;
  /** A bad line throws a `VectorFileError` (`"error"`, the default) or is skipped and counted in `wv.report` (`"skip"`). */
  onBadLine?: "error" | "skip";
  /** The vector length, when the first line cannot tell (a GloVe file whose first word contains a space). Defaults to the header or the first line. */
  dim?: number;
  /** `"npy"`: the words, as an array or a file with one word per line. Defaults to `<name>.words.txt` next to the `.npy`. */
  words?: string | readonly string[];
  /** `"tsv"`: the Projector `metadata.tsv`. Defaults to `metadata.tsv` next to `vectors.tsv`. */
  metadata?: string;
  /** `"tsv"` with several metadata columns: the column (header name or index) holding the word. Defaults to `0`. */
  labelColumn?: string | number;
}

const OPTION_KEYS = ["format", "limit", "vocab", "lower", "dtype", "onProgress", "onBadLine", "dim", "words", "metadata", "labelColumn"] as const;

/** Bytes a text vector line can hold: digits, signs, dots, exponents, nan/inf, separators. */
function looksLikeText(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    const ok = (c >= 48 && c <= 57) || c === 32 || c === 9 || c === 10 || c === 13 || c === 43 || c === 45 || c === 46 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!ok) return false;
  }
  return true;
}

/** Picks the format from the magic bytes, the name and the first line. */
function sniff(head: Buffer, name: string): Exclude<VectorFormat, "auto"> {
  if (isVectorCache(head)) return "embedlab";
  if (isNpy(head)) return "npy";
  const bare = name.replace(/\.gz$/i, "");
  const ext = extname(bare).toLowerCase();
  if (ext === ".tsv") return "tsv";
  let s = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  let nl = head.indexOf(10, s);
  while (nl === s || (nl === s + 1 && head[s] === 13)) {
    s = nl + 1;
    nl = head.indexOf(10, s);
  }
  if (nl !== -1 && isHeaderLine(head, s, nl)) {
    const dim = Number(head.toString("latin1", s, nl).trim().split(/[ \t]+/)[1]);
    const sp = head.indexOf(32, nl + 1);
    if (sp !== -1) {
      const sample = head.subarray(sp + 1, Math.min(head.length, sp + 1 + Math.min(dim * 4, 400)));
      if (!looksLikeText(sample)) return "word2vec-binary";
    }
    return ext === ".vec" ? "fasttext" : "word2vec";
  }
  if (ext === ".bin") return "word2vec-binary";
  return "glove";
}

/** Lines of a small text file (BOM and `\r` dropped, no trailing empty line). */
async function readLines(path: string): Promise<string[]> {
  let text = await fsp.readFile(path, "utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Words of a Projector metadata file: the only column, or `labelColumn` of a file with a header row. */
async function metadataWords(fn: string, path: string, labelColumn: string | number | undefined): Promise<string[]> {
  const lines = await readLines(path);
  if (lines.length === 0) return [];
  if (!lines[0].includes("\t")) return lines; // one column: no header (Projector's rule)
  const header = lines[0].split("\t");
  const col = labelColumn === undefined ? 0 : typeof labelColumn === "number" ? labelColumn : header.indexOf(labelColumn);
  if (col < 0 || col >= header.length) {
    throw new RangeError(`${fn}: expected options.labelColumn to be one of the metadata columns ${header.map((h) => JSON.stringify(h)).join(", ")}, but got ${JSON.stringify(labelColumn)}`);
  }
  return lines.slice(1).map((l) => l.split("\t")[col] ?? "");
}

/**
 * Loads word vectors from a file or stream.
 *
 * Text files are read chunk by chunk and parsed from the bytes (a 400k × 100 GloVe file in about
 * two seconds). Messy files are handled: a UTF-8 BOM, `\r\n`, control characters inside words,
 * words with spaces (GloVe 840B: the last `dim` fields are the vector), duplicate words (the first
 * is kept, the rest counted), bad lines (an error naming the line, the word and the reason — or
 * skipped and counted), gzip-compressed input. `wv.report` says what was seen.
 *
 * **Output:** a `WordVectors` of `[size, dim]`.
 *
 * @example
 * const wv = await loadVectors("glove.6B.100d.txt", { vocab: myVocab });  // only my words
 * const w2v = await loadVectors("GoogleNews-vectors-negative300.bin.gz", { limit: 100000 });
 * wv.report.duplicates;                                                   // 0
 */
export async function loadVectors(pathOrStream: VectorInput, options: LoadVectorsOptions = {}): Promise<WordVectors> {
  const fn = "loadVectors";
  checkKeys(fn, options, OPTION_KEYS);
  let format = options.format === undefined ? "auto" : checkOneOf(fn, "options.format", options.format, VECTOR_FORMATS);
  const limit = options.limit === undefined ? undefined : checkInt(fn, "options.limit", options.limit, 0);
  const lower = options.lower ?? false;
  if (typeof lower !== "boolean") throw typeError(fn, "options.lower", "a boolean", lower);
  if (options.dtype !== undefined) checkOneOf(fn, "options.dtype", options.dtype, ["float32"] as const);
  const onBadLine = options.onBadLine === undefined ? "error" : checkOneOf(fn, "options.onBadLine", options.onBadLine, ["error", "skip"] as const);
  const dim = options.dim === undefined ? undefined : checkInt(fn, "options.dim", options.dim, 1);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") throw typeError(fn, "options.onProgress", "a function", options.onProgress);
  let vocab: Set<string> | undefined;
  if (options.vocab !== undefined) {
    const v = options.vocab as unknown;
    const items = v !== null && typeof v === "object" && Array.isArray((v as { itos?: unknown }).itos) ? (v as { itos: string[] }).itos : v;
    if (items === null || typeof items !== "object" || typeof (items as Iterable<string>)[Symbol.iterator] !== "function" || typeof items === "string") {
      throw typeError(fn, "options.vocab", "a Vocab, an array or a Set of words", v);
    }
    vocab = new Set(items as Iterable<string>);
  }
  if (typeof pathOrStream === "string") {
    if (!existsSync(pathOrStream) || !statSync(pathOrStream).isFile()) throw typeError(fn, "pathOrStream", "an existing file", pathOrStream);
  } else if (pathOrStream === null || typeof pathOrStream !== "object" || !(Symbol.asyncIterator in pathOrStream)) {
    throw typeError(fn, "pathOrStream", "a file path or a readable stream", pathOrStream);
  }

  const src = await ByteSource.open(pathOrStream, options.onProgress);
  try {
    const head = await src.peek(1 << 16);
    if (format === "auto") format = sniff(head, src.path ?? "");
    const col = new RowCollector({ fn, source: src.name, format, limit, vocab, lower, onBadLine });
    const noFilter = limit === undefined && vocab === undefined && !lower;
    if (format === "embedlab" || format === "npy") {
      let words: readonly string[];
      let data: Float32Array;
      let d: number;
      if (format === "embedlab") {
        const c = src.path !== undefined && !src.gzip ? await readVectorCache(fn, src.path, src.name) : parseVectorCache(fn, src.name, await src.readAll());
        if (options.onProgress) options.onProgress(src.total ?? 0, src.total);
        if (noFilter) {
          // the words stay bytes until asked for (wv.words); lookups compare bytes
          col.report.records = col.report.kept = c.words.length;
          const internal = { dim: c.dim, index: c.index, report: { ...col.report, seconds: 0, bytes: src.bytesRead }, wordList: c.words };
          return new WordVectors([], c.data, internal as { dim: number });
        }
        ({ data, dim: d } = c);
        words = c.words.all();
      } else {
        const m = readNpyMatrix(await src.readAll());
        if (typeof m === "string") throw new VectorFileError(fn, src.name, 0, undefined, m);
        ({ data, cols: d } = m);
        words = await npyWords(fn, src.path, options.words, m.rows);
      }
      col.init(d, words.length);
      for (let i = 0; i < words.length; i++) {
        if (!col.take()) break;
        const w = col.normalise(words[i]);
        const decision = col.decide(w);
        if (decision !== KEEP) {
          col.drop(w, decision);
          continue;
        }
        const off = col.reserve();
        col.data.set(data.subarray(i * d, (i + 1) * d), off);
        col.commit(w);
      }
    } else if (format === "word2vec-binary") {
      await readWord2vecBinary(src, col);
    } else if (format === "tsv") {
      const meta = options.metadata ?? (src.path !== undefined ? join(dirname(src.path), "metadata.tsv") : undefined);
      if (meta === undefined || !existsSync(meta)) throw typeError(fn, "options.metadata", "the path of an existing metadata.tsv", meta);
      const words = await metadataWords(fn, meta, options.labelColumn);
      await readTextVectors(src, col, { header: "none", dim, words });
    } else {
      await readTextVectors(src, col, { header: format === "glove" ? "optional" : "required", dim });
    }
    const r = col.finish(src.bytesRead);
    return new WordVectors(r.words, r.data, { dim: r.dim < 0 ? 0 : r.dim, index: col.index, report: r.report } as { dim: number });
  } finally {
    src.close();
  }
}

/** The words of an `.npy` table: given, or from a words file (one per line). */
async function npyWords(fn: string, npyPath: string | undefined, words: string | readonly string[] | undefined, rows: number): Promise<readonly string[]> {
  let list: readonly string[];
  if (Array.isArray(words)) list = words;
  else {
    const path = typeof words === "string" ? words : npyPath !== undefined ? join(dirname(npyPath), basename(npyPath, extname(npyPath)) + ".words.txt") : undefined;
    if (path === undefined || !existsSync(path)) throw typeError(fn, "options.words", "an array of words or the path of a words file", words ?? path);
    list = await readLines(path);
  }
  if (list.length !== rows) throw new RangeError(`${fn}: expected options.words to hold ${rows} words (the .npy rows), but got ${list.length}`);
  list.forEach((w, i) => {
    if (typeof w !== "string") throw typeError(fn, `options.words[${i}]`, "a string", w);
  });
  return list;
}
