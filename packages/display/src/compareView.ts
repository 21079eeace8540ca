/**
 * `compareView()`: the teaching text's "Encoding vs Embedding" comparison and "what to use when"
 * tables, rendered.
 */
import { htmlTable, textTable } from "./html";
import { View } from "./View";
import { lang, tr } from "./lang";

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

/** {@link COMPARISON} in Chinese, row for row (the terms of the teaching text). */
const COMPARISON_ZH: readonly (readonly [string, string, string])[] = [
  ["目标", "把数据转换成模型需要的格式（数值、二进制、位置信息）", "把离散符号（单词、类别）映射为低维连续向量，捕捉语义或结构关系"],
  ["数学形式", "确定性规则或固定函数", "可学习的参数矩阵"],
  ["维度", "可能很高（独热编码的维度 = 类别数）", "固定且较低（词向量通常 100–1000 维）"],
  ["可训练", "否", "是（反向传播）"],
  ["语义保留", "无（只是符号）", "高（相似性）"],
  ["计算开销", "低（静态计算）", "较高（需要训练参数）"],
  ["灵活性", "固定规则", "随任务自适应"],
  ["典型用途", "数据预处理、位置信息、标签", "词向量、类别特征、推荐系统、图节点"],
  ["embedlab 中", COMPARISON[8][1], COMPARISON[8][2]],
];

/** {@link WHEN_TO_USE} in Chinese, row for row. */
const WHEN_TO_USE_ZH: readonly (readonly [string, string, string])[] = [
  ["类别特征，基数低", "独热编码", WHEN_TO_USE[0][2]],
  ["类别特征，基数高（如用户 ID）", "嵌入", WHEN_TO_USE[1][2]],
  ["序列中的位置", "位置编码（Transformer）", WHEN_TO_USE[2][2]],
  ["需要语义相似性", "嵌入（词向量）", WHEN_TO_USE[3][2]],
  ["计算资源有限", "哈希编码等静态编码", WHEN_TO_USE[4][2]],
  ["两者结合：Transformer 的输入", "词元嵌入 + 位置编码", WHEN_TO_USE[5][2]],
];

/**
 * The "Encoding vs Embedding" comparison and the "what to use when" table, with the embedlab
 * function for each row; in Chinese when `lang()` is "zh".
 *
 * **Output:** a {@link View} (two tables).
 *
 * @example
 * compareView();
 */
export function compareView(): View {
  const zh = lang() === "zh";
  const comparison = zh ? COMPARISON_ZH : COMPARISON;
  const whenToUse = zh ? WHEN_TO_USE_ZH : WHEN_TO_USE;
  const title = tr("Encoding vs Embedding", "编码与嵌入");
  const cmpHeader = ["", tr("Encoding", "编码（Encoding）"), tr("Embedding", "嵌入（Embedding）")];
  const whenHeader = [tr("situation", "场景"), tr("recommended", "推荐"), "embedlab"];
  const whenCaption = tr("What to use when", "什么场景用什么");
  const cmp = comparison.map(([a, e, m]) => [{ text: a, cls: "el-text" }, { text: e, cls: "el-text" }, { text: m, cls: "el-text" }]);
  const when = whenToUse.map(([s, r, f]) => [{ text: s, cls: "el-text" }, { text: r, cls: "el-text" }, { html: `<code>${f.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</code>`, cls: "el-text" }]);
  return new View({
    title,
    parts: [
      { kind: "html", html: htmlTable(cmpHeader, cmp, { caption: tr("Definitions and differences", "核心定义与区别") }) },
      { kind: "html", html: htmlTable(whenHeader, when, { caption: whenCaption }) },
    ],
    text: [
      title,
      textTable(cmpHeader, comparison.map((r) => [...r])),
      "",
      whenCaption,
      textTable(whenHeader, whenToUse.map((r) => [...r])),
    ].join("\n"),
  });
}
