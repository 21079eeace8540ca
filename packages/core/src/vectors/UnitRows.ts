/**
 * The unit-length float32 copy of a vector table and a scan of it: `dots(query)` gives every
 * row's cosine with the query, `simdDotsKernel` lends the same scan to other modules (the
 * projections' nearest-neighbour search, PCA).
 *
 * Scanning 400k × 100 float32 rows is bound by memory bandwidth (160 MB per query). A plain
 * JavaScript loop here ran at ~90–140 ms; a WebAssembly SIMD loop (f32x4, two rows per iteration)
 * reads the same bytes in ~18 ms. The rows live in a WebAssembly memory and a small module
 * assembled below does the arithmetic. Without SIMD (or past 4 GB, or with
 * `EMBEDLAB_VECTORS_SIMD=0`) the same numbers come from a JavaScript loop.
 *
 * `mostSimilar` and `mostSimilarCosmul` do not use this copy: `NibbleRows` (4-bit) and
 * `QuantizedRows` (int8) answer them from far smaller indexes, with the same result as scoring
 * every row exactly.
 */
import { MAX_WASM_BYTES, PAGE, WASM, compileOnce, moduleBytes, op, simdDisabled } from "../kernels/wasmBytes";

/**
 * `dots(mat, rows, strideBytes, q, out)`: `out[r] = Σ_j mat[r][j] · q[j]` (f32) for `rows` (even)
 * rows of `strideBytes / 4` floats (a multiple of 4, zero padded). Two rows per iteration share
 * each load of `q`; each row sums four lanes, added at the end.
 */
const simdModule = compileOnce(() => {
  const { get, set, tee, i32, simd, load, zero, loop, add, shl, ltU, eqz, brIf0 } = op;
  const f32x4mul = simd(230);
  const f32x4add = simd(228);
  // params 0 mat, 1 rows, 2 stride, 3 q, 4 out; locals 5 r, 6 j, 7 p (i32), 8 a0, 9 a1, 10 qv (v128)
  const hsumF = (a: number) => [...get(a), ...simd(31), 0, ...get(a), ...simd(31), 1, 0x92, ...get(a), ...simd(31), 2, 0x92, ...get(a), ...simd(31), 3, 0x92];
  const dots = [
    ...get(1), eqz, ...brIf0, // rows == 0: return
    ...get(0), ...set(7),
    ...loop([
      ...zero, ...set(8), ...zero, ...set(9), ...i32(0), ...set(6),
      ...loop([
        ...get(3), ...get(6), add, ...load(), ...set(10),
        ...get(8), ...get(7), ...get(6), add, ...load(), ...get(10), ...f32x4mul, ...f32x4add, ...set(8),
        ...get(9), ...get(7), ...get(2), add, ...get(6), add, ...load(), ...get(10), ...f32x4mul, ...f32x4add, ...set(9),
        ...get(6), ...i32(16), add, ...tee(6), ...get(2), ltU, ...brIf0, // j += 16 while j < stride
      ]),
      ...get(4), ...hsumF(8), 0x38, 2, 0, // f32.store out[r]
      ...get(4), ...hsumF(9), 0x38, 2, 4, // f32.store out[r + 1]
      ...get(4), ...i32(8), add, ...set(4),
      ...get(7), ...get(2), ...i32(1), shl, add, ...set(7), // p += 2 * stride
      ...get(5), ...i32(2), add, ...tee(5), ...get(1), ltU, ...brIf0, // r += 2 while r < rows
    ]),
  ];
  return moduleBytes([{ name: "dots", params: 5, locals: [[3, 0x7f], [3, 0x7b]], code: dots }]);
});

type DotsFn = (mat: number, rows: number, stride: number, q: number, out: number) => void;

/**
 * Unit-length rows of a `[rows, dim]` float32 table (zero rows stay zero), with `dots(query)`
 * over the first `limit` rows.
 */
export class UnitRows {
  readonly rows: number;
  readonly dim: number;
  /** Whether the WebAssembly SIMD path is in use. */
  readonly simd: boolean;
  private readonly stride: number;
  private readonly unit: Float32Array; // [rowsPadded, stride]
  private readonly q: Float32Array; // [stride]
  private readonly out: Float32Array; // [rowsPadded]
  private readonly dotsFn: DotsFn | undefined;
  private readonly qOffset: number;
  private readonly outOffset: number;

  constructor(data: Float32Array, rows: number, dim: number, options: { simd?: boolean } = {}) {
    this.rows = rows;
    this.dim = dim;
    const stride = Math.ceil(dim / 4) * 4; // f32x4 lanes: pad each row to a multiple of 4 floats
    const rowsPadded = rows + (rows & 1); // two rows per iteration
    const matBytes = rowsPadded * stride * 4;
    const outOffset = matBytes + stride * 4;
    const totalBytes = outOffset + rowsPadded * 4;
    const module = options.simd === false || simdDisabled() ? null : simdModule();
    if (WASM && module && totalBytes <= MAX_WASM_BYTES - PAGE && rows > 0 && dim > 0) {
      const memory = new WASM.Memory({ initial: Math.ceil(totalBytes / PAGE) });
      const instance = new WASM.Instance(module, { env: { mem: memory } });
      this.dotsFn = instance.exports.dots as DotsFn;
      const buffer = memory.buffer;
      this.unit = new Float32Array(buffer, 0, rowsPadded * stride);
      this.qOffset = matBytes;
      this.q = new Float32Array(buffer, this.qOffset, stride);
      this.outOffset = outOffset;
      this.out = new Float32Array(buffer, outOffset, rowsPadded);
      this.simd = true;
    } else {
      this.unit = new Float32Array(rowsPadded * stride);
      this.q = new Float32Array(stride);
      this.out = new Float32Array(rowsPadded);
      this.qOffset = this.outOffset = 0;
      this.simd = false;
    }
    this.stride = stride;
    const unit = this.unit;
    for (let r = 0; r < rows; r++) {
      const o = r * dim;
      let ss = 0;
      for (let j = 0; j < dim; j++) ss += data[o + j] * data[o + j];
      const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
      const u = r * stride;
      for (let j = 0; j < dim; j++) unit[u + j] = data[o + j] * inv;
    }
  }

  /**
   * `scores[r] = unit[r] · query` for `r < limit`. Returns a view that the next call overwrites.
   * **Input:** `query` `[dim]`. **Output:** `[limit]`.
   */
  dots(query: ArrayLike<number>, limit = this.rows): Float32Array {
    const { q, dim, stride } = this;
    for (let j = 0; j < dim; j++) q[j] = query[j];
    if (this.dotsFn) {
      const n = limit + (limit & 1);
      this.dotsFn(0, n, stride * 4, this.qOffset, this.outOffset);
      return this.out.subarray(0, limit);
    }
    const { unit, out } = this;
    let r = 0;
    for (; r + 3 < limit; r += 4) {
      // four rows share each load of q
      const o = r * stride;
      let a = 0, b = 0, c = 0, d = 0;
      for (let j = 0; j < dim; j++) {
        const x = q[j];
        a += unit[o + j] * x;
        b += unit[o + stride + j] * x;
        c += unit[o + 2 * stride + j] * x;
        d += unit[o + 3 * stride + j] * x;
      }
      out[r] = a;
      out[r + 1] = b;
      out[r + 2] = c;
      out[r + 3] = d;
    }
    for (; r < limit; r++) {
      const o = r * stride;
      let s = 0;
      for (let j = 0; j < dim; j++) s += unit[o + j] * q[j];
      out[r] = s;
    }
    return out.subarray(0, limit);
  }
}

/**
 * The exact score of row `r` of a row-major `[rows, dim]` table against `query`, as `mostSimilar`
 * defines it: Σ_j fround(x_j · invNorm) · query_j, summed in float64 (`invNorm` = 1/‖x‖, or 0).
 * The int8 and 4-bit indexes rescore their candidates with it.
 */
export function exactUnitScore(data: Float32Array, dim: number, invNorm: number, r: number, query: ArrayLike<number>): number {
  const o = r * dim;
  let s = 0;
  for (let j = 0; j < dim; j++) s += Math.fround(data[o + j] * invNorm) * query[j];
  return s;
}

/**
 * Indices of the `k` largest scores (NaN never wins), best first; equal scores keep the lower
 * index first. `exclude` indices are passed over.
 */
export function topK(scores: ArrayLike<number>, k: number, exclude: ReadonlySet<number>): number[] {
  const idx: number[] = [];
  const val: number[] = [];
  let threshold = -Infinity;
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (!(s > threshold) && !(idx.length < k && s === s)) continue;
    if (s !== s || exclude.has(i)) continue;
    // insertion into the sorted (desc) list; ties stay behind earlier indices
    let p = idx.length;
    while (p > 0 && val[p - 1] < s) p--;
    if (p >= k) continue;
    idx.splice(p, 0, i);
    val.splice(p, 0, s);
    if (idx.length > k) {
      idx.pop();
      val.pop();
    }
    if (idx.length === k) threshold = val[k - 1];
  }
  return idx;
}

/**
 * The SIMD `dots` kernel on a fresh WebAssembly memory of at least `bytes` bytes, for other scans
 * over raw (not unit) rows, e.g. the projections' nearest-neighbour search; `null` without SIMD,
 * past 4 GB or with `EMBEDLAB_VECTORS_SIMD=0`. `dots(mat, rows, strideBytes, q, out)` takes byte
 * offsets into `buffer`; `rows` even, `strideBytes` a multiple of 16.
 */
export function simdDotsKernel(bytes: number): { buffer: ArrayBuffer; dots: DotsFn } | null {
  const module = simdDisabled() ? null : simdModule();
  if (!WASM || !module || bytes > MAX_WASM_BYTES - PAGE) return null;
  const memory = new WASM.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
  const instance = new WASM.Instance(module, { env: { mem: memory } });
  return { buffer: memory.buffer, dots: instance.exports.dots as DotsFn };
}
