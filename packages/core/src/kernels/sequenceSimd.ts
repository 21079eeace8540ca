/**
 * WebAssembly SIMD (f32x4) loops for the sequence kernels, run in place on tfjs-wasm's heap (the
 * module imports the backend's `WebAssembly.Memory`). On wasm a scalar JS loop over the heap was
 * slower than tfjs's own native ops it replaces; these match them. Used when `dModel % 4 === 0`;
 * otherwise (and on cpu) the JS loops run. Internal.
 */

import { sleb, uleb } from "./wasmBytes";

function moduleBytes(): Uint8Array {
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const c = (n: number) => [0x41, ...uleb(n)]; // i32.const for 0 <= n < 64
  const [add, mul, remU, ltU, eqz] = [[0x6a], [0x6c], [0x70], [0x49], [0x45]];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const vload = [...simd(0), 4, 0];
  const vstore = [...simd(11), 4, 0];
  const [fadd, fmul] = [simd(228), simd(230)];
  const splat = simd(19);
  const vzero = [...simd(12), ...new Array<number>(16).fill(0)];
  const f32load = [0x2a, 2, 0];
  const f32store = [0x38, 2, 0];
  const i32load = [0x28, 2, 0];
  const lane = (l: number) => [...simd(31), l];
  const [xor, or, shrU, ne, f32mul, f32add] = [[0x73], [0x72], [0x76], [0x47], [0x94], [0x92]];
  const ifThen = (body: number[]) => [0x04, 0x40, ...body, 0x0b];
  /** for (i = 0; i < limit; i += step) body */
  const forLoop = (i: number, limit: number[], step: number, body: number[]) => [
    ...c(0), ...set(i),
    0x02, 0x40, ...limit, ...eqz, 0x0d, 0,
    0x03, 0x40, ...body, ...get(i), ...c(step), ...add, 0x22, i, ...limit, ...ltU, 0x0d, 0, 0x0b,
    0x0b,
  ];

  // tpl(out, table, ids, pe, n, t, dBytes, scale): out[i] = table[ids[i]] · scale + pe[i % t]
  const tpl = (() => {
    const [OUT, TABLE, IDS, PE, N, T, DB, SCALE] = [0, 1, 2, 3, 4, 5, 6, 7];
    const [I, J, SRC, PROW, OROW, S] = [8, 9, 10, 11, 12, 13];
    const code = [
      ...get(SCALE), ...splat, ...set(S),
      ...forLoop(I, get(N), 1, [
        ...get(TABLE), ...get(IDS), ...get(I), ...c(4), ...mul, ...add, ...i32load, ...get(DB), ...mul, ...add, ...set(SRC),
        ...get(PE), ...get(I), ...get(T), ...remU, ...get(DB), ...mul, ...add, ...set(PROW),
        ...get(OUT), ...get(I), ...get(DB), ...mul, ...add, ...set(OROW),
        ...forLoop(J, get(DB), 16, [
          ...get(OROW), ...get(J), ...add,
          ...get(SRC), ...get(J), ...add, ...vload, ...get(S), ...fmul,
          ...get(PROW), ...get(J), ...add, ...vload, ...fadd, ...vstore,
        ]),
      ]),
    ];
    return { locals: [2, 5, 0x7f, 1, 0x7b], code };
  })();

  // wsum(out, x, w, b, t, dBytes): out[i] = Σ_k w[i, k] · x[i, k]
  const wsum = (() => {
    const [OUT, X, W, B, T, DB] = [0, 1, 2, 3, 4, 5];
    const [I, J, K, XROW, WROW, ACC] = [6, 7, 8, 9, 10, 11];
    const code = forLoop(I, get(B), 1, [
      ...get(X), ...get(I), ...get(T), ...mul, ...get(DB), ...mul, ...add, ...set(XROW),
      ...get(W), ...get(I), ...get(T), ...mul, ...c(4), ...mul, ...add, ...set(WROW),
      ...forLoop(J, get(DB), 16, [
        ...vzero, ...set(ACC),
        ...forLoop(K, get(T), 1, [
          ...get(ACC),
          ...get(WROW), ...get(K), ...c(4), ...mul, ...add, ...f32load, ...splat,
          ...get(XROW), ...get(K), ...get(DB), ...mul, ...add, ...get(J), ...add, ...vload,
          ...fmul, ...fadd, ...set(ACC),
        ]),
        ...get(OUT), ...get(I), ...get(DB), ...mul, ...add, ...get(J), ...add, ...get(ACC), ...vstore,
      ]),
    ]);
    return { locals: [2, 5, 0x7f, 1, 0x7b], code };
  })();

  // outer(out, s, q, b, t, dBytes, qStride): out[i, k] = s[i, k] · q[i?]
  const outer = (() => {
    const [OUT, S, Q, B, T, DB, QS] = [0, 1, 2, 3, 4, 5, 6];
    const [I, K, J, QROW, OROW, SV] = [7, 8, 9, 10, 11, 12];
    const code = forLoop(I, get(B), 1, [
      ...get(Q), ...get(I), ...get(QS), ...mul, ...add, ...set(QROW),
      ...forLoop(K, get(T), 1, [
        ...get(S), ...get(I), ...get(T), ...mul, ...get(K), ...add, ...c(4), ...mul, ...add, ...f32load, ...splat, ...set(SV),
        ...get(OUT), ...get(I), ...get(T), ...mul, ...get(K), ...add, ...get(DB), ...mul, ...add, ...set(OROW),
        ...forLoop(J, get(DB), 16, [
          ...get(OROW), ...get(J), ...add, ...get(SV), ...get(QROW), ...get(J), ...add, ...vload, ...fmul, ...vstore,
        ]),
      ]),
    ]);
    return { locals: [2, 5, 0x7f, 1, 0x7b], code };
  })();

  // rowdot(out, x, q, b, t, dBytes, qStride): out[i, k] = x[i, k] · q[i?]
  const rowdot = (() => {
    const [OUT, X, Q, B, T, DB, QS] = [0, 1, 2, 3, 4, 5, 6];
    const [I, K, J, QROW, XROW, ACC] = [7, 8, 9, 10, 11, 12];
    const code = forLoop(I, get(B), 1, [
      ...get(Q), ...get(I), ...get(QS), ...mul, ...add, ...set(QROW),
      ...forLoop(K, get(T), 1, [
        ...get(X), ...get(I), ...get(T), ...mul, ...get(K), ...add, ...get(DB), ...mul, ...add, ...set(XROW),
        ...vzero, ...set(ACC),
        ...forLoop(J, get(DB), 16, [
          ...get(ACC), ...get(XROW), ...get(J), ...add, ...vload, ...get(QROW), ...get(J), ...add, ...vload, ...fmul, ...fadd, ...set(ACC),
        ]),
        ...get(OUT), ...get(I), ...get(T), ...mul, ...get(K), ...add, ...c(4), ...mul, ...add,
        ...get(ACC), ...lane(0), ...get(ACC), ...lane(1), 0x92, ...get(ACC), ...lane(2), 0x92, ...get(ACC), ...lane(3), 0x92, // f32.add
        ...f32store,
      ]),
    ]);
    return { locals: [2, 5, 0x7f, 1, 0x7b], code };
  })();


  // scatter(out, dy, ids, n, dBytes, pad): out[ids[i]] += dy[i] for every i with ids[i] != pad, in
  // order of i (each lane one float32 add: the same sums as the scalar loop)
  const scatter = (() => {
    const [OUT, DY, IDS, N, DB, PAD] = [0, 1, 2, 3, 4, 5];
    const [I, J, K, OROW, SROW] = [6, 7, 8, 9, 10];
    const code = forLoop(I, get(N), 1, [
      ...get(IDS), ...get(I), ...c(4), ...mul, ...add, ...i32load, ...set(K),
      ...get(K), ...get(PAD), ...ne,
      ...ifThen([
        ...get(OUT), ...get(K), ...get(DB), ...mul, ...add, ...set(OROW),
        ...get(DY), ...get(I), ...get(DB), ...mul, ...add, ...set(SROW),
        ...forLoop(J, get(DB), 16, [
          ...get(OROW), ...get(J), ...add,
          ...get(OROW), ...get(J), ...add, ...vload,
          ...get(SROW), ...get(J), ...add, ...vload, ...fadd, ...vstore,
        ]),
      ]),
    ]);
    return { locals: [1, 5, 0x7f], code };
  })();

  // outer2(out, s1, q1, q1Stride, s2, q2, q2Stride, b, t, dBytes):
  //   out[i, k] = s1[i, k] · q1[i?] + s2[i, k] · q2[i?]   (each product rounded, then the sum)
  const outer2 = (() => {
    const [OUT, S1, Q1, Q1S, S2, Q2, Q2S, B, T, DB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const [I, K, J, Q1ROW, Q2ROW, OROW, IDX, V1, V2] = [10, 11, 12, 13, 14, 15, 16, 17, 18];
    const code = forLoop(I, get(B), 1, [
      ...get(Q1), ...get(I), ...get(Q1S), ...mul, ...add, ...set(Q1ROW),
      ...get(Q2), ...get(I), ...get(Q2S), ...mul, ...add, ...set(Q2ROW),
      ...forLoop(K, get(T), 1, [
        ...get(I), ...get(T), ...mul, ...get(K), ...add, ...set(IDX),
        ...get(S1), ...get(IDX), ...c(4), ...mul, ...add, ...f32load, ...splat, ...set(V1),
        ...get(S2), ...get(IDX), ...c(4), ...mul, ...add, ...f32load, ...splat, ...set(V2),
        ...get(OUT), ...get(IDX), ...get(DB), ...mul, ...add, ...set(OROW),
        ...forLoop(J, get(DB), 16, [
          ...get(OROW), ...get(J), ...add,
          ...get(V1), ...get(Q1ROW), ...get(J), ...add, ...vload, ...fmul,
          ...get(V2), ...get(Q2ROW), ...get(J), ...add, ...vload, ...fmul,
          ...fadd, ...vstore,
        ]),
      ]),
    ]);
    return { locals: [2, 7, 0x7f, 2, 0x7b], code };
  })();

  // dropmul(out, x, n, seed, threshold, keep): the mulberry32 stream of `seed` (backend/seed.ts),
  // one draw u per element; out[i] = x[i] · (u < threshold ? 0 : keep), threshold = rate · 2^32
  const dropmul = (() => {
    const [OUT, X, N, S, THR, KEEP] = [0, 1, 2, 3, 4, 5];
    const [I, T, OFF] = [6, 7, 8];
    const code = forLoop(I, get(N), 1, [
      ...get(S), 0x41, ...sleb(0x6d2b79f5), ...add, ...set(S),
      ...get(S), ...get(S), ...c(15), ...shrU, ...xor, ...get(S), ...c(1), ...or, ...mul, ...set(T),
      ...get(T), ...get(T), ...get(T), ...get(T), ...c(7), ...shrU, ...xor, ...get(T), ...c(61), ...or, ...mul, ...add, ...xor, ...set(T),
      ...get(T), ...get(T), ...c(14), ...shrU, ...xor, ...set(T),
      ...get(I), ...c(4), ...mul, ...set(OFF),
      ...get(OUT), ...get(OFF), ...add,
      ...get(X), ...get(OFF), ...add, ...f32load,
      0x43, 0, 0, 0, 0, ...get(KEEP), ...get(T), 0xb8, ...get(THR), 0x63, 0x1b, // select(0, keep, f64(u) < threshold)
      ...f32mul, ...f32store,
    ]);
    return { locals: [1, 3, 0x7f], code };
  })();

  // dropmul4(out, x, n, seed, threshold, keep): dropmul four draws at a time (n a multiple of 4).
  // mulberry32's state after k draws is seed + k·0x6d2b79f5, so lane l of step k is draw 4k + l;
  // threshold = ceil(rate · 2^32) as an unsigned integer (u < rate·2^32 <=> u < ceil(rate·2^32))
  const dropmul4 = (() => {
    const [OUT, X, N, SEED, THR, KEEP] = [0, 1, 2, 3, 4, 5];
    const [I, END, S, T, TV, KV, STEP] = [6, 7, 8, 9, 10, 11, 12];
    const C = 0x6d2b79f5;
    const lanes = [1, 2, 3, 4].flatMap((k) => {
      const v = Math.imul(C, k) >>> 0;
      return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
    });
    const i32splat = simd(17);
    const [vxor, vor, bitselect, ltU4, iadd4, imul4, ishr4] = [simd(81), simd(80), simd(82), simd(58), simd(174), simd(181), simd(173)];
    const code = [
      ...get(SEED), ...i32splat, ...simd(12), ...lanes, ...iadd4, ...set(S),
      0x41, ...sleb(Math.imul(C, 4)), ...i32splat, ...set(STEP),
      ...get(THR), ...i32splat, ...set(TV),
      ...get(KEEP), ...splat, ...set(KV),
      ...get(N), ...c(4), ...mul, ...set(END),
      ...forLoop(I, get(END), 16, [
        ...get(S), ...get(S), ...c(15), ...ishr4, ...vxor, ...get(S), 0x41, ...sleb(1), ...i32splat, ...vor, ...imul4, ...set(T),
        ...get(T), ...get(T), ...get(T), ...get(T), ...c(7), ...ishr4, ...vxor, ...get(T), 0x41, ...sleb(61), ...i32splat, ...vor, ...imul4, ...iadd4, ...vxor, ...set(T),
        ...get(T), ...get(T), ...c(14), ...ishr4, ...vxor, ...set(T),
        ...get(OUT), ...get(I), ...add,
        ...get(X), ...get(I), ...add, ...vload,
        ...vzero, ...get(KV), ...get(T), ...get(TV), ...ltU4, ...bitselect, // 0 where u < threshold, else keep
        ...fmul, ...vstore,
        ...get(S), ...get(STEP), ...iadd4, ...set(S),
      ]),
    ];
    return { locals: [2, 2, 0x7f, 5, 0x7b], code };
  })();

  // dropbits4(out, x, n, seed, threshold, keep, bits): dropmul4, and the drop decisions of each
  // four elements as one byte (bit l set = element 4k + l dropped) at bits + k, for bitsmul4
  const dropbits4 = (() => {
    const [OUT, X, N, SEED, THR, KEEP, BITS] = [0, 1, 2, 3, 4, 5, 6];
    const [I, END, S, T, TV, KV, STEP, LT] = [7, 8, 9, 10, 11, 12, 13, 14];
    const C = 0x6d2b79f5;
    const lanes = [1, 2, 3, 4].flatMap((k) => {
      const v = Math.imul(C, k) >>> 0;
      return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
    });
    const i32splat = simd(17);
    const [vxor, vor, bitselect, ltU4, iadd4, imul4, ishr4, bitmask] = [simd(81), simd(80), simd(82), simd(58), simd(174), simd(181), simd(173), simd(164)];
    const code = [
      ...get(SEED), ...i32splat, ...simd(12), ...lanes, ...iadd4, ...set(S),
      0x41, ...sleb(Math.imul(C, 4)), ...i32splat, ...set(STEP),
      ...get(THR), ...i32splat, ...set(TV),
      ...get(KEEP), ...splat, ...set(KV),
      ...get(N), ...c(4), ...mul, ...set(END),
      ...forLoop(I, get(END), 16, [
        ...get(S), ...get(S), ...c(15), ...ishr4, ...vxor, ...get(S), 0x41, ...sleb(1), ...i32splat, ...vor, ...imul4, ...set(T),
        ...get(T), ...get(T), ...get(T), ...get(T), ...c(7), ...ishr4, ...vxor, ...get(T), 0x41, ...sleb(61), ...i32splat, ...vor, ...imul4, ...iadd4, ...vxor, ...set(T),
        ...get(T), ...get(T), ...c(14), ...ishr4, ...vxor, ...set(T),
        ...get(T), ...get(TV), ...ltU4, ...set(LT),
        ...get(OUT), ...get(I), ...add,
        ...get(X), ...get(I), ...add, ...vload,
        ...vzero, ...get(KV), ...get(LT), ...bitselect, // 0 where u < threshold, else keep (as dropmul4)
        ...fmul, ...vstore,
        ...get(BITS), ...get(I), ...c(4), ...shrU, ...add, ...get(LT), ...bitmask, 0x3a, 0, 0, // i32.store8
        ...get(S), ...get(STEP), ...iadd4, ...set(S),
      ]),
    ];
    return { locals: [2, 2, 0x7f, 6, 0x7b], code };
  })();

  // bitsmul4(out, x, n, bits, keep): out[i] = x[i] · (bit i of the bytes at bits ? 0 : keep), the
  // factors dropbits4 used (n a multiple of 4)
  const bitsmul4 = (() => {
    const [OUT, X, N, BITS, KEEP] = [0, 1, 2, 3, 4];
    const [I, END, KV, LANES] = [5, 6, 7, 8];
    const i32splat = simd(17);
    const [vand, ne4, bitselect] = [simd(78), simd(56), simd(82)];
    const one2four8 = [1, 2, 4, 8].flatMap((v) => [v, 0, 0, 0]);
    const code = [
      ...get(KEEP), ...splat, ...set(KV),
      ...simd(12), ...one2four8, ...set(LANES),
      ...get(N), ...c(4), ...mul, ...set(END),
      ...forLoop(I, get(END), 16, [
        ...get(OUT), ...get(I), ...add,
        ...get(X), ...get(I), ...add, ...vload,
        ...vzero, ...get(KV),
        ...get(BITS), ...get(I), ...c(4), ...shrU, ...add, 0x2d, 0, 0, // i32.load8_u
        ...i32splat, ...get(LANES), ...vand, ...vzero, ...ne4, // lane l: bit l set
        ...bitselect, ...fmul, ...vstore,
      ]),
    ];
    return { locals: [2, 2, 0x7f, 2, 0x7b], code };
  })();

  const body = (f: { locals: number[]; code: number[] }) => {
    const b = [...f.locals, ...f.code, 0x0b];
    return [...uleb(b.length), ...b];
  };
  const name = (s: string) => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
  const i32s = (n: number) => new Array<number>(n).fill(0x7f);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [8, 0x60, 8, ...i32s(7), 0x7d, 0, 0x60, 6, ...i32s(6), 0, 0x60, 7, ...i32s(7), 0, 0x60, 10, ...i32s(10), 0, 0x60, 6, ...i32s(4), 0x7c, 0x7d, 0, 0x60, 6, ...i32s(5), 0x7d, 0,
      0x60, 7, ...i32s(5), 0x7d, 0x7f, 0, 0x60, 5, ...i32s(4), 0x7d, 0]),
    ...section(2, [1, ...name("env"), ...name("mem"), 0x02, 0x00, 0x00]),
    ...section(3, [10, 0, 1, 2, 2, 1, 3, 4, 5, 6, 7]),
    ...section(7, [10, ...name("tpl"), 0, 0, ...name("wsum"), 0, 1, ...name("outer"), 0, 2, ...name("rowdot"), 0, 3, ...name("scatter"), 0, 4, ...name("outer2"), 0, 5, ...name("dropmul"), 0, 6, ...name("dropmul4"), 0, 7,
      ...name("dropbits4"), 0, 8, ...name("bitsmul4"), 0, 9]),
    ...section(10, [10, ...body(tpl), ...body(wsum), ...body(outer), ...body(rowdot), ...body(scatter), ...body(outer2), ...body(dropmul), ...body(dropmul4), ...body(dropbits4), ...body(bitsmul4)]),
  ]);
}

/** The SIMD loops; pointers are byte offsets into the memory, `dBytes` a multiple of 16. */
export interface SequenceSimd {
  tpl(out: number, table: number, ids: number, pe: number, n: number, t: number, dBytes: number, scale: number): void;
  wsum(out: number, x: number, w: number, b: number, t: number, dBytes: number): void;
  outer(out: number, s: number, q: number, b: number, t: number, dBytes: number, qStride: number): void;
  rowdot(out: number, x: number, q: number, b: number, t: number, dBytes: number, qStride: number): void;
  scatter(out: number, dy: number, ids: number, n: number, dBytes: number, pad: number): void;
  outer2(out: number, s1: number, q1: number, q1Stride: number, s2: number, q2: number, q2Stride: number, b: number, t: number, dBytes: number): void;
  dropmul(out: number, x: number, n: number, seed: number, threshold: number, keep: number): void;
  dropmul4(out: number, x: number, n: number, seed: number, threshold: number, keep: number): void;
  dropbits4(out: number, x: number, n: number, seed: number, threshold: number, keep: number, bits: number): void;
  bitsmul4(out: number, x: number, n: number, bits: number, keep: number): void;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | null | undefined;
const instances = new WeakMap<object, SequenceSimd>();

/** The loops bound to `memory`, or `null` without WebAssembly SIMD (or with `EMBEDLAB_KERNEL_SIMD=0`). */
export function sequenceSimd(memory: object | null): SequenceSimd | null {
  if (memory === null) return null;
  if (compiled === undefined) {
    try {
      const off = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.EMBEDLAB_KERNEL_SIMD === "0";
      compiled = WASM && !off ? new WASM.Module(moduleBytes()) : null;
    } catch {
      compiled = null;
    }
  }
  if (compiled === null || WASM === undefined) return null;
  let k = instances.get(memory);
  if (k === undefined) {
    k = new WASM.Instance(compiled, { env: { mem: memory } }).exports as unknown as SequenceSimd;
    instances.set(memory, k);
  }
  return k;
}
