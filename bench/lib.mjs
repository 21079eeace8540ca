// Shared benchmark helpers: medians after warm-up, PyTorch alongside, a markdown table, JSON out.
// Benchmarks import the *built* packages (npm run bench builds first) and run one at a time.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import os from "node:os";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Debian's python3 (where python3-torch lives); a pyenv python3 earlier on PATH lacks torch. */
export const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

/** Median wall time in ms of `fn` (sync or async) after `warmup` calls; `iters` timed calls. */
export async function timeit(fn, { warmup = 3, iters = 15 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < iters; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Like {@link timeit}, and also the CPU time (user + system, this process, all threads) per call,
 * averaged over the timed calls: `{ wall, cpu }` in ms. On a machine shared with other jobs the wall
 * time depends on what else runs at that moment; the CPU time much less.
 */
export async function timeitCpu(fn, { warmup = 3, iters = 15 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < iters; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const c = process.cpuUsage(c0);
  times.sort((a, b) => a - b);
  return { wall: times[Math.floor(times.length / 2)], cpu: (c.user + c.system) / 1000 / iters };
}

/** The 1-, 5- and 15-minute load averages, for the report (the machine is shared). */
export function loadAverage() {
  return os.loadavg().map((v) => Number(v.toFixed(2)));
}

/** Whether Debian's PyTorch is importable. */
export function hasTorch() {
  return spawnSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
}

/**
 * Runs a Python snippet that prints one JSON object on its last stdout line; returns it, or null
 * when Python or the module is missing. The snippet gets `timeit(fn, warmup, iters)` (median ms)
 * and torch pinned to one thread.
 */
export function python(code, { needs = "torch", timeoutMs = 600_000 } = {}) {
  const prelude = `
import json, time, statistics
try:
    import ${needs}
except Exception:
    print(json.dumps(None)); raise SystemExit(0)
try:
    import torch; torch.set_num_threads(1)
except Exception:
    pass
def timeit(fn, warmup=3, iters=15):
    for _ in range(warmup): fn()
    ts = []
    for _ in range(iters):
        t0 = time.perf_counter(); fn(); ts.append((time.perf_counter() - t0) * 1000)
    return statistics.median(ts)
def timeit_cpu(fn, warmup=3, iters=15):
    """median wall ms and mean CPU ms (this process) per call"""
    for _ in range(warmup): fn()
    ts = []
    c0 = time.process_time()
    for _ in range(iters):
        t0 = time.perf_counter(); fn(); ts.append((time.perf_counter() - t0) * 1000)
    return {"wall": statistics.median(ts), "cpu": (time.process_time() - c0) * 1000 / iters}
`;
  const r = spawnSync(PYTHON, ["-c", prelude + "\n" + code], { encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    console.error(`python benchmark failed:\n${r.stderr}`);
    return null;
  }
  const lines = r.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

const fmt = (v) => (v === null || v === undefined ? "—" : typeof v === "number" ? (Math.abs(v) >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)) : String(v));

/**
 * Prints a markdown table and writes build/bench/<name>.json.
 * rows: [{ case, ours, reference, unit, target }] — ratio = ours / reference.
 */
export function report(name, rows, extra = {}) {
  const out = rows.map((r) => ({ ...r, ratio: r.reference ? r.ours / r.reference : null }));
  const lines = [
    `### ${name}`,
    "",
    "| case | embedlab | reference | ratio | target | met |",
    "|---|---:|---:|---:|---|---|",
    ...out.map((r) => {
      const met = r.met === undefined ? "" : r.met ? "yes" : "**no**";
      return `| ${r.case} | ${fmt(r.ours)} ${r.unit ?? "ms"} | ${r.reference == null ? "—" : fmt(r.reference) + " " + (r.unit ?? "ms")} | ${r.ratio == null ? "—" : fmt(r.ratio) + "×"} | ${r.target ?? ""} | ${met} |`;
    }),
    "",
  ];
  console.log(lines.join("\n"));
  mkdirSync(join(root, "build/bench"), { recursive: true });
  writeFileSync(join(root, `build/bench/${name}.json`), JSON.stringify({ name, date: new Date().toISOString(), node: process.version, rows: out, ...extra }, null, 2));
  return out;
}
