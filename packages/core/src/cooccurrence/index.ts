// Re-exports for src/cooccurrence: count-based word vectors built from a corpus.
export { cooccurrence } from "./cooccurrence";
export type { CsrMatrix, CooccurrenceOptions } from "./cooccurrence";
export { ppmi, ppmiVectors, symmetricEigen } from "./ppmiVectors";
export type { PpmiVectors, PpmiVectorsOptions } from "./ppmiVectors";
