/**
 * Worked solutions of walkthrough 07 (where position goes); see exercises01.ts for the markers.
 * Each training run there takes tens of seconds, so these exercises look at the formulas that
 * decide the outcomes: ALiBi's symmetric penalty and slopes, T5's buckets, causal averaging.
 */
import { alibiBias, alibiSlopes, multiHeadAttention, relativePositionBucket, seed, tf } from "@embedlab/core";
import type { Exercise } from "./exercise";

// #region solution 07.1
// en: Without the causal mask ALiBi's penalty depends on |m − n| only, so the keys one before and one after get the same bias; T5's bidirectional buckets (and RoPE's signed angle) tell them apart.
// zh: 去掉因果掩码后，ALiBi 的惩罚只取决于 |m − n|，前一个和后一个 token 得到相同的偏置，无法区分前后；T5 的双向分桶（以及 RoPE 带符号的旋转角）能区分。
async function solve07_1() {
  const bias = alibiBias(4, 9, { causal: false });                          // [H=4, T=9, T=9]
  const row = (bias.arraySync() as number[][][])[0][4];                     // head 0, query at position 4
  const buckets = relativePositionBucket([-1, 1], { bidirectional: true });  // key − query = −1 and +1
  const t5 = Array.from(buckets.dataSync());
  tf.dispose([bias, buckets]);
  return { alibi: [row[3], row[5]], t5, cannotTell: "ALiBi" };
}
// #endregion

// #region solution 07.2
// en: With 2 heads the slopes are 2^(−8/2) = 1/16 and 2^(−16/2) = 1/256: even the steeper head penalises the farthest key of a 32-token sequence by less than 2, against 7.75 for 4 heads' steepest slope 1/4, so locality is much weaker.
// zh: 2 个头时斜率为 2^(−8/2) = 1/16 和 2^(−16/2) = 1/256：即便是较陡的那个头，对 32 个 token 中最远的键的惩罚也不到 2，而 4 个头时最陡的斜率 1/4 对应 7.75，局部性弱得多。
async function solve07_2() {
  const slopes = alibiSlopes(2);
  const values = Array.from(slopes.dataSync());
  slopes.dispose();
  return { slopes: values, penaltyAt31: values.map((s) => s * 31) };         // distance 31: the farthest key at T = 32
}
// #endregion

// #region solution 07.3
// en: Distances 0–15 each have their own bucket; from 16 on, buckets are logarithmic and 16 and 17 already share one, so an answer 8 places back still has an exact bucket, one 16 or more back does not.
// zh: 距离 0–15 各有一个桶；从 16 起按对数分桶，16 和 17 已经共用一个桶。所以往回 8 个位置的答案仍有专属的桶，16 个及以上就没有了。
async function solve07_3() {
  const distances = [1, 8, 15, 16, 17, 31, 32];
  const buckets = relativePositionBucket(distances.map((d) => -d), { bidirectional: false });   // keys before the query: key − query < 0
  const all = relativePositionBucket(Array.from({ length: 128 }, (_, d) => -d), { bidirectional: false });
  const bucketOf = Array.from(all.dataSync());                               // bucket of distance 0 … 127
  const firstShared = bucketOf.findIndex((b, d) => d + 1 < bucketOf.length && bucketOf[d + 1] === b);
  const answer = { buckets: Array.from(buckets.dataSync()), firstShared };
  tf.dispose([buckets, all]);
  return answer;
}
// #endregion

// #region solution 07.4
// en: With identical tokens every score is equal, so causal attention gives query p the weight 1/(p + 1) on each of its p + 1 keys: how much a token is averaged depends on its position, which is the leak.
// zh: token 全部相同时所有得分相等，因果注意力给位置 p 的查询在它能看到的 p + 1 个键上各分配 1/(p + 1) 的权重：被平均的程度取决于位置，位置信息就是这样泄露出来的。
async function solve07_4() {
  seed(0);
  const attention = multiHeadAttention({ numHeads: 1, headDim: 4, positional: "none", causal: true });
  const weights = tf.tidy(() => {
    const x = tf.ones([1, 5, 4]);                                             // [B=1, T=5, D=4]: five identical tokens
    attention.apply(x);                                                       // builds the layer
    return attention.attentionWeights(x).arraySync() as number[][][][];       // [B, H, T, T]
  });
  attention.dispose();
  return weights[0][0];                                                       // [5, 5]: row = query, column = key
}
// #endregion

/** The exercises of walkthrough 07. */
export const EXERCISES_07: Exercise[] = [
  { id: "07.1", solve: solve07_1 },
  { id: "07.2", solve: solve07_2 },
  { id: "07.3", solve: solve07_3 },
  { id: "07.4", solve: solve07_4 },
];
