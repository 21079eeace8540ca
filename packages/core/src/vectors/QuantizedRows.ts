/**
 * The similarity index behind `mostSimilarCosmul` (built on its first call; `mostSimilar` uses the
 * smaller 4-bit `NibbleRows`): an int8 copy of the unit rows, scanned with
 * WebAssembly SIMD for approximate cosines with a proven error bound, then exact scores for the
 * few rows that can still be in the top k — the same answer as scoring every row exactly.
 *
 * Exact here means what `mostSimilar` has always returned: the row scaled to unit length and
 * rounded to float32 (`Math.fround(x · 1/‖x‖)`), times the float64 query, summed in float64.
 * The index holds only what the scan reads (int8 rows, one float32 scale per row) and each
 * row's `1/‖x‖`; exact scores are recomputed from the caller's table, so no float copy of the
 * table is made. Building it for 2M × 300 costs one pass over the table and 0.6 GB.
 *
 * `mostSimilarCosmul` scans the index once per term (`approxScores`) and bounds each row's 3CosMul
 * score from the approximate cosines, then scores exactly the rows that can still be in its top k.
 *
 * From `PARALLEL_MIN_ROWS` rows (2^17) the index lives in a shared memory and two threads share
 * each scan (`parallelScan`: it is bound by one core's memory bandwidth), the calling thread the
 * first half of the rows, the worker the rest, with the same kernel: the scores are the same to
 * the bit. `EMBEDLAB_THREADS=1` keeps one thread.
 *
 * Without SIMD (or past 4 GB, or with `EMBEDLAB_VECTORS_SIMD=0`) every row is scored exactly in
 * JavaScript: the same numbers, slower.
 */
import { MAX_WASM_BYTES, PAGE, WASM, compileOnce, moduleBytes, op, simdDisabled, uleb } from "../kernels/wasmBytes";
import { exactUnitScore } from "./UnitRows";
import { CONTROL_BYTES, PARALLEL_MIN_ROWS, ParallelScan, threadsAvailable } from "./parallelScan";

/** `dots8(mat8, rows, strideBytes, q16, inv, out)` (byte offsets), see `dots8Bytes`. */
type Dots8Fn = (mat8: number, rows: number, stride: number, q16: number, inv: number, out: number) => void;

/** Rows per iteration of the scan: four rows share each load of the query. */
const GROUP = 4;

/**
 * `dots8(mat8, rows, strideBytes, q16, inv, out)`: `out[r] = f32(Σ_j mat8[r][j] · q16[j]) · inv[r]`
 * for `rows` (a multiple of 4) int8 rows of `strideBytes` (a multiple of 16) and an int16 query.
 * Each 8 bytes are loaded widened to i16x8 (v128.load8x8_s: one instruction, where a 16-byte load
 * and extend_low/extend_high took three to four; -20% CPU on cached rows, same integer sums) and
 * multiplied-and-added pairwise into i32 lanes (i32x4.dot_i16x8_s); four rows per iteration share
 * the two query loads.
 */
export function dots8Bytes(shared: boolean): Uint8Array {
  const { get, set, tee, i32, simd, load, zero, loop, add, shl, ltU, eqz, brIf0 } = op;
  const load8x8 = (offset: number) => [0xfd, 1, 3, ...uleb(offset)]; // v128.load8x8_s, align 2^3
  const dot16 = simd(186); // i32x4.dot_i16x8_s
  const addI32x4 = simd(174);
  const lane = (acc: number, l: number) => [...get(acc), ...simd(27), l]; // i32x4.extract_lane
  // params 0 mat8, 1 rows, 2 stride, 3 q16, 4 inv, 5 out
  // i32 locals 6 r, 7 j, 8 p (row group start), 9 pj (p + j), 10 2·stride, 11 3·stride
  // v128 locals 12–15 the four rows' accumulators, 16 q16[j…j+8), 17 q16[j+8…j+16)
  const rowAt = (k: number) => (k === 0 ? [] : k === 1 ? [...get(2), add] : [...get(k === 2 ? 10 : 11), add]);
  const accumulate = (k: number) => [
    ...get(12 + k),
    ...get(9), ...rowAt(k), ...load8x8(0), ...get(16), ...dot16, ...addI32x4,
    ...get(9), ...rowAt(k), ...load8x8(8), ...get(17), ...dot16, ...addI32x4,
    ...set(12 + k),
  ];
  const store = (k: number) => [
    ...get(5),
    ...lane(12 + k, 0), ...lane(12 + k, 1), add, ...lane(12 + k, 2), add, ...lane(12 + k, 3), add,
    0xb2, // f32.convert_i32_s
    ...get(4), 0x2a, 2, 4 * k, // f32.load inv[r + k]
    0x94, // f32.mul
    0x38, 2, 4 * k, // f32.store out[r + k]
  ];
  const q16At = (offset: number) => [...get(3), ...get(7), ...i32(1), shl, add, ...load(offset)]; // q16 + 2j
  const code = [
    ...get(1), eqz, ...brIf0, // rows == 0: return
    ...get(0), ...set(8),
    ...get(2), ...i32(1), shl, ...set(10),
    ...get(10), ...get(2), add, ...set(11),
    ...loop([
      ...zero, ...set(12), ...zero, ...set(13), ...zero, ...set(14), ...zero, ...set(15), ...i32(0), ...set(7),
      ...loop([
        ...q16At(0), ...set(16), ...q16At(16), ...set(17),
        ...get(8), ...get(7), add, ...set(9),
        ...accumulate(0), ...accumulate(1), ...accumulate(2), ...accumulate(3),
        ...get(7), ...i32(16), add, ...tee(7), ...get(2), ltU, ...brIf0, // j += 16 while j < stride
      ]),
      ...store(0), ...store(1), ...store(2), ...store(3),
      ...get(5), ...i32(16), add, ...set(5),
      ...get(4), ...i32(16), add, ...set(4),
      ...get(8), ...get(11), add, ...get(2), add, ...set(8), // p += 4 · stride
      ...get(6), ...i32(GROUP), add, ...tee(6), ...get(1), ltU, ...brIf0, // r += 4 while r < rows
    ]),
  ];
  return moduleBytes([{ name: "dots8", params: 6, locals: [[6, 0x7f], [6, 0x7b]], code }], { shared });
}
const simdModule = compileOnce(() => dots8Bytes(false));
/** The same kernel over a shared memory, for indexes that two threads scan. */
const simdModuleShared = compileOnce(() => dots8Bytes(true));

/** Extra room on top of the proven bound, for float32 rounding of the approximate scores. */
const SLACK = 1e-5;

/** `1 / ‖row r‖` as `mostSimilar` scales rows (float64; 0 for a zero row). */
function inverseNorm(data: Float32Array, o: number, dim: number): number {
  let ss = 0;
  for (let j = 0; j < dim; j++) ss += data[o + j] * data[o + j];
  return ss > 0 ? 1 / Math.sqrt(ss) : 0;
}

/**
 * Row `r` of a `[rows, dim]` table at unit length, rounded to float32 as the scores use it.
 * **Output shape:** `[dim]` (a fresh array).
 */
export function unitRow(data: Float32Array, dim: number, r: number): Float32Array {
  const o = r * dim;
  const inv = inverseNorm(data, o, dim);
  const out = new Float32Array(dim);
  for (let j = 0; j < dim; j++) out[j] = data[o + j] * inv;
  return out;
}

/**
 * Nearest-neighbour queries by cosine over a `[rows, dim]` float32 table (kept by reference, not
 * copied: do not change it while the index lives).
 */
export class QuantizedRows {
  readonly rows: number;
  readonly dim: number;
  /** Whether the WebAssembly SIMD scan is in use. */
  readonly simd: boolean;
  /** Threads of the last `approxScores` scan: 2 when the worker took half of the rows, else 1. */
  lastScanThreads: 1 | 2 = 1;
  private readonly data: Float32Array;
  /** `1 / ‖row‖` per row (float64, the exact scores' scale). */
  private readonly invNorm: Float64Array;
  private readonly dots8Fn: Dots8Fn | undefined;
  private readonly stride8: number = 0;
  private readonly q16Offset: number = 0;
  private readonly invOffset: number = 0;
  private readonly outOffset: number = 0;
  private readonly q16: Int16Array | undefined;
  private readonly out: Float32Array | undefined;
  /** Scale of the int16 query: the largest that keeps every int32 sum in range. */
  private readonly qScale: number = 0;
  /** Largest ‖unit row − its int8 version‖ over all rows. */
  private readonly maxError: number = 0;
  /** The two-thread scan, for an index of at least `parallelRows` rows in a shared memory. */
  private readonly parallel: ParallelScan | undefined;
  /** Rows a scan must cover (`limit`) to be shared with the worker. */
  private readonly parallelRows: number;

  /**
   * `options.simd: false` scores every row in JavaScript. `options.parallelRows` is the row count
   * from which two threads scan (a shared memory and the worker of `parallelScan`); defaults to
   * `PARALLEL_MIN_ROWS` (2^17). One thread is used anyway when threads are unavailable or
   * `EMBEDLAB_THREADS=1`.
   */
  constructor(data: Float32Array, rows: number, dim: number, options: { simd?: boolean; parallelRows?: number } = {}) {
    this.rows = rows;
    this.dim = dim;
    this.data = data;
    this.parallelRows = options.parallelRows ?? PARALLEL_MIN_ROWS;
    const invNorm = new Float64Array(rows);
    this.invNorm = invNorm;
    const stride8 = Math.ceil(dim / 16) * 16; // one v128 load = 16 int8 values
    const rowsPadded = Math.ceil(rows / GROUP) * GROUP; // padding rows are zeros: score 0, never read back
    const invOffset = rowsPadded * stride8;
    const outOffset = invOffset + rowsPadded * 4;
    const q16Offset = outOffset + rowsPadded * 4;
    const useSimd = options.simd !== false && !simdDisabled();
    const shared = useSimd && rows >= this.parallelRows && threadsAvailable();
    // a shared index also holds the scan worker's control block
    const controlOffset = q16Offset + stride8 * 2; // 16-byte aligned: every region above is
    const totalBytes = shared ? controlOffset + CONTROL_BYTES : controlOffset;
    let module = !useSimd ? null : shared ? simdModuleShared() : simdModule();
    if (!WASM || !module || totalBytes > MAX_WASM_BYTES - PAGE || rows === 0 || dim === 0) {
      for (let r = 0; r < rows; r++) invNorm[r] = inverseNorm(data, r * dim, dim);
      this.simd = false;
      return;
    }
    // One memory holds what the scan reads; it is zero-filled, so padding needs no writes.
    const pages = Math.ceil(totalBytes / PAGE);
    let memory: { buffer: ArrayBuffer } | undefined;
    if (shared) {
      try {
        memory = new WASM.Memory({ initial: pages, maximum: pages, shared: true });
      } catch {
        module = simdModule(); // no shared memories here: one thread
      }
    }
    memory ??= new WASM.Memory({ initial: pages });
    if (!module) throw new Error("QuantizedRows: unreachable"); // the unshared module compiled above when shared did
    const instance = new WASM.Instance(module, { env: { mem: memory } });
    this.dots8Fn = instance.exports.dots8 as Dots8Fn;
    if (memory.buffer instanceof SharedArrayBuffer) {
      this.parallel = new ParallelScan(memory, module, this.dots8Fn, controlOffset, { fused: "dots8" });
    }
    const buffer = memory.buffer;
    const mat8 = new Int8Array(buffer, 0, rowsPadded * stride8);
    const invScale = new Float32Array(buffer, invOffset, rowsPadded);
    this.out = new Float32Array(buffer, outOffset, rowsPadded);
    this.q16 = new Int16Array(buffer, q16Offset, stride8);
    this.stride8 = stride8;
    this.invOffset = invOffset;
    this.outOffset = outOffset;
    this.q16Offset = q16Offset;
    const qScale = Math.min(32767, Math.floor(2147483647 / (127 * stride8)));
    this.qScale = qScale;
    this.simd = true;
    // One pass over the table, row by row: norm and largest component, then the int8 row with
    // its own scale (127 / largest unit component). The error vector's norm bounds how far an
    // int8 score can be from the exact one.
    let maxErr2 = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * dim;
      let ss = 0;
      let maxRaw = 0;
      for (let j = 0; j < dim; j++) {
        const x = data[o + j];
        ss += x * x;
        const ax = Math.abs(x); // branch-free: signs are random, a branch mispredicts half the time
        if (ax > maxRaw) maxRaw = ax;
      }
      const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
      invNorm[r] = inv;
      const scale = maxRaw > 0 && inv > 0 ? 127 / (maxRaw * inv) : 0;
      const back = scale > 0 ? 1 / scale : 0;
      const u8 = r * stride8;
      let err = 0;
      for (let j = 0; j < dim; j++) {
        const v = Math.fround(data[o + j] * inv); // the unit value the exact score uses: the bound is about it
        // nearest, ties up, without a branch on the sign: v·scale ∈ [-127, 127] (+ rounding), so
        // v·scale + 128.5 > 0 and truncation is floor (any rounding works: the error is measured)
        let k = ((v * scale + 128.5) | 0) - 128;
        if (k > 127) k = 127; // float32 rounding can nudge the largest component past 127
        else if (k < -127) k = -127;
        mat8[u8 + j] = k;
        const e = v - k * back;
        err += e * e;
      }
      invScale[r] = scale > 0 ? 1 / (scale * qScale) : 0;
      if (err > maxErr2) maxErr2 = err;
    }
    // 1 + 1e-12: the error norm is computed in float64, keep the bound on the safe side
    this.maxError = Math.sqrt(maxErr2) * (1 + 1e-12);
  }

  /**
   * Starts (or attaches) the scan worker and resolves once two threads will scan this index
   * (true), or false when this index is scanned by one (small, no SIMD, threads unavailable).
   * Queries never wait for this: until the worker is ready they scan on one thread.
   */
  threadsReady(): Promise<boolean> {
    return this.parallel ? this.parallel.ready() : Promise.resolve(false);
  }

  /** Lets the scan worker drop this index's memory (it stays usable: a later query re-attaches it). */
  dispose(): void {
    this.parallel?.detach();
  }

  /** The exact score of row `r`: Σ_j fround(x_j / ‖x‖) · query_j in float64 (any `query` of length `dim`). */
  exact(r: number, query: ArrayLike<number>): number {
    return exactUnitScore(this.data, this.dim, this.invNorm[r], r, query);
  }

  /**
   * Puts `query` (‖query‖ ≤ 1) into the int16 query of the scan and returns the bound on
   * |exact − approximate| score of every row against it.
   */
  private setQuery(query: ArrayLike<number>): number {
    const { q16, qScale, dim } = this;
    if (!q16) throw new Error("QuantizedRows: no int8 scan"); // callers check dots8Fn first
    let fErr = 0;
    for (let j = 0; j < dim; j++) {
      const v = Math.round(query[j] * qScale);
      q16[j] = v;
      const f = query[j] - v / qScale;
      fErr += f * f;
    }
    // |exact - approx| ≤ e_r·‖q‖ + ‖row8‖·‖f‖ ≤ e + (1 + e)·‖f‖ (Cauchy–Schwarz, ‖row‖ = 1, ‖q‖ ≤ 1)
    const e = this.maxError;
    return e + (1 + e) * Math.sqrt(fErr) + SLACK;
  }

  /**
   * Approximate scores of rows `[0, limit)` against `query` (any length, finite values) from the
   * int8 scan, and a bound on how far each is from `exact(r, query)`; `null` where there is no
   * int8 scan (no SIMD) or `query` is not finite. The scores are a fresh array, bit-identical
   * whether one or two threads scanned (two for `limit` ≥ `parallelRows` once the worker is
   * ready; the first such call starts it and scans alone). **Output shape:** `approx` `[limit]`.
   */
  approxScores(query: ArrayLike<number>, limit: number): { approx: Float32Array; bound: number } | null {
    const { dim } = this;
    if (!this.dots8Fn || !this.out) return null;
    let ss = 0;
    for (let j = 0; j < dim; j++) ss += query[j] * query[j];
    const norm = Math.sqrt(ss);
    if (!Number.isFinite(norm)) return null;
    if (norm === 0) return { approx: new Float32Array(limit), bound: 0 }; // every exact score is 0
    const unit = new Float64Array(dim);
    for (let j = 0; j < dim; j++) unit[j] = query[j] / norm;
    // exact(r, query) = norm · exact(r, unit) up to float64 rounding (≪ SLACK · norm)
    const bound = norm * this.setQuery(unit);
    const { dots8Fn: dots8, stride8: stride, q16Offset: q16, invOffset: inv, outOffset: out } = this;
    const rows = Math.ceil(limit / GROUP) * GROUP;
    const own = Math.floor(rows / (2 * GROUP)) * GROUP; // this thread's rows, a multiple of 4
    const workerArgs = [own * stride, rows - own, stride, q16, inv + own * 4, out + own * 4];
    if (limit >= this.parallelRows && this.parallel?.runFused(workerArgs, () => dots8(0, own, stride, q16, inv, out))) {
      this.lastScanThreads = 2;
    } else {
      this.lastScanThreads = 1;
      dots8(0, rows, stride, q16, inv, out);
    }
    const approx = this.out.slice(0, limit);
    if (norm !== 1) for (let r = 0; r < limit; r++) approx[r] *= norm;
    // the float32 products above round: widen by their relative error
    return { approx, bound: bound + norm * 1e-6 };
  }
}
