/**
 * @embedlab/core — encodings, PyTorch-exact embedding layers, word vectors and fast kernels on
 * TensorFlow.js. This file only re-exports.
 */
import * as tf from "./tf";

export { tf };
export { ready, backendInfo, availableBackends, BACKENDS } from "./backend/ready";
export type { BackendInfo, BackendName, ReadyOptions } from "./backend/ready";
export { seed, isSeeded, nextSeed, mulberry32 } from "./backend/seed";
export { memoryLimit, checkAllocation } from "./backend/memoryLimit";
export type { MemoryLimit } from "./backend/memoryLimit";
export { InterruptedError, requestInterrupt, interruptRequested, clearInterrupt, throwIfInterrupted, yieldToEventLoop } from "./backend/interrupt";
export * from "./encoding";
export * from "./kernels";
export * from "./layers";
export * from "./optimizers";
export * from "./vectors";
export * from "./io";
export * from "./data";
export * from "./cooccurrence";
export * from "./projection";
/** The shared argument checks, in the house error format (display uses them too). */
export * as validate from "./validate";
