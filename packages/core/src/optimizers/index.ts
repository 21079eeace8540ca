// Re-exports for src/optimizers: fused, in-place optimizers with tfjs's Optimizer interface.
export { FusedOptimizer } from "./FusedOptimizer";
export type { FusedOptimizerOptions, RangeUpdate } from "./FusedOptimizer";
export { adam, FusedAdam } from "./adam";
export type { AdamOptions } from "./adam";
export { adamw, FusedAdamW } from "./adamw";
export type { AdamWOptions } from "./adamw";
export { sgd, FusedSGD } from "./sgd";
export type { SGDOptions } from "./sgd";
