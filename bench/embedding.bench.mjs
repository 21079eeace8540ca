// Embedding kernels and a small training step vs PyTorch (1 thread), on the cpu and wasm backends.
//   (a) forward: table [50000, 128], int32 ids [64, 128]                      target <= 8x PyTorch
//   (b) forward + backward into the table (loss = sum of outputs)             target <= 3x PyTorch
//   (e) one Adam step: transformerInput(10000, 64, seq 64) mean-pooled (sequencePooling) ++ categoryEmbedding(1000, 16)
//       -> dense(4), softmax cross-entropy, batch 64, with our fused adam()
//                                                       target <= 1x PyTorch (wasm), <= 5x (cpu)
//       the same step with tfjs's tf.train.adam, for scale
//   (f) the Adam update alone on a [10000, 64] table: fused adam() vs torch.optim.Adam.step()
//   memory: 200 steps of (e): tf.memory().numTensors unchanged, RSS growth < 20 MB
// Run: npx tsc -p packages/core && node --expose-gc bench/embedding.bench.mjs [quick]
import { createRequire } from "node:module";
import { join } from "node:path";
import { loadAverage, python, report, root, timeit, timeitCpu } from "./lib.mjs";

const require = createRequire(import.meta.url);
const core = require(join(root, "packages/core/dist/index.js"));
const { tf, ready, seed, embeddingLookup, transformerInput, categoryEmbedding, sequencePooling, adam } = core;

const quick = process.argv.includes("quick");
const ITERS = quick ? 5 : 15;
const V = 50000, D = 128, B = 64, T = 128;

function randomIds(n, max, s) {
  let x = s >>> 0;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x % max;
  }
  return out;
}

function buildModelE() {
  const tok = tf.input({ shape: [64], dtype: "int32", name: "tokens" });
  const cat = tf.input({ shape: [1], dtype: "int32", name: "category" });
  const x = transformerInput({ vocabSize: 10000, dModel: 64, maxSeqLen: 64 }).apply(tok); // [B, 64, 64]
  const pooled = sequencePooling({ mode: "mean" }).apply(x); // [B, 64]: our pooling kernels (tfjs's globalAveragePooling1d broadcasts its gradient)
  const c = categoryEmbedding({ numCategories: 1000, embeddingDim: 16 }).apply(cat); // [B, 16]
  const h = tf.layers.concatenate().apply([pooled, c]); // [B, 80]
  const logits = tf.layers.dense({ units: 4 }).apply(h); // [B, 4]
  return tf.model({ inputs: [tok, cat], outputs: logits });
}

async function ours(backend) {
  await ready({ backend, quiet: true });
  seed(1);
  const rows = [];
  const table = tf.variable(tf.randomNormal([V, D], 0, 1, "float32", 1));
  const ids = tf.tensor2d(randomIds(B * T, V, 7), [B, T], "int32");
  const fwd = await timeit(() => embeddingLookup(table, ids).dispose(), { iters: ITERS });
  const gather = await timeit(() => tf.gather(table, ids).dispose(), { iters: ITERS });
  const { wall: fwdBwd, cpu: fwdBwdCpu } = await timeitCpu(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(embeddingLookup(table, ids)), [table]);
    value.dispose();
    for (const g of Object.values(grads)) g.dispose();
  }, { iters: ITERS });
  table.dispose();
  ids.dispose();

  const model = buildModelE();
  const tok = tf.tensor2d(randomIds(64 * 64, 10000, 11), [64, 64], "int32");
  const cat = tf.tensor2d(randomIds(64, 1000, 13), [64, 1], "int32");
  const labels = tf.oneHot(tf.tensor1d(randomIds(64, 4, 17), "int32"), 4).toFloat();
  const stepWith = (opt) => () => {
    const cost = opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply([tok, cat], { training: true })), true);
    cost.dispose();
  };
  const tfjsAdam = tf.train.adam(1e-3);
  const adamTfjs = await timeit(stepWith(tfjsAdam), { iters: ITERS });
  tfjsAdam.dispose();
  const opt = adam(1e-3);
  const stepE = stepWith(opt);
  const { wall: adamStep, cpu: adamCpu } = await timeitCpu(stepE, { iters: ITERS });
  // (f) the update alone
  const big = tf.variable(tf.randomNormal([10000, 64], 0, 1, "float32", 3));
  const bigGrad = tf.randomNormal([10000, 64], 0, 1, "float32", 4);
  const updateOpt = adam(1e-3);
  const update = await timeit(() => updateOpt.applyGradients({ [big.name]: bigGrad }), { iters: ITERS });
  const updateTfjsOpt = tf.train.adam(1e-3);
  const updateTfjs = await timeit(() => updateTfjsOpt.applyGradients({ [big.name]: bigGrad }), { iters: ITERS });
  tf.dispose([big, bigGrad]);
  updateOpt.dispose();
  updateTfjsOpt.dispose();
  // memory: 200 steps
  for (let i = 0; i < 5; i++) stepE();
  global.gc?.();
  const tensorsBefore = tf.memory().numTensors;
  const rssBefore = process.memoryUsage().rss;
  for (let i = 0; i < 200; i++) stepE();
  global.gc?.();
  const tensorsAfter = tf.memory().numTensors;
  const rssGrowthMB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  return { fwd, gather, fwdBwd, fwdBwdCpu, adam: adamStep, adamCpu, adamTfjs, update, updateTfjs, tensorsBefore, tensorsAfter, rssGrowthMB };
}

const torch = python(`
import torch, torch.nn as nn, torch.nn.functional as F, math
torch.manual_seed(0)
V, D, B, T = ${V}, ${D}, ${B}, ${T}
w = torch.randn(V, D, requires_grad=True)
ids = torch.randint(0, V, (B, T))
def fwd():
    with torch.no_grad():
        F.embedding(ids, w)
def fwd_bwd():
    F.embedding(ids, w).sum().backward()
    w.grad = None
class TransformerInput(nn.Module):
    def __init__(s, vocab, d, max_len):
        super().__init__()
        s.emb = nn.Embedding(vocab, d)
        pe = torch.zeros(max_len, d)
        pos = torch.arange(max_len).unsqueeze(1).float()
        div = torch.exp(torch.arange(0, d, 2).float() * (-math.log(10000.0) / d))
        pe[:, 0::2] = torch.sin(pos * div); pe[:, 1::2] = torch.cos(pos * div)
        s.register_buffer("pe", pe)
    def forward(s, x):
        return s.emb(x) + s.pe[: x.shape[1]]
class Model(nn.Module):
    def __init__(s):
        super().__init__()
        s.inp = TransformerInput(10000, 64, 64)
        s.cat = nn.Embedding(1000, 16)
        s.out = nn.Linear(80, 4)
    def forward(s, tok, cat):
        return s.out(torch.cat([s.inp(tok).mean(1), s.cat(cat)], 1))
m = Model()
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
tok = torch.randint(0, 10000, (64, 64)); cat = torch.randint(0, 1000, (64,)); y = torch.randint(0, 4, (64,))
def step():
    opt.zero_grad()
    F.cross_entropy(m(tok, cat), y).backward()
    opt.step()
big = torch.nn.Parameter(torch.randn(10000, 64)); big.grad = torch.randn(10000, 64)
big_opt = torch.optim.Adam([big], lr=1e-3)
step_t = timeit_cpu(step, 3, ${ITERS})
fwd_bwd_t = timeit_cpu(fwd_bwd, 3, ${ITERS})
print(json.dumps({"fwd": timeit(fwd, 3, ${ITERS}), "fwdBwd": fwd_bwd_t["wall"], "fwdBwdCpu": fwd_bwd_t["cpu"], "adam": step_t["wall"], "adamCpu": step_t["cpu"], "update": timeit(big_opt.step, 3, ${ITERS})}))
`);

const loadBefore = loadAverage();
const results = {};
for (const backend of ["cpu", "wasm"]) results[backend] = await ours(backend);
const load = { before: loadBefore, after: loadAverage() };
console.log(`load average (1, 5, 15 min) before: ${load.before.join(", ")}; after: ${load.after.join(", ")}`);
const rows = [];
for (const backend of ["cpu", "wasm"]) {
  const r = results[backend];
  const ref = torch ?? {};
  rows.push({ case: `(a) forward [50000,128] ids [64,128] — ${backend}`, ours: r.fwd, reference: ref.fwd ?? null, target: "≤ 8×", met: ref.fwd ? r.fwd <= 8 * ref.fwd : undefined });
  rows.push({ case: `    tf.gather, same inputs — ${backend}`, ours: r.gather, reference: ref.fwd ?? null, target: "(tfjs, for scale)" });
  rows.push({ case: `(b) forward + backward — ${backend}`, ours: r.fwdBwd, reference: ref.fwdBwd ?? null, target: "≤ 3×", met: ref.fwdBwd ? r.fwdBwd <= 3 * ref.fwdBwd : undefined });
  rows.push({ case: `    the same, CPU time per call (both processes) — ${backend}`, ours: r.fwdBwdCpu, reference: ref.fwdBwdCpu ?? null, target: "(load-robust)" });
  const limit = backend === "wasm" ? 1 : 5;
  rows.push({ case: `(e) Adam step, transformerInput + categoryEmbedding, fused adam() — ${backend}`, ours: r.adam, reference: ref.adam ?? null, target: `≤ ${limit}×`, met: ref.adam ? r.adam <= limit * ref.adam : undefined });
  rows.push({ case: `    the same step, CPU time per step (both processes) — ${backend}`, ours: r.adamCpu, reference: ref.adamCpu ?? null, target: "(load-robust)" });
  rows.push({ case: `    same step with tf.train.adam — ${backend}`, ours: r.adamTfjs, reference: ref.adam ?? null, target: "(tfjs, for scale)" });
  rows.push({ case: `(f) Adam update alone, [10000, 64], fused adam() — ${backend}`, ours: r.update, reference: ref.update ?? null, target: "≤ 1×", met: ref.update ? r.update <= ref.update : undefined });
  rows.push({ case: `    same update with tf.train.adam — ${backend}`, ours: r.updateTfjs, reference: ref.update ?? null, target: "(tfjs, for scale)" });
  rows.push({ case: `memory: numTensors after 200 steps of (e) — ${backend}`, ours: r.tensorsAfter - r.tensorsBefore, reference: null, unit: "tensors", target: "0", met: r.tensorsAfter === r.tensorsBefore });
  rows.push({ case: `memory: RSS growth over 200 steps of (e) — ${backend}`, ours: r.rssGrowthMB, reference: null, unit: "MB", target: "< 20 MB", met: r.rssGrowthMB < 20 });
}
report("embedding", rows, { torch, results, load });
