/**
 * embedlab's binary vector cache: a 32-byte header, word offsets, the words as UTF-8, then the
 * float32 table — reloaded with a few large reads and no parsing.
 *
 * ```
 * 0   "EMBVEC01"                  magic
 * 8   u32 count, u32 dim          little-endian
 * 16  u32 wordBytes, u32 flags    flags: 1 = every word is ASCII
 * 24  u32 slots, u32 0            size of the hash table (a power of two)
 * 32  u32[count + 1]              byte offset of each word in the word block
 * …   u32[slots]                  open-addressing hash table: row + 1 (0 = empty), see WordIndex.ts
 * …   word block, zero padding to a multiple of 4
 * …   f32[count × dim]            row-major, little-endian
 * ```
 */
import { promises as fsp } from "node:fs";
import { VectorFileError } from "./VectorFileError";
import { throwIfInterrupted, yieldToEventLoop } from "../backend/interrupt";
import { buildSlots, HashIndex, tableSize } from "./WordIndex";
import { CacheWords } from "./CacheWords";

export const CACHE_MAGIC = "EMBVEC01";
const HEADER_BYTES = 32;
const ASCII = 1;
/** fs reads stop at 2 GiB; read big tables in pieces (64 MiB: an interrupt lands within ~30 ms). */
const READ_PIECE = 64 << 20;
/** Parallel reads (libuv's thread pool has 4 threads by default). */
const READ_PIECES = 4;

/** Whether the bytes start with the cache magic. */
export function isVectorCache(head: Uint8Array): boolean {
  return head.length >= 8 && Buffer.from(head.buffer, head.byteOffset, 8).toString("latin1") === CACHE_MAGIC;
}

/** Header, offsets and word block of a cache (without the floats). */
export function cacheParts(words: readonly string[], dim: number): { head: Buffer; dataOffset: number } {
  const encoded = words.map((w) => Buffer.from(w, "utf8"));
  const wordBytes = encoded.reduce((s, b) => s + b.length, 0);
  const ascii = encoded.every((b, i) => b.length === words[i].length);
  const slots = buildSlots(words);
  const offsetsBytes = (words.length + 1) * 4;
  const wordStart = HEADER_BYTES + offsetsBytes + slots.length * 4;
  const dataOffset = Math.ceil((wordStart + wordBytes) / 4) * 4;
  const head = Buffer.alloc(dataOffset);
  head.write(CACHE_MAGIC, 0, "latin1");
  head.writeUInt32LE(words.length, 8);
  head.writeUInt32LE(dim, 12);
  head.writeUInt32LE(wordBytes, 16);
  head.writeUInt32LE(ascii ? ASCII : 0, 20);
  head.writeUInt32LE(slots.length, 24);
  let o = 0;
  let p = wordStart;
  for (let i = 0; i < encoded.length; i++) {
    head.writeUInt32LE(o, HEADER_BYTES + i * 4);
    encoded[i].copy(head, p);
    o += encoded[i].length;
    p += encoded[i].length;
  }
  head.writeUInt32LE(o, HEADER_BYTES + words.length * 4);
  Buffer.from(slots.buffer).copy(head, HEADER_BYTES + offsetsBytes);
  return { head, dataOffset };
}

/** A cache's parts, located. */
interface Layout {
  count: number;
  dim: number;
  wordBytes: number;
  flags: number;
  slots: number;
  /** Offsets + hash table + words, from HEADER_BYTES. */
  metaBytes: number;
  dataOffset: number;
}

/** Reads a cache file with a few large reads. */
export async function readVectorCache(fn: string, path: string, name: string): Promise<CacheContent> {
  const fh = await fsp.open(path, "r");
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(HEADER_BYTES);
    await fh.read(head, 0, HEADER_BYTES, 0);
    const layout = readHeader(fn, name, head, size);
    // Header, offsets, hash table and words in one read, into a buffer of its own (byteOffset 0):
    // the offsets and the table are then 4-aligned views on it, with no copy.
    const meta = Buffer.allocUnsafeSlow(layout.dataOffset);
    for (let done = 0; done < meta.length; ) {
      const { bytesRead } = await fh.read(meta, done, meta.length - done, done);
      if (bytesRead === 0) throw new VectorFileError(fn, name, 0, undefined, "the cache file is truncated");
      done += bytesRead;
    }
    // The floats go straight into the table WordVectors keeps: no intermediate buffer, no copy.
    const data = new Float32Array(layout.count * layout.dim);
    const bytes = new Uint8Array(data.buffer);
    // Several reads in flight: libuv runs them on its thread pool, so the copies from the page
    // cache use every core (one 160 MB read is one core's memcpy).
    const pieces = Math.min(READ_PIECES, Math.max(1, Math.ceil(bytes.length / (8 << 20))));
    const step = Math.ceil(bytes.length / pieces);
    await Promise.all(
      Array.from({ length: pieces }, async (_, k) => {
        const end = Math.min(bytes.length, (k + 1) * step);
        for (let done = k * step; done < end; ) {
          // Between two reads of at most READ_PIECE bytes a kernel interrupt stops the load; the
          // table being filled is local, so it is simply dropped.
          await yieldToEventLoop();
          throwIfInterrupted(fn, `byte ${layout.dataOffset + done} of ${size}`);
          const { bytesRead } = await fh.read(bytes, done, Math.min(READ_PIECE, end - done), layout.dataOffset + done);
          if (bytesRead === 0) throw new VectorFileError(fn, name, 0, undefined, "the cache file is truncated");
          done += bytesRead;
        }
      }),
    );
    return fromHead(layout, meta, data);
  } finally {
    await fh.close();
  }
}

/** Words (still bytes: decoded on demand), row index and table of a cache. */
export interface CacheContent {
  words: CacheWords;
  index: HashIndex;
  data: Float32Array;
  dim: number;
}

/**
 * Views on the cache's first `dataOffset` bytes (`head`, starting at the file's byte 0): the
 * offsets and the hash table are read in place, so `head` must be 4-aligned (little-endian, as
 * written). Nothing is decoded: the words stay bytes.
 */
function fromHead(layout: Layout, head: Buffer, data: Float32Array): CacheContent {
  const { count, slots, wordBytes, flags, dim } = layout;
  const offsets = new Uint32Array(head.buffer, head.byteOffset + HEADER_BYTES, count + 1);
  const tableStart = HEADER_BYTES + 4 * (count + 1);
  const table = new Uint32Array(head.buffer, head.byteOffset + tableStart, slots);
  const block = head.subarray(tableStart + 4 * slots, tableStart + 4 * slots + wordBytes);
  const words = new CacheWords(block, offsets, (flags & ASCII) !== 0);
  return { words, index: new HashIndex(words, table), data, dim };
}

/** Parses a cache held in memory (from a stream). */
export function parseVectorCache(fn: string, name: string, buf: Buffer): CacheContent {
  const layout = readHeader(fn, name, buf, buf.length);
  const data = new Float32Array(layout.count * layout.dim);
  new Uint8Array(data.buffer).set(buf.subarray(layout.dataOffset, layout.dataOffset + data.byteLength));
  // a stream's bytes may start anywhere in their ArrayBuffer: copy the head to an aligned buffer
  const head = Buffer.allocUnsafeSlow(layout.dataOffset);
  buf.copy(head, 0, 0, layout.dataOffset);
  return fromHead(layout, head, data);
}

function readHeader(fn: string, name: string, head: Buffer, size: number): Layout {
  if (size < HEADER_BYTES || !isVectorCache(head)) throw new VectorFileError(fn, name, 0, undefined, "not an embedlab vector cache");
  const count = head.readUInt32LE(8);
  const dim = head.readUInt32LE(12);
  const wordBytes = head.readUInt32LE(16);
  const flags = head.readUInt32LE(20);
  const slots = head.readUInt32LE(24);
  const metaBytes = 4 * (count + 1) + 4 * slots + wordBytes;
  const dataOffset = Math.ceil((HEADER_BYTES + metaBytes) / 4) * 4;
  const expected = dataOffset + count * dim * 4;
  if (size !== expected || slots !== tableSize(count)) {
    throw new VectorFileError(fn, name, 0, undefined, `the cache file has ${size} bytes but its header implies ${expected} (truncated or corrupt)`);
  }
  return { count, dim, wordBytes, flags, slots, metaBytes, dataOffset };
}
