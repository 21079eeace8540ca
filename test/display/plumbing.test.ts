import { afterEach, describe, expect, it, vi } from "vitest";
import { inspect } from "node:util";
import { mkdtempSync, readFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ready, tf } from "@embedlab/core";
import {
  figureHtml, initNotebook, installRichDisplay, liveView, notebookInitialized, plotlyScript, plotlyVersion,
  saveHtml, setDisplayTarget, show, tensorView, toBundle, View, PLOTLY_MIME, type MimeBundle,
} from "@embedlab/display";

interface Sent {
  bundle: MimeBundle;
  displayId?: string;
  update?: boolean;
}

function capture(): Sent[] {
  const sent: Sent[] = [];
  setDisplayTarget({ publish: (bundle, displayId, update) => void sent.push({ bundle, displayId, update }) });
  return sent;
}

const oneFigure = () =>
  new View({ title: "fig", parts: [{ kind: "plotly", figure: { data: [{ type: "bar", x: [1], y: [2] }], layout: { height: 200 } } }], text: "a bar" });

afterEach(() => {
  setDisplayTarget(undefined);
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("show and bundles", () => {
  it("show(view) publishes plotly JSON, HTML, a PNG and text for a single figure", () => {
    const sent = capture();
    show(oneFigure());
    expect(sent).toHaveLength(1);
    const b = sent[0].bundle;
    expect(Object.keys(b)).toEqual([PLOTLY_MIME, "text/html", "image/png", "text/plain"]);
    expect(b[PLOTLY_MIME]).toEqual({ data: [{ type: "bar", x: [1], y: [2] }], layout: { height: 200 } });
    expect(b["text/plain"]).toBe("a bar");
    expect(b["text/html"]).toMatch(/<div id="embedlab-fig-[0-9a-f]{8}-\d+" class="embedlab-figure" style="width:100%;min-height:0px"><img class="embedlab-static" alt="figure" width="700" height="200" /);
    show(oneFigure(), { staticImages: false });
    const plain = sent[1].bundle;
    expect(Object.keys(plain)).toEqual([PLOTLY_MIME, "text/html", "text/plain"]);
    expect(plain["text/html"]).toMatch(/<div id="embedlab-fig-[0-9a-f]{8}-\d+" class="embedlab-figure" style="width:100%;min-height:200px">/);
  });

  it("show honours Symbol.for(\"Jupyter.display\") and renders tensors as tables", () => {
    const sent = capture();
    show({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b>hi</b>" }) });
    expect(sent[0].bundle["text/html"]).toBe("<b>hi</b>");
    expect(sent[0].bundle["text/plain"]).toMatch(/^\{/);
    const t = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    show(t);
    expect(tf.memory().numTensors).toBe(before);
    expect(sent[1].bundle["text/html"]).toContain("<table");
    t.dispose();
    expect(() => show({ [Symbol.for("Jupyter.display")]: () => 42 })).toThrow(/^show: expected value\[Symbol\.for\("Jupyter\.display"\)\]\(\) to be a MIME bundle object, but got 42$/);
  });

  it("show prints the text form outside a kernel", () => {
    setDisplayTarget(null);
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    show(oneFigure());
    show("plain");
    expect(log.mock.calls).toEqual([["a bar"], ["plain"]]);
  });

  it("show validates its options", () => {
    capture();
    expect(() => show(1, { displayId: 3 } as never)).toThrow(/^show: expected options\.displayId to be a string, but got 3$/);
    expect(() => show(1, { update: true })).toThrow(/^show: expected options\.displayId to be a string when options\.update is true, but got undefined$/);
    expect(() => show(1, { colour: 1 } as never)).toThrow(/^show: unknown option "colour"; allowed options are displayId, update, staticImages$/);
    expect(() => setDisplayTarget({} as never)).toThrow(/^setDisplayTarget: expected target to be an object with a publish\(bundle\) method/);
  });

  it("a disposed tensor is an error, not a crash", () => {
    const t = tf.tensor1d([1]);
    t.dispose();
    expect(() => tensorView(t)).toThrow(/^tensorView: expected t to be a live tensor, but got a disposed float32 tensor of shape \[1\]$/);
    expect(() => toBundle(t)).toThrow(TypeError);
  });
});

describe("figures and plotly", () => {
  it("figureHtml waits for window.Plotly and says what to do if it never comes", () => {
    const html = figureHtml({ data: [{ type: "scatter", x: [1], y: ["</script>"] }], layout: {} });
    expect(html).toContain("window.Plotly");
    expect(html).toContain("run initNotebook() first");
    expect(html).not.toMatch(/<\/script>.*<\/script>.*<\/script>/s); // the payload's "</script>" is escaped
    expect(html).toContain("\\u003c/script>");
    const ids = [figureHtml({ data: [], layout: {} }), figureHtml({ data: [], layout: {} })].map((h) => /id="([^"]+)"/.exec(h)![1]);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("plotlyScript inlines the npm bundle behind an AMD shadow", () => {
    const s = plotlyScript();
    expect(plotlyVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(s.startsWith('<script type="text/javascript">if(!window.Plotly){(function(define,require,module,exports){\n')).toBe(true);
    expect(s.endsWith("\n}).call(window);}</script>")).toBe(true);
    expect(s.length).toBeGreaterThan(1_000_000);
    expect(/<script[^>]*\ssrc=/.test(s)).toBe(false); // inlined, never fetched
  });

  it("initNotebook publishes plotly once per kernel, again with force", () => {
    setDisplayTarget(null);
    initNotebook(); // outside a kernel: nothing, and not marked
    expect(notebookInitialized()).toBe(false);
    const sent = capture();
    initNotebook();
    initNotebook();
    expect(sent).toHaveLength(1);
    expect(sent[0].bundle["text/plain"]).toBe(`embedlab: plotly.js ${plotlyVersion()} loaded (offline, from the npm package)`);
    initNotebook({ force: true });
    expect(sent).toHaveLength(2);
    expect(() => initNotebook({ force: 1 } as never)).toThrow(/^initNotebook: expected options\.force to be a boolean, but got 1$/);
  });

  it("saveHtml writes one standalone offline page of several views", () => {
    const dir = mkdtempSync(join(tmpdir(), "embedlab-save-"));
    const path = saveHtml([oneFigure(), oneFigure(), "just text"], join(dir, "sub", "page.html"), { title: "Figures <1>" });
    const html = readFileSync(path, "utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html.split("function(define,require,module,exports)").length).toBe(2); // plotly once
    expect(html.match(/class="embedlab-figure"/g)).toHaveLength(2);
    expect(html).toContain("<title>Figures &lt;1&gt;</title>");
    expect(html).toContain("<pre>just text</pre>");
    expect(readdirSync(join(dir, "sub"))).toEqual(["page.html"]);
    expect(() => saveHtml([], join(dir, "x.html"))).toThrow(/^saveHtml: expected views to be a view or a non-empty array of views, but got an array of length 0$/);
    expect(existsSync(join(dir, "x.html"))).toBe(false);
  });
});

describe("big scatters in pages", () => {
  const scatterView = (n: number, type = "scattergl") => {
    const x = Array.from({ length: n }, (_, i) => Math.sin(i) * 10);
    const y = Array.from({ length: n }, (_, i) => i / 7);
    return new View({ title: "pts", parts: [{ kind: "plotly", figure: { data: [{ type, mode: "markers", x, y }], layout: { height: 300 } } }], text: "points" });
  };

  it("saveHtml inlines plotly's gl2d bundle when every figure is a 2-D scatter, the full bundle otherwise", () => {
    const dir = mkdtempSync(join(tmpdir(), "embedlab-save-"));
    const scatterPage = readFileSync(saveHtml([scatterView(10), scatterView(10, "scatter")], join(dir, "a.html")), "utf8");
    expect(scatterPage).toContain(plotlyScript("gl2d"));
    expect(scatterPage).not.toContain(plotlyScript("full"));
    expect(plotlyScript("gl2d").length).toBeLessThan(plotlyScript("full").length / 2);
    const mixed = readFileSync(saveHtml([scatterView(10), oneFigure()], join(dir, "b.html")), "utf8");
    expect(mixed).toContain(plotlyScript("full"));
    const textOnly = readFileSync(saveHtml(["just text"], join(dir, "c.html")), "utf8");
    expect(textOnly).toContain(plotlyScript("full"));
  });

  it("figureHtml ships x and y of 2,000+ points as base64 float32 blocks (the plotly JSON keeps plain arrays)", () => {
    const v = scatterView(3000);
    const html = figureHtml(v.figures[0]);
    const blocks = JSON.parse(/var B=(\[.*?\]\]);/.exec(html)![1]) as [number, string, string][];
    expect(blocks.map((b) => [b[0], b[1]])).toEqual([[0, "x"], [0, "y"]]);
    const x = new Float32Array(new Uint8Array(Buffer.from(blocks[0][2], "base64")).buffer);
    expect(Array.from(x)).toEqual(Array.from(Float32Array.from(v.figures[0].data[0].x as number[])));
    expect(html).toContain('"x":[],"y":[]');
    const mime = v.toBundle({ staticImages: false })[PLOTLY_MIME] as { data: { x: unknown }[] };
    expect(Array.isArray(mime.data[0].x) && (mime.data[0].x as number[]).length).toBe(3000);
    const small = figureHtml(scatterView(100).figures[0]);
    expect(small).not.toContain("var B=");
    expect(small).toContain('"x":[0,8.41');
  });
});

describe("liveView", () => {
  it("throttles to one frame per window, keeps only the newest, and finishes with a final frame", () => {
    vi.useFakeTimers();
    let now = 0;
    const sent = capture();
    const live = liveView({ throttleMs: 250, now: () => now });
    live.update("<b>1</b>");
    for (let i = 2; i <= 10; i++) live.update(`<b>${i}</b>`);
    expect(sent.map((s) => s.bundle["text/html"])).toEqual(["<b>1</b>"]);
    now = 250;
    vi.advanceTimersByTime(250);
    expect(sent.map((s) => s.bundle["text/html"])).toEqual(["<b>1</b>", "<b>10</b>"]);
    live.update(() => "<b>lazy</b>");
    live.done("<b>final</b>");
    expect(sent.map((s) => s.bundle["text/html"])).toEqual(["<b>1</b>", "<b>10</b>", "<b>final</b>"]);
    expect(sent.map((s) => s.update)).toEqual([false, true, true]);
    expect(new Set(sent.map((s) => s.displayId)).size).toBe(1);
    expect(sent[2].bundle["text/plain"]).toBe("final");
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(3);
    expect(() => live.update("x")).toThrow(/^LiveView\.update: this live view is done/);
  });

  it("at most 4 frames a second under a stream of updates", () => {
    vi.useFakeTimers();
    let now = 0;
    const sent = capture();
    const live = liveView({ now: () => now });
    for (let i = 0; i < 1000; i++) {
      now = i * 2; // an update every 2 ms for 2 s
      vi.advanceTimersByTime(2);
      live.update(`<i>${i}</i>`);
    }
    live.done();
    expect(sent.length).toBeLessThanOrEqual(2 * 4 + 2);
    expect(sent[sent.length - 1].bundle["text/html"]).toBe("<i>999</i>");
  });

  it("validates its options", () => {
    expect(() => liveView({ throttleMs: -1 })).toThrow(/^liveView: expected options\.throttleMs to be a number >= 0, but got -1$/);
    expect(() => liveView({ now: 3 } as never)).toThrow(/^liveView: expected options\.now to be a function, but got 3$/);
  });
});

describe("rich last values", () => {
  it("installRichDisplay keeps console.log(t) text outside tslab's last-value print", async () => {
    await ready({ backend: "cpu", quiet: true });
    const sent = capture();
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    const plain = inspect(t);
    const uninstall = installRichDisplay();
    try {
      expect(inspect(t)).toBe(plain);
      expect(sent).toHaveLength(0);
    } finally {
      uninstall();
    }
    expect(inspect(oneFigure())).toBe("a bar");
    t.dispose();
  });
});
