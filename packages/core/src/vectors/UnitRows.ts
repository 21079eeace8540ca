/**
 * The unit-length copy of a vector table that similarity queries scan, and the scan itself.
 *
 * Scanning 400k × 100 float32 rows is bound by memory bandwidth (160 MB per query). A plain
 * JavaScript loop here ran at ~90–140 ms; a WebAssembly SIMD loop (f32x4, two rows per iteration)
 * reads the same bytes in ~18 ms. `top()` goes further: it scans an int8 copy of the unit rows
 * (40 MB, i32x4.dot_i16x8_s) for approximate scores with a proven error bound, then scores the few
 * rows that can still be in the top k exactly from the float32 rows — the same answer as a full
 * float32 scan, a quarter of the memory traffic. The rows live in a WebAssembly memory and a
 * small module assembled below does the arithmetic. Without SIMD (or past 4 GB, or with
 * `EMBEDLAB_VECTORS_SIMD=0`) the same numbers come from a JavaScript loop over float32 rows.
 */

/** LEB128 encodings for the module bytes. */
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};

/**
 * Two functions over memory imported as `env.mem`:
 * - `dots(mat, rows, strideBytes, q, out)`: `out[r] = Σ_j mat[r][j] · q[j]` (f32) for `rows` (even)
 *   rows of `strideBytes / 4` floats (a multiple of 4, zero padded). Two rows per iteration share
 *   each load of `q`; each row sums four lanes, added at the end.
 * - `dots8(mat8, rows, strideBytes, q16, inv, out)`: `out[r] = f32(Σ_j mat8[r][j] · q16[j]) · inv[r]`
 *   for int8 rows of `strideBytes` (a multiple of 16) and an int16 query: each 16-byte load is
 *   widened to two i16x8 and multiplied-and-added pairwise into i32 lanes (i32x4.dot_i16x8_s).
 */
function simdModuleBytes(): Uint8Array {
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (n: number) => [0x41, ...sleb(n)];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const load = (offset = 0) => [...simd(0), 4, ...uleb(offset)]; // v128.load align 2^4
  const f32x4mul = simd(230);
  const f32x4add = simd(228);
  const zero = [...simd(12), ...new Array<number>(16).fill(0)]; // v128.const 0
  const loop = (body: number[]) => [0x03, 0x40, ...body, 0x0b];
  const add = 0x6a;
  const ltU = 0x49;
  const brIf0 = [0x0d, 0];

  // dots: params 0 mat, 1 rows, 2 stride, 3 q, 4 out; locals 5 r, 6 j, 7 p (i32), 8 a0, 9 a1, 10 qv (v128)
  const hsumF = (a: number) => [...get(a), ...simd(31), 0, ...get(a), ...simd(31), 1, 0x92, ...get(a), ...simd(31), 2, 0x92, ...get(a), ...simd(31), 3, 0x92];
  const dots = [
    ...get(1), 0x45, ...brIf0, // rows == 0: return
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
      ...get(7), ...get(2), ...i32(1), 0x74, add, ...set(7), // p += 2 * stride
      ...get(5), ...i32(2), add, ...tee(5), ...get(1), ltU, ...brIf0, // r += 2 while r < rows
    ]),
  ];

  // dots8: params 0 mat8, 1 rows, 2 stride, 3 q16, 4 inv, 5 out; locals 6 r, 7 j, 8 p (i32), 9 acc, 10 v (v128)
  const extendLow = simd(135); // i16x8.extend_low_i8x16_s
  const extendHigh = simd(136); // i16x8.extend_high_i8x16_s
  const dot16 = simd(186); // i32x4.dot_i16x8_s
  const addI32x4 = simd(174);
  const lane = (l: number) => [...get(9), ...simd(27), l]; // i32x4.extract_lane
  const q16At = (offset: number) => [...get(3), ...get(7), ...i32(1), 0x74, add, ...load(offset)]; // q16 + 2j
  const dots8 = [
    ...get(1), 0x45, ...brIf0,
    ...get(0), ...set(8),
    ...loop([
      ...zero, ...set(9), ...i32(0), ...set(7),
      ...loop([
        ...get(8), ...get(7), add, ...load(), ...set(10),
        ...get(9),
        ...get(10), ...extendLow, ...q16At(0), ...dot16, ...addI32x4,
        ...get(10), ...extendHigh, ...q16At(16), ...dot16, ...addI32x4,
        ...set(9),
        ...get(7), ...i32(16), add, ...tee(7), ...get(2), ltU, ...brIf0, // j += 16 while j < stride
      ]),
      ...get(5),
      ...lane(0), ...lane(1), add, ...lane(2), add, ...lane(3), add,
      0xb2, // f32.convert_i32_s
      ...get(4), 0x2a, 2, 0, // f32.load inv[r]
      0x94, // f32.mul
      0x38, 2, 0, // f32.store out[r]
      ...get(5), ...i32(4), add, ...set(5),
      ...get(4), ...i32(4), add, ...set(4),
      ...get(8), ...get(2), add, ...set(8),
      ...get(6), ...i32(1), add, ...tee(6), ...get(1), ltU, ...brIf0,
    ]),
  ];
  const body = (locals: number[], code: number[]) => {
    const b = [...locals, ...code, 0x0b];
    return [...uleb(b.length), ...b];
  };
  const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
  const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0, 0x60, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]), // (i32 × 5) -> (), (i32 × 6) -> ()
    ...section(2, [1, ...name("env"), ...name("mem"), 0x02, 0x00, 0x00]), // import memory, min 0
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...name("dots"), 0x00, 0x00, ...name("dots8"), 0x00, 0x01]),
    ...section(10, [2, ...body([2, 3, 0x7f, 3, 0x7b], dots), ...body([2, 3, 0x7f, 2, 0x7b], dots8)]),
  ]);
}

/** The slice of the WebAssembly API used here (lib ES2022 without DOM does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;
function simdModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = WASM ? new WASM.Module(simdModuleBytes()) : null;
    } catch {
      compiled = null; // no SIMD in this engine
    }
  }
  return compiled;
}

const PAGE = 65536;
/** wasm32 memories stop at 4 GiB. */
const MAX_WASM_BYTES = 65536 * PAGE;

/** Extra room on top of the proven bound, for float32 rounding of the approximate scores. */
const SLACK = 1e-5;

type DotsFn = (mat: number, rows: number, stride: number, q: number, out: number) => void;
type Dots8Fn = (mat8: number, rows: number, stride: number, q16: number, inv: number, out: number) => void;

/**
 * Unit-length rows of a `[rows, dim]` float32 table (zero rows stay zero), with `dots(query)`
 * over the first `limit` rows and `top(query, k)` for nearest-neighbour queries.
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
  // int8 copy for top(): row r ≈ mat8[r] · invRowScale[r], |row - that| ≤ maxError
  private readonly dots8Fn: Dots8Fn | undefined;
  private readonly stride8: number = 0;
  private readonly mat8Offset: number = 0;
  private readonly q16Offset: number = 0;
  private readonly invOffset: number = 0;
  /** Scale of the int16 query: the largest that keeps every int32 sum in range. */
  private readonly qScale: number = 0;
  private readonly q16: Int16Array | undefined;
  private readonly invScale: Float32Array | undefined;
  private maxError = 0;

  constructor(data: Float32Array, rows: number, dim: number, options: { simd?: boolean } = {}) {
    this.rows = rows;
    this.dim = dim;
    const stride = Math.ceil(dim / 4) * 4; // f32x4 lanes: pad each row to a multiple of 4 floats
    const stride8 = Math.ceil(dim / 16) * 16; // one v128 load = 16 int8 values
    const rowsPadded = rows + (rows & 1); // two rows per iteration
    const matBytes = rowsPadded * stride * 4;
    const outOffset = matBytes + stride * 4;
    const mat8Offset = outOffset + rowsPadded * 4;
    const invOffset = mat8Offset + rowsPadded * stride8;
    const q16Offset = invOffset + rowsPadded * 4;
    const totalBytes = q16Offset + stride8 * 2;
    // EMBEDLAB_VECTORS_SIMD=0 forces the JavaScript loop (tests compare both paths)
    const module = options.simd === false || process.env.EMBEDLAB_VECTORS_SIMD === "0" ? null : simdModule();
    if (WASM && module && totalBytes <= MAX_WASM_BYTES - PAGE && rows > 0 && dim > 0) {
      const memory = new WASM.Memory({ initial: Math.ceil(totalBytes / PAGE) });
      const instance = new WASM.Instance(module, { env: { mem: memory } });
      this.dotsFn = instance.exports.dots as DotsFn;
      this.dots8Fn = instance.exports.dots8 as Dots8Fn;
      const buffer = memory.buffer;
      this.unit = new Float32Array(buffer, 0, rowsPadded * stride);
      this.qOffset = matBytes;
      this.q = new Float32Array(buffer, this.qOffset, stride);
      this.outOffset = outOffset;
      this.out = new Float32Array(buffer, outOffset, rowsPadded);
      this.stride8 = stride8;
      this.mat8Offset = mat8Offset;
      this.invOffset = invOffset;
      this.q16Offset = q16Offset;
      this.q16 = new Int16Array(buffer, q16Offset, stride8);
      this.invScale = new Float32Array(buffer, invOffset, rowsPadded);
      this.qScale = Math.min(32767, Math.floor(2147483647 / (127 * stride8)));
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
    const mat8 = this.simd ? new Int8Array(this.unit.buffer, mat8Offset, rowsPadded * stride8) : undefined;
    const invScale = this.invScale;
    let maxErr2 = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * dim;
      let ss = 0;
      let maxRaw = 0;
      for (let j = 0; j < dim; j++) {
        const x = data[o + j];
        ss += x * x;
        const ax = x < 0 ? -x : x;
        if (ax > maxRaw) maxRaw = ax;
      }
      const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
      const u = r * stride;
      if (mat8 && invScale) {
        // int8 with a per-row scale (127 / largest component); the error vector's norm bounds how
        // far an int8 score can be from the float32 one
        const scale = maxRaw > 0 && inv > 0 ? 127 / (maxRaw * inv) : 0;
        const back = scale > 0 ? 1 / scale : 0;
        const u8 = r * stride8;
        let err = 0;
        for (let j = 0; j < dim; j++) {
          unit[u + j] = data[o + j] * inv;
          const v = unit[u + j]; // the stored float32 value: the bound is about what is scanned
          const x = v * scale;
          let k = (x < 0 ? x - 0.5 : x + 0.5) | 0; // nearest, ties away from zero (any rounding works: the error is measured)
          if (k > 127) k = 127; // float32 rounding can nudge the largest component past 127
          else if (k < -127) k = -127;
          mat8[u8 + j] = k;
          const e = v - k * back;
          err += e * e;
        }
        invScale[r] = scale > 0 ? 1 / (scale * this.qScale) : 0;
        if (err > maxErr2) maxErr2 = err;
      } else {
        for (let j = 0; j < dim; j++) unit[u + j] = data[o + j] * inv;
      }
    }
    // 1 + 1e-12: the error norm is computed in float64, keep the bound on the safe side
    this.maxError = Math.sqrt(maxErr2) * (1 + 1e-12);
  }

  /** The unit vector of row `r` (a view; do not write to it). */
  row(r: number): Float32Array {
    return this.unit.subarray(r * this.stride, r * this.stride + this.dim);
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

  /** `unit[r] · query` in float64. */
  private exact(r: number, query: ArrayLike<number>): number {
    const { unit, dim } = this;
    const o = r * this.stride;
    let s = 0;
    for (let j = 0; j < dim; j++) s += unit[o + j] * query[j];
    return s;
  }

  /**
   * The `k` rows (among the first `limit`, outside `exclude`) with the largest `unit[r] · query`,
   * best first, equal scores by index — and their scores. `query` should have unit length (the
   * error bound of the int8 pass assumes ‖query‖ ≤ 1).
   */
  top(query: ArrayLike<number>, k: number, limit: number, exclude: ReadonlySet<number>): { index: number[]; score: number[] } {
    const { dim } = this;
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += query[j] * query[j];
    norm = Math.sqrt(norm);
    if (!this.dots8Fn || !this.q16 || norm > 1 + 1e-9 || k + exclude.size >= limit) {
      const scores = this.dots(query, limit);
      const index = topK(scores, k, exclude);
      return { index, score: index.map((i) => this.exact(i, query)) };
    }
    const { q16, qScale } = this;
    let fErr = 0;
    for (let j = 0; j < dim; j++) {
      const v = Math.round(query[j] * qScale);
      q16[j] = v;
      const f = query[j] - v / qScale;
      fErr += f * f;
    }
    this.dots8Fn(this.mat8Offset, limit, this.stride8, this.q16Offset, this.invOffset, this.outOffset);
    const approx = this.out.subarray(0, limit);
    // |exact - approx| ≤ e_r·‖q‖ + ‖row8‖·‖f‖ ≤ e + (1 + e)·‖f‖ (Cauchy–Schwarz, ‖row‖ = 1, ‖q‖ ≤ 1)
    const e = this.maxError;
    const bound = e + (1 + e) * Math.sqrt(fErr) + SLACK;
    // Every row whose approximate score is within 2·bound of the k-th best approximate score can
    // still make the top k. One pass keeps the k best approximate scores (the threshold only rises)
    // and every row above threshold − 2·bound; the final threshold filters the list.
    const kBest: number[] = [];
    let threshold = -Infinity;
    const margin = 2 * bound;
    let candidates: number[] = [];
    for (let r = 0; r < limit; r++) {
      const a = approx[r];
      if (a < threshold - margin || exclude.has(r)) continue;
      candidates.push(r);
      if (a > threshold || kBest.length < k) {
        let p = kBest.length;
        while (p > 0 && kBest[p - 1] < a) p--;
        kBest.splice(p, 0, a);
        if (kBest.length > k) kBest.pop();
        if (kBest.length === k) threshold = kBest[k - 1];
      }
    }
    const floor = threshold - margin;
    candidates = candidates.filter((r) => approx[r] >= floor);
    const scored = candidates.map((r) => ({ r, s: this.exact(r, query) }));
    scored.sort((a, b) => b.s - a.s || a.r - b.r);
    const best = scored.slice(0, k);
    return { index: best.map((x) => x.r), score: best.map((x) => x.s) };
  }
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
  const module = process.env.EMBEDLAB_VECTORS_SIMD === "0" ? null : simdModule();
  if (!WASM || !module || bytes > MAX_WASM_BYTES - PAGE) return null;
  const memory = new WASM.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
  const instance = new WASM.Instance(module, { env: { mem: memory } });
  return { buffer: memory.buffer, dots: instance.exports.dots as DotsFn };
}
