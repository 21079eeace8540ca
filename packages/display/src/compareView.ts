/**
 * `compareView()`: the teaching text's "Encoding vs Embedding" comparison and "what to use when"
 * tables, rendered.
 */
import { htmlTable, textTable } from "./html";
import { View } from "./View";

/** The comparison rows: aspect, encoding, embedding. */
export const COMPARISON: readonly (readonly [string, string, string])[] = [
  ["goal", "convert data into a required format (numbers, binary, position information)", "map discrete symbols (words, categories) to low-dimensional continuous vectors that capture semantic or structural relations"],
  ["maths", "deterministic rule or fixed function", "learnable parameter matrix"],
  ["dimension", "may be high (one-hot = number of categories)", "fixed and low (word vectors typically 100–1000)"],
  ["trainable", "no", "yes (backpropagation)"],
  ["semantics kept", "none (symbols only)", "high (similarity)"],
  ["compute cost", "low (static)", "higher (trained parameters)"],
  ["flexibility", "fixed rule", "adapts to the task"],
  ["typical use", "preprocessing, position information, labels", "word vectors, categorical features, recommenders, graph nodes"],
  ["in embedlab", "oneHot, positionalEncoding, LabelEncoder, OneHotEncoder, HashEncoder", "embedding, Embedding.fromPretrained, categoryEmbedding, loadVectors"],
];

/** "What to use when": situation, recommendation, embedlab call. */
export const WHEN_TO_USE: readonly (readonly [string, string, string])[] = [
  ["categorical, low cardinality", "one-hot", "oneHot / OneHotEncoder"],
  ["categorical, high cardinality (user id)", "embedding", "categoryEmbedding / embedding"],
  ["sequence position", "positional encoding (Transformer)", "positionalEncoding / transformerInput"],
  ["semantic similarity needed", "embedding (word vectors)", "loadVectors / Embedding.fromPretrained"],
  ["limited compute", "static encoding such as hashing", "HashEncoder / hashEncode"],
  ["both: a Transformer's input", "token embedding + positional encoding", "transformerInput"],
];

/**
 * The "Encoding vs Embedding" comparison and the "what to use when" table, with the embedlab
 * function for each row.
 *
 * **Output:** a {@link View} (two tables).
 *
 * @example
 * compareView();
 */
export function compareView(): View {
  const cmp = COMPARISON.map(([a, e, m]) => [{ text: a, cls: "el-text" }, { text: e, cls: "el-text" }, { text: m, cls: "el-text" }]);
  const when = WHEN_TO_USE.map(([s, r, f]) => [{ text: s, cls: "el-text" }, { text: r, cls: "el-text" }, { html: `<code>${f.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</code>`, cls: "el-text" }]);
  return new View({
    title: "Encoding vs Embedding",
    parts: [
      { kind: "html", html: htmlTable(["", "Encoding", "Embedding"], cmp, { caption: "Definitions and differences" }) },
      { kind: "html", html: htmlTable(["situation", "recommended", "embedlab"], when, { caption: "What to use when" }) },
    ],
    text: [
      "Encoding vs Embedding",
      textTable(["", "Encoding", "Embedding"], COMPARISON.map((r) => [...r])),
      "",
      "What to use when",
      textTable(["situation", "recommended", "embedlab"], WHEN_TO_USE.map((r) => [...r])),
    ].join("\n"),
  });
}
