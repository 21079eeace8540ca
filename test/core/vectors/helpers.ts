// Shared test helpers for the vectors tests: a seeded generator, temp dirs, scan test data and its
// brute-force reference, a tiny zip writer.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { mulberry32 } from "@embedlab/core";

/** mulberry32: deterministic [0, 1) numbers. */
export const rng: (seed: number) => () => number = mulberry32;

/** A fresh temporary directory and its cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "embedlab-vectors-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Random words "w0", "w1", … and a [n, dim] table of N(0,1)-ish float32 values. */
export function randomTable(n: number, dim: number, seed = 1): { words: string[]; rows: number[][] } {
  const r = rng(seed);
  const words = Array.from({ length: n }, (_, i) => `w${i}`);
  const rows = words.map(() => Array.from({ length: dim }, () => Math.fround((r() + r() + r() - 1.5) * 2)));
  return { words, rows };
}

/** A flat [rows, dim] float32 table of N(0,1)-ish values (the scans' test data). */
export function gaussTable(rows: number, dim: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: rows * dim }, () => (r() + r() + r() - 1.5) * 2);
}

/** A unit-length float64 query: row `r` of `data`, perturbed by uniform noise of width `noise`. */
export function unitQuery(data: Float32Array, dim: number, r: number, seed: number, noise = 0.3): Float64Array {
  const g = rng(seed);
  const q = Float64Array.from({ length: dim }, (_, j) => data[r * dim + j] + (g() - 0.5) * noise);
  const n = Math.hypot(...q);
  return q.map((x) => x / n);
}

/** Every row scored as mostSimilar defines it (fround(x/‖x‖)·q summed in float64), best k outside `exclude`, ties by index. */
export function bruteForce(data: Float32Array, dim: number, q: Float64Array, k: number, limit: number, exclude: Set<number>): { index: number[]; score: number[] } {
  const scored: { r: number; s: number }[] = [];
  for (let r = 0; r < limit; r++) {
    if (exclude.has(r)) continue;
    let ss = 0;
    for (let j = 0; j < dim; j++) ss += data[r * dim + j] * data[r * dim + j];
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    let s = 0;
    for (let j = 0; j < dim; j++) s += Math.fround(data[r * dim + j] * inv) * q[j];
    scored.push({ r, s });
  }
  scored.sort((a, b) => b.s - a.s || a.r - b.r);
  const best = scored.slice(0, k);
  return { index: best.map((x) => x.r), score: best.map((x) => x.s) };
}

export interface ZipFileSpec {
  name: string;
  data: Buffer;
  /** 0 stored, 8 deflate (default). */
  method?: 0 | 8;
}

/**
 * A zip file built by hand (local headers, data, central directory). `dataDescriptor` writes the
 * sizes and CRC after the data (flag bit 3) as streaming zippers do.
 */
export function makeZip(files: ZipFileSpec[], options: { dataDescriptor?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const method = f.method ?? 8;
    const body = method === 8 ? deflateRawSync(f.data) : f.data;
    const crc = crc32(f.data) >>> 0;
    const name = Buffer.from(f.name, "utf8");
    const dd = options.dataDescriptor ?? false;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE((dd ? 0x8 : 0) | 0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(dd ? 0 : crc, 14);
    local.writeUInt32LE(dd ? 0 : body.length, 18);
    local.writeUInt32LE(dd ? 0 : f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, name, body);
    let size = 30 + name.length + body.length;
    if (dd) {
      const d = Buffer.alloc(16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc, 4);
      d.writeUInt32LE(body.length, 8);
      d.writeUInt32LE(f.data.length, 12);
      parts.push(d);
      size += 16;
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE((dd ? 0x8 : 0) | 0x800, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(body.length, 20);
    c.writeUInt32LE(f.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += size;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}
