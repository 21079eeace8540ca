/**
 * `confusionView(yTrue, yPred)`: the confusion matrix of a classifier, with accuracy, and
 * precision / recall / F1 per class.
 */
import { validate } from "@embedlab/core";
import { categoryAxis, positionsOf } from "../categoryAxis";
import { colorscale, SEQUENTIAL } from "../colorScale";
import { htmlTable, textTable } from "../html";
import { View } from "../View";
import { tr } from "../lang";

const { checkKeys, checkStrings, rangeError, typeError } = validate;

/** Options of {@link confusionView}. */
export interface ConfusionViewOptions {
  /** Class names, one per class id. Defaults to `"0"`, `"1"`, …. */
  labels?: string[];
  /** A title. Defaults to `"Confusion matrix"`. */
  title?: string;
}

/** Counts and scores of a confusion matrix. */
export interface ConfusionStats {
  /** `counts[t][p]`: examples of true class `t` predicted as `p`. */
  counts: number[][];
  accuracy: number;
  precision: number[];
  recall: number[];
  f1: number[];
}

function ids(fn: string, arg: string, v: unknown): ArrayLike<number> {
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return v as unknown as ArrayLike<number>;
  if (v !== null && typeof v === "object" && typeof (v as { dataSync?: unknown }).dataSync === "function") return (v as { dataSync(): ArrayLike<number> }).dataSync();
  throw typeError(fn, arg, "an array, typed array or 1-D tensor of class ids", v);
}

/** The confusion matrix and per-class scores (F1 = 0 where precision + recall = 0). */
export function confusionStats(yTrue: unknown, yPred: unknown, numClasses?: number): ConfusionStats {
  const fn = "confusionStats";
  const t = ids(fn, "yTrue", yTrue);
  const p = ids(fn, "yPred", yPred);
  if (t.length !== p.length) throw new RangeError(`${fn}: expected yPred to have the length of yTrue (${t.length}), but got length ${p.length}`);
  let k = numClasses ?? 0;
  for (let i = 0; i < t.length; i++) {
    for (const [arg, v] of [["yTrue", t[i]], ["yPred", p[i]]] as const) {
      if (!Number.isInteger(v) || v < 0) throw rangeError(fn, `${arg}[${i}]`, "a class id (an integer >= 0)", v);
      if (numClasses === undefined) k = Math.max(k, v + 1);
      else if (v >= numClasses) throw rangeError(fn, `${arg}[${i}]`, `a class id < ${numClasses}`, v);
    }
  }
  const counts = [...Array(k)].map(() => new Array<number>(k).fill(0));
  for (let i = 0; i < t.length; i++) counts[t[i]][p[i]]++;
  let correct = 0;
  const precision: number[] = [], recall: number[] = [], f1: number[] = [];
  for (let c = 0; c < k; c++) {
    correct += counts[c][c];
    const predicted = counts.reduce((a, row) => a + row[c], 0);
    const actual = counts[c].reduce((a, v) => a + v, 0);
    const pr = predicted ? counts[c][c] / predicted : 0;
    const re = actual ? counts[c][c] / actual : 0;
    precision.push(pr);
    recall.push(re);
    f1.push(pr + re ? (2 * pr * re) / (pr + re) : 0);
  }
  return { counts, accuracy: t.length ? correct / t.length : 0, precision, recall, f1 };
}

/**
 * A confusion matrix heatmap (rows: true class, columns: predicted) and a table of precision,
 * recall and F1 per class.
 *
 * **Input:** two equal-length lists of class ids. **Output:** a {@link View}.
 * @example
 * confusionView([0, 1, 1, 0], [0, 1, 0, 0], { labels: ["ham", "spam"] })
 */
export function confusionView(yTrue: unknown, yPred: unknown, options: ConfusionViewOptions = {}): View {
  const fn = "confusionView";
  checkKeys(fn, options, ["labels", "title"]);
  const s = confusionStats(yTrue, yPred, options.labels?.length);
  const k = s.counts.length;
  const labels = options.labels === undefined ? Array.from({ length: k }, (_, i) => String(i)) : checkStrings(fn, "options.labels", options.labels, k);
  const title = options.title ?? tr("Confusion matrix", "混淆矩阵");
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const header = [tr("class", "类别"), tr("precision", "精确率"), tr("recall", "召回率"), "F1", tr("support", "样本数")];
  const headline = tr(`${title}: accuracy ${pct(s.accuracy)}`, `${title}：准确率 ${pct(s.accuracy)}`);
  const body = labels.map((l, c) => [l, pct(s.precision[c]), pct(s.recall[c]), pct(s.f1[c]), s.counts[c].reduce((a, v) => a + v, 0)]);
  return new View({
    title: headline,
    parts: [
      {
        kind: "plotly",
        figure: {
          data: [{
            // Light = few, dark = many, from 0: the errors are pale, the correct answers dark, and the bar says how many.
            type: "heatmap", z: s.counts, x: positionsOf(k), y: positionsOf(k), colorscale: colorscale(SEQUENTIAL), zmin: 0,
            showscale: true, colorbar: { title: { text: tr("count", "计数") }, thickness: 14 },
            texttemplate: "%{z}", text: s.counts.map((r, t) => r.map((v, p) => tr(`true ${labels[t]}, predicted ${labels[p]}: ${v}`, `真实 ${labels[t]}，预测 ${labels[p]}：${v}`))),
            hovertemplate: "%{text}<extra></extra>",
          }],
          layout: {
            height: 120 + 60 * k, width: 280 + 80 * k, margin: { l: 80, r: 20, t: 20, b: 60 },
            xaxis: categoryAxis(labels, { title: { text: tr("predicted", "预测") }, side: "bottom" }),
            yaxis: categoryAxis(labels, { title: { text: tr("true", "真实") }, autorange: "reversed" }),
          },
        },
      },
      { kind: "html", html: htmlTable(header, body) },
    ],
    text: `${headline}\n${textTable([tr("true \\ predicted", "真实 \\ 预测"), ...labels], labels.map((l, c) => [l, ...s.counts[c]]))}\n${textTable(header, body)}`,
  });
}
