#!/usr/bin/env node
// npm start: Jupyter on notebooks/ at 127.0.0.1 with the embedlab kernel (prints the URL).
// npm start -- --headless: execute every walkthrough into build/notebooks/*.html instead.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { findPython, root } from "./lib.mjs";

const args = process.argv.slice(2);
if (args.includes("--headless")) {
  const rest = args.filter((a) => a !== "--headless");
  const child = spawn(process.execPath, [join(root, "scripts/run-notebooks.mjs"), ...rest], { stdio: "inherit" });
  child.on("exit", (code) => process.exit(code ?? 1));
} else {
  const py = findPython();
  const port = process.env.PORT ?? "8888";
  const nbArgs = ["-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, `--notebook-dir=${join(root, "notebooks")}`];
  if (typeof process.getuid === "function" && process.getuid() === 0) nbArgs.push("--allow-root");
  console.log(`embedlab: starting Jupyter on http://127.0.0.1:${port}/ (open the URL with the token printed below; Ctrl-C stops it)`);
  const child = spawn(py, nbArgs, { stdio: "inherit", env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: "1" } });
  const stop = () => child.kill("SIGINT");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("exit", (code) => process.exit(code ?? 0));
}
