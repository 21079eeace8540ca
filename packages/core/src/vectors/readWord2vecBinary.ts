/**
 * word2vec's binary format (`GoogleNews-vectors-negative300.bin`): a text header `count dim\n`,
 * then per word its UTF-8 bytes, a space, `dim` little-endian float32 values and (usually) `\n`.
 */
import { ByteSource } from "./byteSource";
import { KEEP, RowCollector } from "./RowCollector";
import { VectorFileError } from "./VectorFileError";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reads a word2vec binary file into `col`. */
export async function readWord2vecBinary(src: ByteSource, col: RowCollector): Promise<void> {
  const { fn, source } = col.opts;
  let buf: Buffer = Buffer.alloc(0);
  let pos = 0;
  let eof = false;
  /** Makes sure `n` bytes are available at `pos`; false at the end of input. */
  const fill = async (n: number): Promise<boolean> => {
    while (buf.length - pos < n && !eof) {
      const chunk = await src.next();
      if (!chunk) {
        eof = true;
        break;
      }
      buf = pos < buf.length ? Buffer.concat([buf.subarray(pos), chunk]) : chunk;
      pos = 0;
    }
    return buf.length - pos >= n;
  };
  // header line
  let nl = -1;
  while ((nl = buf.indexOf(10, pos)) === -1 && !eof && buf.length < 1 << 16) await fill(buf.length - pos + 1);
  if (buf.length === 0) throw new VectorFileError(fn, source, 0, undefined, "the file is empty (no vectors)");
  const headerText = buf.toString("latin1", pos, nl === -1 ? buf.length : nl).replace(/^\ufeff|^\xef\xbb\xbf/, "").trim();
  const m = /^(\d+)[ \t]+(\d+)$/.exec(headerText);
  if (nl === -1 || !m) throw new VectorFileError(fn, source, 1, undefined, `expected a "<count> <dim>" header line, but got ${JSON.stringify(headerText.slice(0, 40))}`);
  const count = Number(m[1]);
  const dim = Number(m[2]);
  if (dim === 0) throw new VectorFileError(fn, source, 1, undefined, "the header says the vectors have 0 dimensions");
  col.report.header = { count, dim };
  col.init(dim, count);
  pos = nl + 1;
  const recordBytes = dim * 4;
  let record = 0;
  for (;;) {
    if (record === count) break;
    // words are separated from the previous vector by an optional newline
    while ((await fill(1)) && (buf[pos] === 10 || buf[pos] === 13)) pos++;
    if (!(await fill(1))) break;
    if (!col.take()) return;
    record++;
    let sp = buf.indexOf(32, pos);
    while (sp === -1 && !eof) {
      await fill(buf.length - pos + 1);
      sp = buf.indexOf(32, pos);
    }
    if (sp === -1) throw new VectorFileError(fn, source, record, undefined, "the file ends inside a word");
    const word = col.normalise(buf.toString("utf8", pos, sp));
    pos = sp + 1;
    if (!(await fill(recordBytes))) {
      col.bad(record, word, `the file ends inside this word's vector (${buf.length - pos} of ${recordBytes} bytes)`);
      pos = buf.length;
      break;
    }
    const decision = col.decide(word);
    if (decision === KEEP) {
      const off = col.reserve();
      const bytes = buf.subarray(pos, pos + recordBytes);
      if (LITTLE_ENDIAN) new Uint8Array(col.data.buffer, col.data.byteOffset + off * 4, recordBytes).set(bytes);
      else for (let j = 0; j < dim; j++) col.data[off + j] = bytes.readFloatLE(j * 4);
      col.commit(word);
    } else col.drop(word, decision);
    pos += recordBytes;
  }
  if (record < count && !(col.opts.limit !== undefined && col.report.records >= col.opts.limit)) {
    col.fileProblem(1, `the header says ${count} words but the file has ${record}`);
  } else if (record === count) {
    while ((await fill(1)) && (buf[pos] === 10 || buf[pos] === 13 || buf[pos] === 32)) pos++;
    if (await fill(1)) col.fileProblem(1, `the header says ${count} words but more data follows word ${count}`);
  }
}
