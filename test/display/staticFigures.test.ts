// The static figure renderer (packages/display/src/static): plotly spec → SVG → PNG without a
// browser. Pixels are read back with resvg itself, so orientation, colours and CJK glyphs are
// checked on the image, not only on the SVG text.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Resvg } from "@resvg/resvg-js";
import { ready, tf } from "@embedlab/core";
import {
  confusionView, embeddingView, figurePng, figureSvg, gradientView, hashEncodingView, liveView, oneHotView, plotView,
  positionalEncodingView, projector, setDisplayTarget, setStaticImages, show, similarityView, staticImagesEnabled,
  tensorView, trainingView, analogyView, View, type MimeBundle, type PlotlyFigure,
} from "@embedlab/display";
import { fontSetup } from "../../packages/display/src/static/fonts";
import { svgToPng } from "../../packages/display/src/static/png";
import { histogramBins } from "../../packages/display/src/static/histogram";
import { linearTicks, tickLabel } from "../../packages/display/src/static/ticks";

beforeAll(async () => {
  await ready({ quiet: true });
});

afterEach(() => {
  setStaticImages(undefined);
  setDisplayTarget(undefined);
  vi.unstubAllEnvs();
});

/** RGBA pixels of an SVG as resvg draws it (the same engine as the PNG step, same fonts). */
function pixels(svg: string): { at(x: number, y: number): [number, number, number]; width: number; data: Uint8Array } {
  const fonts = fontSetup();
  const img = new Resvg(svg, { font: { fontFiles: [...fonts.files, ...(fonts.cjkFile ? [fonts.cjkFile] : [])], loadSystemFonts: false, defaultFontFamily: fonts.defaultFamily }, background: "#ffffff", imageRendering: 1 }).render();
  const data = img.pixels;
  return { width: img.width, data, at: (x, y) => [data[(y * img.width + x) * 4], data[(y * img.width + x) * 4 + 1], data[(y * img.width + x) * 4 + 2]] };
}

const BW: [number, string][] = [[0, "#000000"], [1, "#ffffff"]];
const bare = { width: 100, height: 100, margin: { l: 0, r: 0, t: 0, b: 0 }, xaxis: { visible: false }, yaxis: { visible: false } };

function heatmapFigure(z: number[][], yaxis: Record<string, unknown> = {}): PlotlyFigure {
  return { data: [{ type: "heatmap", z, colorscale: BW, showscale: false }], layout: { ...bare, yaxis: { visible: false, ...yaxis } } };
}

/** Every text element's lines with its attributes (runs of same-style labels are merged into tspans). */
function labels(svg: string): { attrs: string; text: string }[] {
  return [...svg.matchAll(/<text([^>]*)>(.*?)<\/text>/g)].flatMap((m) => {
    const spans = [...m[2].matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((t) => t[1]);
    return (spans.length ? spans : [m[2]]).map((text) => ({ attrs: m[1], text }));
  });
}

const dark = (p: number[]) => p[0] < 60 && p[1] < 60 && p[2] < 60;
const light = (p: number[]) => p[0] > 200 && p[1] > 200 && p[2] > 200;

describe("heatmaps", () => {
  it("put row 0 at the bottom, and at the top with autorange: \"reversed\", as plotly does", () => {
    const z = [[0, 0], [1, 1]]; // row 0 black, row 1 white
    const up = pixels(figureSvg(heatmapFigure(z)).svg);
    expect(dark(up.at(50, 80))).toBe(true);
    expect(light(up.at(50, 20))).toBe(true);
    const down = pixels(figureSvg(heatmapFigure(z, { autorange: "reversed" })).svg);
    expect(dark(down.at(50, 20))).toBe(true);
    expect(light(down.at(50, 80))).toBe(true);
  });

  it("put column 0 on the left, in the rectangle path and the raster path for large grids alike", () => {
    const small = pixels(figureSvg(heatmapFigure([[0, 1]])).svg);
    expect(dark(small.at(20, 50))).toBe(true);
    expect(light(small.at(80, 50))).toBe(true);
    // 60 × 60 cells: drawn as one embedded raster; left half black, right half white, row 0 (bottom) marked grey.
    const big = Array.from({ length: 60 }, (_, r) => Array.from({ length: 60 }, (_, c) => (r === 0 ? 0.5 : c < 30 ? 0 : 1)));
    const svg = figureSvg(heatmapFigure(big)).svg;
    expect(svg).toContain("<image ");
    const p = pixels(svg);
    expect(dark(p.at(20, 40))).toBe(true);
    expect(light(p.at(80, 40))).toBe(true);
    const bottom = p.at(20, 99);
    expect(bottom[0]).toBeGreaterThan(100);
    expect(bottom[0]).toBeLessThan(160);
    const reversed = pixels(figureSvg(heatmapFigure(big, { autorange: "reversed" })).svg);
    expect(reversed.at(20, 0)[0]).toBeGreaterThan(100);
    expect(dark(reversed.at(20, 99))).toBe(true);
  });

  it("map values through named scales, reversescale and zmid like plotly", () => {
    const cell = (trace: Record<string, unknown>) => pixels(figureSvg({ data: [{ type: "heatmap", showscale: false, ...trace }], layout: bare }).svg).at(50, 50);
    // plotly's RdBu runs from blue (rgb(5,10,172)) to red (rgb(178,10,28)).
    expect(cell({ z: [[-1]], zmin: -1, zmax: 1, colorscale: "RdBu" })).toEqual([5, 10, 172]);
    expect(cell({ z: [[-1]], zmin: -1, zmax: 1, colorscale: "RdBu", reversescale: true })).toEqual([178, 10, 28]);
    // zmid: 0 with data in [-0.2, 1] puts 0 at the middle grey.
    const mid = pixels(figureSvg({ data: [{ type: "heatmap", showscale: false, z: [[1, 0, -0.2]], colorscale: "RdBu", zmid: 0 }], layout: bare }).svg).at(50, 50);
    expect(mid).toEqual([190, 190, 190]);
  });

  it("label categorical axes in order, write cell text in a contrasting colour, and draw a colour bar", () => {
    const v = confusionView([0, 1, 2, 2], [0, 2, 2, 2], { labels: ["cat", "dog", "bird"] });
    const { svg, skipped } = figureSvg(v.figures[0]);
    expect(skipped).toEqual([]);
    const ticks = labels(svg).map((l) => l.text).filter((t) => ["cat", "dog", "bird"].includes(t));
    expect(ticks).toEqual(["cat", "dog", "bird", "cat", "dog", "bird"]);
    const cells = labels(svg).filter((l) => /text-anchor="middle"/.test(l.attrs) && /^\d$/.test(l.text));
    expect(cells.map((l) => l.text)).toEqual(["1", "0", "0", "0", "0", "1", "0", "0", "2"]);
    // Text contrasts with its cell: the empty cells and the fullest one sit at opposite ends of the scale.
    const fill = (l: { attrs: string }) => /fill="(#fff|#444)"/.exec(l.attrs)?.[1];
    const zeros = new Set(cells.filter((l) => l.text === "0").map(fill));
    expect(zeros.size).toBe(1);
    expect([...zeros][0]).toMatch(/^#(fff|444)$/);
    expect(fill(cells.find((l) => l.text === "2") as { attrs: string })).not.toBe([...zeros][0]);
    const withBar = figureSvg(similarityView({ words: ["a", "b"], vectors: [[1, 0], [0.6, 0.8]] }, ["a", "b"]).figures[0]).svg;
    expect(withBar).toContain("<linearGradient");
    expect(labels(withBar).map((l) => l.text)).toContain("\u22121"); // the colour bar's lowest tick, with a true minus sign
  });
});

describe("text", () => {
  it("draws CJK labels with a CJK font (different ideographs give different pixels, not the same empty box)", () => {
    expect(fontSetup().cjk).toBe(true);
    const fig = (label: string): string => figureSvg({ data: [{ type: "bar", x: [label], y: [1] }], layout: { width: 200, height: 150, margin: { l: 30, r: 10, t: 10, b: 40 } } }).svg;
    const a = pixels(fig("王"));
    const b = pixels(fig("国"));
    const none = pixels(fig(" "));
    const ink = (p: ReturnType<typeof pixels>) => {
      let n = 0;
      for (let y = 115; y < 150; y++) for (let x = 0; x < 200; x++) if (p.at(x, y)[0] < 128) n++;
      return n;
    };
    expect(ink(a)).toBeGreaterThan(ink(none) + 10);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(false);
  });

  it("picks plotly-like ticks and labels", () => {
    expect(linearTicks(0, 1, 400, false).values.map((v) => +v.toFixed(6))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(tickLabel(-0.5, 0.5, 1)).toBe("\u22120.5");
    expect(tickLabel(20000, 5000, 20000)).toBe("20k");
    expect(tickLabel(0.25, 0.05, 1)).toBe("0.25");
  });
});

describe("charts", () => {
  it("bins histograms on nice edges", () => {
    expect(histogramBins([0, 1, 2, 3, 4], { nbins: 5 })).toEqual({ edges: [0, 1, 2, 3, 4, 5], counts: [1, 1, 1, 1, 1] });
    expect(histogramBins([0.1, 0.15, 0.9], { nbins: 2 })).toEqual({ edges: [0, 0.5, 1], counts: [2, 1] });
  });

  it("draws lines, markers, legends and log axes; bars start at the bottom of a log axis", () => {
    const v = plotView([{ x: [1, 2, 3], y: [1, 10, 100], name: "squares" }, { type: "bar", x: [1, 2, 3], y: [5, 50, 20], name: "bars" }], { layout: { yaxis: { type: "log" } } });
    const { svg } = figureSvg(v.figures[0]);
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+L[\d.]+,[\d.]+L[\d.]+,[\d.]+" fill="none" stroke="#1f77b4"/);
    const text = labels(svg).map((l) => l.text);
    expect(text).toContain("squares");
    expect(text).toContain("bars");
    expect(text.filter((t) => ["1", "10", "100"].includes(t))).toEqual(["1", "10", "100"]);
    const bars = [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="#ff7f0e"/g)].map((m) => +m[1] + +m[2]);
    expect(bars).toHaveLength(4); // three bars, then the legend's box
    expect(new Set(bars.slice(0, 3).map((b) => b.toFixed(1))).size).toBe(1); // all bars share one base line
  });

  it("lists trace types it cannot draw instead of failing", () => {
    const r = figureSvg({ data: [{ type: "pie", values: [1, 2] }, { type: "bar", x: [1], y: [1] }], layout: {} });
    expect(r.skipped).toEqual(["pie"]);
    expect(r.svg).toContain("not drawn in this still image: pie traces");
  });

  it("is deterministic: the same figure gives the same SVG and PNG bytes", () => {
    const f = positionalEncodingView(Array.from({ length: 30 }, (_, p) => Array.from({ length: 8 }, (_, j) => Math.sin(p / (j + 1))))).figures;
    for (const fig of f) {
      const a = figureSvg(fig).svg;
      expect(figureSvg(JSON.parse(JSON.stringify(fig))).svg).toBe(a);
      expect(svgToPng(a).equals(svgToPng(a))).toBe(true);
    }
  });

  it("renders every view's figures with every trace drawn, as PNGs of the figure's size within 150 kB", async () => {
    const words = ["king", "queen", "man", "woman", "apple", "orange", "王", "女王"];
    const vectors = words.map((_, i) => [Math.cos(i), Math.sin(i), (i % 3) - 1, i / 8]);
    const emb = tf.layers.embedding({ inputDim: 12, outputDim: 6, embeddingsInitializer: tf.initializers.randomNormal({ seed: 3 }) });
    const ids = tf.tensor2d([[1, 3, 3, 0]], undefined, "int32");
    tf.dispose(emb.apply(ids) as tf.Tensor);
    const grad = tf.ones([12, 6]);
    const tv = trainingView({ epochs: 2, stepsPerEpoch: 5, throttleMs: 0 });
    for (let e = 0; e < 2; e++) {
      for (let b = 0; b < 5; b++) tv.step({ loss: 1 / (1 + b + 5 * e) });
      tv.epochEnd({ loss: 1 / (1 + 5 * e), val_loss: 1.2 / (1 + 5 * e) });
    }
    tv.done();
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const many = Array.from({ length: 3000 }, () => [rand(), rand()]);
    const views: View[] = [
      tensorView(tf.tensor2d([[1, -2], [3, 4]]), { heatmap: true }),
      oneHotView([[0, 1, 0], [1, 0, 0]], { categories: ["a", "b", "c"] }),
      positionalEncodingView(Array.from({ length: 200 }, (_, p) => Array.from({ length: 64 }, (_, j) => Math.sin(p / (j + 1))))),
      hashEncodingView({ nFeatures: 4, indices: (vs) => Int32Array.from(vs, (v) => String(v).length % 4), signs: (vs) => Int8Array.from(vs, () => 1) }, ["cat", "dog", "bird"]),
      embeddingView(emb),
      gradientView(emb, grad, { ids }),
      projector({ words, vectors }, { highlight: ["king"], metadata: { n: words.map((_, i) => i) }, colorBy: "n" }),
      projector({ words, vectors }, { dims: 3 }),
      projector(many),
      similarityView({ words, vectors }, words),
      analogyView({ words, vectors }, "man", "king", "woman"),
      confusionView([0, 1, 1], [0, 1, 0], { labels: ["猫", "犬"] }),
    ];
    const figures = [...views.flatMap((v) => v.figures), tv.figure()];
    expect(figures.length).toBeGreaterThanOrEqual(15);
    for (const f of figures) {
      const r = figureSvg(f);
      expect(r.skipped).toEqual([]);
      const png = figurePng(f);
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(png.readUInt32BE(16)).toBe(r.width);
      expect(png.readUInt32BE(20)).toBe(r.height);
      expect(png.length).toBeLessThanOrEqual(150 * 1024);
    }
    tf.dispose([ids, grad]);
    emb.dispose?.();
  }, 120_000);
});

describe("bundles", () => {
  const fig = (): View => new View({ title: "t", parts: [{ kind: "plotly", figure: { data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }], layout: { title: { text: "two bars" } } } }], text: "t" });

  it("carry a PNG under every figure in the HTML (an <img> the plotly script replaces) and image/png for single figures", () => {
    const b = fig().toBundle();
    expect(Object.keys(b)).toEqual(["application/vnd.plotly.v1+json", "text/html", "image/png", "text/plain"]);
    const png = Buffer.from(b["image/png"] as string, "base64");
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    const html = b["text/html"] as string;
    expect(html).toMatch(/<div id="embedlab-fig-[0-9a-f]+-\d+" class="embedlab-figure"[^>]*><img class="embedlab-static" alt="two bars" width="700" height="450" style="max-width:100%;height:auto" src="data:image\/png;base64,/);
    expect(html).toContain(`src="data:image/png;base64,${b["image/png"]}"`);
    expect(html).toContain('el.innerHTML="";');
    const two = new View({ title: "two", parts: [fig().parts[0], { kind: "html", html: "<p>x</p>" }, fig().parts[0]], text: "two" }).toBundle();
    expect(Object.keys(two)).toEqual(["text/html", "text/plain"]);
    expect((two["text/html"] as string).match(/<img class="embedlab-static"/g)).toHaveLength(2);
  });

  it("are switched off by setStaticImages(false), show's staticImages option, or EMBEDLAB_STATIC_IMAGES=0", () => {
    expect(staticImagesEnabled()).toBe(true);
    vi.stubEnv("EMBEDLAB_STATIC_IMAGES", "0");
    expect(staticImagesEnabled()).toBe(false);
    expect(fig().toBundle()).not.toHaveProperty("image/png");
    expect(fig().toHtml()).not.toContain("<img");
    setStaticImages(true); // the setting wins over the variable
    expect(fig().toBundle()).toHaveProperty("image/png");
    setStaticImages(false);
    expect(fig().toBundle()).not.toHaveProperty("image/png");
    setStaticImages(undefined);
    vi.unstubAllEnvs();
    const sent: MimeBundle[] = [];
    setDisplayTarget({ publish: (b) => void sent.push(b) });
    show(fig(), { staticImages: false });
    show(fig());
    expect(sent.map((b) => "image/png" in b)).toEqual([false, true]);
    expect(() => setStaticImages("no" as never)).toThrow(/^setStaticImages: expected on to be a boolean or undefined, but got "no"$/);
    expect(() => show(fig(), { staticImages: 1 as never })).toThrow(/^show: expected options\.staticImages to be a boolean, but got 1$/);
  });

  it("live views attach images to the last frame and at most every 2 s before it", () => {
    let now = 0;
    const sent: MimeBundle[] = [];
    setDisplayTarget({ publish: (b) => void sent.push(b) });
    const lv = liveView({ throttleMs: 0, now: () => now });
    for (const t of [0, 500, 1500, 2100, 2600]) {
      now = t;
      lv.update(fig());
    }
    lv.done();
    expect(sent.map((b) => "image/png" in b)).toEqual([true, false, false, true, false, true]);
  });
});

describe("text runs", () => {
  it("merge neighbouring same-style labels into one element and keep each label's position", async () => {
    const { mergeTextRuns } = await import("../../packages/display/src/static/textRuns");
    const svg = '<g><text x="1" y="2" font-size="12" fill="#444">a</text><text x="3" y="4" font-size="12" fill="#444">b</text><text x="5" y="6" font-size="10" fill="#444">c</text><text x="7" y="8" font-size="12" fill="#444" transform="rotate(-90 7 8)">d</text></g>';
    expect(mergeTextRuns(svg)).toBe('<g><text font-size="12" fill="#444"><tspan x="1" y="2">a</tspan><tspan x="3" y="4">b</tspan></text><text x="5" y="6" font-size="10" fill="#444">c</text><text x="7" y="8" font-size="12" fill="#444" transform="rotate(-90 7 8)">d</text></g>');
  });

  it("re-render a heatmap whose values changed in place (no stale per-trace cache)", () => {
    const fig = heatmapFigure([[0, 1]]);
    const before = figureSvg(fig).svg;
    ((fig.data[0] as { z: number[][] }).z[0] as number[]).reverse();
    expect(figureSvg(fig).svg).not.toBe(before);
  });
});

describe("robustness", () => {
  it("renders any mix of supported traces with odd values (nulls, strings, NaN, empty, one point) without throwing", async () => {
    const fc = await import("fast-check");
    const value = fc.oneof(fc.double({ noNaN: false, min: -1e6, max: 1e6 }), fc.constant(null), fc.constantFrom("a", "b", "王", "3"), fc.integer({ min: -5, max: 5 }));
    const values = fc.array(value, { maxLength: 12 });
    const trace = fc.oneof(
      fc.record({ type: fc.constant("scatter"), x: values, y: values, mode: fc.constantFrom("lines", "markers", "markers+text", "lines+markers"), text: values }),
      fc.record({ type: fc.constant("bar"), x: values, y: values, orientation: fc.constantFrom("v", "h") }),
      fc.record({ type: fc.constant("histogram"), x: values, nbinsx: fc.integer({ min: 0, max: 60 }) }),
      fc.record({ type: fc.constant("heatmap"), z: fc.array(values, { maxLength: 6 }), x: values, colorscale: fc.constantFrom("RdBu", "Viridis", "nope"), texttemplate: fc.constantFrom("", "%{z}") }),
      fc.record({ type: fc.constant("scatter3d"), x: values, y: values, z: values, mode: fc.constant("markers") }),
    );
    const layout = fc.record({
      width: fc.integer({ min: 50, max: 900 }),
      height: fc.integer({ min: 50, max: 700 }),
      yaxis: fc.record({ type: fc.constantFrom("-", "linear", "log", "category"), autorange: fc.constantFrom(true, "reversed") }),
      xaxis: fc.record({ type: fc.constantFrom("-", "linear", "log", "category"), range: fc.constantFrom(undefined, [0, 1], ["a", "b"]) }),
      title: fc.constantFrom("", "t", "標題<br>two"),
    });
    fc.assert(
      fc.property(fc.array(trace, { maxLength: 4 }), layout, (data, l) => {
        const r = figureSvg({ data, layout: l });
        expect(r.svg.startsWith("<svg ")).toBe(true);
        expect(r.svg).not.toMatch(/NaN|Infinity|undefined/);
        expect(r.skipped).toEqual([]);
      }),
      { numRuns: 300, seed: 11 },
    );
  }, 60_000);
});
