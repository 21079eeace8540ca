import { describe, expect, it } from "vitest";
import { confusionStats, confusionView, plotView } from "@embedlab/display";
import { fixture, snapshotOf } from "./helpers";

describe("plotView()", () => {
  it("plotView(traces) wraps traces in one figure whose text lists the points", async () => {
    const v = plotView([{ x: [1, 2, 3], y: [1, 4, 9], name: "squares", mode: "lines" }], { title: "n squared", layout: { yaxis: { type: "log" } } });
    expect(v.figures).toHaveLength(1);
    expect(v.figures[0].layout.yaxis).toEqual({ type: "log" });
    expect(v.text).toBe("n squared\n  squares: 1: 1, 2: 4, 3: 9");
    expect(v.toBundle()["application/vnd.plotly.v1+json"]).toEqual(v.figures[0]);
    await expect(snapshotOf(v)).toMatchFileSnapshot(fixture("plotView"));
  });

  it("plotView() rejects no traces and a non-object layout", () => {
    expect(() => plotView([])).toThrow(/^plotView: expected traces to be a non-empty array of plotly traces, but got an array of length 0$/);
    expect(() => plotView([{ y: [1] }], { layout: [] as never })).toThrow(/^plotView: expected options\.layout to be a plotly layout object, but got an array of length 0$/);
    expect(() => plotView([{ y: [1] }], { titel: "x" } as never)).toThrow(/^plotView: unknown option "titel"/);
  });
});

describe("confusionView()", () => {
  const yTrue = [0, 0, 0, 1, 1, 1, 1, 0];
  const yPred = [0, 0, 1, 1, 1, 0, 1, 0];

  it("confusionStats() counts true × predicted and scores each class", () => {
    const s = confusionStats(yTrue, yPred);
    expect(s.counts).toEqual([[3, 1], [1, 3]]);
    expect(s.accuracy).toBe(0.75);
    expect(s.precision).toEqual([0.75, 0.75]);
    expect(s.recall).toEqual([0.75, 0.75]);
    expect(s.f1[1]).toBeCloseTo(0.75, 12);
    const lopsided = confusionStats([1, 1, 0], [1, 1, 1]);
    expect(lopsided.precision[0]).toBe(0);
    expect(lopsided.f1[0]).toBe(0);
    expect(lopsided.f1[1]).toBeCloseTo(0.8, 12);
  });

  it("confusionView() shows the matrix with class names and the F1 table", async () => {
    const v = confusionView(Int32Array.from(yTrue), yPred, { labels: ["ham", "spam"] });
    expect(v.title).toBe("Confusion matrix: accuracy 75.00%");
    expect(v.figures[0].data[0].z).toEqual([[3, 1], [1, 3]]);
    expect(v.tables[0]).toMatch(/<td>spam<\/td><td>75\.00%<\/td>/);
    await expect(snapshotOf(v)).toMatchFileSnapshot(fixture("confusionView"));
  });

  it("confusionView() names a length mismatch and an id beyond the labels", () => {
    expect(() => confusionView([0, 1], [0])).toThrow(/^confusionStats: expected yPred to have the length of yTrue \(2\), but got length 1$/);
    expect(() => confusionView([0, 2], [0, 1], { labels: ["a", "b"] })).toThrow(/^confusionStats: expected yTrue\[1\] to be a class id < 2, but got 2$/);
    expect(() => confusionView([0, 1.5], [0, 1])).toThrow(/^confusionStats: expected yTrue\[1\] to be a class id \(an integer >= 0\), but got 1\.5$/);
  });
});
