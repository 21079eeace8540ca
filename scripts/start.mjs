#!/usr/bin/env node
// npm start: Jupyter on notebooks/ at 127.0.0.1 with the embedlab kernel (prints the URL).
//   node scripts/start.mjs [--port N] [--no-setup]     (PORT=N works too; default 8888)
// npm start -- --headless: execute every walkthrough into build/notebooks/*.html instead.
// npm start -- --book: build the book (both editions) into build/book/ and print where to open it
// (scripts/book.mjs: executes only the notebooks whose executed copy is missing or stale).
//
// Stopping: SIGINT (Ctrl-C), SIGTERM or SIGHUP stop Jupyter (and its kernels) and then this script,
// with Jupyter's exit status; so does the end of `npm start` (whose shell drops the signal npm
// forwards). Jupyter is never left behind holding the port.
// Starting twice: when a Jupyter for this checkout already serves the port, its URL is printed and
// nothing new starts; when another program holds the port, the next free one is used (and said).
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { findPython, probe, root } from "./lib.mjs";

const notebookDir = join(root, "notebooks");
const jupyterEnv = { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: "1" };

/** Whether nothing listens on 127.0.0.1:port (we can bind it). */
export function portFree(port) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once("error", () => res(false));
    srv.listen({ port, host: "127.0.0.1", exclusive: true }, () => srv.close(() => res(true)));
  });
}

/** The running Jupyter servers (`notebook list --json`): { port, pid, url, token, notebook_dir }. */
export function runningServers(py = findPython()) {
  if (!py) return [];
  const r = probe(py, ["-m", "notebook", "list", "--json"], { env: jupyterEnv });
  return r.stdout.split("\n").filter((l) => l.trim().startsWith("{")).map((l) => JSON.parse(l));
}

function parseArgs(argv) {
  const opts = { port: process.env.PORT ?? "8888", setup: true, headless: false, book: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--port") opts.port = argv[++i];
    else if (a.startsWith("--port=")) opts.port = a.slice("--port=".length);
    else if (a === "--no-setup") opts.setup = false;
    else if (a === "--headless") opts.headless = true;
    else if (a === "--book") opts.book = true;
    else opts.rest.push(a);
  }
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`embedlab start: expected --port (or PORT) to be an integer in [1, 65535], but got ${JSON.stringify(opts.port)}`);
    process.exit(2);
  }
  return { ...opts, port };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.setup) {
    const s = spawnSync(process.execPath, [join(root, "scripts/setup.mjs"), "--quiet"], { stdio: "inherit" });
    if (s.status !== 0) process.exit(s.status ?? 1);
  }
  if (opts.headless || opts.book) {
    const script = opts.book ? "scripts/book.mjs" : "scripts/run-notebooks.mjs";
    const child = spawn(process.execPath, [join(root, script), ...opts.rest], { stdio: "inherit" });
    forwardSignals(child);
    child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
    return;
  }
  const py = findPython();
  if (!py) {
    console.error("embedlab start: Jupyter is not installed; run `npm run setup` first");
    process.exit(1);
  }
  let port = opts.port;
  if (!(await portFree(port))) {
    const ours = runningServers(py).find((s) => s.port === port && resolve(s.notebook_dir ?? "") === notebookDir);
    if (ours) {
      console.log(`embedlab: Jupyter is already running for these notebooks (pid ${ours.pid}): ${ours.url}?token=${ours.token}`);
      console.log("embedlab: open that URL, or stop that server first (Ctrl-C where it runs)");
      process.exit(0);
    }
    const wanted = port;
    do port++;
    while (port <= Math.min(65535, wanted + 50) && !(await portFree(port)));
    if (port > Math.min(65535, wanted + 50)) {
      console.error(`embedlab start: port ${wanted} and the 50 after it are taken; pass a free one with --port N`);
      process.exit(1);
    }
    console.log(`embedlab: port ${wanted} is taken by another program; using ${port}`);
  }
  // --port-retries=0: Jupyter must not move to another port behind the URL printed here
  const nbArgs = ["-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", `--notebook-dir=${notebookDir}`];
  if (typeof process.getuid === "function" && process.getuid() === 0) nbArgs.push("--allow-root");
  console.log(`embedlab: starting Jupyter on http://127.0.0.1:${port}/ (open the URL with the token printed below; Ctrl-C stops it)`);
  // its own process group: a terminal's Ctrl-C reaches Jupyter only as the SIGTERM sent below, not
  // also as a SIGINT that makes it ask "Shutdown this notebook server (y/[n])?"
  const child = spawn(py, nbArgs, { stdio: ["ignore", "inherit", "inherit"], env: jupyterEnv, detached: true });
  forwardSignals(child);
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGKILL" ? 137 : 0)));
}

/**
 * Stops `child` when this script is asked to stop: SIGTERM (Jupyter then shuts its kernels down and
 * exits without asking "Shutdown this notebook server?"), SIGKILL if it is still there after 10 s.
 */
function forwardSignals(child) {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"), 10_000).unref();
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, stop);
  // Under `npm start` the parent is npm's `sh -c`: npm forwards SIGTERM to that shell, which dies
  // without passing it on; so when the parent goes away, stop as if signalled.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && stop(), 250).unref();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e) => {
    console.error(`embedlab start: ${e.message}`);
    process.exit(1);
  });
}
