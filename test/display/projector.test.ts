import { afterEach, describe, expect, it } from "vitest";
import { InterruptedError, clearInterrupt, mulberry32, nearestNeighborsSync, requestInterrupt } from "@embedlab/core";
import { progressBar, progressHtml, projector, projectorAsync } from "@embedlab/display";

afterEach(() => clearInterrupt());

/** `n` seeded points in `d` dims, three clusters. */
function points(n: number, d: number, seed = 3): number[][] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => ((i % 3) === j % 3 ? 5 : 0) + rand()));
}

/** The search box's data, read back from its script the way the page reads it. */
function searchData(html: string): { labels: string[]; k: number; nbr: string | null; traces: number; perm: string | null } {
  const m = /D=(\{.*?\});\n/s.exec(html);
  if (!m) throw new Error("no search data in the HTML");
  return JSON.parse(m[1]);
}

function unpack(b64: string): number[] {
  const b = Buffer.from(b64, "base64");
  return Array.from({ length: b.length / 3 }, (_, i) => b[3 * i] | (b[3 * i + 1] << 8) | (b[3 * i + 2] << 16));
}

describe("projector figure spec", () => {
  const x = points(60, 6);
  const labels = x.map((_, i) => `w${i}`);

  it("highlighted points are outlined (open circles) and keep their colour in the points trace", () => {
    const freq = x.map((_, i) => i);
    const v = projector(x, { labels, metadata: { freq }, colorBy: "freq", highlight: ["w3", "w7"] });
    const [pts, hi] = v.figures[0].data;
    expect(pts.marker).toMatchObject({ color: freq, colorscale: "Viridis", showscale: true });
    expect((pts.text as string[]).includes("w3")).toBe(true); // still drawn in its own colour
    expect(hi.name).toBe("highlighted");
    expect(hi.text).toEqual(["w3", "w7"]);
    expect((hi.marker as { symbol: string }).symbol).toBe("circle-open");
    expect(hi.x).toEqual([v.points[3][0], v.points[7][0]]);
  });

  it("the legend runs under the plot and the colour bar's title stands beside the bar: they can't overlap", () => {
    const v = projector(x, { labels, metadata: { freq: x.map((_, i) => i) }, colorBy: "freq", highlight: ["w3"] });
    const layout = v.figures[0].layout as { legend: { orientation: string; y: number; yanchor: string }; showlegend: boolean; margin: { b: number } };
    expect(layout.showlegend).toBe(true);
    expect(layout.legend).toMatchObject({ orientation: "h", yanchor: "top" });
    expect(layout.legend.y).toBeLessThan(0);
    expect(layout.margin.b).toBeGreaterThanOrEqual(90);
    expect((v.figures[0].data[0].marker as { colorbar: { title: { side: string } } }).colorbar.title.side).toBe("right");
  });

  it("above 2,000 points the 2-D scatter uses WebGL (scattergl) with an SVG fallback in the page; 3-D and small ones don't", () => {
    const big = projector(points(2100, 4), { search: false });
    expect(big.figures[0].data[0].type).toBe("scattergl");
    expect(big.toHtml()).toContain('t.type="scatter"');
    const small = projector(x);
    expect(small.figures[0].data[0].type).toBe("scatter");
    expect(small.toHtml()).not.toContain("experimental-webgl");
    expect(projector(points(2100, 4), { dims: 3, search: false }).figures[0].data[0].type).toBe("scatter3d");
    expect(projector(x, { webgl: true }).figures[0].data[0].type).toBe("scattergl");
  });

  it("the search box ships the labels and each point's 10 nearest neighbours (original space), packed", () => {
    const v = projector(x, { labels });
    expect(v.parts).toHaveLength(2);
    const html = v.tables[0];
    expect(html).toContain('<input type="search"');
    const d = searchData(html);
    expect(d.labels).toEqual(labels);
    expect(d.k).toBe(10);
    expect(d.traces).toBe(1);
    expect(d.perm).toBeNull();
    const nb = nearestNeighborsSync(x, 10);
    expect(unpack(d.nbr as string)).toEqual(Array.from(nb.indices));
    // at most 40 points every label is drawn: no search box
    expect(projector(x.slice(0, 40)).parts).toHaveLength(1);
    expect(projector(x, { search: false }).parts).toHaveLength(1);
  });

  it("with categorical colours the search box maps trace entries back to points; t-SNE ships its own neighbour graph", () => {
    const kind = x.map((_, i) => ["b", "a", "c"][i % 3]);
    const v = projector(x, { labels, metadata: { kind }, colorBy: "kind", method: "tsne", iterations: 250 });
    const d = searchData(v.tables[0]);
    expect(d.traces).toBe(3);
    const perm = unpack(d.perm as string);
    const traceLabels = v.figures[0].data.slice(0, 3).flatMap((t) => t.text as string[]);
    expect(perm.map((i) => labels[i])).toEqual(traceLabels);
    expect(unpack(d.nbr as string).slice(0, 10)).toEqual(Array.from(nearestNeighborsSync(x, 10).indices.subarray(0, 10)));
  });
});

describe("progress and projectorAsync", () => {
  it("progressHtml shows the share done, the stage, the elapsed time and the ETA", () => {
    const html = progressHtml("t-SNE", { stage: "optimise", done: 500, total: 1000, fraction: 0.25 }, 10_000);
    expect(html).toContain('<progress value="25.0" max="100"');
    expect(html.replace(/<[^>]*>/g, "")).toBe("t-SNE  25% · optimise 500/1000 · 10 s elapsed · ETA 30 s");
    let t = 0;
    const bar = progressBar("x", { now: () => t, throttleMs: 0 });
    t = 2000;
    bar.onProgress({ stage: "neighbours", done: 1, total: 2, fraction: 0.5 });
    bar.done("x: done");
    expect(bar.live.isDone).toBe(true);
  });

  it("projectorAsync draws the same picture as projector and stops on an interrupt", async () => {
    const x = points(120, 5);
    const a = await projectorAsync(x, { method: "tsne", iterations: 300 });
    const b = projector(x, { method: "tsne", iterations: 300 });
    expect(a.points).toEqual(b.points);
    expect(a.figures).toEqual(b.figures);
    setTimeout(requestInterrupt, 30);
    await expect(projectorAsync(points(600, 5), { method: "umap" })).rejects.toThrow(InterruptedError);
    expect((await projectorAsync(x, { method: "pca" })).points).toEqual(projector(x).points);
    await expect(projectorAsync([[1, 2], [3, 4]], { method: "tsne" })).rejects.toThrow(/^projectorAsync: expected vectors to be at least 3 points/);
  });
});

describe("projector({ projection })", () => {
  it("draws coordinates computed by core as they are, with their neighbour graph", async () => {
    const { tsneSync } = await import("@embedlab/core");
    const x = points(60, 5);
    const t = tsneSync(x, { iterations: 250 });
    const v = projector(x, { method: "tsne", projection: t });
    expect(v.points).toEqual(t.points.map((p) => p.map((c) => Math.round(c * 1e4) / 1e4)));
    expect(v.points).toEqual(projector(x, { method: "tsne", iterations: 250 }).points);
    expect(() => projector(x.slice(1), { projection: t })).toThrow(/^projector: expected options\.projection to be a 2-D projection of 59 points, but got "a 2-D projection of 60 points"$/);
  });
});
