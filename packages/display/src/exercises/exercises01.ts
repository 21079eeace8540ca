/**
 * Worked solutions of walkthrough 01 (encodings). Each `// #region solution NN.k` block is shown,
 * as it stands, in the walkthrough's "Solutions" cell (`node scripts/solutions.mjs write`): its
 * `// en:` and `// zh:` lines are the one-line explanation, the function below them the code.
 */
import { HashEncoder, LabelEncoder, hashEncode, oneHot, seed, tf } from "@embedlab/core";
import type { Exercise } from "./exercise";

// #region solution 01.1
// en: `oneHot` appends its axis after the input's `[2, 2]`; element `[1][0]` is id 2, so its 1 sits at `[1, 0, 2]`.
// zh: `oneHot` 把长度为 3 的新轴接在输入形状 `[2, 2]` 之后；元素 `[1][0]` 的类别是 2，所以它的 1 位于 `[1, 0, 2]`。
async function solve01_1() {
  const t = oneHot([[0, 1], [2, 0]], 3);                                   // [2, 2] ids -> [2, 2, 3]
  const rowOf10 = (t.arraySync() as number[][][])[1][0];                    // the one-hot vector of input [1][0]
  const position = [1, 0, rowOf10.indexOf(1)];
  const shape = t.shape;
  t.dispose();
  return { shape, position };
}
// #endregion

// #region solution 01.2
// en: Numbers sort by value (2, 10, 33: 10 gets code 1); strings character by character ("10" < "2" < "33": "10" gets code 0).
// zh: 数字按大小排序（2、10、33，10 的编码是 1）；字符串逐字符比较（"10" < "2" < "33"，"10" 的编码是 0），与 scikit-learn 一致。
async function solve01_2() {
  const numbers = new LabelEncoder().fit([10, 2, 33]);
  const strings = new LabelEncoder().fit(["10", "2", "33"]);
  return {
    numbers: numbers.classes,
    strings: strings.classes,
    codeOf10: [numbers.transform([10])[0], strings.transform(["10"])[0]],   // [as a number, as a string]
  };
}
// #endregion

// #region solution 01.3
// en: Without purple the codes are blue 0, green 1, orange 2, red 3, yellow 4: the warm colours sit at one end, so one S-curve separates all five.
// zh: 去掉 purple 后，标签编码变成 blue 0、green 1、orange 2、red 3、yellow 4：暖色恰好排在一端，一条 S 形曲线就能把五种颜色全部分对。
async function solve01_3() {
  const palette = ["red", "orange", "yellow", "green", "blue"];             // purple removed
  const warmColours = ["red", "orange", "yellow"];
  const encoder = new LabelEncoder().fit(palette);                          // blue 0, green 1, orange 2, red 3, yellow 4
  const codes = encoder.classes.map((_, k) => k);
  const isWarm = (k: number) => (warmColours.includes(String(encoder.classes[k])) ? 1 : 0);
  const sample = codes.flatMap((k) => new Array<number>(10).fill(k));       // 10 examples of each colour
  seed(0);                                                                  // as in the walkthrough
  const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 1, activation: "sigmoid" })] });
  const optimizer = tf.train.adam(0.1);
  m.compile({ optimizer, loss: "binaryCrossentropy" });
  const x = tf.tensor2d(sample.map((k) => [k]), [sample.length, 1]);       // [50, 1]: the code read as a quantity
  const y = tf.tensor2d(sample.map((k) => [isWarm(k)]), [sample.length, 1]);
  await m.fit(x, y, { epochs: 300, batchSize: sample.length, verbose: 0 });
  const p = tf.tidy(() => (m.predict(tf.tensor2d(codes.map((k) => [k]), [codes.length, 1])) as tf.Tensor).dataSync());
  tf.dispose([x, y]);
  m.dispose();
  optimizer.dispose();
  return codes.filter((k) => (p[k] > 0.5 ? 1 : 0) === isWarm(k)).length; // colours right, of 5
}
// #endregion

// #region solution 01.4
// en: The formula predicts m(1 − e^{−(m−1)/n}) ≈ 196 colliding words; the measured count is what these 500 particular hashes give; the formula is an average over random hashes, so the two differ by chance.
// zh: 公式预测约 m(1 − e^{−(m−1)/n}) ≈ 196 个词会冲突；实测值是这 500 个具体的词哈希后的结果；公式给的是随机哈希下的平均值，两者之间会有随机偏差。
async function solve01_4() {
  const vocabulary = [...Array(500).keys()].map((i) => `word${i}`);
  const m = vocabulary.length, n = 1000;
  const cols = hashEncode(vocabulary, n, { indicesOnly: true });
  const counts = new Map<number, number>();
  for (const c of cols) counts.set(c, (counts.get(c) ?? 0) + 1);
  return {
    predicted: m * (1 - Math.exp(-(m - 1) / n)),
    measured: vocabulary.filter((_, i) => (counts.get(cols[i]) ?? 0) > 1).length,
  };
}
// #endregion

// #region solution 01.5
// en: Two pairs collide in 16 columns (bird and cow, fish and duck); bird and cow have opposite signs, so summed into one column they cancel instead of adding up.
// zh: 16 列里有两对冲突（bird 与 cow、fish 与 duck）；bird 与 cow 的符号相反，同一列里相加时会相互抵消，而不是叠加。
async function solve01_5() {
  const words = ["cat", "dog", "bird", "fish", "horse", "sheep", "goat", "cow", "duck", "frog"];
  const hasher = new HashEncoder({ nFeatures: 16 });
  const columns = Array.from(hasher.indices(words));
  const signs = Array.from(hasher.signs(words));
  const partners = (i: number) => words.filter((_, j) => j !== i && columns[j] === columns[i]).map((w) => words.indexOf(w));
  return {
    shared: words.filter((_, i) => partners(i).length > 0),
    cancelling: words.filter((_, i) => partners(i).some((j) => signs[j] !== signs[i])),
  };
}
// #endregion

/** The exercises of walkthrough 01. */
export const EXERCISES_01: Exercise[] = [
  { id: "01.1", solve: solve01_1 },
  { id: "01.2", solve: solve01_2 },
  { id: "01.3", solve: solve01_3 },
  { id: "01.4", solve: solve01_4 },
  { id: "01.5", solve: solve01_5, compare: { unordered: ["shared", "cancelling"] } },
];
