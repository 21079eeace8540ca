/**
 * A minimal `.npy` (NumPy format 1.0–3.0) reader and writer for 2-D float matrices, as vector
 * tables are shipped (`vectors.npy` + a words file).
 */

/** A parsed `.npy` header. */
export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Whether the bytes start with the `.npy` magic string. */
export function isNpy(head: Uint8Array): boolean {
  return head.length >= 6 && MAGIC.every((b, i) => head[i] === b);
}

/** Parses the header, or returns a reason string. */
export function parseNpyHeader(buf: Buffer): NpyHeader | string {
  if (!isNpy(buf) || buf.length < 10) return "not a .npy file (bad magic string)";
  const major = buf[6];
  let len: number;
  let start: number;
  if (major === 1) {
    len = buf.readUInt16LE(8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) return "truncated .npy header";
    len = buf.readUInt32LE(8);
    start = 12;
  } else return `unsupported .npy version ${major}`;
  if (buf.length < start + len) return "truncated .npy header";
  const text = buf.toString(major === 3 ? "utf8" : "latin1", start, start + len);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) return `unreadable .npy header ${JSON.stringify(text.slice(0, 80))}`;
  const dims = shape.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) return `bad .npy shape (${shape})`;
  return { descr, fortranOrder: fortran === "True", shape: dims, dataOffset: start + len };
}

/**
 * The `[rows, cols]` float32 matrix of a `.npy` buffer (`<f4`, `<f8`, `>f4`, `>f8`, `<f2`;
 * Fortran order transposed), or a reason string.
 */
export function readNpyMatrix(buf: Buffer): { rows: number; cols: number; data: Float32Array } | string {
  const h = parseNpyHeader(buf);
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

/** A version-1.0 `.npy` file for a `[rows, cols]` little-endian float32 matrix. */
export function npyBytes(data: Float32Array, rows: number, cols: number): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n"; // data starts on a 64-byte boundary
  const head = Buffer.alloc(10 + header.length);
  MAGIC.forEach((b, i) => (head[i] = b));
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  head.write(header, 10, "latin1");
  return Buffer.concat([head, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
