/**
 * WebAssembly SIMD (f32x4) loops for the sequence kernels, run in place on tfjs-wasm's heap (the
 * module imports the backend's `WebAssembly.Memory`). On wasm a scalar JS loop over the heap was
 * slower than tfjs's own native ops it replaces; these match them. Used when `dModel % 4 === 0`;
 * otherwise (and on cpu) the JS loops run. Internal.
 */

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

  const body = (f: { locals: number[]; code: number[] }) => {
    const b = [...f.locals, ...f.code, 0x0b];
    return [...uleb(b.length), ...b];
  };
  const name = (s: string) => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
  const i32s = (n: number) => new Array<number>(n).fill(0x7f);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [3, 0x60, 8, ...i32s(7), 0x7d, 0, 0x60, 6, ...i32s(6), 0, 0x60, 7, ...i32s(7), 0]),
    ...section(2, [1, ...name("env"), ...name("mem"), 0x02, 0x00, 0x00]),
    ...section(3, [4, 0, 1, 2, 2]),
    ...section(7, [4, ...name("tpl"), 0, 0, ...name("wsum"), 0, 1, ...name("outer"), 0, 2, ...name("rowdot"), 0, 3]),
    ...section(10, [4, ...body(tpl), ...body(wsum), ...body(outer), ...body(rowdot)]),
  ]);
}

/** The SIMD loops; pointers are byte offsets into the memory, `dBytes` a multiple of 16. */
export interface SequenceSimd {
  tpl(out: number, table: number, ids: number, pe: number, n: number, t: number, dBytes: number, scale: number): void;
  wsum(out: number, x: number, w: number, b: number, t: number, dBytes: number): void;
  outer(out: number, s: number, q: number, b: number, t: number, dBytes: number, qStride: number): void;
  rowdot(out: number, x: number, q: number, b: number, t: number, dBytes: number, qStride: number): void;
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
