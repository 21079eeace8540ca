/**
 * The text formats — GloVe (no header), word2vec text and fastText `.vec` (a `count dim` header) —
 * read line by line straight from the bytes: no string per line, none per number.
 */
import { ByteSource } from "./byteSource";
import { scan, scanFloat } from "./parseFloatBytes";
import { KEEP, RowCollector } from "./RowCollector";
import { VectorFileError } from "./VectorFileError";

/** 10^0 … 10^22, exact doubles (the fast path below divides by them). */
const NEWLINE = Buffer.from("\n");
const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < 23; i++, p *= 10) POW10[i] = p;

/**
 * `word v1 … vD`: values parsed into `out[off…]`. Returns the number of values on the line, or -1
 * (more than `dim`, or a token that is not a number).
 *
 * The common token (`-0.038194`: sign, ≤ 15 digits, a point, no exponent) is parsed inline —
 * Clinger's exact fast path, as in `scanFloat`, without the call; anything else goes to `scanFloat`.
 */
function readRow(buf: Uint8Array, p: number, e: number, out: Float32Array, off: number, dim: number): number {
  // buf[e] is always readable and never a digit or a point: a '\n', '\r', space or tab follows every
  // line (the last line gets a '\n' appended), so the digit loops need no `p < e` test.
  let k = 0;
  for (;;) {
    let c = buf[p];
    while (c === 32 || c === 9) c = buf[++p];
    if (p >= e) return k;
    if (k === dim) return -1;
    const start = p;
    const neg = c === 45;
    if (neg) p++;
    let m = 0;
    const intStart = p;
    // int32 arithmetic (`| 0`): a 4-cycle dependency per digit instead of a double multiply-add;
    // exact while there are at most 9 digits (< 2^31), longer tokens go to scanFloat
    while ((c = buf[p] - 48) >>> 0 < 10) {
      m = (m * 10 + c) | 0;
      p++;
    }
    let digits = p - intStart;
    let frac = 0;
    if (buf[p] === 46) {
      const fracStart = ++p;
      while ((c = buf[p] - 48) >>> 0 < 10) {
        m = (m * 10 + c) | 0;
        p++;
      }
      frac = p - fracStart;
      digits += frac;
    }
    if (((c = buf[p]) === 32 || c === 9 || p === e) && digits > 0 && digits <= 9 && p <= e) {
      const v = m / POW10[frac]; // m and 10^frac exact: one correctly rounded division
      out[off + k++] = neg ? -v : v;
    } else {
      const v = scanFloat(buf, start, e);
      if (!scan.ok) return -1;
      out[off + k++] = v;
      p = scan.end;
    }
  }
}

/** Number of space/tab separated fields in `[p, e)`. */
function countFields(buf: Uint8Array, p: number, e: number): number {
  let n = 0;
  while (p < e) {
    while (p < e && (buf[p] === 32 || buf[p] === 9)) p++;
    if (p >= e) break;
    n++;
    while (p < e && buf[p] !== 32 && buf[p] !== 9) p++;
  }
  return n;
}

/** `[start, end)` of each field. */
function fieldBounds(buf: Uint8Array, p: number, e: number): number[] {
  const out: number[] = [];
  while (p < e) {
    while (p < e && (buf[p] === 32 || buf[p] === 9)) p++;
    if (p >= e) break;
    const s = p;
    while (p < e && buf[p] !== 32 && buf[p] !== 9) p++;
    out.push(s, p);
  }
  return out;
}

/** Two non-negative integers and nothing else: a word2vec / fastText header. */
function parseHeader(buf: Uint8Array, s: number, e: number): { count: number; dim: number } | undefined {
  const f = fieldBounds(buf, s, e);
  if (f.length !== 4) return undefined;
  const nums: number[] = [];
  for (let i = 0; i < 4; i += 2) {
    let v = 0;
    for (let p = f[i]; p < f[i + 1]; p++) {
      const d = buf[p] - 48;
      if (d < 0 || d > 9) return undefined;
      v = v * 10 + d;
    }
    nums.push(v);
  }
  return { count: nums[0], dim: nums[1] };
}

/** Whether a line is a `count dim` header (exported for sniffing). */
export function isHeaderLine(buf: Uint8Array, s: number, e: number): boolean {
  while (e > s && (buf[e - 1] === 13 || buf[e - 1] === 32 || buf[e - 1] === 9)) e--;
  return parseHeader(buf, s, e) !== undefined;
}

export interface TextReadOptions {
  /**
   * "required" for word2vec / fastText, "optional" for GloVe (a header-looking first line is taken
   * as one), "none" for Projector TSV.
   */
  header: "required" | "optional" | "none";
  /** Projector TSV: lines hold only values; line i's word is `words[i]`. */
  words?: readonly string[];
  /** Known dimension (GloVe files whose first word contains a space); else from the header or the first line. */
  dim: number | undefined;
}

/**
 * Reads a text vector file into `col`. Lines end in `\n` (a `\r` before it is dropped); a UTF-8
 * BOM is skipped; words keep every byte except the separators (control characters included);
 * a word with spaces (GloVe 840B) is everything before the last `dim` fields.
 */
export async function readTextVectors(src: ByteSource, col: RowCollector, opts: TextReadOptions): Promise<void> {
  let lineNo = 0;
  let seenFirst = false;
  let stopped = false;
  let dim = opts.dim ?? -1;
  const listed = opts.words;
  let consumed = 0; // bytes of input handled before the current chunk
  let chunkStart = 0;
  const total = src.gzip ? undefined : src.total;

  const estimateRows = (pos: number): number | undefined =>
    total !== undefined && pos > 0 ? (col.rows * total) / pos * 1.02 + 16 : undefined;

  const initDim = (d: number, firstLineBytes: number) => {
    dim = d;
    const hint = col.report.header ? col.report.header.count : total !== undefined ? (total / Math.max(firstLineBytes, 1)) * 1.1 : 1024;
    col.init(d, hint);
  };

  const slowLine = (buf: Buffer, s: number, e: number, line: number): void => {
    const f = fieldBounds(buf, s, e);
    const nf = f.length / 2;
    const first = buf.toString("utf8", f[0], f[1]);
    if (nf - 1 < dim) return col.bad(line, col.normalise(first), `expected ${dim} values but found ${nf - 1}`);
    const firstValue = nf - dim; // field index where the vector starts
    if (firstValue > 1) {
      // More fields than dim + 1: a word with spaces (GloVe 840B), unless the extra fields are numbers.
      let allNumbers = true;
      for (let i = 1; i < firstValue && allNumbers; i++) {
        scanFloat(buf, f[2 * i], f[2 * i + 1]);
        allNumbers = scan.ok && scan.end === f[2 * i + 1];
      }
      if (allNumbers) return col.bad(line, col.normalise(first), `expected ${dim} values but found ${nf - 1}`);
    }
    const word = col.normalise(buf.toString("utf8", f[0], f[2 * firstValue - 1]));
    const decision = col.decide(word);
    const values = new Float32Array(dim);
    for (let i = 0; i < dim; i++) {
      const a = f[2 * (firstValue + i)];
      const b = f[2 * (firstValue + i) + 1];
      const v = scanFloat(buf, a, b);
      if (!scan.ok || scan.end !== b) {
        const token = buf.toString("utf8", a, Math.min(b, a + 40));
        return col.bad(line, word, `value ${i + 1} of ${dim} is not a number: ${JSON.stringify(token)}`);
      }
      values[i] = v;
    }
    if (decision !== KEEP) return col.drop(word, decision);
    const off = col.reserve(estimateRows(consumed + s));
    col.data.set(values, off);
    col.commit(word);
  };

  const handle = (buf: Buffer, s: number, e: number, line: number): boolean => {
    while (e > s && (buf[e - 1] === 13 || buf[e - 1] === 32 || buf[e - 1] === 9)) e--;
    if (e === s) {
      col.report.blankLines++;
      return true;
    }
    if (!seenFirst && opts.header !== "none") {
      seenFirst = true;
      const header = parseHeader(buf, s, e);
      if (header) {
        col.report.header = header;
        if (header.dim === 0) col.fileProblem(line, "the header says the vectors have 0 dimensions");
        if (opts.dim !== undefined && opts.dim !== header.dim) {
          col.fileProblem(line, `the header says dim ${header.dim} but options.dim is ${opts.dim}`);
        }
        if (dim < 0 || dim !== header.dim) initDim(header.dim, 1);
        return true;
      }
      if (opts.header === "required") {
        col.fileProblem(line, `expected a "<count> <dim>" header line (word2vec / fastText text format)`);
      }
    }
    seenFirst = true;
    if (!col.take()) return false;
    let p = s;
    if (listed) {
      if (col.report.records > listed.length) {
        col.report.records--;
        col.fileProblem(line, `there are more vector lines than the ${listed.length} words of the metadata`);
        return false;
      }
    } else while (p < e && buf[p] !== 32 && buf[p] !== 9) p++;
    if (dim < 0) {
      const n = countFields(buf, p, e);
      if (n === 0) {
        col.fileProblem(line, "the first line has a word but no values");
        col.report.records--;
        return true;
      }
      initDim(n, e - s + 1);
    } else if (col.dim < 0) initDim(dim, e - s + 1);
    const word = col.normalise(listed ? listed[col.report.records - 1] : buf.toString("utf8", s, p));
    const decision = col.decide(word);
    if (decision === KEEP) {
      const off = col.reserve(estimateRows(consumed + s));
      if (readRow(buf, p, e, col.data, off, dim) === dim) {
        col.commit(word);
        return true;
      }
    } else if (countFields(buf, p, e) === dim) {
      col.drop(word, decision);
      return true;
    }
    if (listed) {
      const n = countFields(buf, p, e);
      if (n !== dim) col.bad(line, word, `expected ${dim} values but found ${n}`);
      else col.bad(line, word, "a value is not a number: " + JSON.stringify(firstBadToken(buf, p, e)));
    } else slowLine(buf, s, e, line);
    return true;
  };

  let carry: Buffer | null = null;
  let first = true;
  try {
    for (let chunk = await src.next(); chunk && !stopped; chunk = await src.next()) {
      let s = 0;
      if (first) {
        first = false;
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) s = 3; // UTF-8 BOM
      }
      chunkStart = consumed;
      if (carry) {
        const nl = chunk.indexOf(10, s);
        if (nl === -1) {
          carry = Buffer.concat([carry, chunk]);
          consumed += chunk.length;
          continue;
        }
        const line = Buffer.concat([carry, chunk.subarray(0, nl + 1)]); // keeps the '\n' after the line
        carry = null;
        if (!handle(line, 0, line.length - 1, ++lineNo)) {
          stopped = true;
          break;
        }
        s = nl + 1;
      }
      for (let nl = chunk.indexOf(10, s); nl !== -1; nl = chunk.indexOf(10, s)) {
        if (!handle(chunk, s, nl, ++lineNo)) {
          stopped = true;
          break;
        }
        s = nl + 1;
      }
      if (!stopped && s < chunk.length) carry = Buffer.from(chunk.subarray(s));
      consumed = chunkStart + chunk.length;
    }
    if (!stopped && carry && carry.length > 0) {
      const last = Buffer.concat([carry, NEWLINE]); // the sentinel readRow relies on
      handle(last, 0, carry.length, ++lineNo);
    }
  } finally {
    if (stopped) src.close();
  }
  const header = col.report.header;
  if (!seenFirst) throw new VectorFileError(col.opts.fn, col.opts.source, 0, undefined, "the file is empty (no vectors)");
  if (header && !stopped && col.report.records !== header.count) {
    col.fileProblem(1, `the header says ${header.count} words but the file has ${col.report.records}`);
  }
  if (listed && !stopped && col.report.records < listed.length && !(col.opts.limit !== undefined && col.report.records >= col.opts.limit)) {
    col.fileProblem(0, `the metadata has ${listed.length} words but there are ${col.report.records} vector lines`);
  }
  if (col.dim < 0 && dim > 0) col.init(dim, 1);
}

/** The first field of `[p, e)` that does not parse as a number (for messages). */
function firstBadToken(buf: Buffer, p: number, e: number): string {
  const f = fieldBounds(buf, p, e);
  for (let i = 0; i < f.length; i += 2) {
    scanFloat(buf, f[i], f[i + 1]);
    if (!scan.ok || scan.end !== f[i + 1]) return buf.toString("utf8", f[i], Math.min(f[i + 1], f[i] + 40));
  }
  return "";
}
