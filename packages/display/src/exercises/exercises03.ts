/**
 * Worked solutions of walkthrough 03 (the embedding layer); see exercises01.ts for the markers.
 */
import { embedding, seed, tf } from "@embedlab/core";
import type { Exercise } from "./exercise";

// #region solution 03.1
// en: A negative `paddingIdx` counts from the end like Python, so `-1` is row 5 of 6: that row is all zeros.
// zh: 负的 `paddingIdx` 像 Python 一样从末尾数起，`-1` 就是 6 行中的第 5 行，这一行全为零。
async function solve03_1() {
  const small = embedding({ numEmbeddings: 6, embeddingDim: 4, paddingIdx: -1 });
  const rows = small.weight.arraySync() as number[][];
  small.dispose();
  return rows.findIndex((row) => row.every((v) => v === 0));              // the zero row
}
// #endregion

// #region solution 03.2
// en: With `normType: 1` the cap applies to the sum of absolute values, so every looked-up row longer than 1 is scaled to an L1 norm of 1 (up to the 1e-7 in the scale).
// zh: `normType: 1` 时上限作用于绝对值之和（L1 范数）：每个被查到且超过 1 的行都被缩放到 L1 范数为 1（缩放因子里有 1e-7 的误差）。
async function solve03_2() {
  seed(0);
  const layer = embedding({ numEmbeddings: 6, embeddingDim: 4, maxNorm: 1, normType: 1 });
  const sums = tf.tidy(() => {
    const rows = layer.apply(tf.tensor1d([1, 2, 3], "int32")) as tf.Tensor;  // [3, 4], renormalised on lookup
    return rows.abs().sum(-1).arraySync() as number[];                       // L1 norm of each looked-up row
  });
  layer.dispose();
  return sums;
}
// #endregion

// #region solution 03.3
// en: Rows 1–5 appear in the training sequences and receive gradients, so they change; row 0 is never looked up, so its gradient is zero and it keeps its initial values.
// zh: 第 1–5 行出现在训练序列中、得到了梯度，所以会变；第 0 行从未被查到，梯度始终为零，保持初始值不变。
async function solve03_3() {
  seed(0);
  const table = embedding({ numEmbeddings: 6, embeddingDim: 2 });
  const model = tf.sequential({
    layers: [tf.layers.inputLayer({ inputShape: [3], dtype: "int32" }), table, tf.layers.globalAveragePooling1d(), tf.layers.dense({ units: 1, activation: "sigmoid" })],
  });
  const optimizer = tf.train.adam(0.01);
  model.compile({ optimizer, loss: "binaryCrossentropy" });
  const before = table.weight.arraySync() as number[][];
  const x = tf.tensor2d([[1, 2, 3], [3, 4, 5]], [2, 3], "int32");            // [B=2, T=3]
  const y = tf.tensor2d([[0], [1]]);                                         // label 0, label 1
  await model.fit(x, y, { epochs: 50, verbose: 0 });
  const after = table.weight.arraySync() as number[][];
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  const rows = before.map((_, r) => r);
  const moved = (r: number) => after[r].some((v, j) => v !== before[r][j]);
  return { changed: rows.filter(moved), unchanged: rows.filter((r) => !moved(r)) };
}
// #endregion

/** The exercises of walkthrough 03. */
export const EXERCISES_03: Exercise[] = [
  { id: "03.1", solve: solve03_1 },
  { id: "03.2", solve: solve03_2 },
  { id: "03.3", solve: solve03_3, compare: { unordered: ["changed", "unchanged"] } },
];
