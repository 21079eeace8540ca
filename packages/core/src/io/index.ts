// Re-exports for src/io: model save/load on plain Node and NumPy .npy files.
export { saveLayers, loadLayers, MODEL_FILE, WEIGHTS_FILE } from "./saveLayers";
export type { SaveLayersResult } from "./saveLayers";
export { decodeNpy, encodeNpy, loadNpy, saveNpy } from "./npy";
export type { NpyArray } from "./npy";
