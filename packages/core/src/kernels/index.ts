// Re-exports for src/kernels: the fast embedding lookups and their gradients (cpu + wasm kernels).
export { embeddingLookup, hasFastKernels, registerEmbeddingKernels, GATHER_ROWS, SCATTER_ADD_ROWS } from "./embeddingLookup";
export type { EmbeddingLookupOptions } from "./embeddingLookup";
export { embeddingBagLookup, registerEmbeddingBagKernels, BAG_MODES } from "./embeddingBagLookup";
export type { BagMode, EmbeddingBagLookupOptions } from "./embeddingBagLookup";
export { renormRows } from "./renormRows";
export type { RenormOptions } from "./renormRows";
export { checkIndices } from "./checkIndices";
export { fillNormal } from "./fillNormal";
