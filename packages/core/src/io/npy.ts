/**
 * NumPy `.npy` files (format versions 1.0–3.0), read and written on plain Node.
 */
import { promises as fsp } from "node:fs";
import * as tf from "../tf";
import { typeError } from "../validate";

/** What a `.npy` file holds: its values (row-major), shape and NumPy dtype string. */
export interface NpyArray {
  /** Values in C order. float64 files give a `Float64Array`, int64 an `Int32Array` (checked to fit), bool a `Uint8Array`. */
  data: Float32Array | Float64Array | Int32Array | Uint8Array;
  shape: number[];
  /** The file's dtype, e.g. `"<f4"`. */
  dtype: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

function corrupt(fn: string, source: string, why: string): Error {
  return new Error(`${fn}: ${source} is not a valid .npy file: ${why}`);
}

/** A parsed `.npy` header. */
export interface NpyHeader {
  /** The NumPy dtype string, e.g. `"<f4"`. */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
}

/** Whether the bytes start with the `.npy` magic string. */
export function isNpy(head: Uint8Array): boolean {
  return head.length >= MAGIC.length && MAGIC.every((b, i) => head[i] === b);
}

/**
 * Parses the header of a `.npy` file (format versions 1.0–3.0), or says why it cannot (a phrase
 * for an error message). Shared by {@link decodeNpy} and the word-vector reader.
 */
export function readNpyHeader(bytes: Uint8Array): NpyHeader | string {
  if (bytes.length < 10 || !isNpy(bytes)) return "missing the \\x93NUMPY magic";
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) return "truncated header";
    headerLen = dv.getUint32(8, true);
    start = 12;
  } else {
    return `unknown format version ${major}.${bytes[7]}`;
  }
  if (start + headerLen > bytes.length) return "truncated header";
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) return `unreadable header ${JSON.stringify(header.trim())}`;
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => Number(s));
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) return `bad shape (${shapeText})`;
  return { descr, fortranOrder: fortran === "True", shape, dataOffset: start + headerLen };
}

/**
 * Parses the bytes of a `.npy` file. Little-endian float32/float64/int32/int64/uint8/bool, C order.
 *
 * **Output:** `{ data, shape, dtype }`.
 * @example
 * const { data, shape } = decodeNpy(readFileSync("vectors.npy")); // Float32Array, [V, D]
 */
export function decodeNpy(bytes: Uint8Array, source = "input"): NpyArray {
  const fn = "decodeNpy";
  if (!(bytes instanceof Uint8Array)) throw typeError(fn, "bytes", "a Uint8Array (or Buffer)", bytes);
  const h = readNpyHeader(bytes);
  if (typeof h === "string") throw corrupt(fn, source, h);
  const { descr, shape } = h;
  if (h.fortranOrder) throw new RangeError(`${fn}: ${source} is in Fortran order; save it with numpy.ascontiguousarray first`);
  const size = shape.reduce((a, b) => a * b, 1);
  const body = h.dataOffset;
  const itemSize: Record<string, number> = { "<f4": 4, "<f8": 8, "<i4": 4, "<i8": 8, "|u1": 1, "|b1": 1 };
  const width = itemSize[descr];
  if (width === undefined) {
    throw new TypeError(`${fn}: ${source} has dtype ${descr}; supported are ${Object.keys(itemSize).join(", ")} (little-endian)`);
  }
  if (bytes.length - body !== size * width) {
    throw corrupt(fn, source, `expected ${size * width} data bytes for shape (${shape.join(", ")}) and dtype ${descr}, but the file has ${bytes.length - body}`);
  }
  // Copy into an aligned buffer (the body offset is 64-byte aligned in files numpy writes, not in slices of a Buffer).
  // (`new Uint8Array(view)` copies; `Buffer#slice` would share the whole pooled buffer.)
  const raw = new Uint8Array(bytes.subarray(body, body + size * width)).buffer;
  let data: NpyArray["data"];
  if (descr === "<f4") data = new Float32Array(raw);
  else if (descr === "<f8") data = new Float64Array(raw);
  else if (descr === "<i4") data = new Int32Array(raw);
  else if (descr === "<i8") {
    const wide = new BigInt64Array(raw);
    data = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const v = wide[i];
      if (v > 2147483647n || v < -2147483648n) throw new RangeError(`${fn}: ${source} holds int64 value ${v} at flat index ${i}, which does not fit int32`);
      data[i] = Number(v);
    }
  } else data = new Uint8Array(raw);
  return { data, shape, dtype: descr };
}

/**
 * Encodes values as a version 1.0 `.npy` file (2.0 when the header needs it).
 *
 * **Input:** a float32/int32/bool tensor, or typed array + `shape`. **Output:** the file's bytes.
 * @example
 * writeFileSync("t.npy", encodeNpy(tf.tensor2d([[1, 2]])));
 */
export function encodeNpy(values: tf.Tensor | Float32Array | Float64Array | Int32Array | Uint8Array, shape?: readonly number[]): Uint8Array {
  const fn = "encodeNpy";
  let data: Float32Array | Float64Array | Int32Array | Uint8Array;
  let dims: number[];
  let descr: string;
  if (values instanceof tf.Tensor) {
    if (shape !== undefined) throw typeError(fn, "shape", "absent for a tensor", shape);
    dims = values.shape.slice();
    if (values.dtype === "float32") data = Float32Array.from(values.dataSync() as Float32Array);
    else if (values.dtype === "int32") data = Int32Array.from(values.dataSync() as Int32Array);
    else if (values.dtype === "bool") data = Uint8Array.from(values.dataSync() as Uint8Array);
    else throw typeError(fn, "values", "a float32, int32 or bool tensor", values);
  } else if (values instanceof Float32Array || values instanceof Float64Array || values instanceof Int32Array || values instanceof Uint8Array) {
    data = values;
    dims = shape === undefined ? [values.length] : [...shape];
    if (!dims.every((n) => Number.isInteger(n) && n >= 0) || dims.reduce((a, b) => a * b, 1) !== values.length) {
      throw new RangeError(`${fn}: expected shape to hold ${values.length} values, but got [${dims}]`);
    }
  } else {
    throw typeError(fn, "values", "a tensor or a Float32Array/Float64Array/Int32Array/Uint8Array", values);
  }
  if (values instanceof tf.Tensor) descr = values.dtype === "float32" ? "<f4" : values.dtype === "int32" ? "<i4" : "|b1";
  else descr = data instanceof Float32Array ? "<f4" : data instanceof Float64Array ? "<f8" : data instanceof Int32Array ? "<i4" : "|u1";
  const shapeText = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let prefix = 10;
  if (header.length + 1 + prefix > 65535) prefix = 12;
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64; // numpy aligns the data to 64 bytes
  header = header.padEnd(total - prefix - 1, " ") + "\n";
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = prefix === 10 ? 1 : 2;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (prefix === 10) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(body, total);
  return out;
}

/**
 * Reads a `.npy` file into a tensor (float64 becomes float32, int64 int32 when it fits, bool stays bool).
 * @example
 * const table = await loadNpy("table.npy"); // [V, D] float32
 */
export async function loadNpy(path: string): Promise<tf.Tensor> {
  if (typeof path !== "string") throw typeError("loadNpy", "path", "a file path", path);
  let bytes: Uint8Array;
  try {
    bytes = await fsp.readFile(path);
  } catch (e) {
    throw new Error(`loadNpy: cannot read ${path}: ${(e as Error).message}`);
  }
  const { data, shape, dtype } = decodeNpy(bytes, path);
  if (dtype === "|b1") return tf.tensor(data, shape, "bool");
  if (data instanceof Int32Array) return tf.tensor(data, shape, "int32");
  if (data instanceof Uint8Array) return tf.tensor(Int32Array.from(data), shape, "int32");
  return tf.tensor(data instanceof Float32Array ? data : Float32Array.from(data), shape, "float32");
}

/**
 * Writes a tensor as a `.npy` file (written to a temporary name, then renamed: never half a file).
 * @example
 * await saveNpy("table.npy", layer.weight);
 */
export async function saveNpy(path: string, tensor: tf.Tensor): Promise<void> {
  if (typeof path !== "string") throw typeError("saveNpy", "path", "a file path", path);
  const bytes = encodeNpy(tensor);
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await fsp.writeFile(tmp, bytes);
    await fsp.rename(tmp, path);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw new Error(`saveNpy: cannot write ${path}: ${(e as Error).message}`);
  }
}
