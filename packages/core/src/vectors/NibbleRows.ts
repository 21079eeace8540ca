/**
 * The index behind `mostSimilar`: a 4-bit copy of the unit rows (one step per row, 16 levels)
 * and, per row, the norm of its quantisation residual, so that each row's approximate score has
 * its own proven error bound. A query scans it with WebAssembly SIMD and keeps the rows that can
 * still be in the top k, then scores those exactly — the same answer, to the bit, as scoring
 * every row exactly (`QuantizedRows.exact`: `Σ_j fround(x_j / ‖x‖) · query_j` in float64).
 *
 * A query: (A) the 4-bit scores of the first `PROBE_ROWS` rows; the exact scores of the best
 * few of them give τ, a lower bound on the k-th best exact score (any k rows score at most as
 * well as the k best). (B) The fused kernel scans the other rows and keeps each row whose upper
 * bound `a_r + e_r` reaches τ (minus the query's rounding term), writing `(row, a_r)` pairs — no
 * per-row work in JavaScript. From `PARALLEL_MIN_ROWS` rows two threads share (B)
 * (`parallelScan`). (C) The exact scores of the best candidates by `a_r` raise τ; (D) a candidate
 * whose bound still reaches τ is refined by its residual's signs (1 bit a component, scaled by
 * the residual's mean magnitude: about half the bound, a table lookup per 8 components), and
 * the ones whose refined bound reaches τ are scored exactly and sorted.
 *
 * At 2M × 300, N(0, 1) rows: ~900 rows are scored exactly per query. The index is 160 bytes a
 * row (320 MB) plus 38 bytes of signs and 24 of scales and bounds — about 0.45 GB against the
 * int8 index's 0.66 GB, which is now built only for `mostSimilarCosmul`. Without SIMD (or past 4 GB, or with `EMBEDLAB_VECTORS_SIMD=0`) every row is
 * scored exactly in JavaScript: the same numbers, slower.
 */
import { MAX_WASM_BYTES, PAGE, WASM, compileOnce, moduleBytes, op, simdDisabled } from "../kernels/wasmBytes";
import { exactUnitScore, topK } from "./UnitRows";
import { quantizeNibbleRows } from "./quantizeNibbleRows";
import { CONTROL_BYTES, PARALLEL_MIN_ROWS, ParallelScan, threadsAvailable } from "./parallelScan";

/** Rows scored first, for the first lower bound τ. */
const PROBE_ROWS = 1 << 15;
/** How many of the best rows by approximate score are scored exactly for τ, on top of k. */
const PROBE_EXTRA = 32;
/**
 * The calling thread's share of the fused scan when two threads run it: it also does the probe
 * and the exact rescoring (~15–20 ms at 2M × 300), so the worker takes the larger part.
 */
const OWN_SHARE = 0.4;
/** Extra room on top of the proven bound, for float32 rounding of the approximate scores. */
const SLACK = 1e-5;
/** The int16 query scale for `components` (padded) components: |2 · Σ code · q| ≤ 30 · components · scale < 2^31. */
const queryScale = (components: number) => Math.min(32767, Math.floor(2147483647 / (30 * components)));

/** `scan4(mat, rows, q16, info, cand, params)`, byte offsets. */
export type Scan4Fn = (mat: number, rows: number, q16: number, info: number, cand: number, params: number) => void;
type Scan4Args = [number, number, number, number, number, number];

/**
 * `scan4(mat, rows, q16, info, cand, params)`: rows of `blocks` 16-byte blocks of nibbles (u16
 * lane i of block c holds components c·32 + n·8 + i at bits 4n, codes 0…15), the int16 query
 * `q16` in component order; `params` holds f32 τ (+0), i32 the count written (+4), i32 the bias
 * 15·Σ q16 (+8), i32 the first row's index (+12). For each row, `a = f32(2·Σ u·q − bias) · info[2r]`
 * (the levels are (2u − 15) · info[2r] · 32767);
 * `(row, a)` goes to `cand` and is kept when `a + info[2r + 1] ≥ τ`.
 */
export function scan4Bytes(blocks: number, shared: boolean): Uint8Array {
  const { get, set, tee, i32, simd, load, zero, loop, add, shl, ltU, eqz, brIf0 } = op;
  const dot16 = simd(186), and = simd(78), shrU16 = simd(141), addI32 = simd(174);
  const lane = (l: number) => [...simd(27), l];
  // params 0 mat 1 rows 2 q16 3 info 4 cand 5 params; locals i32 6 r 7 n 8 bias 9 end; f32 10 t 11 a; v128 12 acc 13 acc2 14 v 15 mask
  const chunk = (c: number) => [
    ...get(0), ...load(c * 16), ...set(14),
    ...get(12), ...get(14), ...get(15), ...and, ...get(2), ...load(c * 64), ...dot16, ...addI32, ...set(12),
    ...get(13), ...get(14), ...i32(4), ...shrU16, ...get(15), ...and, ...get(2), ...load(c * 64 + 16), ...dot16, ...addI32, ...set(13),
    ...get(12), ...get(14), ...i32(8), ...shrU16, ...get(15), ...and, ...get(2), ...load(c * 64 + 32), ...dot16, ...addI32, ...set(12),
    ...get(13), ...get(14), ...i32(12), ...shrU16, ...get(2), ...load(c * 64 + 48), ...dot16, ...addI32, ...set(13),
  ];
  const pairAt = [...get(4), ...get(7), ...i32(3), shl, add]; // cand + 8n
  const code = [
    ...get(1), eqz, ...brIf0, // rows == 0: return (count untouched: the caller sets it to 0)
    ...get(5), 0x2a, 2, 0, ...set(10), // t
    ...get(5), 0x28, 2, 8, ...set(8), // bias
    ...get(5), 0x28, 2, 12, ...tee(6), ...get(1), add, ...set(9), // r = first, end = first + rows
    ...i32(15), ...simd(16), ...set(15), // i16x8.splat 15
    ...loop([
      ...zero, ...set(12), ...zero, ...set(13),
      ...Array.from({ length: blocks }, (_, c) => chunk(c)).flat(),
      ...get(12), ...get(13), ...addI32, ...set(12),
      ...get(12), ...lane(0), ...get(12), ...lane(1), add, ...get(12), ...lane(2), add, ...get(12), ...lane(3), add,
      ...i32(1), shl, ...get(8), 0x6b, // 2Σ − bias: Σ (2c − 15) · q
      0xb2, ...get(3), 0x2a, 2, 0, 0x94, ...set(11), // a = f32(Σ) · scale
      ...pairAt, ...get(6), 0x36, 2, 0, // cand[2n] = r
      ...pairAt, ...get(11), 0x38, 2, 4, // cand[2n + 1] = a
      ...get(11), ...get(3), 0x2a, 2, 4, 0x92, ...get(10), 0x60, ...get(7), add, ...set(7), // n += (a + e ≥ t)
      ...get(0), ...i32(blocks * 16), add, ...set(0),
      ...get(3), ...i32(8), add, ...set(3),
      ...get(6), ...i32(1), add, ...tee(6), ...get(9), ltU, ...brIf0,
    ]),
    ...get(5), ...get(7), 0x36, 2, 4, // count
  ];
  return moduleBytes([{ name: "scan4", params: 6, locals: [[4, 0x7f], [2, 0x7d], [4, 0x7b]], code }], { shared });
}

const modules = new Map<string, () => object | null>();
function scan4Module(blocks: number, shared: boolean): object | null {
  const key = `${blocks}:${shared}`;
  let m = modules.get(key);
  if (!m) {
    m = compileOnce(() => scan4Bytes(blocks, shared));
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
    const Q_SCALE = queryScale(blocks * 32);
    this.qScale = Q_SCALE;
    const infoOffset = rows * stride4 + 15 - ((rows * stride4 + 15) % 16);
    const q16Offset = infoOffset + rows * 8;
    const paramsOffset = q16Offset + blocks * 64; // two 16-byte parameter blocks, one per thread
    const controlOffset = paramsOffset + 32;
    const candOffset = controlOffset + CONTROL_BYTES;
    const totalBytes = candOffset + rows * 8;
    const useSimd = options.simd !== false && !simdDisabled();
    let shared = useSimd && rows >= (options.parallelRows ?? PARALLEL_MIN_ROWS) && threadsAvailable();
    let module = useSimd ? scan4Module(blocks, shared) : null;
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
        module = scan4Module(blocks, false); // no shared memories here: one thread
      }
    }
    memory ??= new WASM.Memory({ initial: pages });
    if (!module) throw new Error("NibbleRows: unreachable"); // the unshared module compiled when the shared one did
    const instance = new WASM.Instance(module, { env: { mem: memory } });
    this.scan = instance.exports.scan4 as Scan4Fn;
    if (shared && memory.buffer instanceof SharedArrayBuffer) {
      const layout = { stride: stride4, q16: q16Offset, inv: infoOffset, out: 0, candidates: 0, capacity: 0, fused: "scan4" };
      this.parallel = new ParallelScan(memory, module, this.scan, controlOffset, layout);
    }
    const buffer = memory.buffer;
    this.buffer = buffer;
    this.stride4 = stride4;
    this.infoOffset = infoOffset;
    this.q16Offset = q16Offset;
    this.paramsOffset = paramsOffset;
    this.candOffset = candOffset;
    const info = new Float32Array(buffer, infoOffset, rows * 2);
    this.info = info;
    this.q16 = new Int16Array(buffer, q16Offset, blocks * 32);
    this.signSums = new Int32Array(Math.ceil(dim / 8) * 256);
    this.simd = true;
    const signs = new Uint8Array(rows * Math.ceil(dim / 8));
    const refine = new Float32Array(rows * 2);
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

  /** The 4-bit score of row `r` and its bound e_r, as the scan computes them (for tests). **Output:** `[a_r, e_r]`, or null without SIMD. */
  approxRow(r: number, query: ArrayLike<number>): [number, number] | null {
    if (!this.scan || !this.info || !this.buffer) return null;
    const g = this.setQuery(query);
    const p = this.paramsOffset;
    const params = new DataView(this.buffer, p, 16);
    params.setFloat32(0, -Infinity, true);
    params.setInt32(4, 0, true);
    params.setInt32(12, r, true);
    this.scan(r * this.stride4, 1, this.q16Offset, this.infoOffset + r * 8, this.candOffset, p);
    const a = new Float32Array(this.buffer, this.candOffset, 2)[1];
    return [a, this.info[2 * r + 1] + g];
  }

  /**
   * Row `r`'s 4-bit score `a` refined by its residual's signs (for the query last set): the
   * refined score; its bound is `refine[2r + 1]` + the query's term.
   */
  private refined(r: number, a: number): number {
    const signs = this.signs as Uint8Array;
    const sums = this.signSums as Int32Array;
    const n = sums.length >> 8;
    const o = r * n;
    let s = 0;
    for (let p = 0; p < n; p++) s += sums[(p << 8) | signs[o + p]];
    // Σ sign_j · q16_j = 2 · Σ_{sign ≥ 0} q16_j − Σ q16_j (exact integers)
    return a + (2 * s - this.querySum) * (this.refine as Float32Array)[2 * r];
  }

  /** The refined score of row `r` and its bound (for tests). **Output:** `[a'_r, e'_r]`, or null without SIMD. */
  refinedRow(r: number, query: ArrayLike<number>): [number, number] | null {
    const ar = this.approxRow(r, query);
    if (!ar) return null;
    const g = ar[1] - (this.info as Float32Array)[2 * r + 1];
    return [this.refined(r, ar[0]), (this.refine as Float32Array)[2 * r + 1] + g];
  }

  /**
   * Puts `query` (‖query‖ ≤ 1) into the int16 query and its bias into both parameter blocks;
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
    const view = new DataView(this.buffer as ArrayBuffer, this.paramsOffset, 32);
    view.setInt32(8, 15 * sum, true);
    view.setInt32(24, 15 * sum, true);
    // |exact − a| ≤ e_r·‖q‖ + ‖4-bit row‖·‖f‖ ≤ e_r + (1 + maxError)·‖f‖ (‖row‖ = 1, ‖q‖ ≤ 1)
    return (1 + this.maxError) * Math.sqrt(fErr) + SLACK;
  }

  /** The arguments of the fused scan of rows `[from, to)` with parameter block `block` (set here: threshold `t`, first row). */
  private scanArgs(from: number, to: number, block: 0 | 1, t: number): number[] {
    const p = this.paramsOffset + 16 * block;
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
    const info = this.info;
    const refine = this.refine as Float32Array;
    const candRows = new Int32Array(buffer, this.candOffset, limit * 2);
    const candA = new Float32Array(buffer, this.candOffset, limit * 2);
    const params = new Int32Array(buffer, this.paramsOffset, 8);
    // A scan of rows [from, …) writes its pairs from cand + 8·from: (rows[2i], a[2i + 1]) for i in
    // [from, from + count). `runs` lists [from, count] of the pairs to look at.
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
    // τ: the k-th best exact score among the `m` best (by a) rows of `runs` (with those of earlier calls); -∞ until k rows are seen
    const m = k + PROBE_EXTRA;
    const best: number[] = [];
    const raiseTau = (): number => {
      const picked: number[] = [];
      for (const [from, count] of runs) {
        const idx = bestPairsStrided(candRows, candA, from, count, m, exclude);
        for (const i of idx) picked.push(i);
      }
      for (const s of picked.map(exactScore)) if (s === s) best.push(s); // a NaN score (a row with NaN/∞) is never returned: kept, it broke the sort and τ
      best.sort((x, y) => y - x);
      best.length = Math.min(best.length, k);
      return best.length === k && best[k - 1] === best[k - 1] ? best[k - 1] : -Infinity;
    };
    // (A) the probe rows, every pair kept
    const probe = Math.min(limit, this.probeRows);
    scan(...(this.scanArgs(0, probe, 0, -Infinity) as Scan4Args));
    runs.push([0, params[1]]);
    let tau = raiseTau();
    // (B) the rest, pairs kept where a + e ≥ τ − g
    this.lastScanThreads = 1;
    if (probe < limit) {
      // f32 threshold: 1e-6 below τ − g covers its rounding to float32 (|τ| ≤ 1)
      const t = tau - g - 1e-6;
      const mid = probe + Math.floor((limit - probe) * OWN_SHARE);
      const ownArgs = this.scanArgs(probe, mid, 0, t) as Scan4Args;
      const workerArgs = this.scanArgs(mid, limit, 1, t) as Scan4Args;
      if (limit - probe >= 2 * this.probeRows && this.parallel?.runFused(workerArgs, () => scan(...ownArgs))) {
        this.lastScanThreads = 2;
      } else {
        scan(...ownArgs);
        scan(...workerArgs);
      }
      runs.length = 0;
      runs.push([probe, params[1]], [mid, params[5]]);
      // (C) the best candidates by a raise τ
      tau = Math.max(tau, raiseTau());
      runs.unshift([0, probe]);
    }
    // (D) every pair whose bound reaches τ is scored exactly
    const out: { r: number; s: number }[] = [];
    for (const [from, count] of runs) {
      for (let i = from; i < from + count; i++) {
        const r = candRows[2 * i];
        const a = candA[2 * i + 1];
        if (!(a + info[2 * r + 1] + g >= tau) || (exclude.size > 0 && exclude.has(r))) continue;
        if (!(this.refined(r, a) + refine[2 * r + 1] + g >= tau)) continue;
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

/** `bestPairs` over pairs stored at `[2i, 2i + 1]` for `i` in `[from, from + count)`; returns their rows. */
function bestPairsStrided(rows: Int32Array, approx: Float32Array, from: number, count: number, m: number, exclude: ReadonlySet<number>): number[] {
  const idx: number[] = [];
  const val: number[] = [];
  let threshold = -Infinity;
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
  return idx;
}
