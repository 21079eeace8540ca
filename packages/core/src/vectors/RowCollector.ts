/**
 * Where every reader puts what it reads: words, a growing float32 matrix, and the bookkeeping of a
 * messy file (duplicates kept first and counted, words outside `vocab` dropped, bad lines thrown or
 * counted, `limit`).
 */
import { VectorFileError } from "./VectorFileError";

/** One line (record) that could not be read, as kept in `LoadReport.badLines`. */
export interface BadLine {
  /** 1-based line (text) or record (binary) number. */
  line: number;
  /** The word on it, when known. */
  word: string | undefined;
  /** Why it was rejected. */
  reason: string;
}

/** What happened while reading a file: `wv.report` after `loadVectors`. */
export interface LoadReport {
  /** The format that was read (after `"auto"` sniffing). */
  format: string;
  /** File base name or `"<stream>"`. */
  source: string;
  /** Vector records read from the file (data lines; the header is not one). */
  records: number;
  /** Words kept: `wv.size`. */
  kept: number;
  /** Records whose word had already been seen (the first one is kept). */
  duplicates: number;
  /** Up to 20 of those duplicated words. */
  duplicateWords: string[];
  /** Records dropped because their word is not in `options.vocab`. */
  filtered: number;
  /** Bad records skipped with `onBadLine: "skip"`. */
  skipped: number;
  /** Up to 100 of those bad records. */
  badLines: BadLine[];
  /** Empty lines ignored (text formats). */
  blankLines: number;
  /** The `count dim` header, for formats that have one. */
  header: { count: number; dim: number } | undefined;
  /** Non-fatal oddities, e.g. a header count that disagrees with the file under `onBadLine: "skip"`. */
  warnings: string[];
  /** Bytes read (compressed bytes for `.gz`). */
  bytes: number;
  /** Wall time of the load in seconds. */
  seconds: number;
}

/** Decision for a word: keep it, or why not. */
export const KEEP = 0;
export const DUPLICATE = 1;
export const FILTERED = 2;

export interface CollectorOptions {
  fn: string;
  source: string;
  format: string;
  limit: number | undefined;
  vocab: Set<string> | undefined;
  lower: boolean;
  onBadLine: "error" | "skip";
}

/** Accumulates rows; the readers call `decide` → `reserve` → write floats at the offset → `commit`. */
export class RowCollector {
  dim = -1;
  rows = 0;
  data: Float32Array = new Float32Array(0);
  readonly words: string[] = [];
  readonly index = new Map<string, number>();
  readonly report: LoadReport;
  readonly opts: CollectorOptions;
  private capacity = 0;
  private readonly started = Date.now();

  constructor(opts: CollectorOptions) {
    this.opts = opts;
    this.report = {
      format: opts.format,
      source: opts.source,
      records: 0,
      kept: 0,
      duplicates: 0,
      duplicateWords: [],
      filtered: 0,
      skipped: 0,
      badLines: [],
      blankLines: 0,
      header: undefined,
      warnings: [],
      bytes: 0,
      seconds: 0,
    };
  }

  /** Fixes the dimension and allocates room for about `rowsHint` rows. */
  init(dim: number, rowsHint: number): void {
    this.dim = dim;
    let rows = Math.max(16, Math.ceil(rowsHint));
    if (this.opts.limit !== undefined) rows = Math.min(rows, this.opts.limit);
    if (this.opts.vocab) rows = Math.min(rows, this.opts.vocab.size);
    this.capacity = Math.max(rows, 1);
    this.data = new Float32Array(this.capacity * dim);
  }

  /** Whether another record may be read (`limit`). Counts the record when it may. */
  take(): boolean {
    if (this.opts.limit !== undefined && this.report.records >= this.opts.limit) return false;
    this.report.records++;
    return true;
  }

  /** The word as stored (lower-cased with `lower`). */
  normalise(word: string): string {
    return this.opts.lower ? word.toLowerCase() : word;
  }

  /** KEEP, DUPLICATE or FILTERED for an already-normalised word. */
  decide(word: string): number {
    if (this.index.has(word)) return DUPLICATE;
    if (this.opts.vocab && !this.opts.vocab.has(word)) return FILTERED;
    return KEEP;
  }

  /** Counts a record that is not kept. */
  drop(word: string, decision: number): void {
    if (decision === DUPLICATE) {
      this.report.duplicates++;
      if (this.report.duplicateWords.length < 20) this.report.duplicateWords.push(word);
    } else this.report.filtered++;
  }

  /**
   * Offset in `this.data` where the next row goes (grows the matrix when full; `growHint` is the
   * reader's estimate of the final row count). Re-read `this.data` after calling.
   */
  reserve(growHint?: number): number {
    if (this.rows === this.capacity) {
      let next = Math.ceil(this.capacity * 1.25) + 16;
      if (growHint !== undefined && growHint > next) next = Math.ceil(growHint);
      if (this.opts.limit !== undefined) next = Math.min(next, this.opts.limit);
      if (this.opts.vocab) next = Math.min(next, this.opts.vocab.size);
      const grown = new Float32Array(next * this.dim);
      grown.set(this.data.subarray(0, this.rows * this.dim));
      this.data = grown;
      this.capacity = next;
    }
    return this.rows * this.dim;
  }

  /** Keeps the row written at the last `reserve()` offset under `word`. */
  commit(word: string): void {
    this.index.set(word, this.rows);
    this.words.push(word);
    this.rows++;
  }

  /** A bad record: throws a `VectorFileError`, or counts it under `onBadLine: "skip"`. */
  bad(line: number, word: string | undefined, reason: string): void {
    if (this.opts.onBadLine === "error") throw new VectorFileError(this.opts.fn, this.opts.source, line, word, reason);
    this.report.skipped++;
    if (this.report.badLines.length < 100) this.report.badLines.push({ line, word, reason });
  }

  /** A problem with the file as a whole (header disagreement): thrown, or a warning under "skip". */
  fileProblem(line: number, reason: string): void {
    if (this.opts.onBadLine === "error") throw new VectorFileError(this.opts.fn, this.opts.source, line, undefined, reason);
    this.report.warnings.push(reason);
  }

  /**
   * The rows read, trimmed to size. The over-allocated tail of a large table was never written,
   * so its pages were never committed and cost no memory: a view is returned unless more than a
   * quarter of the room is unused (then a copy, so the buffer does not pin address space).
   */
  finish(bytes: number): { words: string[]; data: Float32Array; dim: number; report: LoadReport } {
    const used = this.rows * Math.max(this.dim, 0);
    const data = this.dim < 0 ? new Float32Array(0) : used * 1.25 + 4096 < this.data.length ? this.data.slice(0, used) : this.data.subarray(0, used);
    this.data = new Float32Array(0);
    this.report.kept = this.rows;
    this.report.bytes = bytes;
    this.report.seconds = (Date.now() - this.started) / 1000;
    return { words: this.words, data, dim: this.dim, report: this.report };
  }
}
