/**
 * The padding mask `ids != paddingIdx` as one kernel on cpu and wasm. `tf.notEqual(ids,
 * tf.scalar(p))` makes a scalar tensor and runs a broadcasting comparison each time a layer passes
 * its mask on (twice per training step in a model), 4% of a profiled notebook-06 epoch.
 */
import * as tf from "../tf";
import { KERNEL_BACKENDS, allocate, view } from "./heap";
import { hasFastKernels } from "./embeddingLookup";

/** Kernel name of the mask: input `ids`, attr `paddingIdx`, output bool of the same shape. */
export const PADDING_MASK = "EmbedlabPaddingMask";

function paddingMaskKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { ids } = inputs as { ids: tf.TensorInfo };
  const { paddingIdx } = attrs as unknown as { paddingIdx: number };
  const outInfo = allocate(backend, ids.shape, "bool", false);
  const out = view(backend, outInfo);
  const values = view(backend, ids);
  for (let i = 0; i < values.length; i++) out[i] = values[i] !== paddingIdx ? 1 : 0;
  return outInfo;
}

let registered = false;

/** Registers the kernel (idempotent; done on import). Not differentiable: masks carry no gradient. */
export function registerPaddingMaskKernel(): void {
  if (registered) return;
  registered = true;
  for (const backendName of KERNEL_BACKENDS) {
    tf.registerKernel({ kernelName: PADDING_MASK, backendName, kernelFunc: paddingMaskKernel as unknown as tf.KernelFunc });
  }
}
registerPaddingMaskKernel();

/**
 * `ids != paddingIdx` as a bool tensor of the same shape (true = real token).
 *
 * **Input shape:** any, int32 or float32. **Output shape:** the same, bool.
 */
export function paddingMask(ids: tf.Tensor, paddingIdx: number): tf.Tensor {
  if (hasFastKernels() && (ids.dtype === "int32" || ids.dtype === "float32")) {
    return tf.engine().runKernel(PADDING_MASK, { ids }, { paddingIdx }) as tf.Tensor;
  }
  return tf.notEqual(ids, tf.scalar(paddingIdx, ids.dtype));
}
