/**
 * Saving tensors for the backward pass without a kernel each, on cpu and wasm. Inside a gradient
 * tape (`model.fit`, `optimizer.minimize`, `tf.grad`) tfjs's engine keeps every input and output a
 * gradient will need through `engine.clone(x)`: an `Identity` kernel run through the whole dispatch
 * (on wasm a heap allocation and a copy) plus a tape node of its own. In a training step of notebook
 * 06's model that was 36 of its 140 kernels, and a tape node each that the backward pass filters out
 * again (a saved tensor is read by gradient functions only, which run with the tape off).
 *
 * Here a saved tensor shares the storage of the one it keeps (a new tensor on the same data, its
 * reference counted, as tfjs-cpu's own `Identity` does): the same values, one tensor, no kernel, no
 * tape node. Nested tapes (gradients of gradients, where a saved tensor can be differentiated
 * through), profiling, strings, complex numbers and other backends keep tfjs's own clone.
 */
import * as tf from "../tf";
import { kernelBackendName } from "./heap";

/** The part of tfjs's engine this touches (its own class is not exported by tfjs's index). */
interface EngineLike {
  clone(x: tf.Tensor): tf.Tensor;
  backend: tf.KernelBackend;
  state: { gradientDepth: number; profiling: boolean; tensorInfo: { get(dataId: object): { backend: tf.KernelBackend } | undefined } };
  makeTensorFromTensorInfo(info: tf.TensorInfo, backend?: tf.KernelBackend): tf.Tensor;
}

let installed = false;

/** Replaces the engine's `clone` (used only to save tensors for gradients) once; idempotent. */
export function installFastClone(): void {
  if (installed) return;
  const engine = tf.engine() as unknown as EngineLike;
  const tfjsClone = engine.clone;
  if (typeof tfjsClone !== "function" || typeof engine.makeTensorFromTensorInfo !== "function" || engine.state === undefined) return;
  installed = true;
  engine.clone = function clone(this: EngineLike, x: tf.Tensor): tf.Tensor {
    const backend = this.backend;
    const state = this.state;
    // why depth 1: one tape (the usual training step); under an outer tape the clone's own tape node carries gradients
    if (state.gradientDepth !== 1 || state.profiling || !(x.dtype === "float32" || x.dtype === "int32" || x.dtype === "bool") || kernelBackendName(backend) === null || state.tensorInfo.get(x.dataId)?.backend !== backend) {
      return tfjsClone.call(this, x);
    }
    backend.incRef(x.dataId);
    return this.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype }, backend);
  };
}
