// Big tables (issue 10): pretrained-file sizes (fastText crawl 2M × 300, GoogleNews 3M × 300).
//   init: embedding({ numEmbeddings: 1M / 2M, embeddingDim: 300 }) on wasm and cpu vs PyTorch's
//         nn.Embedding (1 thread), each in a fresh process (median of 3); peak RSS per process.
//         target: time ≤ 1.5× PyTorch (1M), peak RSS ≤ 1.5 × table bytes + 300 MB
//   limit: a 4M × 300 table on wasm throws the RangeError (never "memory access out of bounds"),
//         leaks nothing, and a fitting table still trains afterwards
//   vectors: a 2M × 300 word2vec binary and binary cache generated here (build/bench/scale/,
//         deleted at the end unless EMBEDLAB_BENCH_KEEP=1): loadVectors({ vocab }) / ({ limit })
//         peak RSS proportional to the rows kept; cache reload ≤ 2 s (ref: numpy fromfile of the
//         same bytes); mostSimilar ≤ 60 ms warm, a fresh word each query (ref: torch matrix-vector + topk, 1 thread);
//         a kernel interrupt stops the load.
//   transformer: transformerInput({ vocabSize: 1M, dModel: 300 }) on wasm and cpu, fresh processes: the token
//         table is allocated once (peak RSS ≤ 1.5 × table bytes + 300 MB), timed beside embedding().
// Run: npm run bench -- scale   (EMBEDLAB_BENCH_ROWS=200000 for a quick run;
//      EMBEDLAB_BENCH_PARTS=vectors,transformer runs only those parts of init, limit, transformer, vectors)
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PYTHON, report, root, timeit } from "./lib.mjs";

const ROWS = Number(process.env.EMBEDLAB_BENCH_ROWS ?? 2_000_000);
const DIM = 300;
const dir = join(root, "build/bench/scale");
const bin = join(dir, `w2v-${ROWS}x${DIM}.bin`);
const cache = join(dir, `w2v-${ROWS}x${DIM}.evec`);
const MB = 2 ** 20;
const RUNS = 3;

const word = (i) => (i === 0 ? "the" : `w${i}`);
const PARTS = (process.env.EMBEDLAB_BENCH_PARTS ?? "init,limit,transformer,vectors").split(",");
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Time this thread has spent on a CPU (Linux schedstat; NaN elsewhere). */
const threadCpuMs = () => {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "latin1").split(" ")[0]) / 1e6;
  } catch {
    return NaN;
  }
};

/** Time this thread has spent runnable but waiting for a CPU (Linux schedstat; 0 elsewhere). */
const runQueueMs = () => {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "latin1").split(" ")[1]) / 1e6;
  } catch {
    return 0;
  }
};

/** Runs in a fresh process: its maxRSS is this case's own peak. */
async function child(what, args) {
  const core = await import(join(root, "packages/core/dist/index.js"));
  const { tf, ready, seed, embedding } = core;
  const out = {};
  if (what === "init") {
    const [backend, rows, kind = "embedding"] = [args[0], Number(args[1]), args[2]];
    await ready({ backend, quiet: true });
    seed(1);
    out.baseRssMB = process.memoryUsage().rss / MB;
    const t0 = performance.now();
    const layer = kind === "transformerInput" ? core.transformerInput({ vocabSize: rows, dModel: DIM, maxSeqLen: 8 }) : embedding({ numEmbeddings: rows, embeddingDim: DIM });
    out.ms = performance.now() - t0;
    const w = kind === "transformerInput" ? layer.tokenWeight : layer.weight;
    // the last row is there (a lookup: tfjs's slice on wasm reads the whole table into JS)
    out.checksum = tf.tidy(() => layer.apply(kind === "transformerInput" ? tf.tensor2d([[rows - 1]], [1, 1], "int32") : tf.tensor1d([rows - 1], "int32")).sum().dataSync()[0]);
    out.tableRows = w.shape[0];
    out.maxRssMB = process.resourceUsage().maxRSS / 1024;
  } else if (what === "refuse") {
    await ready({ backend: "wasm", quiet: true });
    const before = tf.memory().numTensors;
    try {
      embedding({ numEmbeddings: 4_000_000, embeddingDim: DIM });
      out.refused = false;
    } catch (e) {
      out.refused = e instanceof RangeError && /GiB/.test(e.message) && /ready\(\{ backend: "cpu" \}\)/.test(e.message) && !/out of bounds/.test(e.message);
      out.message = e.message;
    }
    out.leaked = tf.memory().numTensors - before;
    // a table that fits still trains
    seed(2);
    const layer = embedding({ numEmbeddings: 1000, embeddingDim: 16 });
    const ids = tf.tensor1d([1, 2, 3], "int32");
    const opt = tf.train.sgd(0.1);
    const loss = () => tf.tidy(() => tf.sum(tf.square(layer.apply(ids))));
    const l0 = loss().dataSync()[0];
    opt.minimize(loss);
    out.trains = loss().dataSync()[0] < l0;
    // and the 2M × 300 table that used to die fits once alone
    const t0 = performance.now();
    const big = embedding({ numEmbeddings: ROWS, embeddingDim: DIM });
    out.bigMs = performance.now() - t0;
    out.bigOk = big.weight.shape[0] === ROWS;
  } else if (what === "generate") {
    // Deterministic N(0, 1) vectors, written as a word2vec binary file and as the binary cache.
    const data = new Float32Array(ROWS * DIM);
    core.fillNormal(data, 12345);
    const words = Array.from({ length: ROWS }, (_, i) => word(i));
    await core.saveVectors(new core.WordVectors(words, data), cache);
    const fd = openSync(bin, "w");
    writeSync(fd, Buffer.from(`${ROWS} ${DIM}\n`, "latin1"));
    const buf = Buffer.alloc(16 << 20);
    let p = 0;
    const bytes = new Uint8Array(data.buffer);
    for (let i = 0; i < ROWS; i++) {
      if (p > buf.length - DIM * 4 - 64) {
        writeSync(fd, buf, 0, p);
        p = 0;
      }
      p += buf.write(`${words[i]} `, p, "latin1");
      buf.set(bytes.subarray(i * DIM * 4, (i + 1) * DIM * 4), p);
      p += DIM * 4;
      buf[p++] = 10;
    }
    writeSync(fd, buf, 0, p);
    closeSync(fd);
  } else if (what === "load") {
    const [kind, n] = [args[0], Number(args[1])];
    out.baseRssMB = process.memoryUsage().rss / MB;
    // every 100th word: the kept rows are spread over the whole file
    const options = kind === "vocab" ? { vocab: Array.from({ length: n }, (_, i) => word(Math.floor((i * ROWS) / n))) } : { limit: n };
    const t0 = performance.now();
    const wv = await core.loadVectors(bin, options);
    out.ms = performance.now() - t0;
    out.size = wv.size;
    out.keptMB = wv.data.byteLength / MB;
    out.maxRssMB = process.resourceUsage().maxRSS / 1024;
  } else if (what === "reload") {
    out.baseRssMB = process.memoryUsage().rss / MB;
    let t0 = performance.now();
    let wv = await core.loadVectors(cache);
    out.firstMs = performance.now() - t0;
    // The previous table is dropped and collected outside the timing, as numpy's `del W` is.
    const reloads = [];
    for (let r = 0; r < RUNS; r++) {
      wv = null;
      global.gc?.();
      t0 = performance.now();
      wv = await core.loadVectors(cache);
      reloads.push(performance.now() - t0);
      if (wv.size !== ROWS) throw new Error("bad reload");
    }
    out.reloadMs = median(reloads);
    out.afterLoadRssMB = process.resourceUsage().maxRSS / 1024;
    t0 = performance.now();
    let c0 = cpuMs();
    wv.mostSimilar({ positive: ["the"], topn: 10 });
    out.firstQueryMs = performance.now() - t0; // builds the 4-bit index
    out.firstQueryCpuMs = cpuMs() - c0;
    out.afterFirstQueryRssMB = process.resourceUsage().maxRSS / 1024;
    // the first big query started the scan worker; warm means it is ready too
    t0 = performance.now();
    out.threads = (await wv.nibbleRows?.threadsReady()) ? 2 : 1;
    out.workerReadyMs = performance.now() - t0;
    // a fresh query word every time (nothing per word is cached, and no query repeats)
    let i = 0;
    const fresh = () => word(1 + ((i++ * 7919) % (ROWS - 1)));
    const time = async (key) => {
      out[`${key}Ms`] = await timeit(() => wv.mostSimilar({ positive: [fresh()], topn: 10 }), { warmup: 3, iters: 15 });
      const cpus = [];
      const waits = [];
      const own = [];
      const exactRows = [];
      for (let k = 0; k < 15; k++) {
        const w = fresh();
        const s0 = runQueueMs();
        const t0 = threadCpuMs();
        c0 = cpuMs();
        wv.mostSimilar({ positive: [w], topn: 10 });
        cpus.push(cpuMs() - c0);
        own.push(threadCpuMs() - t0);
        waits.push(runQueueMs() - s0);
        exactRows.push(wv.nibbleRows?.lastExactRows ?? NaN);
      }
      out[`${key}CpuMs`] = median(cpus);
      out[`${key}WaitMs`] = median(waits);
      // per thread: the calling thread's own CPU, and the rest of the process's (the scan worker)
      out[`${key}CallerCpuMs`] = median(own);
      out[`${key}WorkerCpuMs`] = median(cpus.map((c, k) => c - own[k]));
      out[`${key}IdleEstimateMs`] = median(cpus.map((c, k) => Math.max(own[k], c - own[k])));
      out[`${key}ExactRows`] = median(exactRows);
    };
    await time("mostSimilar");
    out.lastScanThreads = wv.nibbleRows?.lastScanThreads;
    // the one-thread scan in the same process, for the ratio
    process.env.EMBEDLAB_THREADS = "1";
    await time("oneThread");
    delete process.env.EMBEDLAB_THREADS;
    out.simd = wv.nibbleRows?.simd;
    out.maxRssMB = process.resourceUsage().maxRSS / 1024;
    // 3CosMul scans the same int8 index (one pass per term), no float32 copy of the table
    const cosmuls = [];
    for (let k = 0; k < 3; k++) {
      t0 = performance.now();
      wv.mostSimilarCosmul({ positive: [fresh(), fresh()], negative: [fresh()], topn: 10 });
      cosmuls.push(performance.now() - t0);
    }
    out.cosmulMs = median(cosmuls);
    out.afterCosmulRssMB = process.resourceUsage().maxRSS / 1024;
  } else if (what === "interrupt") {
    const pending = core.loadVectors(bin);
    let asked = 0;
    setTimeout(() => {
      asked = performance.now();
      core.requestInterrupt();
    }, 1000);
    try {
      await pending;
      out.stopped = false;
    } catch (e) {
      out.stopped = e instanceof core.InterruptedError;
      out.message = e.message;
      out.latencyMs = performance.now() - asked;
    }
  }
  console.log(JSON.stringify(out));
}

function runChild(what, ...args) {
  const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--child", what, ...args.map(String)], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) return { failed: (r.stderr || "").split("\n").slice(-8).join("\n") };
  const lines = r.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/** One Python process per run (fresh memory, like ours); returns parsed JSON or null. */
function pythonRun(code) {
  const prelude = `
import json, time, resource
import torch, numpy as np
torch.set_num_threads(1)
`;
  const r = spawnSync(PYTHON, ["-c", prelude + code], { encoding: "utf8", timeout: 600_000, maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.error(`python failed:\n${r.stderr}`);
    return null;
  }
  const lines = r.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function repeat(n, f) {
  const runs = [];
  for (let i = 0; i < n; i++) runs.push(f());
  return runs;
}

if (process.argv[2] === "--child") {
  await child(process.argv[3], process.argv.slice(4));
} else {
  const rows = [];
  const extra = { rows: ROWS, dim: DIM, load: [] };
  try {
    // --- init: ours vs nn.Embedding, fresh processes, alternating so load changes hit both ---
    for (const n of PARTS.includes("init") ? [ROWS / 2, ROWS] : []) {
      const torchRuns = [];
      const ours = { wasm: [], cpu: [] };
      for (let r = 0; r < RUNS; r++) {
        for (const backend of ["wasm", "cpu"]) ours[backend].push(runChild("init", backend, n));
        torchRuns.push(pythonRun(`
t0 = time.perf_counter(); e = torch.nn.Embedding(${n}, ${DIM}); ms = (time.perf_counter() - t0) * 1000
print(json.dumps({"ms": ms, "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))`));
      }
      const ref = torchRuns.every(Boolean) ? median(torchRuns.map((t) => t.ms)) : null;
      const tableMB = (n * DIM * 4) / MB;
      const rssTarget = 1.5 * tableMB + 300;
      extra[`init${n}`] = { ours, torch: torchRuns };
      for (const backend of ["wasm", "cpu"]) {
        const runs = ours[backend];
        const failed = runs.find((x) => x.failed);
        const ms = failed ? null : median(runs.map((x) => x.ms));
        const label = `${(n / 1e6).toFixed(n % 1e6 ? 1 : 0)}M`;
        rows.push({ case: `init embedding(${label} × ${DIM}) — ${backend}${failed ? ` FAILED: ${failed.failed.slice(-120)}` : ""}`, ours: ms, reference: ref, target: n === ROWS / 2 ? "≤ 1.5× PyTorch" : "(2M: no target)", met: ms !== null && ref !== null && n === ROWS / 2 ? ms <= 1.5 * ref : failed ? false : undefined });
        const rss = failed ? null : Math.max(...runs.map((x) => x.maxRssMB));
        rows.push({ case: `  peak RSS, table ${tableMB.toFixed(0)} MB — ${backend}`, ours: rss, reference: torchRuns.every(Boolean) ? Math.max(...torchRuns.map((t) => t.maxRssMB)) : null, unit: "MB", target: `≤ ${rssTarget.toFixed(0)} MB`, met: rss !== null && rss <= rssTarget });
      }
    }

    // --- limit: refusal on wasm, then training, then the 2M table alone ---
    if (PARTS.includes("limit")) {
      const refuse = runChild("refuse");
      extra.refuse = refuse;
      rows.push({ case: "wasm: embedding(4M × 300) → RangeError (GiB, limit, ways out), 0 tensors leaked", ours: refuse.refused && refuse.leaked === 0 ? 1 : 0, unit: "", target: "RangeError", met: !!refuse.refused && refuse.leaked === 0 });
      rows.push({ case: "  then a fitting table trains, and 2M × 300 initialises (ms)", ours: refuse.bigMs ?? null, target: "trains, fits", met: !!refuse.trains && !!refuse.bigOk });
      if (refuse.message) console.log(`refusal message: ${refuse.message}`);
    }

    // --- transformerInput: one allocation of its token table (1M × 300), beside embedding ---
    for (const backend of PARTS.includes("transformer") ? ["wasm", "cpu"] : []) {
      const n = ROWS / 2;
      const runs = { transformerInput: [], embedding: [] };
      for (let r = 0; r < RUNS; r++) for (const kind of ["transformerInput", "embedding"]) runs[kind].push(runChild("init", backend, n, kind));
      extra[`transformer-${backend}`] = runs;
      const tableMB = (n * DIM * 4) / MB;
      const rssTarget = 1.5 * tableMB + 300;
      const ok = (xs) => !xs.some((x) => x.failed);
      const ti = runs.transformerInput;
      const emb = runs.embedding;
      const label = `${n / 1e6}M × ${DIM}`;
      rows.push({ case: `init transformerInput(${label}) — ${backend} (ref: embedding(${label}), same run)`, ours: ok(ti) ? median(ti.map((x) => x.ms)) : null, reference: ok(emb) ? median(emb.map((x) => x.ms)) : null });
      const rss = ok(ti) ? Math.max(...ti.map((x) => x.maxRssMB)) : null;
      rows.push({ case: `  peak RSS, table ${tableMB.toFixed(0)} MB — ${backend} (ref: embedding's)`, ours: rss, reference: ok(emb) ? Math.max(...emb.map((x) => x.maxRssMB)) : null, unit: "MB", target: `≤ ${rssTarget.toFixed(0)} MB`, met: rss !== null && rss <= rssTarget });
    }

    if (!PARTS.includes("vectors")) {
      console.log(`machine load while benchmarking (1-min load average, 2 cores): ${loadavg()[0].toFixed(2)}`);
      report("scale", rows, extra);
      process.exit(0);
    }

    // --- vectors at 2M × 300 ---
    mkdirSync(dir, { recursive: true });
    const g0 = performance.now();
    if (!existsSync(bin) || !existsSync(cache)) {
      const g = runChild("generate");
      if (g.failed) throw new Error(`generate failed: ${g.failed}`);
    }
    console.log(`generated ${bin} (${(statSync(bin).size / MB).toFixed(0)} MiB) and ${cache} in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
    for (const [kind, n] of [["vocab", 20_000], ["limit", 200_000]]) {
      const l = runChild("load", kind, n);
      extra.load.push({ kind, n, ...l });
      const target = 300 + 2 * (l.keptMB ?? 0);
      rows.push({ case: `loadVectors(word2vec bin ${ROWS / 1e6}M × ${DIM}, { ${kind}: ${n} }): peak RSS${l.failed ? " FAILED" : ""}`, ours: l.maxRssMB ?? null, unit: "MB", target: `≤ ${target.toFixed(0)} MB (300 + 2× kept ${(l.keptMB ?? 0).toFixed(0)} MB)`, met: !l.failed && l.maxRssMB <= target });
      rows.push({ case: `  time`, ours: l.ms ?? null });
    }
    const reload = runChild("reload");
    extra.reload = reload;
    const np = pythonRun(`
import statistics, struct
f = open(${JSON.stringify(cache)}, "rb"); h = f.read(32); f.close()
count, dim, wordBytes, flags, slots = struct.unpack("<IIIII", h[8:28])
off = (32 + 4 * (count + 1) + 4 * slots + wordBytes + 3) // 4 * 4
ts = []
for _ in range(${RUNS}):
    t0 = time.perf_counter(); W = np.fromfile(${JSON.stringify(cache)}, dtype=np.float32, count=count * dim, offset=off); ts.append((time.perf_counter() - t0) * 1000)
    del W
W = torch.from_numpy(np.fromfile(${JSON.stringify(cache)}, dtype=np.float32, count=count * dim, offset=off)).view(count, dim)
W /= W.norm(dim=1, keepdim=True)
def q(i=[0]):
    i[0] += 1
    torch.topk(W @ W[1 + (i[0] * 7919) % (count - 1)], 11)  # a fresh row each time, as ours
for _ in range(3): q()
ms, cpu = [], []
for _ in range(15):
    t0 = time.perf_counter(); c0 = time.process_time(); q(); ms.append((time.perf_counter() - t0) * 1000); cpu.append((time.process_time() - c0) * 1000)
print(json.dumps({"fromfileMs": statistics.median(ts), "mostSimilarMs": statistics.median(ms), "mostSimilarCpuMs": statistics.median(cpu)}))`);
    extra.numpy = np;
    rows.push({ case: `reload binary cache ${ROWS / 1e6}M × ${DIM} (ref: numpy fromfile, same bytes)${reload.failed ? " FAILED" : ""}`, ours: reload.reloadMs ?? null, reference: np?.fromfileMs ?? null, target: "≤ 2000 ms", met: !reload.failed && reload.reloadMs <= 2000 });
    rows.push({ case: "  first reload in a fresh process", ours: reload.firstMs ?? null });
    rows.push({ case: `mostSimilar(word, topn 10) over ${ROWS / 1e6}M × ${DIM}, warm${reload.simd ? " (wasm SIMD)" : ""} (ref: torch mv + topk)`, ours: reload.mostSimilarMs ?? null, reference: np?.mostSimilarMs ?? null, target: "≤ 60 ms", met: !reload.failed && reload.mostSimilarMs <= 60 });
    // the sum over both scan threads is the query's cost, not its latency: no target (the issue's is the wall time above;
    // the load-independent check of it is the per-thread estimate below)
    rows.push({ case: "  the same, CPU time of each process (both scan threads added)", ours: reload.mostSimilarCpuMs ?? null, reference: np?.mostSimilarCpuMs ?? null });
    rows.push({ case: "  the same, CPU time of the calling thread", ours: reload.mostSimilarCallerCpuMs ?? null });
    rows.push({ case: "  the same, CPU time of the scan worker thread", ours: reload.mostSimilarWorkerCpuMs ?? null });
    rows.push({ case: "  the same, idle-machine estimate: max CPU time per thread", ours: reload.mostSimilarIdleEstimateMs ?? null, target: "≤ 60 ms", met: !reload.failed && reload.mostSimilarIdleEstimateMs <= 60 });
    rows.push({ case: "  rows scored exactly per query (the 4-bit bounds' pruning)", ours: reload.mostSimilarExactRows ?? null, unit: "rows" });
    rows.push({ case: "  the same, time the calling thread waited for a free CPU (run queue; the machine's load)", ours: reload.mostSimilarWaitMs ?? null });
    rows.push({ case: `  the same, one thread (EMBEDLAB_THREADS=1, same process; above: ${reload.lastScanThreads ?? "?"} threads), wall`, ours: reload.oneThreadMs ?? null, reference: np?.mostSimilarMs ?? null });
    rows.push({ case: "  the same, one thread, CPU time", ours: reload.oneThreadCpuMs ?? null, reference: np?.mostSimilarCpuMs ?? null });
    rows.push({ case: "mostSimilarCosmul(2 positive, 1 negative, topn 10), int8 pre-filter + exact rescoring, wall", ours: reload.cosmulMs ?? null });
    rows.push({ case: "  peak RSS after it (builds the int8 index beside the 4-bit one; no float32 copy)", ours: reload.afterCosmulRssMB ?? null, unit: "MB", reference: reload.maxRssMB ?? null });
    rows.push({ case: "  scan worker ready after the first query (startup, not on the query path)", ours: reload.workerReadyMs ?? null });
    rows.push({ case: "  first mostSimilar (builds the 4-bit index), wall", ours: reload.firstQueryMs ?? null });
    rows.push({ case: "  first mostSimilar, CPU time", ours: reload.firstQueryCpuMs ?? null });
    rows.push({ case: `  peak RSS after reload (the table: ${((ROWS * DIM * 4) / MB).toFixed(0)} MB)`, ours: reload.afterLoadRssMB ?? null, unit: "MB" });
    rows.push({ case: "  peak RSS after the first mostSimilar", ours: reload.afterFirstQueryRssMB ?? null, unit: "MB" });
    const intr = runChild("interrupt");
    extra.interrupt = intr;
    rows.push({ case: `loadVectors(${ROWS / 1e6}M × ${DIM} bin): requestInterrupt() after 1 s → InterruptedError, latency`, ours: intr.latencyMs ?? null, target: "stops, ≤ 500 ms", met: !!intr.stopped && intr.latencyMs <= 500 });
    console.log(`machine load while benchmarking (1-min load average, 2 cores): ${loadavg()[0].toFixed(2)}`);
    report("scale", rows, extra);
  } finally {
    if (process.env.EMBEDLAB_BENCH_KEEP !== "1") {
      rmSync(bin, { force: true }); // 2.4 GB each: never left behind
      rmSync(cache, { force: true });
    }
  }
}
