/**
 * The index behind `mostSimilar`: a 4-bit copy of the unit rows (one step per row, 16 levels)
 * and, per row, the norm of its quantisation residual, so that each row's approximate score has
 * its own proven error bound. A query scans it with WebAssembly SIMD and keeps the rows that can
 * still be in the top k, then scores those exactly — the same answer, to the bit, as scoring
 * every row exactly (`QuantizedRows.exact`: `Σ_j fround(x_j / ‖x‖) · query_j` in float64).
 *
 * A query: (A) the first `PROBE_ROWS` rows are scanned with no threshold; the exact scores of
 * the best few of them give τ, a lower bound on the k-th best exact score (any k rows score at
 * most as well as the k best). (B) The fused kernel scans the other rows: a row whose 4-bit bound
 * `a_r + e_r` reaches τ (minus the query's rounding term) is refined by its residual's signs (1
 * bit a component, scaled by the residual's mean magnitude: about half the bound, a table lookup
 * per 8 components), and `(row, a'_r)` is written when the refined bound reaches τ too — no
 * per-row work in JavaScript. From `PARALLEL_MIN_ROWS` rows two threads share (B)
 * (`parallelScan`). (C) The exact scores of the best candidates by `a'_r` raise τ; (D) the
 * candidates whose refined bound still reaches τ are scored exactly and sorted.
 *
 * At 2M × 300, N(0, 1) rows: ~900 rows are scored exactly per query. The index is 160 bytes a
 * row (320 MB) plus 38 bytes of signs and 24 of scales and bounds — about 0.45 GB against the
 * int8 index's 0.66 GB, which is now built only for `mostSimilarCosmul`. Without SIMD (or past 4 GB, or with `EMBEDLAB_VECTORS_SIMD=0`) every row is
 * scored exactly in JavaScript: the same numbers, slower.
 */
import { MAX_WASM_BYTES, PAGE, WASM, compileOnce, moduleBytes, op, simdDisabled, uleb } from "../kernels/wasmBytes";
import { exactUnitScore, topK } from "./UnitRows";
import { quantizeNibbleRows } from "./quantizeNibbleRows";
import { CONTROL_BYTES, PARALLEL_MIN_ROWS, ParallelScan, runChunks, threadsAvailable } from "./parallelScan";

/** Rows scored first, for the first lower bound τ. */
const PROBE_ROWS = 1 << 15;
/** How many of the best rows by approximate score are scored exactly for τ, on top of k. */
const PROBE_EXTRA = 32;
/**
 * Rows of one chunk of the scan (B) at most. Both threads take the next chunk left until none is
 * (`ParallelScan.runChunked`), so neither waits for the other longer than a chunk (~0.5 ms of
 * scan). A fixed even split left one thread waiting ~11 ms for the other in some processes
 * (at 2M × 300 the same number of rows took one thread 42 ms and the other 53).
 */
const CHUNK_ROWS = 1 << 14;
/** Chunks of (B) at least, so that small tables (tests) share them too. */
const MIN_CHUNKS = 8;
/** Rows the scan kernel scores together, sharing each load of the query (4: 25 ns a cached row; 1: 36; 2: 30). */
const SCAN_GROUP = 4;
/**
 * How far ahead of the scan (bytes) its rows are touched. The scan has too few reads in flight
 * to fetch memory at full speed by itself: at 2M × 300 on two threads, a query took 51–66 ms
 * without this and 48–49 ms with 1024 (4096: 49–55; 8192: 55).
 */
const PREFETCH = 1024;
/** Extra room on top of the proven bound, for float32 rounding of the approximate scores. */
const SLACK = 1e-5;
/** The int16 query scale for `components` (padded) components: |2 · Σ code · q| ≤ 30 · components · scale < 2^31. */
const queryScale = (components: number) => Math.min(32767, Math.floor(2147483647 / (30 * components)));

/** `scan4(mat, rows, q16, info, cand, params)`, byte offsets. */
export type Scan4Fn = (mat: number, rows: number, q16: number, info: number, cand: number, params: number) => void;
type Scan4Args = [number, number, number, number, number, number];

/** Bytes of one thread's parameter block (see `scan4Bytes`). */
const PARAMS_BYTES = 32;

/**
 * `scan4(mat, rows, q16, info, cand, params)`: rows of `ceil(dim / 32)` 16-byte blocks of nibbles
 * (u16 lane i of block c holds components c·32 + n·8 + i at bits 4n, codes 0…15), the int16 query
 * `q16` in component order. `params` holds f32 τ (+0), i32 the count written (+4), i32 the bias
 * 15·Σ q16 (+8), i32 the first row's index (+12), and the byte offsets of the residual signs
 * (+16, `ceil(dim / 8)` bytes a row), of the query's sign sums (+20: for sign byte p and value b,
 * Σ q16 over its set bits, i32 at p·256 + b) and of the refinement (+24: f32 β / qScale and bound
 * per row), and i32 Σ q16 (+28).
 *
 * For each row, `a = f32(2·Σ u·q − bias) · info[2r]` (the levels are (2u − 15) · info[2r] · 32767);
 * a row whose bound `a + info[2r + 1]` reaches τ is refined by its signs,
 * `a' = a + (2·Σ_{sign ≥ 0} q16 − Σ q16) · β` (float64, as `NibbleRows.refinedScore`), and
 * `(row, f32(a'))` goes to `cand` when `a' + bound'` reaches τ too. `group` rows are scored
 * together (each load of the query serves all of them).
 */
export function scan4Bytes(dim: number, shared: boolean, group = SCAN_GROUP): Uint8Array {
  const { get, set, tee, i32, simd, load, zero, loop, add, shl, ltU, eqz, brIf0 } = op;
  const dot16 = simd(186), and = simd(78), shrU16 = simd(141), addI32 = simd(174);
  const lane = (l: number) => [...simd(27), l];
  const blocks = Math.ceil(dim / 32);
  const signBytes = Math.ceil(dim / 8);
  const stride = blocks * 16;
  const f32Load = (offset: number) => [0x2a, 2, ...uleb(offset)];
  const i32Load = (offset: number) => [0x28, 2, ...uleb(offset)];
  const [IF, END, F64_PROMOTE, F64_ADD, F64_MUL, F64_GE, F64_CONVERT_I32, F32_DEMOTE, SUB, MUL, GT_U] = [[0x04, 0x40], 0x0b, 0xbb, 0xa0, 0xa2, 0x66, 0xb7, 0xb6, 0x6b, 0x6c, 0x4b];
  // params 0 mat 1 rows 2 q16 3 info 4 cand 5 params; then locals:
  const [R, N, BIAS, LAST, P, QP, QEND, SP, SIGNS, SUMS, REFINE, QSUM] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]; // i32
  const [T, A] = [18, 19]; // f32
  const A2 = 20; // f64
  const [MASK, Q0, V, ACC] = [21, 22, 26, 27]; // v128: the mask, 4 query vectors, a row's block, one accumulator per row of a group
  const pairAt = [...get(4), ...get(N), ...i32(3), shl, add]; // cand + 8n
  // row `i` of the group, its sum in ACC + i: a, the refinement, the pair
  const finish = (i: number) => [
    ...get(ACC + i), ...lane(0), ...get(ACC + i), ...lane(1), add, ...get(ACC + i), ...lane(2), add, ...get(ACC + i), ...lane(3), add,
    ...i32(1), shl, ...get(BIAS), SUB, // 2Σ − bias: Σ (2c − 15) · q
    0xb2, ...get(3), ...f32Load(8 * i), 0x94, ...tee(A), // a = f32(Σ) · scale
    ...get(3), ...f32Load(8 * i + 4), 0x92, ...get(T), 0x60, ...IF, // a + e ≥ t
    ...get(R), ...i32(i), add, ...tee(SP), ...i32(3), shl, ...get(REFINE), add, ...set(P), // P: this row's refinement (P is free here)
    ...get(SP), ...i32(signBytes), MUL, ...get(SIGNS), add, ...set(SP),
    ...i32(0),
    ...Array.from({ length: signBytes }, (_, b) => [...get(SP), 0x2d, 0, ...uleb(b), ...i32(2), shl, ...get(SUMS), add, ...i32Load(1024 * b), add]).flat(),
    ...i32(1), shl, ...get(QSUM), SUB, F64_CONVERT_I32, // 2·Σ_{sign ≥ 0} q16 − Σ q16
    ...get(P), ...f32Load(0), F64_PROMOTE, F64_MUL, ...get(A), F64_PROMOTE, F64_ADD, ...tee(A2),
    ...get(P), ...f32Load(4), F64_PROMOTE, F64_ADD, ...get(T), F64_PROMOTE, F64_GE, ...IF, // a' + e' ≥ t
    ...pairAt, ...get(R), ...i32(i), add, 0x36, 2, 0, // cand[2n] = r + i
    ...pairAt, ...get(A2), F32_DEMOTE, 0x38, 2, 4, // cand[2n + 1] = f32(a')
    ...get(N), ...i32(1), add, ...set(N),
    END,
    END,
  ];
  // Rows of `rows` at a time from `mat` (param 0), one pass over the blocks for all of them: the
  // query's four vectors of a block are loaded once for the group, and nothing is unrolled over
  // the blocks (one row unrolled over all blocks needs the 40 query vectors at once, more than the
  // 16 SIMD registers: V8 spilled them, and the scan took 40 ns a row instead of 25).
  const groupLoop = (rows: number) => [
    0x02, 0x40, // block: left when fewer than `rows` rows remain
    ...loop([
      ...get(R), ...i32(rows), add, ...get(LAST), GT_U, 0x0d, 1, // r + rows > end: br 1
      ...Array.from({ length: rows }, (_, i) => [...zero, ...set(ACC + i)]).flat(),
      // touch the lines PREFETCH bytes ahead (the padding after the index keeps them in bounds)
      ...Array.from({ length: PREFETCH > 0 ? Math.ceil((rows * stride) / 64) : 0 }, (_, j) => [...get(0), ...i32Load(PREFETCH + 64 * j), 0x1a]).flat(),
      ...get(0), ...set(P), ...get(2), ...set(QP),
      ...loop([
        ...[0, 1, 2, 3].flatMap((k) => [...get(QP), ...load(k * 16), ...set(Q0 + k)]),
        ...Array.from({ length: rows }, (_, i) => [
          ...get(P), ...load(i * stride), ...set(V),
          ...get(ACC + i),
          ...get(V), ...get(MASK), ...and, ...get(Q0), ...dot16, ...addI32,
          ...get(V), ...i32(4), ...shrU16, ...get(MASK), ...and, ...get(Q0 + 1), ...dot16, ...addI32,
          ...get(V), ...i32(8), ...shrU16, ...get(MASK), ...and, ...get(Q0 + 2), ...dot16, ...addI32,
          ...get(V), ...i32(12), ...shrU16, ...get(Q0 + 3), ...dot16, ...addI32,
          ...set(ACC + i),
        ]).flat(),
        ...get(P), ...i32(16), add, ...set(P),
        ...get(QP), ...i32(64), add, ...tee(QP), ...get(QEND), ltU, ...brIf0,
      ]),
      ...Array.from({ length: rows }, (_, i) => finish(i)).flat(),
      ...get(0), ...i32(rows * stride), add, ...set(0),
      ...get(3), ...i32(rows * 8), add, ...set(3),
      ...get(R), ...i32(rows), add, ...set(R),
      0x0c, 0, // br 0: the next group
    ]),
    END,
  ];
  const code = [
    ...get(1), eqz, ...brIf0, // rows == 0: return (count untouched: the caller sets it to 0)
    ...get(5), ...f32Load(0), ...set(T),
    ...get(5), ...i32Load(8), ...set(BIAS),
    ...get(5), ...i32Load(12), ...tee(R), ...get(1), add, ...set(LAST), // r = first, end = first + rows
    ...get(5), ...i32Load(16), ...set(SIGNS),
    ...get(5), ...i32Load(20), ...set(SUMS),
    ...get(5), ...i32Load(24), ...set(REFINE),
    ...get(5), ...i32Load(28), ...set(QSUM),
    ...get(2), ...i32(blocks * 64), add, ...set(QEND),
    ...i32(15), ...simd(16), ...set(MASK), // i16x8.splat 15
    ...groupLoop(group),
    ...(group > 1 ? groupLoop(1) : []), // the last rows, one at a time
    ...get(5), ...get(N), 0x36, 2, 4, // count
  ];
  const locals: [number, number][] = [[12, 0x7f], [2, 0x7d], [1, 0x7c], [6 + group, 0x7b]];
  return moduleBytes([{ name: "scan4", params: 6, locals, code }], { shared });
}

const modules = new Map<string, () => object | null>();
function scan4Module(dim: number, shared: boolean): object | null {
  const key = `${dim}:${shared}`;
  let m = modules.get(key);
  if (!m) {
    m = compileOnce(() => scan4Bytes(dim, shared));
    modules.set(key, m);
  }
  return m();
}

/** `1 / ‖row‖` (float64; 0 for a zero row), as `mostSimilar` scales rows. */
function inverseNorm(data: Float32Array, o: number, dim: number): number {
  let ss = 0;
  for (let j = 0; j < dim; j++) ss += data[o + j] * data[o + j];
  return ss > 0 ? 1 / Math.sqrt(ss) : 0;
}

/**
 * Nearest-neighbour queries by cosine over a `[rows, dim]` float32 table (kept by reference, not
 * copied: do not change it while the index lives), from a 4-bit index with per-row bounds.
 */
export class NibbleRows {
  readonly rows: number;
  readonly dim: number;
  /** Whether the WebAssembly SIMD scan is in use. */
  readonly simd: boolean;
  /** Threads of the last scan: 2 when the worker took part of the rows, else 1. */
  lastScanThreads: 1 | 2 = 1;
  /** Rows scored exactly by the last `top` (how well the bounds pruned). */
  lastExactRows = 0;
  private readonly data: Float32Array;
  private readonly invNorm: Float64Array;
  private readonly scan: Scan4Fn | undefined;
  private readonly stride4: number = 0;
  private readonly infoOffset: number = 0;
  private readonly q16Offset: number = 0;
  private readonly paramsOffset: number = 0;
  /** Parameter blocks: one for the probe and one per chunk of (B). */
  private readonly paramBlocks: number = 0;
  private readonly candOffset: number = 0;
  private readonly buffer: ArrayBuffer | undefined;
  private readonly info: Float32Array | undefined;
  private readonly q16: Int16Array | undefined;
  /** Largest per-row bound e_r (float32, rounded up). */
  private readonly maxError: number = 0;
  /** Per row, bit j: the sign of component j of its 4-bit residual (1: ≥ 0). */
  private readonly signs: Uint8Array | undefined;
  /** Per row: β / qScale (float32) and the bound ‖residual − β·sign‖ (float32, rounded up). */
  private readonly refine: Float32Array | undefined;
  /** Per query: for sign byte p and value b, Σ q16 over its set bits, at p·256 + b. */
  private readonly signSums: Int32Array | undefined;
  private querySum = 0;
  /** Scale of the int16 query. */
  private readonly qScale: number;
  private readonly parallel: ParallelScan | undefined;
  private readonly probeRows: number;

  /**
   * `options.simd: false` scores every row in JavaScript; `options.parallelRows` is the row count
   * from which two threads scan (defaults to `PARALLEL_MIN_ROWS`, 2^17; one thread anyway when
   * threads are unavailable or `EMBEDLAB_THREADS=1`); `options.probeRows` the rows scored first
   * for τ (defaults to 2^15; tests make it small to exercise the fused scan on small tables).
   */
  constructor(data: Float32Array, rows: number, dim: number, options: { simd?: boolean; parallelRows?: number; probeRows?: number } = {}) {
    this.rows = rows;
    this.probeRows = Math.max(1, options.probeRows ?? PROBE_ROWS);
    this.dim = dim;
    this.data = data;
    const invNorm = new Float64Array(rows);
    this.invNorm = invNorm;
    const blocks = Math.ceil(dim / 32);
    const stride4 = blocks * 16;
    const signBytes = Math.ceil(dim / 8);
    const Q_SCALE = queryScale(blocks * 32);
    this.qScale = Q_SCALE;
    // the memory: nibbles | info | refine | signs | sign sums | q16 | 2 parameter blocks | control | pairs | prefetch room
    const align16 = (n: number) => n + 15 - ((n + 15) % 16);
    const infoOffset = align16(rows * stride4);
    const refineOffset = infoOffset + rows * 8;
    const signsOffset = refineOffset + rows * 8;
    const sumsOffset = align16(signsOffset + rows * signBytes);
    const q16Offset = sumsOffset + signBytes * 1024;
    const paramsOffset = q16Offset + blocks * 64;
    const paramBlocks = 1 + Math.max(MIN_CHUNKS, Math.ceil(rows / CHUNK_ROWS)); // the probe's, then one per chunk
    const controlOffset = paramsOffset + paramBlocks * PARAMS_BYTES;
    const candOffset = controlOffset + CONTROL_BYTES;
    // the scan reads up to PREFETCH + 64 · ⌈group · stride / 64⌉ bytes past the row it is at
    const totalBytes = candOffset + rows * 8 + PREFETCH + SCAN_GROUP * stride4 + 64;
    const useSimd = options.simd !== false && !simdDisabled();
    let shared = useSimd && rows >= (options.parallelRows ?? PARALLEL_MIN_ROWS) && threadsAvailable();
    let module = useSimd ? scan4Module(dim, shared) : null;
    if (!WASM || !module || totalBytes > MAX_WASM_BYTES - PAGE || rows === 0 || dim === 0) {
      for (let r = 0; r < rows; r++) invNorm[r] = inverseNorm(data, r * dim, dim);
      this.simd = false;
      return;
    }
    const pages = Math.ceil(totalBytes / PAGE);
    let memory: { buffer: ArrayBuffer } | undefined;
    if (shared) {
      try {
        memory = new WASM.Memory({ initial: pages, maximum: pages, shared: true });
      } catch {
        shared = false;
        module = scan4Module(dim, false); // no shared memories here: one thread
      }
    }
    memory ??= new WASM.Memory({ initial: pages });
    if (!module) throw new Error("NibbleRows: unreachable"); // the unshared module compiled when the shared one did
    const instance = new WASM.Instance(module, { env: { mem: memory } });
    this.scan = instance.exports.scan4 as Scan4Fn;
    if (shared && memory.buffer instanceof SharedArrayBuffer) {
      this.parallel = new ParallelScan(memory, module, this.scan, controlOffset, { fused: "scan4" });
    }
    const buffer = memory.buffer;
    this.buffer = buffer;
    this.stride4 = stride4;
    this.infoOffset = infoOffset;
    this.q16Offset = q16Offset;
    this.paramsOffset = paramsOffset;
    this.paramBlocks = paramBlocks;
    this.candOffset = candOffset;
    const info = new Float32Array(buffer, infoOffset, rows * 2);
    this.info = info;
    this.q16 = new Int16Array(buffer, q16Offset, blocks * 32);
    this.signSums = new Int32Array(buffer, sumsOffset, signBytes * 256);
    for (let block = 0; block < paramBlocks; block++) {
      const view = new DataView(buffer, paramsOffset + block * PARAMS_BYTES, PARAMS_BYTES);
      view.setInt32(16, signsOffset, true);
      view.setInt32(20, sumsOffset, true);
      view.setInt32(24, refineOffset, true);
    }
    this.simd = true;
    const signs = new Uint8Array(buffer, signsOffset, rows * signBytes);
    const refine = new Float32Array(buffer, refineOffset, rows * 2);
    this.signs = signs;
    this.refine = refine;
    const mat = new Uint8Array(buffer, 0, rows * stride4);
    this.maxError = quantizeNibbleRows(data, rows, dim, Q_SCALE, { mat, info, signs, refine, invNorm });
  }

  /** Starts the scan worker; resolves true once two threads will scan this index (see `QuantizedRows.threadsReady`). */
  threadsReady(): Promise<boolean> {
    return this.parallel ? this.parallel.ready() : Promise.resolve(false);
  }

  /** Lets the scan worker drop this index's memory (a later query re-attaches it). */
  dispose(): void {
    this.parallel?.detach();
  }

  /** The exact score of row `r`: Σ_j fround(x_j / ‖x‖) · query_j in float64. */
  exact(r: number, query: ArrayLike<number>): number {
    return exactUnitScore(this.data, this.dim, this.invNorm[r], r, query);
  }

  /**
   * The 4-bit score of row `r` and its bound e_r, computed in JavaScript as the scan kernel
   * computes them (a reference for tests). **Output:** `[a_r, e_r]`, or null without SIMD.
   */
  approxRow(r: number, query: ArrayLike<number>): [number, number] | null {
    if (!this.scan || !this.info || !this.buffer || !this.q16) return null;
    const g = this.setQuery(query);
    const lanes = new Uint16Array(this.buffer, r * this.stride4, this.stride4 / 2);
    let sum = 0;
    for (let c = 0; c < lanes.length / 8; c++) {
      for (let n = 0; n < 4; n++) {
        for (let i = 0; i < 8; i++) sum += ((lanes[c * 8 + i] >> (4 * n)) & 15) * this.q16[c * 32 + n * 8 + i];
      }
    }
    const a = Math.fround(Math.fround(2 * sum - 15 * this.querySum) * this.info[2 * r]);
    return [a, this.info[2 * r + 1] + g];
  }

  /**
   * Row `r`'s score `a` refined by its residual's signs, for the query last set (float64, as
   * the scan kernel computes it): its bound is `refine[2r + 1]` + the query's term.
   */
  private refinedScore(r: number, a: number): number {
    const signs = this.signs as Uint8Array;
    const sums = this.signSums as Int32Array;
    const n = sums.length >> 8;
    const o = r * n;
    let s = 0;
    for (let p = 0; p < n; p++) s += sums[(p << 8) | signs[o + p]];
    // Σ sign_j · q16_j = 2 · Σ_{sign ≥ 0} q16_j − Σ q16_j (exact integers)
    return (2 * s - this.querySum) * (this.refine as Float32Array)[2 * r] + a;
  }

  /**
   * Row `r`'s refined score as the scan kernel stores it (float32), its bound, and the same score
   * computed in JavaScript from `approxRow` (for tests). **Output:** `[a'_r, e'_r, reference]`,
   * or null without SIMD.
   */
  refinedRow(r: number, query: ArrayLike<number>): [number, number, number] | null {
    const ar = this.approxRow(r, query);
    if (!ar || !this.scan || !this.buffer) return null;
    const g = ar[1] - (this.info as Float32Array)[2 * r + 1];
    this.scan(...(this.scanArgs(r, r + 1, 0, -Infinity) as Scan4Args));
    const a2 = new Float32Array(this.buffer, this.candOffset + r * 8, 2)[1];
    return [a2, (this.refine as Float32Array)[2 * r + 1] + g, Math.fround(this.refinedScore(r, ar[0]))];
  }

  /**
   * Puts `query` (‖query‖ ≤ 1) into the int16 query, its sign sums and both parameter blocks;
   * returns the part of the bound that is the same for every row: the query's rounding and the
   * float32 rounding of the scores.
   */
  private setQuery(query: ArrayLike<number>): number {
    const { dim, qScale: Q_SCALE } = this;
    const q16 = this.q16 as Int16Array;
    let fErr = 0;
    let sum = 0;
    for (let j = 0; j < dim; j++) {
      const v = Math.round(query[j] * Q_SCALE);
      q16[j] = v;
      sum += v;
      const f = query[j] - v / Q_SCALE;
      fErr += f * f;
    }
    this.querySum = sum;
    const sums = this.signSums as Int32Array;
    for (let p = 0; p * 8 < dim; p++) {
      const t = p * 256;
      sums[t] = 0;
      for (let bit = 0; bit < 8; bit++) {
        const v = p * 8 + bit < dim ? q16[p * 8 + bit] : 0;
        const m = 1 << bit;
        for (let b = 0; b < m; b++) sums[t + m + b] = sums[t + b] + v; // values with top bit `bit`
      }
    }
    const params = new Int32Array(this.buffer as ArrayBuffer, this.paramsOffset, (this.paramBlocks * PARAMS_BYTES) / 4);
    for (let p = 0; p < params.length; p += PARAMS_BYTES / 4) {
      params[p + 2] = 15 * sum;
      params[p + 7] = sum;
    }
    // |exact − a| ≤ e_r·‖q‖ + ‖4-bit row‖·‖f‖ ≤ e_r + (1 + maxError)·‖f‖ (‖row‖ = 1, ‖q‖ ≤ 1);
    // SLACK covers the float32 roundings of a and of the stored a'
    return (1 + this.maxError) * Math.sqrt(fErr) + SLACK;
  }

  /** The arguments of the fused scan of rows `[from, to)` with parameter block `block` (set here: threshold `t`, first row). */
  private scanArgs(from: number, to: number, block: number, t: number): number[] {
    const p = this.paramsOffset + PARAMS_BYTES * block;
    const view = new DataView(this.buffer as ArrayBuffer, p, 16);
    view.setFloat32(0, t, true);
    view.setInt32(4, 0, true);
    view.setInt32(12, from, true);
    return [from * this.stride4, to - from, this.q16Offset, this.infoOffset + from * 8, this.candOffset + from * 8, p];
  }

  /**
   * The `k` rows (among the first `limit`, outside `exclude`) with the largest exact score
   * against `query`, best first, equal scores by index — and their scores. `query` should have
   * unit length (longer ones are scored exactly, row by row).
   */
  top(query: ArrayLike<number>, k: number, limit: number, exclude: ReadonlySet<number>): { index: number[]; score: number[] } {
    const { dim } = this;
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += query[j] * query[j];
    norm = Math.sqrt(norm);
    const scan = this.scan;
    if (!scan || !this.buffer || !this.info || !(norm <= 1 + 1e-9) || k + exclude.size >= limit) {
      const scores = new Float64Array(limit);
      for (let r = 0; r < limit; r++) scores[r] = this.exact(r, query);
      this.lastExactRows = limit;
      this.lastScanThreads = 1;
      const index = topK(scores, k, exclude);
      return { index, score: index.map((i) => scores[i]) };
    }
    const g = this.setQuery(query);
    const buffer = this.buffer;
    const refine = this.refine as Float32Array;
    const candRows = new Int32Array(buffer, this.candOffset, limit * 2);
    const candA = new Float32Array(buffer, this.candOffset, limit * 2);
    const params = new Int32Array(buffer, this.paramsOffset, (this.paramBlocks * PARAMS_BYTES) / 4);
    // A scan of rows [from, …) writes its pairs (row, refined score a') from cand + 8·from:
    // (rows[2i], a'[2i + 1]) for i in [from, from + count). `runs` lists [from, count] of the pairs to look at.
    const runs: [number, number][] = [];
    const exactOf = new Map<number, number>();
    const exactScore = (r: number) => {
      let s = exactOf.get(r);
      if (s === undefined) {
        s = this.exact(r, query);
        exactOf.set(r, s);
      }
      return s;
    };
    // τ: the k-th best exact score among the `m` best (by a') rows of `runs` (with those of earlier calls); -∞ until k rows are seen
    const m = k + PROBE_EXTRA;
    const best: number[] = [];
    const raiseTau = (): number => {
      for (const s of bestPairs(candRows, candA, runs, m, exclude).map(exactScore)) if (s === s) best.push(s); // a NaN score (a row with NaN/∞) is never returned: kept, it broke the sort and τ
      best.sort((x, y) => y - x);
      best.length = Math.min(best.length, k);
      return best.length === k && best[k - 1] === best[k - 1] ? best[k - 1] : -Infinity;
    };
    // (A) the probe rows, every pair kept
    const probe = Math.min(limit, this.probeRows);
    scan(...(this.scanArgs(0, probe, 0, -Infinity) as Scan4Args));
    runs.push([0, params[1]]);
    let tau = raiseTau();
    // (B) the rest in chunks, pairs kept where a + e and a' + e' reach τ − g
    this.lastScanThreads = 1;
    if (probe < limit) {
      // f32 threshold: 1e-6 below τ − g covers its rounding to float32 (|τ| ≤ 1)
      const t = tau - g - 1e-6;
      const rest = limit - probe;
      const chunkRows = Math.min(CHUNK_ROWS, Math.ceil(rest / MIN_CHUNKS));
      const chunks = Math.ceil(rest / chunkRows);
      const lastRows = rest - (chunks - 1) * chunkRows;
      for (let c = chunks - 1; c >= 0; c--) this.scanArgs(probe + c * chunkRows, probe + (c + 1) * chunkRows, 1 + c, t);
      const args = this.scanArgs(probe, probe + chunkRows, 1, t);
      const steps = [chunkRows * this.stride4, 0, 0, chunkRows * 8, chunkRows * 8, PARAMS_BYTES];
      if (rest >= 2 * this.probeRows && this.parallel?.runChunked(args, steps, chunks, lastRows)) {
        this.lastScanThreads = 2;
      } else {
        runChunks(scan, args, steps, chunks, lastRows);
      }
      runs.length = 0;
      for (let c = 0; c < chunks; c++) runs.push([probe + c * chunkRows, params[(1 + c) * (PARAMS_BYTES / 4) + 1]]);
      // (C) the best candidates by a' raise τ
      tau = Math.max(tau, raiseTau());
      runs.unshift([0, probe]);
    }
    // (D) every pair whose refined bound reaches τ is scored exactly
    const out: { r: number; s: number }[] = [];
    for (const [from, count] of runs) {
      for (let i = from; i < from + count; i++) {
        const r = candRows[2 * i];
        if (!(candA[2 * i + 1] + refine[2 * r + 1] + g >= tau) || (exclude.size > 0 && exclude.has(r))) continue;
        const s = exactScore(r);
        if (s === s) out.push({ r, s });
      }
    }
    this.lastExactRows = exactOf.size;
    out.sort((x, y) => y.s - x.s || x.r - y.r);
    const top = out.slice(0, k);
    return { index: top.map((x) => x.r), score: top.map((x) => x.s) };
  }
}

/** The rows of the `m` best pairs by a' of `runs` (pairs at `[2i, 2i + 1]` for `i` in `[from, from + count)`), best first, outside `exclude`. */
function bestPairs(rows: Int32Array, approx: Float32Array, runs: readonly [number, number][], m: number, exclude: ReadonlySet<number>): number[] {
  const idx: number[] = [];
  const val: number[] = [];
  let threshold = -Infinity;
  for (const [from, count] of runs) {
    for (let i = from; i < from + count; i++) {
      const a = approx[2 * i + 1];
      if (!(a > threshold) && !(idx.length < m && a === a)) continue;
      const r = rows[2 * i];
      if (a !== a || (exclude.size > 0 && exclude.has(r))) continue;
      let p = idx.length;
      while (p > 0 && val[p - 1] < a) p--;
      idx.splice(p, 0, r);
      val.splice(p, 0, a);
      if (idx.length > m) {
        idx.pop();
        val.pop();
      }
      if (idx.length === m) threshold = val[m - 1];
    }
  }
  return idx;
}
