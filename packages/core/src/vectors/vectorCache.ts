/**
 * embedlab's binary vector cache: a 24-byte header, word offsets, the words as UTF-8, then the
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

/** Decodes the word block. ASCII blocks become one string sliced by offset (no per-word decoding). */
function decodeWords(block: Buffer, offsets: Uint32Array | number[], count: number, ascii: boolean): string[] {
  const words = new Array<string>(count);
  if (ascii) {
    const all = block.toString("latin1");
    for (let i = 0; i < count; i++) words[i] = all.slice(offsets[i], offsets[i + 1]);
  } else {
    for (let i = 0; i < count; i++) words[i] = block.toString("utf8", offsets[i], offsets[i + 1]);
  }
  return words;
}

/** Reads a cache file with a few large reads. */
export async function readVectorCache(fn: string, path: string, name: string): Promise<CacheContent> {
  const fh = await fsp.open(path, "r");
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(HEADER_BYTES);
    await fh.read(head, 0, HEADER_BYTES, 0);
    const layout = readHeader(fn, name, head, size);
    const meta = Buffer.alloc(layout.metaBytes);
    await fh.read(meta, 0, meta.length, HEADER_BYTES);
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
    return fromMeta(layout, meta, data);
  } finally {
    await fh.close();
  }
}

/** Words, row index and table of a cache. */
export interface CacheContent {
  words: string[];
  index: HashIndex;
  data: Float32Array;
  dim: number;
}

function fromMeta(layout: Layout, meta: Buffer, data: Float32Array): CacheContent {
  const { count, slots, wordBytes, flags, dim } = layout;
  // copies: the Buffer's byteOffset may not be 4-aligned
  const offsets = new Uint32Array(count + 1);
  new Uint8Array(offsets.buffer).set(meta.subarray(0, 4 * (count + 1)));
  const table = new Uint32Array(slots);
  const tableStart = 4 * (count + 1);
  new Uint8Array(table.buffer).set(meta.subarray(tableStart, tableStart + 4 * slots));
  const block = meta.subarray(tableStart + 4 * slots, tableStart + 4 * slots + wordBytes);
  const words = decodeWords(block, offsets, count, (flags & ASCII) !== 0);
  return { words, index: new HashIndex(words, table), data, dim };
}

/** Parses a cache held in memory (from a stream). */
export function parseVectorCache(fn: string, name: string, buf: Buffer): CacheContent {
  const layout = readHeader(fn, name, buf, buf.length);
  const data = new Float32Array(layout.count * layout.dim);
  new Uint8Array(data.buffer).set(buf.subarray(layout.dataOffset, layout.dataOffset + data.byteLength));
  return fromMeta(layout, buf.subarray(HEADER_BYTES, HEADER_BYTES + layout.metaBytes), data);
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
