// The views' shared conventions: one slot per item on category axes (equal labels never merge),
// one diverging scale for signed values (positive red), light = few / dark = many for counts.
import { beforeAll, describe, expect, it } from "vitest";
import { ready, tf } from "@embedlab/core";
import {
  COLOR_CONVENTION, confusionView, DIVERGING, embeddingView, oneHotView, positionalEncodingView, SEQUENTIAL,
  similarityView, tensorView,
} from "@embedlab/display";
import { matrix, sinusoids, VECTORS, WORDS } from "./helpers";

/** [r, g, b] of "#rrggbb". */
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
/** Relative luminance (WCAG), 0 black … 1 white. */
const luminance = (hex: string) => {
  const [r, g, b] = rgb(hex).map((c) => c / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
/** The colour a scale gives a fraction `t` of its range (nearest stop at or below `t`). */
const colourAt = (scale: readonly (readonly [number, string])[], t: number) => [...scale].reverse().find(([p]) => p <= t)![1];

beforeAll(async () => {
  await ready({ backend: "cpu", quiet: true });
});

describe("category axes keep one row per item", () => {
  it("oneHotView of cat, bird, dog, cat draws four rows, labelled in order", () => {
    const animals = ["cat", "dog", "bird"];
    const ids = [0, 2, 1, 0];
    const v = oneHotView(ids.map((i) => animals.map((_, j) => (i === j ? 1 : 0))), { categories: animals, rows: ids.map((i) => animals[i]) });
    expect(v.title).toBe("One-hot encoding [4, 3]");
    const trace = v.figures[0].data[0];
    const y = trace.y as number[];
    expect(new Set(y).size).toBe(4);                                   // four distinct rows, not three
    expect((trace.z as number[][]).length).toBe(4);
    const yaxis = v.figures[0].layout.yaxis as Record<string, unknown>;
    expect(yaxis.type).not.toBe("category");
    expect(yaxis.tickvals).toEqual(y);
    expect(yaxis.ticktext).toEqual(["cat", "bird", "dog", "cat"]);
    expect((v.figures[0].layout.xaxis as Record<string, unknown>).ticktext).toEqual(animals);
    // the hover names the item and the category, row by row
    expect((trace.text as string[][])[3][0]).toBe("cat → cat: 1");
    expect((trace.text as string[][])[1][2]).toBe("bird → bird: 1");
  });

  it("similarityView with a repeated word keeps a row and a column for each", () => {
    const v = similarityView(VECTORS, ["king", "queen", "king"], { labels: WORDS });
    const trace = v.figures[0].data[0];
    expect(new Set(trace.x as number[]).size).toBe(3);
    expect(new Set(trace.y as number[]).size).toBe(3);
    expect((v.figures[0].layout.xaxis as Record<string, unknown>).ticktext).toEqual(["king", "queen", "king"]);
    expect((trace.z as number[][])[2][0]).toBe(1);
  });

  it("confusionView with repeated class names keeps a row per class", () => {
    const v = confusionView([0, 1, 2, 2], [0, 1, 2, 1], { labels: ["a", "b", "a"] });
    const trace = v.figures[0].data[0];
    expect(new Set(trace.y as number[]).size).toBe(3);
    expect((v.figures[0].layout.yaxis as Record<string, unknown>).ticktext).toEqual(["a", "b", "a"]);
    expect((trace.text as string[][])[2][1]).toBe("true a, predicted b: 1");
  });
});

describe("colour scales", () => {
  it("DIVERGING: negative blue, zero near white, positive red; symmetric in lightness", () => {
    const [, lo] = DIVERGING[0];
    const [, hi] = DIVERGING[DIVERGING.length - 1];
    expect(rgb(lo)[2]).toBeGreaterThan(rgb(lo)[0]);                   // -max: blue
    expect(rgb(hi)[0]).toBeGreaterThan(rgb(hi)[2]);                   // +max: red
    expect(luminance(colourAt(DIVERGING, 0.5))).toBeGreaterThan(0.9);  // 0: near white
    for (let k = 0; k < DIVERGING.length; k++) {
      expect(DIVERGING[k][0]).toBeCloseTo(1 - DIVERGING[DIVERGING.length - 1 - k][0], 12);
      expect(Math.abs(luminance(DIVERGING[k][1]) - luminance(DIVERGING[DIVERGING.length - 1 - k][1]))).toBeLessThan(0.06);
    }
    expect(COLOR_CONVENTION).toMatch(/red = positive/);
  });

  it("SEQUENTIAL gets darker with every stop: light = few, dark = many", () => {
    const l = SEQUENTIAL.map(([, c]) => luminance(c));
    for (let k = 1; k < l.length; k++) expect(l[k]).toBeLessThan(l[k - 1]);
    expect(l[0]).toBeGreaterThan(0.9);
  });

  it("every signed heatmap uses the one diverging scale, centred on 0", () => {
    const t = tf.tensor2d(matrix(4, 5, 3));
    const layer = { getWeights: () => [t], paddingIdx: null, maxNorm: null, trainable: true, name: "emb" };
    const traces = [
      tensorView(t, { heatmap: true }).figures[0].data[0],
      positionalEncodingView(sinusoids(8, 6)).figures[0].data[0],
      embeddingView(layer).figures[0].data[0],
      similarityView(VECTORS, ["king", "apple"], { labels: WORDS }).figures[0].data[0],
    ];
    for (const trace of traces) {
      expect(trace.colorscale).toEqual(DIVERGING);
      expect(trace.reversescale).toBeUndefined();
      const centred = trace.zmid === 0 || (trace.zmin === -1 && trace.zmax === 1);
      expect(centred).toBe(true);
    }
    t.dispose();
  });

  it("confusionView: the largest count is the darkest cell, zero is white, and a colour bar shows the scale", () => {
    // 821 correct hams, 9 and 11 errors, 368 correct spams: the errors must be the palest cells.
    const yTrue = [...Array(830).fill(0), ...Array(379).fill(1)];
    const yPred = [...Array(821).fill(0), ...Array(9).fill(1), ...Array(11).fill(0), ...Array(368).fill(1)];
    const trace = confusionView(yTrue, yPred, { labels: ["ham", "spam"] }).figures[0].data[0];
    expect(trace.z).toEqual([[821, 9], [11, 368]]);
    expect(trace.colorscale).toEqual(SEQUENTIAL);
    expect(trace.zmin).toBe(0);
    expect(trace.showscale).toBe(true);
    expect(trace.colorbar).toMatchObject({ title: { text: "count" } });
    const z = trace.z as number[][];
    const max = Math.max(...z.flat());
    const lightness = (v: number) => luminance(colourAt(SEQUENTIAL, v / max));
    expect(lightness(9)).toBeGreaterThan(lightness(368));
    expect(lightness(11)).toBeGreaterThan(lightness(821));
    expect(lightness(368)).toBeGreaterThan(lightness(821));
    expect(trace.texttemplate).toBe("%{z}");
  });
});
