// Static figure images (packages/display/src/static): plotly spec → SVG → PNG in Node, per typical
// figure of our views, against the budget (≤ 100 ms, ≤ 150 kB) and against matplotlib (Agg, PNG at
// the same pixel size) drawing the same chart in the same run.
// Needs the built package (npm run bench builds it).
import { createRequire } from "node:module";
import { python, report, timeit } from "./lib.mjs";

const require = createRequire(import.meta.url);
const { ready, tf } = require("@embedlab/core");
const D = require("@embedlab/display");
const { figureSvg } = require("@embedlab/display/dist/static/figureSvg.js");
const { svgToPng } = require("@embedlab/display/dist/static/png.js");

await ready({ quiet: true });
let seed = 7;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
const pe = (T, Dm) => Array.from({ length: T }, (_, p) => Array.from({ length: Dm }, (_, j) => (j % 2 ? Math.cos : Math.sin)(p / 10000 ** ((2 * Math.floor(j / 2)) / Dm))));
const points = Array.from({ length: 3000 }, () => [rand(), rand()]);
const words = ["king", "queen", "man", "woman", "apple", "orange", "王", "女王", "りんご", "사과"];
const vectors = words.map((_, i) => [Math.cos(i), Math.sin(i), (i % 3) - 1, i / 10]);
const tv = D.trainingView({ epochs: 10, stepsPerEpoch: 100, throttleMs: 0 });
for (let e = 0; e < 10; e++) {
  for (let b = 0; b < 100; b++) tv.step({ loss: 1 / (1 + b / 10 + 10 * e) + 0.01 * rand(), accuracy: 1 - 1 / (2 + e) });
  tv.epochEnd({ loss: 1 / (1 + 10 * e), val_loss: 1.1 / (1 + 10 * e) });
}
tv.done();
const emb = tf.layers.embedding({ inputDim: 500, outputDim: 16, embeddingsInitializer: tf.initializers.randomNormal({ seed: 1 }) });
tf.dispose(emb.apply(tf.tensor2d([[1]], undefined, "int32")));

const cases = [
  ["heatmap 20×8 + colour bar (positionalEncodingView)", D.positionalEncodingView(pe(20, 8)).figures[0], "heat_small"],
  ["heatmap 200×64 + colour bar (raster path)", D.positionalEncodingView(pe(200, 64)).figures[0], "heat_big"],
  ["4 lines (positionalEncodingView)", D.positionalEncodingView(pe(200, 64)).figures[1], "lines"],
  ["scatter 3000 points (projector)", D.projector(points).figures[0], "scatter"],
  ["training curves, 1000 steps + legend", tv.figure(), "training"],
  ["similarity 10×10 + cell text + CJK labels", D.similarityView({ words, vectors }, words).figures[0], "similarity"],
  ["histogram (embeddingView norms)", D.embeddingView(emb).figures[1], "hist"],
];

const mpl = python(`
import io
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rng = np.random.default_rng(0)
def png(draw, w=700, h=450):
    fig = plt.figure(figsize=(w / 100, h / 100), dpi=100)
    draw(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return len(buf.getvalue())
def pe(T, D):
    p = np.arange(T)[:, None]; j = np.arange(D)[None, :]
    a = p / 10000 ** (2 * (j // 2) / D)
    return np.where(j % 2 == 0, np.sin(a), np.cos(a))
def heat(z):
    def d(fig):
        ax = fig.add_subplot(); im = ax.imshow(z, aspect="auto", cmap="RdBu", vmin=-1, vmax=1); fig.colorbar(im); ax.set_xlabel("dimension"); ax.set_ylabel("position"); ax.set_title("Positional encoding")
    return d
def lines(fig):
    ax = fig.add_subplot(); z = pe(200, 64)
    for k in [0, 1, 4, 5]: ax.plot(z[:, k], label=f"dim {k}")
    ax.legend()
def scatter(fig):
    ax = fig.add_subplot(); xy = rng.uniform(-1, 1, (3000, 2)); ax.scatter(xy[:, 0], xy[:, 1], s=8)
def training(fig):
    ax = fig.add_subplot(); s = np.arange(1000); ax.plot(s, 1 / (1 + s / 10), lw=1, label="loss (batch)"); ax.plot(s, 1 - 1 / (2 + s / 100), lw=1, label="accuracy (batch)"); ax.plot(np.arange(100, 1001, 100), 1 / (1 + np.arange(10) * 10), "o-", label="loss (epoch)"); ax.legend()
def similarity(fig):
    ax = fig.add_subplot(); z = rng.uniform(-1, 1, (10, 10)); ax.imshow(z, cmap="RdBu", vmin=-1, vmax=1)
    for i in range(10):
        for j in range(10): ax.text(j, i, f"{z[i, j]:.2f}", ha="center", va="center", fontsize=8)
def hist(fig):
    ax = fig.add_subplot(); ax.hist(rng.uniform(0, 2, 500), bins=23)
cases = {"heat_small": (heat(pe(20, 8)), 450), "heat_big": (heat(pe(200, 64)), 450), "lines": (lines, 360), "scatter": (scatter, 480), "training": (training, 340), "similarity": (similarity, 480), "hist": (hist, 300)}
out = {}
for k, (d, h) in cases.items():
    out[k] = timeit(lambda: png(d, 700, h), 2, 9)
    out[k + "_kB"] = png(d, 700, h) / 1024
print(json.dumps(out))
`, { needs: "matplotlib" });

const rows = [];
for (const [name, fig, key] of cases) {
  const svg = figureSvg(fig).svg;
  const ms = await timeit(() => svgToPng(figureSvg(fig).svg), { warmup: 3, iters: 11 });
  const svgMs = await timeit(() => figureSvg(fig), { warmup: 3, iters: 11 });
  const kB = svgToPng(svg).length / 1024;
  rows.push({ case: `${name}: figure → PNG`, ours: ms, reference: mpl?.[key] ?? null, target: "≤ 100 ms; vs matplotlib Agg savefig", met: ms <= 100 });
  rows.push({ case: `${name}: of which figure → SVG`, ours: svgMs, reference: null, target: "" });
  rows.push({ case: `${name}: PNG size`, ours: kB, unit: "kB", reference: mpl?.[`${key}_kB`] ?? null, target: "≤ 150 kB; vs matplotlib", met: kB <= 150 });
}
report("static", rows, { matplotlib: mpl !== null });
