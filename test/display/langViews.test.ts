// The views' built-in labels follow lang(): Chinese with setLanguage("zh") (the zh edition's kernel),
// English otherwise. The English strings themselves are pinned by the other view tests and snapshots.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ready, tf } from "@embedlab/core";
import {
  analogyView, attentionView, compareView, confusionView, embeddingView, gradientView, hashEncodingView, labelEncodingView,
  neighborsView, oneHotView, positionalEncodingView, projector, rotaryView, setLanguage, similarityView, tensorView,
  trainingView, type PlotlyFigure, type View,
} from "@embedlab/display";
import { displayWidth, textTable } from "../../packages/display/src/html";
import { matrix, sinusoids, VECTORS } from "./helpers";

beforeAll(async () => {
  await ready({ backend: "cpu", quiet: true });
});

afterEach(() => setLanguage(undefined));

type Obj = Record<string, unknown>;
const textOf = (t: unknown): string | undefined => (typeof t === "string" ? t : t && typeof t === "object" ? ((t as Obj).text as string | undefined) : undefined);

/** Every label a reader sees in a figure: titles, axis and colour-bar titles, legend names, hover templates, annotations. */
function labelsOf(figure: PlotlyFigure): string[] {
  const out: (string | undefined)[] = [];
  const layout = (figure.layout ?? {}) as Obj;
  out.push(textOf(layout.title));
  for (const [k, axis] of Object.entries(layout)) if (/^[xy]axis\d*$/.test(k)) out.push(textOf((axis as Obj).title));
  for (const a of (layout.annotations as Obj[] | undefined) ?? []) out.push(a.text as string);
  for (const t of figure.data as Obj[]) {
    out.push(t.name as string | undefined, t.hovertemplate as string | undefined);
    out.push(textOf(((t.colorbar as Obj | undefined) ?? {}).title));
  }
  return out.filter((s): s is string => typeof s === "string" && s !== "");
}

/** English words left in a label, ignoring plotly's %{…} fields and the names of functions and maths. */
function englishIn(label: string): string[] {
  const allowed = new Set(["sin", "cos", "RoPE", "rot", "loss", "val_loss", "float32", "extra", "rad", "maxNorm", "PCA", "PC1", "PC2", "grad", "emb"]);
  return (label.replace(/%\{[^}]*\}/g, "").match(/[A-Za-z_][A-Za-z_0-9]{2,}/g) ?? []).filter((w) => !allowed.has(w));
}

/** A few views with their defaults, as a zh or en kernel draws them. */
function views(): Record<string, View> {
  const le = { classes: ["blue", "green", "red"] };
  const hasher = { nFeatures: 4, indices: (vs: readonly (string | number)[]) => vs.map((v) => String(v).length % 4) };
  const tv = trainingView({ epochs: 1, stepsPerEpoch: 2, now: () => 0, live: false });
  tv.step({ loss: 1 });
  tv.step({ loss: 0.5 });
  tv.epochEnd({ loss: 0.5 });
  tv.done();
  const t = tf.tensor2d([[1, -1], [0, 2]]);
  const w = tf.tensor4d(Array.from({ length: 2 * 3 * 3 }, () => 1 / 3), [1, 2, 3, 3]);
  const table = tf.tensor2d(matrix(5, 3));
  const layer = { getWeights: () => [table], paddingIdx: 0, maxNorm: 1, trainable: false, name: "emb" };
  const grads = tf.tensor2d([[0, 0, 0], [1, 2, 2], [0, 0, 0], [0.5, 0, 0], [0, 0, 0]]);
  const vectors = { words: ["w0", "w1", "w2", "w3", "w4", "w5"], vectors: VECTORS };
  const out = {
    oneHot: oneHotView([[1, 0, 0], [0, 0, 1]], { categories: ["cat", "dog", "bird"], rows: ["cat", "bird"] }),
    label: labelEncodingView(le, ["red", "purple"]),
    hash: hashEncodingView(hasher, ["cat", "dog", "bird"]),
    positional: positionalEncodingView(sinusoids(20, 8)),
    tensor: tensorView(t, { heatmap: true }),
    confusion: confusionView([0, 1, 1, 0], [0, 1, 0, 0], { labels: ["ham", "spam"] }),
    training: tv.view(),
    rotary: rotaryView({ headDim: 8, positions: 5, maxDistance: 4 }),
    attention: attentionView(w),
    compare: compareView(),
    embedding: embeddingView(layer),
    gradient: gradientView(layer, grads, { ids: [1, 3, 1] }),
    similarity: similarityView(vectors),
    neighbors: neighborsView(vectors, "w0", 2),
    analogy: analogyView(vectors, "w0", "w1", "w2"),
    projector: projector(vectors, { search: true }),
  };
  tf.dispose([t, w, table, grads]);
  return out;
}

describe("the views' built-in labels in Chinese and English", () => {
  it('with setLanguage("zh") the default titles, axes, legends, hover texts and table headers are Chinese', () => {
    setLanguage("zh");
    const v = views();
    const oneHot = v.oneHot.figures[0].layout as Obj;
    expect(textOf(oneHot.title)).toBe("独热编码");
    expect(textOf((oneHot.xaxis as Obj).title)).toBe("类别");
    expect(textOf((oneHot.yaxis as Obj).title)).toBe("条目");
    expect(v.oneHot.text).toMatch(/^独热编码：2 个条目 × 3 个类别：6 个值中有 2 个非零（密度 33\.3%）\n/);

    const [heat, curves] = v.positional.figures;
    expect(textOf((heat.layout as Obj).title)).toBe("位置编码：位置 × 维度");
    expect(textOf(((heat.layout as Obj).yaxis as Obj).title)).toBe("位置");
    expect((heat.data[0] as Obj).hovertemplate).toBe("位置 %{y}，维度 %{x}：%{z}<extra></extra>");
    expect(curves.data.map((c) => (c as Obj).name)).toEqual(["维度 0（sin）", "维度 1（cos）", "维度 4（sin）", "维度 5（cos）", "维度 6（sin）", "维度 7（cos）"]);

    expect(v.label.tables.join("")).toContain("<th>类别</th><th>编码</th>");
    expect(v.label.text).toContain("未见过");
    expect(v.hash.tables.join("")).toContain("<th>值</th><th>列</th><th>符号</th><th>与之冲突的值</th>");
    expect(v.confusion.title).toBe("混淆矩阵：准确率 75.00%");
    expect(textOf(((v.confusion.figures[0].data[0] as Obj).colorbar as Obj).title)).toBe("计数");
    expect(v.confusion.tables.join("")).toContain("<th>精确率</th><th>召回率</th><th>F1</th><th>样本数</th>");
    expect(v.training.text).toBe("训练：已完成：第 1/1 轮 · 2 步 · 已用 0.0 s · loss 0.5");
    expect(v.training.figures[0].data.map((c) => (c as Obj).name)).toEqual(["loss（批次）", "loss（轮）"]);
    expect(v.tensor.title).toBe("张量：形状 [2, 2] · float32 · 后端 cpu");
    expect(v.compare.text).toContain("独热编码");
    expect(v.compare.tables.join("")).toContain("编码（Encoding）");
    expect(v.embedding.title).toBe("emb：[5, 3] · 已冻结（trainable = false） · paddingIdx 0 · maxNorm 1");
    expect(v.gradient.title).toBe("emb 的梯度：这个批次用到了 5 行中的 2 行；填充行 0 的梯度范数 0");
    expect(v.neighbors.tables.join("")).toContain("<th>排名</th><th>词</th><th>余弦</th>");
    expect(v.projector.title).toMatch(/^投影（PCA，2 维）：6 个 4 维的点；解释方差 /);
    const search = v.projector.toHtml();                        // the search box and its page script
    expect(search).toContain('placeholder="搜索一个词…"');
    expect(search).toContain('" 个匹配"');
    expect(search).not.toContain('" matches"');

    // no default English label is left in any figure of these views
    for (const [name, view] of Object.entries(v)) {
      for (const fig of view.figures) for (const label of labelsOf(fig)) expect(englishIn(label), `${name}: ${label}`).toEqual([]);
    }
  });

  it('with setLanguage("en") (and by default) the same views carry their English labels', () => {
    for (const language of ["en", undefined] as const) {
      setLanguage(language);
      const v = views();
      const oneHot = v.oneHot.figures[0].layout as Obj;
      expect(textOf(oneHot.title)).toBe("One-hot encoding");
      expect(textOf((oneHot.xaxis as Obj).title)).toBe("category");
      expect((v.positional.figures[0].data[0] as Obj).hovertemplate).toBe("position %{y}, dim %{x}: %{z}<extra></extra>");
      expect(v.confusion.title).toBe("Confusion matrix: accuracy 75.00%");
      expect(v.training.text).toBe("Training: done: epoch 1/1 · 2 steps · elapsed 0.0 s · loss 0.5");
      expect(v.hash.tables.join("")).toContain("<th>value</th><th>column</th><th>sign</th><th>collides with</th>");
      expect(v.compare.text.split("\n")[0]).toBe("Encoding vs Embedding");
      expect(v.projector.toHtml()).toContain('placeholder="search a word…"');
      const all = Object.values(v).flatMap((view) => view.figures.flatMap(labelsOf)).join("\n");
      expect(all).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("plain-text tables count a CJK character as two columns, so Chinese columns line up", () => {
    expect(displayWidth("精确率")).toBe(6);
    expect(displayWidth("F1 ×—")).toBe(5);
    const lines = textTable(["类别", "n"], [["ham", 1], ["垃圾邮件", 22]]).split("\n");
    expect(lines).toEqual(["类别      n", "--------  --", "ham       1", "垃圾邮件  22"]);
    // ASCII tables are what they were (padEnd)
    expect(textTable(["a", "bb"], [["ccc", 1]])).toBe("a    bb\n---  --\nccc  1");
  });
});
