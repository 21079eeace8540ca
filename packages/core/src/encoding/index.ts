// Re-exports for src/encoding: one-hot, positional, label, one-hot-by-column, hash, vocabulary.
export { oneHot } from "./oneHot";
export type { OneHotOptions, IndexInput } from "./oneHot";
export { positionalEncoding, positionalEncodingTable, addPositionalEncoding } from "./positionalEncoding";
export type { PositionalEncodingOptions } from "./positionalEncoding";
export { LabelEncoder } from "./LabelEncoder";
export type { LabelEncoderOptions, LabelEncoderJSON } from "./LabelEncoder";
export type { Label } from "./labelOrder";
export { OneHotEncoder } from "./OneHotEncoder";
export type { OneHotEncoderOptions, OneHotEncoderJSON, CategoryRows } from "./OneHotEncoder";
export { murmurhash3_32 } from "./murmurhash3";
export { hashEncode } from "./hashEncode";
export type { HashEncodeOptions, HashValue } from "./hashEncode";
export { HashEncoder } from "./HashEncoder";
export type { HashEncoderOptions, HashEncoderJSON } from "./HashEncoder";
export { Vocab, buildVocab } from "./Vocab";
export type { VocabOptions, VocabJSON, BuildVocabOptions, PadBatchOptions } from "./Vocab";
export { tokenize } from "./tokenize";
export type { TokenizeOptions } from "./tokenize";
