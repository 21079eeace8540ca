// The cpu backend's fast paths over tfjs-cpu's Multiply / Add / Sub / Tile / Sum kernels and tf.sum's
// gradient: bit for bit what tfjs's own kernels give, for the cases they take and the ones they
// leave to tfjs, and nothing changed on wasm.
import { beforeAll, describe, expect, it } from "vitest";
import { tf, ready } from "@embedlab/core";

/** Deterministic pseudo-random numbers (no Math.random: tests are seeded). */
function lcg(seedValue: number) {
  let x = seedValue >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const KERNELS = ["Multiply", "Add", "Sub", "Tile", "Sum"] as const;
type KernelName = (typeof KERNELS)[number];
type Args = { inputs: Record<string, tf.TensorInfo>; backend: tf.KernelBackend; attrs?: Record<string, unknown> };

// tfjs-cpu's own kernels, taken before ready() installs the fast paths over them
const tfjsKernels = Object.fromEntries(KERNELS.map((k) => [k, tf.getKernel(k, "cpu")!.kernelFunc])) as Record<KernelName, tf.KernelFunc>;

/** float32 values with the awkward ones mixed in: signed zeros, infinities, NaN, huge and tiny. */
function floats(n: number, rand: () => number): Float32Array {
  const special = [0, -0, Infinity, -Infinity, NaN, 3.4e38, -3.4e38, 1e-45, 1];
  return Float32Array.from({ length: n }, (_, i) => (i % 7 === 3 ? special[Math.floor(rand() * special.length)] : (rand() * 2 - 1) * 10 ** Math.floor(rand() * 8 - 4)));
}

/** int32 values up to ±2^31, so products overflow as in tfjs. */
function ints(n: number, rand: () => number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? Math.floor((rand() * 2 - 1) * 2 ** 31) : Math.floor(rand() * 200 - 100)));
}

/** The bits of a typed array (NaN payloads included), for exact comparison. */
function bits(values: tf.TypedArray | tf.backend_util.BackendValues): number[] {
  const v = values as Float32Array | Int32Array;
  return Array.from(v instanceof Float32Array ? new Uint32Array(v.buffer, v.byteOffset, v.length) : v);
}

/** Runs tfjs-cpu's own kernel on `inputs` and returns [shape, dtype, bits], leaking nothing. */
function tfjsResult(kernel: KernelName, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown> = {}) {
  const backend = tf.backend();
  const info = tfjsKernels[kernel]({ inputs, backend, attrs } as unknown as Args as never) as tf.TensorInfo;
  const values = backend.readSync(info.dataId);
  const result = { shape: info.shape, dtype: info.dtype, bits: bits(values) };
  backend.disposeData(info.dataId, true);
  return result;
}

/** Runs the kernel registered now (ours after ready) and returns [shape, dtype, bits]. */
function ourResult(kernel: KernelName, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown> = {}) {
  const t = tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { shape: t.shape, dtype: t.dtype, bits: bits(t.dataSync()) };
  t.dispose();
  return result;
}

// [a shape, b shape]: the broadcasts taken (scalar, rows, columns, both ways, rank mismatch,
// interleaved, size-1 dims, empty) — sum's gradient is the first
const BROADCASTS: [number[], number[]][] = [
  [[1, 1, 1], [6, 7, 8]],
  [[6, 7, 8], []],
  [[4, 5, 6], [6]],
  [[4, 5, 6], [5, 6]],
  [[4, 5, 1], [4, 5, 6]],
  [[4, 1, 6], [1, 5, 1]],
  [[3, 1], [1, 4]],
  [[2, 1, 3, 1, 5], [1, 4, 3, 2, 1]],
  [[1, 1], [1]],
  [[5], [5]],
  [[2, 3, 4], [2, 3, 4]],
  [[0, 3], [1, 3]],
  [[7, 1, 1], [1, 1, 9]],
];

describe("cpu fast paths over tfjs-cpu's kernels", () => {
  beforeAll(async () => {
    await ready({ backend: "cpu", quiet: true });
  });

  it("ready({ backend: 'cpu' }) replaced Multiply, Add, Sub, Tile and Sum on cpu only", () => {
    for (const k of KERNELS) expect(tf.getKernel(k, "cpu")!.kernelFunc).not.toBe(tfjsKernels[k]);
  });

  for (const kernel of ["Multiply", "Add", "Sub"] as const) {
    for (const dtype of ["float32", "int32"] as const) {
      it(`${kernel} on ${dtype} gives tfjs-cpu's bits for every broadcast, both operand orders`, () => {
        const rand = lcg(kernel.length * 97 + dtype.length);
        const before = tf.memory().numTensors;
        for (const [sa, sb] of BROADCASTS) {
          for (const [aShape, bShape] of [[sa, sb], [sb, sa]]) {
            const na = aShape.reduce((x, y) => x * y, 1);
            const nb = bShape.reduce((x, y) => x * y, 1);
            const a = tf.tensor(dtype === "float32" ? floats(na, rand) : ints(na, rand), aShape, dtype);
            const b = tf.tensor(dtype === "float32" ? floats(nb, rand) : ints(nb, rand), bShape, dtype);
            const ours = ourResult(kernel, { a, b });
            const theirs = tfjsResult(kernel, { a, b });
            expect(ours, `[${aShape}] ${kernel} [${bShape}]`).toEqual(theirs);
            tf.dispose([a, b]);
          }
        }
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it("tf.mul / tf.add / tf.sub give the hand-checked broadcast values", () => {
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    expect(tf.mul(x, tf.tensor1d([10, 100, 1000])).arraySync()).toEqual([[10, 200, 3000], [40, 500, 6000]]);
    expect(tf.add(tf.tensor2d([[1], [2]]), x).arraySync()).toEqual([[2, 3, 4], [6, 7, 8]]);
    expect(tf.sub(tf.scalar(1), x).arraySync()).toEqual([[0, -1, -2], [-3, -4, -5]]);
    expect(tf.mul(tf.tensor1d([2 ** 20], "int32"), tf.tensor1d([2 ** 12 + 1], "int32")).arraySync()).toEqual([2 ** 20]); // wraps like tfjs
  });

  it("bool, complex64, mixed dtypes and shapes that don't broadcast are tfjs's own kernel (its values, its error)", () => {
    const before = tf.memory().numTensors;
    const p = tf.tensor1d([1, 0, 1], "bool");
    const q = tf.tensor2d([[1], [1]], [2, 1], "bool");
    expect(ourResult("Add", { a: p, b: q })).toEqual(tfjsResult("Add", { a: p, b: q }));
    const c = tf.complex([1, 2], [3, 4]);
    expect(tf.tidy(() => tf.mul(c, tf.complex([2], [0])).arraySync())).toEqual([2, 6, 4, 8]); // interleaved real, imag
    const f = tf.tensor1d([1.5, -2.5]);
    const i = tf.tensor2d([[3], [4]], [2, 1], "int32");
    expect(ourResult("Multiply", { a: f, b: i })).toEqual(tfjsResult("Multiply", { a: f, b: i }));
    expect(ourResult("Sub", { a: i, b: f })).toEqual(tfjsResult("Sub", { a: i, b: f }));
    const u = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const v = tf.tensor1d([1, 2]);
    expect(() => tf.engine().runKernel("Multiply", { a: u, b: v })).toThrow(/Operands could not be broadcast together with shapes 2,3 and 2/);
    tf.dispose([p, q, c, f, i, u, v]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("Tile that broadcasts (every repeated dim of size 1) gives tfjs-cpu's bits; other tiles are tfjs's", () => {
    const rand = lcg(5);
    const before = tf.memory().numTensors;
    for (const dtype of ["float32", "int32"] as const) {
      for (const [shape, reps] of [
        [[1, 1, 1], [6, 7, 8]],
        [[3, 1], [1, 5]],
        [[1, 4], [3, 1]],
        [[2, 1, 3], [1, 4, 1]],
        [[5], [1]],
        [[2, 3], [2, 2]], // not a broadcast: tfjs's kernel
        [[2, 1, 3], [3, 4, 1]], // nor this
        [[1, 3], [0, 2]],
      ] as [number[], number[]][]) {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = tf.tensor(dtype === "float32" ? floats(n, rand) : ints(n, rand), shape, dtype);
        expect(ourResult("Tile", { x }, { reps }), `tile [${shape}] by [${reps}]`).toEqual(tfjsResult("Tile", { x }, { reps }));
        x.dispose();
      }
    }
    const b = tf.tensor1d([1, 0], "bool");
    expect(tf.tidy(() => tf.tile(b, [2]).arraySync())).toEqual([1, 0, 1, 0]);
    expect(tf.tidy(() => tf.broadcastTo(tf.tensor2d([[1], [2]]), [2, 3]).arraySync())).toEqual([[1, 1, 1], [2, 2, 2]]);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("Sum over the innermost axes gives tfjs-cpu's bits (double running sums); other axes and bool are tfjs's", () => {
    const rand = lcg(11);
    const before = tf.memory().numTensors;
    for (const dtype of ["float32", "int32"] as const) {
      for (const [shape, axis, keepDims] of [
        [[64, 128, 16], null, false],
        [[6, 7, 8], -1, false],
        [[6, 7, 8], [1, 2], true],
        [[6, 7, 8], [2, 1], false],
        [[6, 7, 8], 0, false], // needs a transpose: tfjs's kernel
        [[6, 7, 8], [0, 2], true], // so does this
        [[5], [], false],
        [[0, 3], 1, false],
        [[], null, false],
      ] as [number[], number | number[] | null, boolean][]) {
        const n = shape.reduce((a, b) => a * b, 1);
        // floats of mixed magnitude, so the summation order shows in the last bits
        const x = tf.tensor(dtype === "float32" ? floats(n, rand).map((v) => (Number.isFinite(v) && Math.abs(v) < 1e30 ? v : 0.1)) : ints(n, rand), shape, dtype);
        const attrs = { axis, keepDims };
        expect(ourResult("Sum", { x }, attrs), `sum [${shape}] axis ${axis}`).toEqual(tfjsResult("Sum", { x }, attrs));
        x.dispose();
      }
    }
    const b = tf.tensor2d([[1, 0, 1], [1, 1, 1]], [2, 3], "bool");
    tf.tidy(() => {
      expect(tf.sum(b, 1).arraySync()).toEqual([2, 3]);
      expect(tf.sum(b, 1).dtype).toBe("int32");
    });
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("tf.sum's gradient equals tfjs's dy·ones for every axis choice, and leaks nothing", () => {
    const rand = lcg(3);
    const x = tf.tensor3d(floats(4 * 5 * 6, rand).map((v) => (Number.isFinite(v) ? v : 1)), [4, 5, 6]);
    const before = tf.memory().numTensors;
    for (const [axis, keepDims] of [[null, false], [1, false], [[0, 2], true], [-1, false], [[0, 1, 2], false]] as [number | number[] | null, boolean][]) {
      const outShape = tf.tidy(() => tf.sum(x, axis ?? undefined, keepDims).shape);
      const dy = tf.tensor(floats(outShape.reduce((a, b) => a * b, 1), rand), outShape);
      const g = tf.grad((t: tf.Tensor) => tf.sum(t, axis ?? undefined, keepDims))(x, dy);
      // tfjs's definition: dy reshaped with the summed axes kept as 1, times ones(x.shape)
      const kept = x.shape.slice();
      for (const a of tf.util.parseAxisParam(axis ?? null as unknown as number[], x.shape)) kept[a] = 1;
      const expected = tf.tidy(() => tf.mul(tf.reshape(dy, kept), tf.ones(x.shape)));
      expect(g.shape).toEqual(x.shape);
      expect(bits(g.dataSync())).toEqual(bits(expected.dataSync()));
      tf.dispose([dy, g, expected]);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it("tf.sum's gradient on int32 input and second-order gradients through it still work", () => {
    const xi = tf.tensor2d([[1, 2], [3, 4]], [2, 2], "int32");
    expect(tf.grad((t: tf.Tensor) => tf.sum(t))(xi).arraySync()).toEqual([[1, 1], [1, 1]]);
    // d/dv sum(broadcastTo(v, [3, 2]) * c) = column sums of c (Tile's gradient through ours)
    const c = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    expect(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.broadcastTo(v, [3, 2]), c)))(tf.tensor2d([[0, 0]])).arraySync()).toEqual([[9, 12]]);
    // f(x) = sum(x)^2 / 2: f'' along a direction is (sum of the direction)·(number of elements)... via grad of grad
    const x = tf.tensor1d([1, 2, 3]);
    const gg = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.grad((u: tf.Tensor) => tf.mul(tf.square(tf.sum(u)), 0.5))(t), tf.tensor1d([1, 0, 0]))))(x);
    expect(gg.arraySync()).toEqual([1, 1, 1]);
    tf.dispose([xi, c, x, gg]);
  });
});

describe("the cpu fast paths leave wasm alone", () => {
  it("ready({ backend: 'wasm' }) keeps tfjs-wasm's kernels and its own sum gradient values", async () => {
    await ready({ backend: "wasm", quiet: true });
    for (const k of KERNELS) {
      const kernel = tf.getKernel(k, "wasm");
      expect(kernel, k).toBeDefined();
      expect(String(kernel!.kernelFunc)).not.toMatch(/foldBroadcast|sumRowsF32|broadcastCopyInto/);
    }
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const dy = tf.tensor1d([0.5, -2]);
    expect(tf.grad((t: tf.Tensor) => tf.sum(t, 1))(x, dy).arraySync()).toEqual([[0.5, 0.5, 0.5], [-2, -2, -2]]);
    tf.dispose([x, dy]);
    await ready({ backend: "cpu", quiet: true });
  });
});
