/**
 * Internal: reads integer indices from a tensor, a nested number array, a typed array or a number,
 * with the shape, and no tensor left behind. Not re-exported.
 */
import * as tf from "../tf";
import { typeError } from "../validate";

/** Flat values (row-major) and the shape they came in. */
export interface IndexData {
  values: ArrayLike<number>;
  shape: number[];
}

/**
 * The values and shape of `input`. Tensors must be int32 (PyTorch's `one_hot` takes integer
 * tensors only); arrays are read as they are (values are checked by the caller).
 */
export function readIndices(fn: string, arg: string, input: unknown): IndexData {
  if (input instanceof tf.Tensor) {
    if (input.dtype !== "int32") throw typeError(fn, arg, "an int32 tensor (indices are integers)", input);
    return { values: input.dataSync(), shape: [...input.shape] };
  }
  if (typeof input === "number") return { values: [input], shape: [] };
  if (ArrayBuffer.isView(input) && !(input instanceof DataView)) {
    if (input instanceof BigInt64Array || input instanceof BigUint64Array) {
      throw typeError(fn, arg, "numbers, a typed array of numbers or an int32 tensor", input);
    }
    const a = input as unknown as ArrayLike<number>;
    return { values: a, shape: [a.length] };
  }
  if (!Array.isArray(input)) throw typeError(fn, arg, "an int32 tensor, a nested array of integers or a typed array", input);
  // The shape comes from the first element along each axis; every other element must agree.
  const shape: number[] = [];
  for (let level: unknown = input; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Array<number>(size);
  let k = 0;
  const walk = (node: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) {
        throw typeError(fn, `${arg}${path.map((p) => `[${p}]`).join("")}`, "a number (the array is deeper here than at [0])", node);
      }
      values[k++] = node as number;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      const where = `${arg}${path.map((p) => `[${p}]`).join("")}`;
      throw typeError(fn, where, `an array of length ${shape[depth]} (a rectangular nested array)`, node);
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, [...path, i]);
  };
  walk(input, 0, []);
  return { values, shape };
}
