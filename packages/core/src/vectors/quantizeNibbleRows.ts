/**
 * Builds the rows of `NibbleRows`' 4-bit index: per row its `1/‖x‖`, 4-bit codes, step and bound,
 * residual signs, β and their bound. A WebAssembly SIMD kernel quantises two rows at a time, one
 * row per float64 lane: every lane runs the same IEEE operations in the same order as the
 * JavaScript loop (`quantizeRowJs`, the fallback and the tests' reference), so both write the
 * same bytes, and the bounds stay the ones the JavaScript proves. At 2M × 300 (N(0, 1) rows) the
 * kernel takes ~4 s where the loop took 15–18 s (bench/nibbleBuild.bench.mjs, same run): four
 * passes over each row (norm, unit values, both step tries at once, the kept step), bound by
 * float64 arithmetic — two lanes are all that 128-bit SIMD gives and what bit-identical sums allow.
 */
import { PAGE, WASM, compileOnce, moduleBytes, op, simdDisabled } from "../kernels/wasmBytes";

/** Steps tried per row, as fractions of the one that covers its largest component. */
const STEP_TRIES = [1, 0.8] as const;
/** Rows per kernel call, at most: their float32 values (300 KB at dim 300) stay in cache between passes. */
const CHUNK_ROWS = 256;
/** Input bytes per kernel call, at most (fewer rows when rows are long). */
const CHUNK_BYTES = 1 << 20;
/** Float64 values per row that the kernel hands to `rowBounds`: 1/‖x‖, half, ‖residual‖², Σ|res|, Σres². */
const STATS = 5;

/** Where the index keeps what a row's quantisation writes (see `NibbleRows`). */
export interface NibbleTargets {
  /** The packed nibbles, `stride4` bytes a row. */
  mat: Uint8Array;
  /** Per row: `half` (the kernel's scale) and the bound e_r. */
  info: Float32Array;
  /** Per row, `ceil(dim / 8)` bytes: bit j is the sign of the residual's component j (1: ≥ 0). */
  signs: Uint8Array;
  /** Per row: β / qScale and the refined bound. */
  refine: Float32Array;
  /** Per row: `1/‖x‖` (0 for a zero row). */
  invNorm: Float64Array;
}

const { get, set, tee, i32, simd, loop, add, shl, ltU } = op;
const memarg = (align: number, offset = 0) => [align, offset]; // offsets used here are < 64
const f64Load = (offset: number) => [0x2b, ...memarg(3, offset)];
const f64x2Const = (x: number) => [0xfd, 12, ...new Uint8Array(new Float64Array([x, x]).buffer)];
const i64x2Const = (x: number) => [0xfd, 12, ...new Uint8Array(new BigInt64Array([BigInt(x), BigInt(x)]).buffer)];
const laneMem = (code: number, lane: number, offset: number) => [...simd(code), ...memarg(0, offset), lane];
const F = {
  splat: simd(20), gt: simd(74), lt: simd(73), ge: simd(76), and: simd(78), or: simd(80), bitselect: simd(82),
  abs: simd(236), sqrt: simd(239), add: simd(240), sub: simd(241), mul: simd(242), div: simd(243), pmin: simd(246), pmax: simd(247),
  trunc: simd(122), demote: simd(94), promote: simd(95), shrUI64: simd(205),
  load32Zero: (offset: number) => [...simd(92), ...memarg(0, offset)], load64Zero: (offset: number) => [...simd(93), ...memarg(0, offset)],
  load32Lane1: (offset: number) => laneMem(86, 1, offset), store64Lane: (lane: number, offset = 0) => laneMem(91, lane, offset),
  store8Lane: (lane: number, offset = 0) => laneMem(88, lane, offset),
  extLowU: simd(137), extHighU: simd(138), shlI16: simd(139),
};
const I32 = { sub: 0x6b, mul: 0x6c, and: 0x71, shrU: 0x76, gtU: 0x4b, geU: 0x4f, select: 0x1b };
const ifThen = (body: number[]) => [0x04, 0x40, ...body, 0x0b];
const block = (body: number[]) => [0x02, 0x40, ...body, 0x0b];
const br = (depth: number) => [0x0c, depth];
const brIf = (depth: number) => [0x0d, depth];

/**
 * `quantize(in, rows, dim, work, codes, signs, out, consts)` (byte offsets): rows of `dim` float32
 * at `in`; `work` holds 8 bytes a component; per row, `codes` gets `ceil(dim/32)·32` bytes (codes
 * 0…15 at 0…dim−1; the padding is left as it is), `signs` `ceil(dim/8)` bytes and `out` 5 float64
 * (1/‖x‖, half, best ‖residual‖², Σ|res|, Σres²); `consts` holds f64 qScale and 2·qScale.
 * `pack(codes, mat, blocks)`: 32 codes → 16 bytes of nibbles, in the scan's layout.
 */
export function quantizeBytes(): Uint8Array {
  // params 0 in 1 rows 2 dim 3 work 4 codes 5 signs 6 out 7 consts
  // i32 locals 8 pA 9 pB 10 j 11 w 12 cA 13 cB 14 sA 15 sB 16 oA 17 oB 18 i 19 codeStride 20 signStride 21 rowBytes 22 last
  // v128 locals 23 ss 24 inv 25 maxAbs 26 v 27 h0 28 is0 29 h1 30 is1 31 err0 32 err1 33 half0 34 half1
  //             35 bestErr 36 bestHalf 37 h 38 invStep 39 sumAbs 40 sumSq 41 bits 42 e 43 code 44 QS 45 TWOQS 46 mask
  //             47 8.0 48 15.0 49 2^52 50 i64 0x80 (constants in locals: V8 rebuilds a v128.const at each use)
  const [IN, ROWS, DIM, WORK, CODES, SIGNS, OUT, CONSTS] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [PA, PB, J, W, CA, CB, SA, SB, OA, OB, I, CSTRIDE, SSTRIDE, ROWBYTES, LAST] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
  const [SS, INV, MAXABS, V, H0, IS0, H1, IS1, ERR0, ERR1, HALF0, HALF1, BESTERR, BESTHALF, H, INVSTEP, SUMABS, SUMSQ, BITS, E, CODE, QS, TWOQS, MASK, EIGHT, FIFTEEN, MAGIC, BIT7] =
    Array.from({ length: 28 }, (_, n) => 23 + n);
  const zero = f64x2Const(0);
  const one = f64x2Const(1);
  // row pointer of lane b: the next row, or row a again for the last of an odd count
  const pair = (dst: number, base: number, stride: number) => [
    ...get(base), ...get(I), ...get(stride), I32.mul, add, ...set(dst),
    ...get(dst), ...get(stride), add, ...get(dst), ...get(LAST), I32.select, ...set(dst + 1),
  ];
  /** The pair of unit values of component j + i, as float64. */
  const vLoad = (i: number) => [...get(W), ...F.load64Zero(8 * i), ...F.promote];
  /**
   * The code c = min(15, max(0, trunc(v · invStep + 8))) as a float64: the JavaScript's
   * `((v·invStep + 8) | 0) − 8` clamped to −8…7, plus 8. The two agree wherever |v·invStep + 8| < 2^31
   * (`| 0` wraps beyond): within a try |v·invStep| ≤ 8 / 0.8 (h > 0 is a normal float32 there), in the
   * kept step invStep is that or 0; a NaN gives 0 in both (pmax(0, NaN) = 0).
   */
  const codeOf = (invStep: number) => [
    ...get(FIFTEEN), ...zero, ...get(V), ...get(invStep), ...F.mul, ...get(EIGHT), ...F.add, ...F.trunc, ...F.pmax, ...F.pmin,
  ];
  /** e = v − (2k + 1)·h for the code on the stack (2k + 1 = 2·code − 15, exact). */
  const residual = (h: number) => [
    ...tee(CODE), ...get(CODE), ...F.add, ...get(FIFTEEN), ...F.sub, ...get(h), ...F.mul,
    ...set(E), ...get(V), ...get(E), ...F.sub, ...set(E),
  ];
  /** half = fround(f · maxAbs / 8 / (2·qScale)), h = half·qScale, invStep = 1 / (2h). */
  const stepOf = (f: number, half: number, h: number, is: number) => [
    ...f64x2Const(f), ...get(MAXABS), ...F.mul, ...f64x2Const(8), ...F.div, ...get(TWOQS), ...F.div, ...F.demote, ...F.promote, ...tee(half),
    ...get(QS), ...F.mul, ...tee(h), ...f64x2Const(2), ...F.mul, ...set(is), ...one, ...get(is), ...F.div, ...set(is),
  ];
  /**
   * A pass over the components j = 0…dim−1: `bodyAt(i)` for component j + i, unrolled by 8 (then
   * `groupEnd`), the last dim % 8 one at a time; `w` (8 bytes a component) and the pointers of
   * `advance` (`[local, bytes a component]`) move along.
   */
  const components = (bodyAt: (i: number) => number[], advance: [number, number][] = [], groupEnd: number[] = []) => {
    const step = (n: number) => [[W, 8], ...advance].flatMap(([p, b]) => [...get(p), ...i32(b * n), add, ...set(p)]);
    return [
      ...i32(0), ...set(J), ...get(WORK), ...set(W),
      ...block(loop([
        ...get(J), ...i32(8), add, ...get(DIM), I32.gtU, ...brIf(1),
        ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap(bodyAt), ...groupEnd,
        ...step(8), ...get(J), ...i32(8), add, ...set(J), ...br(0),
      ])),
      ...block(loop([
        ...get(J), ...get(DIM), I32.geU, ...brIf(1),
        ...bodyAt(0),
        ...step(1), ...get(J), ...i32(1), add, ...set(J), ...br(0),
      ])),
    ];
  };
  const code = [
    ...get(ROWS), op.eqz, ...op.brIf0,
    ...get(DIM), ...i32(31), add, ...i32(5), I32.shrU, ...i32(5), shl, ...set(CSTRIDE),
    ...get(DIM), ...i32(7), add, ...i32(3), I32.shrU, ...set(SSTRIDE),
    ...get(DIM), ...i32(2), shl, ...set(ROWBYTES),
    ...get(CONSTS), ...f64Load(0), ...F.splat, ...set(QS),
    ...get(CONSTS), ...f64Load(8), ...F.splat, ...set(TWOQS),
    ...f64x2Const(8), ...set(EIGHT), ...f64x2Const(15), ...set(FIFTEEN), ...f64x2Const(2 ** 52), ...set(MAGIC), ...i64x2Const(0x80), ...set(BIT7),
    ...i32(0), ...set(I),
    ...loop([
      // last: whether lane b has a row of its own (i + 1 < rows)
      ...get(I), ...i32(1), add, ...get(ROWS), ltU, ...set(LAST),
      ...pair(PA, IN, ROWBYTES), ...pair(CA, CODES, CSTRIDE), ...pair(SA, SIGNS, SSTRIDE),
      ...get(OUT), ...get(I), ...i32(8 * STATS), I32.mul, add, ...tee(OA), ...i32(8 * STATS), add, ...get(OA), ...get(LAST), I32.select, ...set(OB),
      // (1) ss = Σ x_j² in float64; the rows' float32 pairs go to work
      ...zero, ...set(SS),
      ...components((i) => [
        ...get(W),
        ...get(PA), ...F.load32Zero(4 * i), ...set(V), ...get(PB), ...get(V), ...F.load32Lane1(4 * i), ...tee(V),
        ...F.store64Lane(0, 8 * i),
        ...get(V), ...F.promote, ...tee(V), ...get(V), ...F.mul, ...get(SS), ...F.add, ...set(SS),
      ], [[PA, 4], [PB, 4]]),
      // inv = ss > 0 ? 1 / √ss : 0
      ...one, ...get(SS), ...F.sqrt, ...F.div, ...zero, ...get(SS), ...zero, ...F.gt, ...F.bitselect, ...set(INV),
      // (2) v_j = fround(x_j · inv) back into work; maxAbs = the largest |v_j| (`av > maxAbs ? av : maxAbs`)
      ...zero, ...set(MAXABS),
      ...components((i) => [
        ...get(W), ...vLoad(i), ...get(INV), ...F.mul, ...F.demote, ...tee(V), ...F.store64Lane(0, 8 * i),
        ...get(MAXABS), ...get(V), ...F.promote, ...F.abs, ...F.pmax, ...set(MAXABS),
      ]),
      // (3) both step tries in one pass: err_t = Σ (v_j − level)²
      ...stepOf(STEP_TRIES[0], HALF0, H0, IS0), ...stepOf(STEP_TRIES[1], HALF1, H1, IS1),
      ...zero, ...set(ERR0), ...zero, ...set(ERR1),
      ...components((i) => [
        ...vLoad(i), ...set(V),
        ...codeOf(IS0), ...residual(H0), ...get(E), ...get(E), ...F.mul, ...get(ERR0), ...F.add, ...set(ERR0),
        ...codeOf(IS1), ...residual(H1), ...get(E), ...get(E), ...F.mul, ...get(ERR1), ...F.add, ...set(ERR1),
      ]),
      // best = the first try if err0 < ∞, then the second if err1 < best (ties keep the first)
      ...get(ERR0), ...f64x2Const(Infinity), ...get(ERR0), ...f64x2Const(Infinity), ...F.lt, ...tee(MASK), ...F.bitselect, ...set(BESTERR),
      ...get(HALF0), ...get(MASK), ...F.and, ...set(BESTHALF),
      ...get(ERR1), ...get(BESTERR), ...get(ERR1), ...get(BESTERR), ...F.lt, ...tee(MASK), ...F.bitselect, ...set(BESTERR),
      ...get(HALF1), ...get(BESTHALF), ...get(MASK), ...F.bitselect, ...set(BESTHALF),
      // rows that skip the tries (maxAbs = 0 or a non-finite ss): err = isFinite(ss) ? 0 : ∞, half = 0
      ...get(MAXABS), ...zero, ...F.gt, ...get(SS), ...f64x2Const(Infinity), ...F.lt, ...F.and, ...set(MASK),
      ...get(BESTERR), ...zero, ...f64x2Const(Infinity), ...get(SS), ...f64x2Const(Infinity), ...F.lt, ...F.bitselect, ...get(MASK), ...F.bitselect, ...set(BESTERR),
      ...get(BESTHALF), ...get(MASK), ...F.and, ...set(BESTHALF),
      // (4) the kept step: codes, residual signs, Σ|res|, Σres²
      ...get(BESTHALF), ...get(QS), ...F.mul, ...set(H),
      ...one, ...f64x2Const(2), ...get(H), ...F.mul, ...F.div, ...zero, ...get(H), ...zero, ...F.gt, ...F.bitselect, ...set(INVSTEP),
      ...zero, ...set(SUMABS), ...zero, ...set(SUMSQ), ...zero, ...set(BITS),
      // sign bits: e ≥ 0 (false for NaN) enters at bit 7 and moves down a place a component
      ...components((i) => [
        ...vLoad(i), ...set(V),
        ...codeOf(INVSTEP), ...tee(CODE),
        // c + 2^52 has c in the low byte of its bits
        ...get(CODE), ...get(MAGIC), ...F.add, ...set(MASK),
        ...get(CA), ...get(J), add, ...get(MASK), ...F.store8Lane(0, i),
        ...get(CB), ...get(J), add, ...get(MASK), ...F.store8Lane(8, i),
        ...residual(H),
        ...get(BITS), ...i32(1), ...F.shrUI64, ...get(E), ...zero, ...F.ge, ...get(BIT7), ...F.and, ...F.or, ...set(BITS),
        ...get(E), ...F.abs, ...get(SUMABS), ...F.add, ...set(SUMABS),
        ...get(E), ...get(E), ...F.mul, ...get(SUMSQ), ...F.add, ...set(SUMSQ),
      ], [], [
        ...get(SA), ...get(J), ...i32(3), I32.shrU, add, ...get(BITS), ...F.store8Lane(0),
        ...get(SB), ...get(J), ...i32(3), I32.shrU, add, ...get(BITS), ...F.store8Lane(8),
      ]),
      // a short last byte: its first component down to bit 0 (j = dim here)
      ...get(DIM), ...i32(7), I32.and,
      ...ifThen([
        ...get(BITS), ...i32(8), ...get(DIM), ...i32(7), I32.and, I32.sub, ...F.shrUI64, ...set(BITS),
        ...get(SA), ...get(J), ...i32(3), I32.shrU, add, ...get(BITS), ...F.store8Lane(0),
        ...get(SB), ...get(J), ...i32(3), I32.shrU, add, ...get(BITS), ...F.store8Lane(8),
      ]),
      ...[INV, BESTHALF, BESTERR, SUMABS, SUMSQ].flatMap((local, n) => [
        ...get(OA), ...get(local), ...F.store64Lane(0, 8 * n),
        ...get(OB), ...get(local), ...F.store64Lane(1, 8 * n),
      ]),
      ...get(I), ...i32(2), add, ...tee(I), ...get(ROWS), ltU, ...op.brIf0,
    ]),
  ];
  // pack: params 0 codes 1 mat 2 blocks; locals 3 a 4 b (v128)
  const packCode = [
    ...get(2), op.eqz, ...op.brIf0,
    ...loop([
      ...get(1),
      ...get(0), ...op.load(0), ...set(3), ...get(0), ...op.load(16), ...set(4),
      ...get(3), ...F.extLowU, ...get(3), ...F.extHighU, ...i32(4), ...F.shlI16, ...F.or,
      ...get(4), ...F.extLowU, ...i32(8), ...F.shlI16, ...F.or,
      ...get(4), ...F.extHighU, ...i32(12), ...F.shlI16, ...F.or,
      ...simd(11), 4, 0, // v128.store
      ...get(0), ...i32(32), add, ...set(0), ...get(1), ...i32(16), add, ...set(1),
      ...get(2), ...i32(1), I32.sub, ...tee(2), ...op.brIf0,
    ]),
  ];
  return moduleBytes([
    { name: "quantize", params: 8, locals: [[15, 0x7f], [28, 0x7b]], code },
    { name: "pack", params: 3, locals: [[2, 0x7b]], code: packCode },
  ]);
}

const quantizeModule = compileOnce(quantizeBytes);

/**
 * Row `r`'s `1/‖x‖`, codes (into `codes`, padding untouched), sign bits and the float64 values
 * `rowBounds` needs (into `stats` at `s`) — the JavaScript the kernel reproduces lane by lane.
 */
function quantizeRowJs(
  r: number, data: Float32Array, dim: number, qScale: number, unit: Float64Array, codes: Uint8Array,
  signs: Uint8Array, signBytes: number, stats: Float64Array, s: number,
): void {
  const o = r * dim;
  let ss = 0;
  for (let j = 0; j < dim; j++) ss += data[o + j] * data[o + j];
  const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
  let maxAbs = 0;
  for (let j = 0; j < dim; j++) {
    const v = Math.fround(data[o + j] * inv); // the unit value the exact score uses
    unit[j] = v;
    const av = Math.abs(v);
    if (av > maxAbs) maxAbs = av;
  }
  // 16 levels (k + 0.5)·step, k = -8…7. The step that covers the largest component is not the
  // best for the residual (most components are small): a few narrower ones are tried, and the
  // row keeps the one with the smallest residual — its bound e_r = ‖residual‖.
  let bestErr = Infinity;
  let bestHalf = 0;
  if (maxAbs > 0 && Number.isFinite(ss)) {
    for (let t = 0; t < STEP_TRIES.length; t++) {
      // the kernel scales by `half` = f32(step / (2 · qScale)); a level is (2c − 15) · half · qScale
      const half = Math.fround((STEP_TRIES[t] * maxAbs) / 8 / (2 * qScale));
      const h = half * qScale;
      const invStep = 1 / (2 * h);
      let err = 0;
      for (let j = 0; j < dim; j++) {
        const v = unit[j];
        // floor without a call: v·invStep ≥ -8 / 0.8 here, and for x = v·invStep + 8 < 0
        // truncation gives ≤ -8, which the clamp makes -8
        let k = ((v * invStep + 8) | 0) - 8;
        k = k > 7 ? 7 : k < -8 ? -8 : k;
        const e = v - (2 * k + 1) * h;
        err += e * e;
      }
      if (err < bestErr) {
        bestErr = err;
        bestHalf = half;
      }
    }
  } else {
    bestErr = Number.isFinite(ss) ? 0 : Infinity; // a zero row scores 0 exactly; a non-finite one is always scored exactly
  }
  const h = bestHalf * qScale;
  const invStep = h > 0 ? 1 / (2 * h) : 0;
  let sumAbs = 0;
  let sumSq = 0;
  const b0 = r * signBytes;
  let bits = 0;
  for (let j = 0; j < dim; j++) {
    let k = ((unit[j] * invStep + 8) | 0) - 8; // floor, as above
    k = k > 7 ? 7 : k < -8 ? -8 : k;
    codes[j] = k + 8;
    const e = unit[j] - (2 * k + 1) * h;
    bits |= +(e >= 0) << (j & 7); // no branch: the signs are random
    if ((j & 7) === 7) {
      signs[b0 + (j >> 3)] = bits;
      bits = 0;
    }
    sumAbs += Math.abs(e);
    sumSq += e * e;
  }
  if (dim & 7) signs[b0 + (dim >> 3)] = bits;
  stats[s] = inv;
  stats[s + 1] = bestHalf;
  stats[s + 2] = bestErr;
  stats[s + 3] = sumAbs;
  stats[s + 4] = sumSq;
}

/**
 * Row `r`'s scalars from its float64 values at `stats[s…s+4]`: `invNorm`, `info` (half, bound)
 * and `refine` (β / qScale, refined bound). Returns the larger bound (∞ for a NaN/∞ row).
 */
function rowBounds(
  r: number, dim: number, qScale: number, stats: Float64Array, s: number,
  invNorm: Float64Array, info: Float32Array, refine: Float32Array,
): number {
  const bestHalf = stats[s + 1];
  const bestErr = stats[s + 2];
  const sumAbs = stats[s + 3];
  const sumSq = stats[s + 4];
  invNorm[r] = stats[s];
  // The residual's signs, scaled by its mean magnitude (the β that minimises ‖res − β·sign‖),
  // refine the score of the rows the 4-bit bound cannot rule out: bound ‖res − β·sign‖ ≈ ‖res‖ / 2.
  const betaScaled = sumAbs < Infinity ? Math.fround(sumAbs / dim / qScale) : 0; // NaN / ∞ rows: no refinement
  const beta = betaScaled * qScale;
  // ‖res − β·sign(res)‖² = Σ (|res_j| − β)² = Σ res² − 2β Σ |res| + dim·β²; + 1e-12 covers the
  // float64 rounding of this sum of terms ≤ 1
  const err2 = sumSq - 2 * beta * sumAbs + dim * beta * beta + 1e-12;
  const bound2 = bestErr === bestErr && err2 === err2 ? Math.sqrt(Math.max(err2, 0)) : Infinity;
  const bound2F = Math.fround(bound2 * (1 + 2 ** -22));
  refine[2 * r] = betaScaled;
  refine[2 * r + 1] = bound2F;
  const bound = bestErr === bestErr ? Math.sqrt(bestErr) : Infinity;
  // float32, rounded up (the float64 norm is within 1e-15 relative of the true one)
  const boundF = Math.fround(bound * (1 + 2 ** -22));
  info[2 * r] = bestHalf;
  info[2 * r + 1] = boundF;
  return Math.max(boundF, bound2F);
}

/**
 * Quantises the `rows` rows of `data` (`[rows, dim]`) into `targets` with the query scale
 * `qScale`; returns the largest finite per-row bound (rows with a NaN or ∞ value get an infinite
 * bound and are always scored exactly). `options.wasm: false` runs the JavaScript loop (the same
 * bytes; defaults to the kernel where WebAssembly SIMD is available and not disabled).
 */
export function quantizeNibbleRows(
  data: Float32Array, rows: number, dim: number, qScale: number, targets: NibbleTargets, options: { wasm?: boolean } = {},
): number {
  const { mat, info, signs, refine, invNorm } = targets;
  const blocks = Math.ceil(dim / 32);
  const stride4 = blocks * 16;
  const signBytes = Math.ceil(dim / 8);
  const module = options.wasm !== false && !simdDisabled() ? quantizeModule() : null;
  let maxError = 0;
  const keep = (e: number) => {
    if (e > maxError && e < Infinity) maxError = e;
  };
  if (!WASM || !module || rows === 0 || dim === 0) {
    const unit = new Float64Array(dim);
    const codes = new Uint8Array(blocks * 32).fill(8); // padding: code 8 (the query is 0 there)
    const stats = new Float64Array(STATS);
    for (let r = 0; r < rows; r++) {
      quantizeRowJs(r, data, dim, qScale, unit, codes, signs, signBytes, stats, 0);
      keep(rowBounds(r, dim, qScale, stats, 0, invNorm, info, refine));
      // pack: u16 lane i of block c holds components c·32 + n·8 + i at bits 4n
      let w = r * stride4;
      for (let c = 0; c < blocks; c++) {
        for (let i = 0; i < 8; i++, w += 2) {
          const j = c * 32 + i;
          mat[w] = codes[j] | (codes[j + 8] << 4);
          mat[w + 1] = codes[j + 16] | (codes[j + 24] << 4);
        }
      }
    }
    return maxError;
  }
  // scratch memory: consts | work | stats | codes | packed | signs | input rows
  const align = (n: number) => Math.ceil(n / 16) * 16;
  const n = Math.min(rows, CHUNK_ROWS, Math.max(2, Math.floor(CHUNK_BYTES / (4 * dim))));
  const work = 16;
  const statsAt = align(work + dim * 8);
  const codesAt = align(statsAt + n * STATS * 8);
  const packedAt = align(codesAt + n * blocks * 32);
  const signsAt = align(packedAt + n * stride4);
  const inAt = align(signsAt + n * signBytes);
  const memory = new WASM.Memory({ initial: Math.ceil((inAt + n * dim * 4) / PAGE) });
  const { quantize, pack } = new WASM.Instance(module, { env: { mem: memory } }).exports as {
    quantize: (...args: number[]) => void;
    pack: (codes: number, mat: number, blocks: number) => void;
  };
  const buffer = memory.buffer;
  new Float64Array(buffer, 0, 2).set([qScale, 2 * qScale]);
  new Uint8Array(buffer, codesAt, n * blocks * 32).fill(8);
  const input = new Float32Array(buffer, inAt, n * dim);
  const stats = new Float64Array(buffer, statsAt, n * STATS);
  const bytes = new Uint8Array(buffer);
  for (let r0 = 0; r0 < rows; r0 += n) {
    const count = Math.min(n, rows - r0);
    input.set(data.subarray(r0 * dim, (r0 + count) * dim));
    quantize(inAt, count, dim, work, codesAt, signsAt, statsAt, 0);
    pack(codesAt, packedAt, count * blocks);
    mat.set(bytes.subarray(packedAt, packedAt + count * stride4), r0 * stride4);
    signs.set(bytes.subarray(signsAt, signsAt + count * signBytes), r0 * signBytes);
    for (let i = 0; i < count; i++) keep(rowBounds(r0 + i, dim, qScale, stats, i * STATS, invNorm, info, refine));
  }
  return maxError;
}
