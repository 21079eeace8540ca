/**
 * Word-vector tables shipped as `.npy` (`vectors.npy` + a words file): any float `[V, D]` matrix,
 * read into float32. The header is io/npy's; only the wider dtype conversion lives here (big-endian,
 * float16, Fortran order, which `decodeNpy` refuses). `saveVectors` writes with `encodeNpy`.
 */
import { readNpyHeader } from "../io/npy";

/**
 * The `[rows, cols]` float32 matrix of a `.npy` buffer (`<f4`, `<f8`, `>f4`, `>f8`, `<f2`;
 * Fortran order transposed), or a reason string.
 */
export function readNpyMatrix(buf: Buffer): { rows: number; cols: number; data: Float32Array } | string {
  const h = readNpyHeader(buf);
  if (typeof h === "string") return h;
  if (h.shape.length !== 2) return `expected a 2-D array, but the .npy shape is (${h.shape.join(", ")})`;
  const [rows, cols] = h.shape;
  const n = rows * cols;
  const kinds: Record<string, [number, (b: Buffer, o: number) => number]> = {
    "<f4": [4, (b, o) => b.readFloatLE(o)],
    ">f4": [4, (b, o) => b.readFloatBE(o)],
    "<f8": [8, (b, o) => b.readDoubleLE(o)],
    ">f8": [8, (b, o) => b.readDoubleBE(o)],
    "<f2": [2, (b, o) => half(b.readUInt16LE(o))],
  };
  const kind = kinds[h.descr === "|f4" ? "<f4" : h.descr];
  if (!kind) return `unsupported .npy dtype ${JSON.stringify(h.descr)} (expected float16/32/64)`;
  const [size, read] = kind;
  if (buf.length < h.dataOffset + n * size) return `the .npy data is truncated: ${buf.length - h.dataOffset} of ${n * size} bytes`;
  const data = new Float32Array(n);
  if (h.descr === "<f4" || h.descr === "|f4") {
    new Uint8Array(data.buffer).set(buf.subarray(h.dataOffset, h.dataOffset + n * 4));
  } else {
    for (let i = 0; i < n; i++) data[i] = read(buf, h.dataOffset + i * size);
  }
  if (h.fortranOrder && rows > 1 && cols > 1) {
    const t = new Float32Array(n);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[r * cols + c] = data[c * rows + r]; // column-major -> row-major
    return { rows, cols, data: t };
  }
  return { rows, cols, data };
}

/** IEEE half → number. */
function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}
