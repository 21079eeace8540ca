// multiHeadAttention vs the same self-attention on torch.nn.functional ops (PyTorch, 1 thread), in one run.
//   x [16, 64, 64], 4 heads of 16, causal, each positional mode: forward, and forward + backward
//   into the input and every weight (loss = sum of outputs). Reported as ratios; no target is set:
//   the row says where tfjs stands (wasm's batched matMul on many small matrices is the cost).
// Run: npx tsc -p packages/core && node bench/attention.bench.mjs [quick]
import { createRequire } from "node:module";
import { join } from "node:path";
import { python, report, root, timeit } from "./lib.mjs";

const require = createRequire(import.meta.url);
const { tf, ready, seed, multiHeadAttention } = require(join(root, "packages/core/dist/index.js"));

const quick = process.argv.includes("quick");
const ITERS = quick ? 5 : 15;
const B = 16, T = 64, D = 64, H = 4, HD = 16;
const MODES = ["none", "rope", "alibi", "t5"];

async function ours(backend, modes) {
  await ready({ backend, quiet: true });
  seed(1);
  const out = {};
  const x = tf.variable(tf.randomNormal([B, T, D], 0, 1, "float32", 2));
  for (const positional of modes) {
    const layer = multiHeadAttention({ numHeads: H, headDim: HD, positional, causal: true });
    tf.dispose(layer.apply(x)); // builds the weights
    const vars = [x, ...layer.trainableWeights.map((w) => w.read())];
    const fwd = await timeit(() => tf.tidy(() => layer.apply(x)).dispose(), { iters: ITERS });
    const fwdBwd = await timeit(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x)), vars);
      value.dispose();
      tf.dispose(Object.values(grads));
    }, { iters: ITERS });
    out[positional] = { fwd, fwdBwd };
    layer.dispose();
  }
  x.dispose();
  return out;
}

const torch = python(`
import torch, math, torch.nn.functional as F
torch.manual_seed(0)
B, T, D, H, HD = ${B}, ${T}, ${D}, ${H}, ${HD}
x = torch.randn(B, T, D, requires_grad=True)
W = [torch.randn(H * HD, D, requires_grad=True) * 0.1 for _ in range(3)] + [torch.randn(D, H * HD) * 0.1]
W = [w.detach().requires_grad_(True) for w in W]
bs = [torch.zeros(H * HD, requires_grad=True) for _ in range(3)] + [torch.zeros(D, requires_grad=True)]
rel_table = torch.randn(32, H, requires_grad=True)
i = torch.arange(T)[:, None]; j = torch.arange(T)[None, :]
def slopes(n):
    s = 2 ** (-(2 ** -(math.log2(n) - 3))); return [s * s ** k for k in range(n)]
alibi = -torch.tensor(slopes(H))[:, None, None] * (i - j).abs().float()
def bucket(rel, nb=32, md=128):  # T5, one-way (causal)
    rel = -torch.min(rel, torch.zeros_like(rel)); me = nb // 2
    large = me + (torch.log(rel.float() / me) / math.log(md / me) * (nb - me)).long()
    return torch.where(rel < me, rel, torch.min(large, torch.full_like(large, nb - 1)))
buckets = bucket(j - i)
inv = 1.0 / (10000 ** (torch.arange(0, HD, 2).float() / HD)); fr = torch.outer(torch.arange(T).float(), inv)
emb = torch.cat((fr, fr), -1); cos, sin = emb.cos(), emb.sin()
def rope(t):
    t1, t2 = t[..., : HD // 2], t[..., HD // 2 :]
    return t * cos + torch.cat((-t2, t1), -1) * sin
causal = (j > i).float() * -1e9
def attn(mode):
    q, k, v = [F.linear(x, W[n], bs[n]).view(B, T, H, HD).transpose(1, 2) for n in range(3)]
    if mode == "rope": q, k = rope(q), rope(k)
    s = q @ k.transpose(-1, -2) / math.sqrt(HD)
    if mode == "alibi": s = s + alibi
    if mode == "t5": s = s + rel_table[buckets].permute(2, 0, 1)
    a = F.softmax(s + causal, -1)
    return F.linear((a @ v).transpose(1, 2).reshape(B, T, H * HD), W[3], bs[3])
res = {}
for mode in ${JSON.stringify(MODES)}:
    def fwd():
        with torch.no_grad(): attn(mode)
    def fwd_bwd():
        attn(mode).sum().backward()
        for p in [x, rel_table] + W + bs: p.grad = None
    res[mode] = {"fwd": timeit(fwd, 3, ${ITERS}), "fwdBwd": timeit(fwd_bwd, 3, ${ITERS})}
print(json.dumps(res))
`);

const results = { wasm: await ours("wasm", MODES), cpu: await ours("cpu", ["none"]) };
const rows = [];
for (const [backend, modes] of Object.entries(results)) {
  for (const [mode, r] of Object.entries(modes)) {
    const ref = torch?.[mode] ?? {};
    rows.push({ case: `forward, positional "${mode}" — ${backend}`, ours: r.fwd, reference: ref.fwd ?? null, target: "(where tfjs stands)" });
    rows.push({ case: `forward + backward, positional "${mode}" — ${backend}`, ours: r.fwdBwd, reference: ref.fwdBwd ?? null, target: "(where tfjs stands)" });
  }
}
report("attention", rows, { shape: { B, T, D, H, HD }, torch, results });
