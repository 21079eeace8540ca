// Re-exports for src/layers: the embedding layers (tfjs Layer subclasses, registered for serialization).
export { Embedding, embedding } from "./Embedding";
export type { EmbeddingArgs, FromPretrainedOptions, PretrainedMatrix } from "./Embedding";
export { EmbeddingBag, embeddingBag } from "./EmbeddingBag";
export type { EmbeddingBagArgs, EmbeddingBagCallArgs } from "./EmbeddingBag";
export { TransformerInput, transformerInput, POSITIONAL_KINDS } from "./TransformerInput";
export type { TransformerInputArgs, PositionalKind } from "./TransformerInput";
export { CategoryEmbedding, categoryEmbedding } from "./CategoryEmbedding";
export type { CategoryEmbeddingArgs, CategoryColumn } from "./CategoryEmbedding";
export { SequencePooling, sequencePooling, POOLING_MODES } from "./SequencePooling";
export type { SequencePoolingArgs, PoolingMode } from "./SequencePooling";
export { MultiHeadAttention, multiHeadAttention, ATTENTION_POSITIONALS } from "./MultiHeadAttention";
export type { MultiHeadAttentionArgs, AttentionPositional } from "./MultiHeadAttention";
