/**
 * A few bytes of WebAssembly, assembled by hand: the encoding helpers and the module wrapper that
 * the SIMD scans of the vectors module (`UnitRows`, `QuantizedRows`) and the LEB128 numbers of the sequence and optimizer kernels are written with. No wasm
 * toolchain is needed at build or run time; each module imports its memory as `env.mem`.
 */

/** Unsigned LEB128. */
export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};

/** Signed LEB128. */
export const sleb = (n: number): number[] => {
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

/** Instruction encoders (the ones the scans use). */
export const op = {
  get: (i: number) => [0x20, i],
  set: (i: number) => [0x21, i],
  tee: (i: number) => [0x22, i],
  i32: (n: number) => [0x41, ...sleb(n)],
  simd: (code: number) => [0xfd, ...uleb(code)],
  /** v128.load, align 2^4, byte offset `offset`. */
  load: (offset = 0) => [0xfd, 0, 4, ...uleb(offset)],
  /** v128.const 0. */
  zero: [0xfd, 12, ...new Array<number>(16).fill(0)],
  loop: (body: number[]) => [0x03, 0x40, ...body, 0x0b],
  add: 0x6a,
  shl: 0x74,
  ltU: 0x49,
  eqz: 0x45,
  brIf0: [0x0d, 0],
};

/** One exported function: `params` i32 parameters, no result, locals as `[count, type]` groups (0x7f i32, 0x7b v128). */
export interface WasmFunction {
  name: string;
  params: number;
  locals: [number, number][];
  code: number[];
}

/**
 * A module of `functions` over a memory imported as `env.mem`; `shared` declares that memory
 * shared (limits 0 … 4 GiB), as a memory that two threads scan must be. Defaults to unshared.
 */
export function moduleBytes(functions: WasmFunction[], options: { shared?: boolean } = {}): Uint8Array {
  const memoryLimits = options.shared ? [0x03, 0x00, ...uleb(65536)] : [0x00, 0x00]; // flags, min[, max] in pages
  const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
  const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
  const body = (f: WasmFunction) => {
    const b = [...uleb(f.locals.length), ...f.locals.flatMap(([count, type]) => [...uleb(count), type]), ...f.code, 0x0b];
    return [...uleb(b.length), ...b];
  };
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [functions.length, ...functions.flatMap((f) => [0x60, f.params, ...new Array<number>(f.params).fill(0x7f), 0])]),
    ...section(2, [1, ...name("env"), ...name("mem"), 0x02, ...memoryLimits]), // import memory
    ...section(3, [functions.length, ...functions.map((_, i) => i)]),
    ...section(7, [functions.length, ...functions.flatMap((f, i) => [...name(f.name), 0x00, i])]),
    ...section(10, [functions.length, ...functions.flatMap(body)]),
  ]);
}

/** The slice of the WebAssembly API used here (lib ES2022 without DOM does not declare it). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => { buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
export const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** 64 KiB. */
export const PAGE = 65536;
/** wasm32 memories stop at 4 GiB. */
export const MAX_WASM_BYTES = 65536 * PAGE;

/** Compiles `bytes` once; `null` when the engine has no WebAssembly or no SIMD. */
export function compileOnce(bytes: () => Uint8Array): () => object | null {
  let compiled: object | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = WASM ? new WASM.Module(bytes()) : null;
      } catch {
        compiled = null; // no SIMD in this engine
      }
    }
    return compiled;
  };
}

/** Whether `EMBEDLAB_VECTORS_SIMD=0` asks for the JavaScript loops (tests compare both paths). */
export function simdDisabled(): boolean {
  return process.env.EMBEDLAB_VECTORS_SIMD === "0";
}
