/**
 * A row-copy fast path for tfjs's own `GatherV2` kernel on cpu and wasm. `model.fit` takes every
 * shuffled batch out of the training tensors with `tf.gather(x, batchIndices)` (axis 0); tfjs-wasm's
 * kernel goes through a generic strided loop plus two reshapes, and was 7% of a profiled notebook-06
 * epoch. Gathers along axis 0 of float32/int32 tensors with int32 indices in range copy whole rows
 * here (the same values); every other call, out-of-range indices included (tfjs's own error), goes
 * to tfjs's kernel.
 */
import * as tf from "../tf";
import { type KernelBackendName, allocate, view } from "./heap";
import { gatherRowsInto } from "./embeddingLookup";

const GATHER_V2 = "GatherV2";
const installed = new Set<KernelBackendName>();

/** Wraps `GatherV2` on `backendName` once (call after the backend's own kernels are registered). */
export function installFastGather(backendName: KernelBackendName): void {
  if (installed.has(backendName)) return;
  const original = tf.getKernel(GATHER_V2, backendName);
  if (original === undefined) return;
  installed.add(backendName);
  const tfjsGather = original.kernelFunc;
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = (args.attrs ?? {}) as { axis?: number; batchDims?: number };
    const simple =
      (batchDims ?? 0) === 0 && x.shape.length >= 1 && indices.dtype === "int32" &&
      (x.dtype === "float32" || x.dtype === "int32") && tf.util.parseAxisParam(axis ?? 0, x.shape)[0] === 0;
    if (!simple) return tfjsGather(args as unknown as Parameters<tf.KernelFunc>[0]);
    const rows = x.shape[0];
    const ids = view(args.backend, indices);
    for (let i = 0; i < ids.length; i++) if (!(ids[i] >= 0 && ids[i] < rows)) return tfjsGather(args as unknown as Parameters<tf.KernelFunc>[0]);
    const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const outInfo = allocate(args.backend, [...indices.shape, ...x.shape.slice(1)], x.dtype as "float32" | "int32", false); // [...I, ...rest]
    // views only now: on wasm a view dies when the heap grows
    gatherRowsInto(view(args.backend, outInfo), view(args.backend, x), view(args.backend, indices), rowSize);
    return outInfo;
  };
  tf.unregisterKernel(GATHER_V2, backendName);
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
}
