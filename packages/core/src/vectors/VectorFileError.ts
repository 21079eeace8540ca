/**
 * The error `loadVectors` throws for a file whose *content* is wrong (a line with the wrong number
 * of values, a token that is not a number, a header that disagrees with the body, a truncated
 * binary file). Bad *arguments* throw `TypeError` / `RangeError` as everywhere else.
 */

/** Where and why a vector file could not be read. */
export class VectorFileError extends Error {
  /** 1-based line number (text formats) or record number (binary formats); 0 when not tied to one. */
  readonly line: number;
  /** The word on that line, when it could be read. */
  readonly word: string | undefined;
  /** What was wrong, without the location: `"expected 100 values but found 99"`. */
  readonly reason: string;
  /** The file (or `"<stream>"`). */
  readonly source: string;

  /**
   * @example
   * try { await loadVectors("glove.txt"); } catch (e) { if (e instanceof VectorFileError) console.log(e.line, e.word); }
   */
  constructor(fn: string, source: string, line: number, word: string | undefined, reason: string) {
    const where = line > 0 ? ` line ${line}` : "";
    const what = word !== undefined ? ` (word ${JSON.stringify(word.length > 40 ? word.slice(0, 40) + "…" : word)})` : "";
    super(`${fn}: bad vector file ${source}${where}${what}: ${reason}`);
    this.name = "VectorFileError";
    this.line = line;
    this.word = word;
    this.reason = reason;
    this.source = source;
  }
}
