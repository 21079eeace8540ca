/**
 * Streaming extraction of one member of a zip file: the local file headers are walked from the
 * start (the central directory is read only for entries whose sizes follow their data), the member
 * is inflated with `zlib.createInflateRaw` straight to disk, and its CRC-32 and size are checked.
 */
import { createReadStream, createWriteStream, promises as fsp } from "node:fs";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32, createInflateRaw } from "node:zlib";

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const U32_MAX = 0xffffffff;

/** One entry as described by its local header (sizes resolved). */
export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's data. */
  dataOffset: number;
  /** Offset of its local header. */
  headerOffset: number;
}

async function readAt(fh: fsp.FileHandle, offset: number, length: number): Promise<Buffer> {
  const b = Buffer.alloc(length);
  const { bytesRead } = await fh.read(b, 0, length, offset);
  return b.subarray(0, bytesRead);
}

/** Sizes from a zip64 extended-information extra field (id 1), for the fields that are 0xFFFFFFFF. */
function zip64Sizes(extra: Buffer, size: number, compressed: number, offset?: number): { size: number; compressed: number; offset?: number } {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (id === 1) {
      let q = p + 4;
      const next = () => {
        const v = Number(extra.readBigUInt64LE(q));
        q += 8;
        return v;
      };
      if (size === U32_MAX && q + 8 <= p + 4 + len) size = next();
      if (compressed === U32_MAX && q + 8 <= p + 4 + len) compressed = next();
      if (offset === U32_MAX && q + 8 <= p + 4 + len) offset = next();
      break;
    }
    p += 4 + len;
  }
  return { size, compressed, offset };
}

/** Central-directory sizes by local-header offset (for entries written with a data descriptor). */
async function centralSizes(fh: fsp.FileHandle, fileSize: number): Promise<Map<number, { crc: number; size: number; compressed: number }>> {
  const tailLength = Math.min(fileSize, 65557); // EOCD (22) + the longest comment (65535)
  const tail = await readAt(fh, fileSize - tailLength, tailLength);
  let e = -1;
  for (let p = tail.length - 22; p >= 0; p--) {
    if (tail.readUInt32LE(p) === EOCD) {
      e = p;
      break;
    }
  }
  if (e < 0) throw new Error("no end-of-central-directory record (not a zip file, or truncated)");
  let count = tail.readUInt16LE(e + 10);
  let cdSize = tail.readUInt32LE(e + 12);
  let cdOffset = tail.readUInt32LE(e + 16);
  if (e >= 20 && tail.readUInt32LE(e - 20) === ZIP64_LOCATOR) {
    const z = await readAt(fh, Number(tail.readBigUInt64LE(e - 20 + 8)), 56);
    if (z.readUInt32LE(0) === ZIP64_EOCD) {
      count = Number(z.readBigUInt64LE(32));
      cdSize = Number(z.readBigUInt64LE(40));
      cdOffset = Number(z.readBigUInt64LE(48));
    }
  }
  const cd = await readAt(fh, cdOffset, cdSize);
  const out = new Map<number, { crc: number; size: number; compressed: number }>();
  for (let p = 0, i = 0; i < count && p + 46 <= cd.length && cd.readUInt32LE(p) === CENTRAL; i++) {
    const crc = cd.readUInt32LE(p + 16);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    const z = zip64Sizes(extra, cd.readUInt32LE(p + 24), cd.readUInt32LE(p + 20), cd.readUInt32LE(p + 42));
    out.set(z.offset as number, { crc, size: z.size, compressed: z.compressed });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Every entry, in file order, from the local headers. */
export async function listZipEntries(path: string): Promise<ZipEntry[]> {
  const fh = await fsp.open(path, "r");
  try {
    const fileSize = (await fh.stat()).size;
    const entries: ZipEntry[] = [];
    let central: Map<number, { crc: number; size: number; compressed: number }> | undefined;
    for (let offset = 0; offset + 30 <= fileSize; ) {
      const h = await readAt(fh, offset, 30);
      const sig = h.readUInt32LE(0);
      if (sig !== LOCAL) {
        if (offset === 0) throw new Error("not a zip file (no local file header at the start)");
        break; // the central directory
      }
      const flags = h.readUInt16LE(6);
      const method = h.readUInt16LE(8);
      let crc = h.readUInt32LE(14);
      const nameLen = h.readUInt16LE(26);
      const extraLen = h.readUInt16LE(28);
      const nameAndExtra = await readAt(fh, offset + 30, nameLen + extraLen);
      const name = nameAndExtra.toString(flags & 0x800 ? "utf8" : "latin1", 0, nameLen);
      let { size, compressed } = zip64Sizes(nameAndExtra.subarray(nameLen), h.readUInt32LE(22), h.readUInt32LE(18));
      const dataOffset = offset + 30 + nameLen + extraLen;
      let next = dataOffset + compressed;
      if (flags & 0x8) {
        // sizes and CRC follow the data: take them from the central directory
        central ??= await centralSizes(fh, fileSize);
        const c = central.get(offset);
        if (!c) throw new Error(`entry ${JSON.stringify(name)} is missing from the central directory`);
        ({ crc, size, compressed } = c);
        next = dataOffset + compressed;
        const d = await readAt(fh, next, 4);
        const descriptor = d.length === 4 && d.readUInt32LE(0) === 0x08074b50 ? 4 : 0; // optional signature
        const zip64 = size >= U32_MAX || compressed >= U32_MAX;
        next += descriptor + 4 + (zip64 ? 16 : 8);
      }
      if (dataOffset + compressed > fileSize) throw new Error(`entry ${JSON.stringify(name)} is cut off (the zip file is truncated)`);
      entries.push({ name, method, crc, compressedSize: compressed, size, dataOffset, headerOffset: offset });
      offset = next;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** Counts bytes and the running CRC-32 of what passes through. */
class Checksum extends Transform {
  crc = 0;
  bytes = 0;
  constructor(private readonly onBytes?: (n: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    done(null, chunk);
  }
}

/**
 * Extracts the member `entryName` of the zip at `zipPath` to `destPath` (through a temporary
 * file, renamed once the CRC-32 and size match). Throws when the member is missing (listing the
 * members), compressed with an unsupported method, or corrupt.
 *
 * @example
 * await extractZipEntry("glove.6B.zip", "glove.6B.100d.txt", "cache/glove.6B.100d.txt");
 */
export async function extractZipEntry(zipPath: string, entryName: string, destPath: string, onProgress?: (bytes: number, total: number) => void): Promise<ZipEntry> {
  const entries = await listZipEntries(zipPath);
  const entry = entries.find((e) => e.name === entryName);
  if (!entry) throw new Error(`the zip has no member ${JSON.stringify(entryName)}; it holds ${entries.map((e) => JSON.stringify(e.name)).join(", ")}`);
  if (entry.method !== 0 && entry.method !== 8) throw new Error(`member ${JSON.stringify(entryName)} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
  const tmp = `${destPath}.${process.pid}.part`;
  const check = new Checksum(onProgress ? (n) => onProgress(n, entry.size) : undefined);
  try {
    const input = createReadStream(zipPath, { start: entry.dataOffset, end: entry.dataOffset + entry.compressedSize - 1, highWaterMark: 1 << 20 });
    if (entry.compressedSize === 0) {
      await fsp.writeFile(tmp, Buffer.alloc(0));
      input.destroy();
    } else if (entry.method === 8) await pipeline(input, createInflateRaw(), check, createWriteStream(tmp));
    else await pipeline(input, check, createWriteStream(tmp));
    if (check.bytes !== entry.size) throw new Error(`member ${JSON.stringify(entryName)} inflated to ${check.bytes} bytes, but the zip says ${entry.size} (corrupt zip)`);
    if (check.crc >>> 0 !== entry.crc >>> 0) throw new Error(`member ${JSON.stringify(entryName)} fails its CRC-32 check (corrupt zip)`);
    await fsp.rename(tmp, destPath);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  return entry;
}
