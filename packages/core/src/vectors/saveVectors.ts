/**
 * Writers: the binary cache (`loadVectors` reloads it in a fraction of a second), GloVe text,
 * word2vec / fastText text, word2vec binary, `.npy` + words, Projector TSV. Every file is written
 * to a temporary name and renamed, so a failed call leaves no half-written file.
 */
import { promises as fsp } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { encodeNpy } from "../io/npy";
import { checkInt, checkKeys, checkOneOf, rangeError, typeError } from "../validate";
import { formatFixed, formatFloat32 } from "./formatFloat32";
import { cacheParts } from "./vectorCache";
import { WordVectors } from "./WordVectors";

/** Formats `saveVectors` writes. */
export const SAVE_FORMATS = ["embedlab", "glove", "word2vec", "fasttext", "word2vec-binary", "npy", "tsv"] as const;
export type SaveFormat = (typeof SAVE_FORMATS)[number];

/** Options of `saveVectors`. */
export interface SaveVectorsOptions {
  /** Defaults to `"embedlab"` (the binary cache). `"tsv"` writes Projector files (see `saveProjectorTsv`). */
  format?: SaveFormat;
  /** Text formats: digits after the decimal point (`6` looks like GloVe). Defaults to the shortest text that reads back to the same float32. */
  decimals?: number;
  /** `"npy"`: where the words go, one per line. Defaults to `<name>.words.txt` next to the `.npy`. */
  wordsPath?: string;
  /** `"tsv"`: the metadata file. Defaults to `metadata.tsv` next to `path`. */
  metadataPath?: string;
  /** `"tsv"`: extra metadata columns (see `saveProjectorTsv`). */
  columns?: Record<string, ArrayLike<string | number>>;
}

/** Writes `parts` (strings or bytes, produced lazily) to `path` through a temporary file. */
async function atomicWrite(path: string, produce: (write: (part: string | Uint8Array) => Promise<void>) => Promise<void>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fh = await fsp.open(tmp, "w");
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = async () => {
    if (pending.length > 0) {
      await fh.write(pending.join(""));
      pending = [];
      pendingLength = 0;
    }
  };
  try {
    await produce(async (part) => {
      if (typeof part === "string") {
        pending.push(part);
        pendingLength += part.length;
        if (pendingLength > 1 << 20) await flush();
      } else {
        await flush();
        for (let o = 0; o < part.length; o += 1 << 30) await fh.write(part.subarray(o, Math.min(part.length, o + (1 << 30))));
      }
    });
    await flush();
    await fh.close();
    await fsp.rename(tmp, path);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/** An unpaired UTF-16 surrogate: no UTF-8 file can hold one (an encoder writes U+FFFD instead). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Refuses words that would come back as other words: every format stores words as UTF-8. */
function checkEncodable(fn: string, wv: WordVectors): void {
  wv.words.forEach((w, i) => {
    if (LONE_SURROGATE.test(w)) throw rangeError(fn, `wv.words[${i}]`, "a word without unpaired surrogates (UTF-8 cannot hold them: it would be read back as another word)", w);
  });
}

function checkWords(fn: string, wv: WordVectors, forbid: RegExp, what: string): void {
  wv.words.forEach((w, i) => {
    if (forbid.test(w)) throw rangeError(fn, `wv.words[${i}]`, `a word without ${what} (this format cannot hold it)`, w);
    if (w === "") throw rangeError(fn, `wv.words[${i}]`, "a non-empty word (this format cannot hold it)", w);
  });
}

/**
 * Saves word vectors. The default `"embedlab"` format is a compact binary cache (header + words +
 * float32 table) that `loadVectors` reloads a 400k × 100 table from in well under a second; the
 * text formats round-trip exactly (shortest float32 text) unless `decimals` is given. Words are
 * stored as UTF-8, so a word with an unpaired surrogate (which would come back as another word) is
 * refused with a RangeError, before any file is written.
 *
 * @example
 * await saveVectors(wv, "glove.6B.100d.evec");                          // cache
 * await saveVectors(wv, "small.txt", { format: "glove", decimals: 6 }); // GloVe text
 * await saveVectors(wv, "vectors.tsv", { format: "tsv" });              // + metadata.tsv
 */
export async function saveVectors(wv: WordVectors, path: string, options: SaveVectorsOptions = {}): Promise<void> {
  const fn = "saveVectors";
  if (!(wv instanceof WordVectors)) throw typeError(fn, "wv", "a WordVectors", wv);
  if (typeof path !== "string" || path === "") throw typeError(fn, "path", "a file path", path);
  checkKeys(fn, options, ["format", "decimals", "wordsPath", "metadataPath", "columns"]);
  const format = options.format === undefined ? "embedlab" : checkOneOf(fn, "options.format", options.format, SAVE_FORMATS);
  const decimals = options.decimals === undefined ? undefined : checkInt(fn, "options.decimals", options.decimals, 0, 20);
  const fmt = decimals === undefined ? formatFloat32 : (v: number) => formatFixed(v, decimals);
  checkEncodable(fn, wv);
  const { data, dim, size, words } = wv;
  if (format === "tsv") {
    return saveProjectorTsv(wv, path, options.metadataPath ?? join(dirname(path), "metadata.tsv"), { columns: options.columns, decimals });
  }
  if (format === "embedlab") {
    const { head } = cacheParts(words, dim);
    return atomicWrite(path, async (write) => {
      await write(head);
      await write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
  }
  if (format === "npy") {
    checkWords(fn, wv, /[\n\r]/, "line breaks");
    const wordsPath = options.wordsPath ?? join(dirname(path), basename(path, extname(path)) + ".words.txt");
    await atomicWrite(wordsPath, async (write) => write(words.join("\n") + (size > 0 ? "\n" : "")));
    return atomicWrite(path, async (write) => write(encodeNpy(data, [size, dim])));
  }
  if (format === "word2vec-binary") {
    checkWords(fn, wv, /[ \n]/, "spaces or line breaks");
    return atomicWrite(path, async (write) => {
      await write(`${size} ${dim}\n`);
      for (let i = 0; i < size; i++) {
        await write(words[i] + " ");
        await write(new Uint8Array(data.buffer, data.byteOffset + i * dim * 4, dim * 4).slice());
        await write("\n");
      }
    });
  }
  // text: "word v1 … vD" per line; word2vec / fastText add a "count dim" header
  checkWords(fn, wv, /[\n\r]/, "line breaks");
  if (format !== "glove") checkWords(fn, wv, /[ \t]/, "spaces or tabs");
  return atomicWrite(path, async (write) => {
    if (format !== "glove") await write(`${size} ${dim}\n`);
    const values = new Array<string>(dim);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < dim; j++) values[j] = fmt(data[i * dim + j]);
      await write(words[i] + " " + values.join(" ") + "\n");
    }
  });
}

/**
 * Writes the TensorFlow Embedding Projector pair: `vectors.tsv` (tab-separated values, one row
 * per word) and `metadata.tsv` — only the words, without a header, or with `columns` a header row
 * (`word` first) and one column per entry; every column must have `wv.size` rows.
 *
 * @example
 * await saveProjectorTsv(wv, "out/vectors.tsv", "out/metadata.tsv", { columns: { freq: counts } });
 */
export async function saveProjectorTsv(
  wv: WordVectors,
  vectorsPath: string,
  metadataPath: string,
  options: { columns?: Record<string, ArrayLike<string | number>>; decimals?: number } = {},
): Promise<void> {
  const fn = "saveProjectorTsv";
  if (!(wv instanceof WordVectors)) throw typeError(fn, "wv", "a WordVectors", wv);
  if (typeof vectorsPath !== "string" || vectorsPath === "") throw typeError(fn, "vectorsPath", "a file path", vectorsPath);
  if (typeof metadataPath !== "string" || metadataPath === "") throw typeError(fn, "metadataPath", "a file path", metadataPath);
  checkKeys(fn, options, ["columns", "decimals"]);
  const decimals = options.decimals === undefined ? undefined : checkInt(fn, "options.decimals", options.decimals, 0, 20);
  const fmt = decimals === undefined ? formatFloat32 : (v: number) => formatFixed(v, decimals);
  const columns = options.columns ?? {};
  if (columns === null || typeof columns !== "object") throw typeError(fn, "options.columns", "an object of columns", columns);
  const names = Object.keys(columns);
  for (const name of names) {
    const col = columns[name];
    if (col === null || typeof col !== "object" || typeof col.length !== "number") throw typeError(fn, `options.columns.${name}`, "an array", col);
    if (col.length !== wv.size) throw rangeError(fn, `options.columns.${name}`, `an array of ${wv.size} rows (one per word)`, col);
    if (name === "word") throw rangeError(fn, "options.columns", "names other than \"word\" (the first column)", name);
  }
  // Projector cells cannot hold tabs or line breaks: they become spaces.
  const cell = (v: unknown) => String(v).replace(/[\t\r\n]/g, " ");
  const { data, dim, size, words } = wv;
  await atomicWrite(metadataPath, async (write) => {
    if (names.length > 0) await write(["word", ...names].map(cell).join("\t") + "\n");
    for (let i = 0; i < size; i++) {
      await write([cell(words[i]), ...names.map((n) => cell(columns[n][i]))].join("\t") + "\n");
    }
  });
  await atomicWrite(vectorsPath, async (write) => {
    const values = new Array<string>(dim);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < dim; j++) values[j] = fmt(data[i * dim + j]);
      await write(values.join("\t") + "\n");
    }
  });
}
