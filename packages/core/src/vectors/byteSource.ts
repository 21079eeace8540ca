/**
 * A file path or a readable stream as a sequence of byte chunks, with a peek at the head (for format
 * sniffing), transparent gunzip (`.gz` files start with 1f 8b) and byte progress.
 */
import { createReadStream, promises as fsp } from "node:fs";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { basename } from "node:path";
import { throwIfInterrupted, yieldToEventLoop } from "../backend/interrupt";

/** Chunk size for file reads: large enough that per-chunk overhead vanishes, small enough to stay cache-friendly. */
export const CHUNK_BYTES = 4 << 20;

/** What `loadVectors` accepts as input bytes. */
export type VectorInput = string | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** An opened input: peekable chunks plus where it came from. */
export class ByteSource {
  /** Printable name for messages: the file's base name or `"<stream>"`. */
  readonly name: string;
  /** The file path, when the input was a path. */
  readonly path: string | undefined;
  /** Total bytes (of the file on disk), when known. */
  readonly total: number | undefined;
  /** Bytes consumed from the underlying input so far (compressed bytes for `.gz`). */
  bytesRead = 0;
  private iterator: AsyncIterator<Uint8Array>;
  private pending: Buffer[] = [];
  private destroyFn: () => void;
  private progress: ((bytesRead: number, total: number | undefined) => void) | undefined;
  private lastReported = -1;

  private constructor(name: string, path: string | undefined, total: number | undefined, iterator: AsyncIterator<Uint8Array>, destroy: () => void) {
    this.name = name;
    this.path = path;
    this.total = total;
    this.iterator = iterator;
    this.destroyFn = destroy;
  }

  /** Opens a path (gzip detected from its first bytes) or wraps a stream / async iterable. */
  static async open(input: VectorInput, onProgress?: (bytesRead: number, total: number | undefined) => void): Promise<ByteSource> {
    let source: ByteSource;
    if (typeof input === "string") {
      const stat = await fsp.stat(input);
      if (!stat.isFile()) throw new Error(`not a file: ${input}`);
      const head = Buffer.alloc(2);
      const fh = await fsp.open(input, "r");
      try {
        await fh.read(head, 0, 2, 0);
      } finally {
        await fh.close();
      }
      const raw = createReadStream(input, { highWaterMark: CHUNK_BYTES });
      const gz = stat.size >= 2 && head[0] === 0x1f && head[1] === 0x8b;
      const stream = gz ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
      const destroy = () => {
        raw.destroy();
        if (stream !== raw) stream.destroy();
      };
      source = new ByteSource(basename(input), input, stat.size, (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator](), destroy);
      if (gz) raw.on("data", (chunk: string | Buffer) => source.countRaw(chunk.length));
      source.gzip = gz;
    } else if (input !== null && typeof input === "object" && Symbol.asyncIterator in input) {
      const it = (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      const destroy = () => {
        const d = (input as { destroy?: () => void }).destroy;
        if (typeof d === "function") d.call(input);
      };
      source = new ByteSource("<stream>", undefined, undefined, it, destroy);
      const first = await source.pull();
      if (first && first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
        const rest = source.iterator;
        const replay = Readable.from((async function* () {
          yield first;
          for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
        })());
        const gunzip = replay.pipe(createGunzip({ chunkSize: 1 << 20 }));
        source.iterator = (gunzip as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
        source.gzip = true;
        source.destroyFn = () => {
          gunzip.destroy();
          replay.destroy();
          destroy();
        };
      } else if (first) {
        source.pending.push(first);
      }
    } else {
      throw new TypeError("not a path or a readable stream");
    }
    source.progress = onProgress;
    return source;
  }

  /** Whether the bytes are being gunzipped on the way. */
  gzip = false;

  private countRaw(n: number): void {
    this.bytesRead += n;
  }

  private async pull(): Promise<Buffer | null> {
    const r = await this.iterator.next();
    if (r.done) return null;
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    if (!this.gzip) this.bytesRead += chunk.length;
    return chunk;
  }

  /** The next chunk (peeked chunks first), or `null` at the end. Reports progress. */
  async next(): Promise<Buffer | null> {
    // A kernel interrupt stops the load between two chunks (~4 MB); the reader's state is local to
    // the loadVectors call, so nothing half-made survives it.
    await yieldToEventLoop();
    throwIfInterrupted("loadVectors", `byte ${this.bytesRead}${this.total !== undefined ? ` of ${this.total}` : ""}`);
    const chunk = this.pending.length > 0 ? (this.pending.shift() as Buffer) : await this.pull();
    if (this.progress && this.bytesRead !== this.lastReported) {
      this.lastReported = this.bytesRead;
      this.progress(this.bytesRead, this.total);
    }
    return chunk;
  }

  /** At least `n` bytes from the head without consuming them (fewer when the input is shorter). */
  async peek(n: number): Promise<Buffer> {
    let have = this.pending.reduce((s, b) => s + b.length, 0);
    while (have < n) {
      const chunk = await this.pull();
      if (!chunk) break;
      this.pending.push(chunk);
      have += chunk.length;
    }
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0] ?? Buffer.alloc(0);
  }

  /** Every remaining byte in one buffer (binary formats that are small, or need random access). */
  async readAll(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let c = await this.next(); c; c = await this.next()) parts.push(c);
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** Stops reading and releases the file. */
  close(): void {
    this.destroyFn();
  }
}
