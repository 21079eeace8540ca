// Re-exports for src/vectors: pretrained word vectors — readers, writers, queries, GloVe download.
export { loadVectors, VECTOR_FORMATS } from "./loadVectors";
export type { LoadVectorsOptions, VectorFormat } from "./loadVectors";
export { WordVectors } from "./WordVectors";
export type { WordOrVector, SimilarWord, MostSimilarOptions, UnkInit, GetVecsOptions, VectorCoverage, ToEmbeddingOptions } from "./WordVectors";
export type { LoadReport, BadLine } from "./RowCollector";
export { VectorFileError } from "./VectorFileError";
export { parseFloatBytes } from "./parseFloatBytes";
export type { VectorInput } from "./byteSource";
export { saveVectors, saveProjectorTsv, SAVE_FORMATS } from "./saveVectors";
export type { SaveVectorsOptions, SaveFormat } from "./saveVectors";
export { formatFloat32 } from "./formatFloat32";
export { downloadGlove, loadGlove, GLOVE_RELEASES } from "./downloadGlove";
export type { DownloadGloveOptions, GloveName } from "./downloadGlove";
export { extractZipEntry } from "./extractZipEntry";
export type { ZipEntry } from "./extractZipEntry";
