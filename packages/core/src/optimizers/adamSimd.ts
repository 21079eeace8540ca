/**
 * The Adam update as a hand-assembled WebAssembly SIMD loop (f32x4; no wasm toolchain needed),
 * run in place over tfjs-wasm's own heap: the module imports the backend's `WebAssembly.Memory`,
 * so parameters, gradients and moments are read and written where tfjs keeps them.
 *
 * Every f32x4 operation rounds to float32 like PyTorch's float32 kernels; the JavaScript update in
 * `adam.ts` does the few elements past the last multiple of 4 (and every backend but wasm).
 */

import { uleb } from "../kernels/wasmBytes";

/**
 * Two functions `(p, g, m, v, bytes, b1, a1, b2, a2, eps, negStep, bc2Sqrt, keep)` over memory
 * `env.mem` (pointers are byte offsets; `bytes` a multiple of 16), both in place:
 * - `adam`:     m = m·b1 + g·a1;  v = v·b2 + (g·a2)·g;  p = p·keep + (negStep·m) / (sqrt(v)/bc2Sqrt + eps)
 * - `lazyAdam`: m = (g - m)·a1 + m;  v = (g·g - v)·a2 + v;  p = p·keep + negStep · (m / (sqrt(v) + eps))
 */
function moduleBytes(): Uint8Array {
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const [P, G, M, V, END] = [0, 1, 2, 3, 4];
  const I = 13;
  const [B1, A1, B2, A2, EPS, NEG, BC2, KEEP, MN, VN] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const addr = (ptr: number) => [...get(ptr), ...get(I), 0x6a]; // ptr + i
  const load = (ptr: number) => [...addr(ptr), ...simd(0), 4, 0]; // v128.load
  const store = [...simd(11), 4, 0]; // v128.store
  const [sqrt, add, sub, mul, div] = [simd(227), simd(228), simd(229), simd(230), simd(231)];
  const splats = [5, 6, 7, 8, 9, 10, 11, 12].flatMap((param, k) => [...get(param), ...simd(19), ...set(B1 + k)]); // f32x4.splat
  const loop = (body: number[]) => [
    ...splats,
    0x02, 0x40, ...get(END), 0x45, 0x0d, 0, // block; if bytes == 0: done
    0x03, 0x40, ...body, ...get(I), 0x41, 16, 0x6a, ...tee(I), ...get(END), 0x49, 0x0d, 0, 0x0b, // loop while (i += 16) < bytes
    0x0b,
  ];
  const dense = loop([
    ...addr(M), ...load(M), ...get(B1), ...mul, ...load(G), ...get(A1), ...mul, ...add, ...tee(MN), ...store,
    ...addr(V), ...load(V), ...get(B2), ...mul, ...load(G), ...get(A2), ...mul, ...load(G), ...mul, ...add, ...tee(VN), ...store,
    ...addr(P), ...load(P), ...get(KEEP), ...mul,
    ...get(NEG), ...get(MN), ...mul, ...get(VN), ...sqrt, ...get(BC2), ...div, ...get(EPS), ...add, ...div, ...add, ...store,
  ]);
  const lazy = loop([
    ...addr(M), ...load(G), ...load(M), ...sub, ...get(A1), ...mul, ...load(M), ...add, ...tee(MN), ...store,
    ...addr(V), ...load(G), ...load(G), ...mul, ...load(V), ...sub, ...get(A2), ...mul, ...load(V), ...add, ...tee(VN), ...store,
    ...addr(P), ...load(P), ...get(KEEP), ...mul,
    ...get(NEG), ...get(MN), ...get(VN), ...sqrt, ...get(EPS), ...add, ...div, ...mul, ...add, ...store,
  ]);
  const body = (code: number[]) => {
    const b = [2, 1, 0x7f, 10, 0x7b, ...code, 0x0b]; // locals: i32 i, 10 × v128
    return [...uleb(b.length), ...b];
  };
  const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
  const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 13, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0]), // (i32 × 5, f32 × 8) -> ()
    ...section(2, [1, ...name("env"), ...name("mem"), 0x02, 0x00, 0x00]), // import memory, min 0
    ...section(3, [2, 0, 0]),
    ...section(7, [2, ...name("adam"), 0x00, 0x00, ...name("lazyAdam"), 0x00, 0x01]),
    ...section(10, [2, ...body(dense), ...body(lazy)]),
  ]);
}

/** The slice of the WebAssembly API used here (lib ES2022 without DOM does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** `(p, g, m, v, bytes, b1, a1, b2, a2, eps, negStep, bc2Sqrt, keep)`, byte offsets into the memory. */
export type AdamKernel = (p: number, g: number, m: number, v: number, bytes: number, b1: number, a1: number, b2: number, a2: number, eps: number, negStep: number, bc2Sqrt: number, keep: number) => void;

let compiled: object | null | undefined;
const instances = new WeakMap<object, { adam: AdamKernel; lazyAdam: AdamKernel }>();

/**
 * The SIMD kernels bound to `memory` (a `WebAssembly.Memory`), or `null` when this engine has no
 * WebAssembly SIMD or `EMBEDLAB_OPTIMIZER_SIMD=0`.
 */
export function adamKernels(memory: object): { adam: AdamKernel; lazyAdam: AdamKernel } | null {
  if (compiled === undefined) {
    try {
      compiled = WASM && (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.EMBEDLAB_OPTIMIZER_SIMD !== "0" ? new WASM.Module(moduleBytes()) : null;
    } catch {
      compiled = null; // no SIMD in this engine
    }
  }
  if (compiled === null || WASM === undefined) return null;
  let k = instances.get(memory);
  if (k === undefined) {
    const e = new WASM.Instance(compiled, { env: { mem: memory } }).exports;
    k = { adam: e.adam as AdamKernel, lazyAdam: e.lazyAdam as AdamKernel };
    instances.set(memory, k);
  }
  return k;
}

/** Elements per chunk when arrays live outside a wasm memory: 4 arrays × 256 KiB of scratch. */
const CHUNK = 1 << 16;
let scratch: { memory: object; heap: Float32Array; kernels: { adam: AdamKernel; lazyAdam: AdamKernel } } | null | undefined;

/**
 * Runs the dense kernel over plain typed arrays (the cpu backend's storage) by copying chunks
 * through a private wasm memory: 4 copies in and 3 out per element still beat a scalar JS loop
 * by several times. Returns false when SIMD is unavailable (the caller falls back to JS).
 */
export function adamThroughScratch(
  p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, start: number, end: number,
  args: [number, number, number, number, number, number, number, number],
): boolean {
  if (scratch === undefined) {
    scratch = null;
    if (WASM !== undefined) {
      const memory = new WASM.Memory({ initial: (16 * CHUNK) / 65536 });
      const kernels = adamKernels(memory);
      if (kernels !== null) scratch = { memory, heap: new Float32Array(memory.buffer), kernels };
    }
  }
  if (scratch === null) return false;
  const { heap, kernels } = scratch;
  for (let s = start; s < end; s += CHUNK) {
    const e = Math.min(end, s + CHUNK);
    const n = e - s;
    const n4 = (n + 3) & ~3; // pad to whole f32x4 groups; the padding lanes are zeros and never copied back
    if (n4 !== n) heap.fill(0, 0, 4 * CHUNK);
    heap.set(p.subarray(s, e), 0);
    heap.set(g.subarray(s, e), CHUNK);
    heap.set(m.subarray(s, e), 2 * CHUNK);
    heap.set(v.subarray(s, e), 3 * CHUNK);
    kernels.adam(0, 4 * CHUNK, 8 * CHUNK, 12 * CHUNK, 4 * n4, ...args);
    p.set(heap.subarray(0, n), s);
    m.set(heap.subarray(2 * CHUNK, 2 * CHUNK + n), s);
    v.set(heap.subarray(3 * CHUNK, 3 * CHUNK + n), s);
  }
  return true;
}
