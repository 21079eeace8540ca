/**
 * A fast path for tfjs-cpu's `Sum` kernel when the summed axes are the innermost ones (`tf.sum(x)`,
 * `tf.sum(x, -1)`, a loss): the same loop as tfjs's (each output a double running sum over its
 * row, in order, stored into the output array), so the same bits, in a monomorphic loop per dtype
 * (~2× tfjs's shared one, which every dtype goes through). float32 and int32 inputs only; bool,
 * complex64 and sums that need a transpose go to tfjs's kernel.
 */
import * as tf from "../tf";

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.TypedArray): tf.TensorInfo;
}

/** `out[i]` = the double sum of row `i` of `x` (rows of `rowSize`), like tfjs-cpu's `Sum`. */
function sumRowsF32(out: Float32Array, x: Float32Array, rowSize: number): void {
  for (let i = 0, offset = 0; i < out.length; i++, offset += rowSize) {
    let sum = 0;
    for (let j = offset, end = offset + rowSize; j < end; j++) sum += x[j];
    out[i] = sum;
  }
}

/** {@link sumRowsF32} for int32 (a separate copy keeps each loop monomorphic). */
function sumRowsI32(out: Int32Array, x: Int32Array, rowSize: number): void {
  for (let i = 0, offset = 0; i < out.length; i++, offset += rowSize) {
    let sum = 0;
    for (let j = offset, end = offset + rowSize; j < end; j++) sum += x[j];
    out[i] = sum;
  }
}

let installed = false;

/** Wraps tfjs-cpu's `Sum` once (call after the cpu backend's kernels are registered). */
export function installFastSum(): void {
  if (installed) return;
  const original = tf.getKernel("Sum", "cpu");
  if (original === undefined) return;
  installed = true;
  const tfjsSum = original.kernelFunc;
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = (args.attrs ?? {}) as { axis?: number | number[]; keepDims?: boolean };
    const backend = args.backend as unknown as CpuBackendLike;
    const values = backend.data.get(x.dataId).values;
    const numeric = (x.dtype === "float32" && values instanceof Float32Array) || (x.dtype === "int32" && values instanceof Int32Array);
    if (!numeric) return tfjsSum(args as unknown as Parameters<tf.KernelFunc>[0]);
    const axes = tf.util.parseAxisParam(axis as number | number[], x.shape); // null: every axis
    if (tf.backend_util.getAxesPermutation(axes, x.shape.length) !== null) return tfjsSum(args as unknown as Parameters<tf.KernelFunc>[0]);
    const [outShape, reduceShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
    const rowSize = reduceShape.reduce((a, b) => a * b, 1);
    const size = outShape.reduce((a, b) => a * b, 1);
    const shape = keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    if (x.dtype === "int32") {
      const out = new Int32Array(size);
      sumRowsI32(out, values as Int32Array, rowSize);
      return backend.makeTensorInfo(shape, "int32", out);
    }
    const out = new Float32Array(size);
    sumRowsF32(out, values as Float32Array, rowSize);
    return backend.makeTensorInfo(shape, "float32", out);
  };
  tf.unregisterKernel("Sum", "cpu");
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
}
