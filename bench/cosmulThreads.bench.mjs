// mostSimilarCosmul at 2M × 300 (2 positive, 1 negative, topn 10) on one thread (EMBEDLAB_THREADS=1)
// and on two (the scan worker takes half of each per-term int8 scan), alternating in one process,
// fresh query words every call; also one term's int8 scan (`approxScores`) alone. Medians after
// warm-up; wall and CPU (all threads) per call. Needs ~3.5 GB (table 2.4 GB + int8 index 0.66 GB).
// Reference, same run: gensim's most_similar_cosmul over the same shape (numpy's N(0, 1) float32
// table, 2.4 GB more in Python while ours is held), with OpenBLAS's default threads and with one
// (threadpoolctl), fresh words every call.
// Run: flock /tmp/embedlab-bench.lock node bench/cosmulThreads.bench.mjs [distDir]
//   (distDir: a built packages/core/dist, default this checkout's; EMBEDLAB_BENCH_ROWS for a quick run)
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { loadAverage, python, root } from "./lib.mjs";

const require = createRequire(import.meta.url);
const dist = resolve(process.argv[2] ?? join(root, "packages/core/dist"));
const { WordVectors } = require(join(dist, "vectors/WordVectors.js"));
const { fillNormal } = require(join(dist, "kernels/fillNormal.js"));

const ROWS = Number(process.env.EMBEDLAB_BENCH_ROWS ?? 2_000_000);
const DIM = 300;
const ITERS = 9;
const words = Array.from({ length: ROWS }, (_, i) => `w${i}`);
const data = new Float32Array(ROWS * DIM);
fillNormal(data, 12345);
const wv = new WordVectors(words, data);
let t0 = performance.now();
wv.mostSimilarCosmul({ positive: ["w1", "w2"], negative: ["w3"], topn: 10 });
const buildMs = performance.now() - t0;
const index = wv.quantizedRows;
t0 = performance.now();
const ready = await index.threadsReady();
const readyMs = performance.now() - t0;

let n = 0;
const fresh = () => `w${1 + ((n++ * 7919) % (ROWS - 1))}`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const modes = { one: "1", two: undefined };
const setMode = (m) => {
  if (modes[m] === undefined) delete process.env.EMBEDLAB_THREADS;
  else process.env.EMBEDLAB_THREADS = modes[m];
};
const cases = {
  cosmul: () => wv.mostSimilarCosmul({ positive: [fresh(), fresh()], negative: [fresh()], topn: 10 }),
  approxScores: () => index.approxScores(wv.data.subarray(0, DIM), ROWS), // one term's int8 scan
};
const results = {};
for (const [name, fn] of Object.entries(cases)) {
  for (const m of Object.keys(modes)) results[`${name}/${m}`] = { wall: [], cpu: [], threads: new Set() };
  for (let i = 0; i < 2 + ITERS; i++) {
    for (const m of Object.keys(modes)) {
      setMode(m);
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      fn();
      const wall = performance.now() - w0;
      const c = process.cpuUsage(c0);
      if (i < 2) continue; // warm-up
      const r = results[`${name}/${m}`];
      r.wall.push(wall);
      r.cpu.push((c.user + c.system) / 1000);
      r.threads.add(index.lastScanThreads);
    }
  }
}
setMode("two");
const gensim = python(
  `
import numpy as np
from gensim.models import KeyedVectors
from threadpoolctl import threadpool_limits
rows = ${ROWS}
kv = KeyedVectors(${DIM})
kv.index_to_key = [f"w{i}" for i in range(rows)]
kv.key_to_index = {w: i for i, w in enumerate(kv.index_to_key)}
kv.vectors = np.random.default_rng(12345).standard_normal((rows, ${DIM}), dtype=np.float32)
kv.norms = None
n = 0
def fresh():
    global n
    n += 1
    return f"w{1 + ((n * 7919) % (rows - 1))}"
cosmul = lambda: kv.most_similar_cosmul(positive=[fresh(), fresh()], negative=[fresh()], topn=10)
out = {"default": timeit_cpu(cosmul, warmup=2, iters=${ITERS})}
with threadpool_limits(limits=1):
    out["one"] = timeit_cpu(cosmul, warmup=2, iters=${ITERS})
print(json.dumps(out))
`,
  { needs: "gensim" },
);
console.log(`dist ${dist}; ${ROWS} × ${DIM}; int8 index build (first call) ${buildMs.toFixed(0)} ms; worker ready ${ready} after ${readyMs.toFixed(0)} ms; load ${loadAverage().join(" ")}`);
console.log("| case | threads (EMBEDLAB_THREADS) | lastScanThreads | wall ms (median) | CPU ms (median) |");
console.log("|---|---|---|---|---|");
for (const [key, r] of Object.entries(results)) {
  const [name, m] = key.split("/");
  console.log(`| ${name} | ${m === "one" ? "1" : "default"} | ${[...r.threads].join(",")} | ${median(r.wall).toFixed(0)} | ${median(r.cpu).toFixed(0)} |`);
}
for (const m of ["one", "default"]) {
  const g = gensim?.[m];
  console.log(`| gensim most_similar_cosmul (reference) | ${m === "one" ? "1 (BLAS)" : "default (BLAS)"} | — | ${g ? g.wall.toFixed(0) : "—"} | ${g ? g.cpu.toFixed(0) : "—"} |`);
}
