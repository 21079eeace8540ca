// Helpers shared by scripts/: paths, running commands, finding Jupyter.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const KERNEL_NAME = "embedlab";

/** Runs a command, inheriting stdio; throws with the command line when it fails. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(" ")}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${r.status}`);
  return r;
}

/** Runs a command quietly; returns { ok, stdout, stderr }. */
export function probe(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: root, ...opts });
  return { ok: !r.error && r.status === 0, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

let python;
/**
 * A Python that has nbconvert and the classic notebook server, or null. Debian's python3 first:
 * its `python3-nbconvert` ships no `jupyter-nbconvert` command, so everything runs as
 * `python -m nbconvert` / `python -m notebook`, and a pyenv python3 earlier on PATH may lack them.
 */
export function findPython(again = false) {
  if (python !== undefined && !again) return python;
  python = null;
  for (const cmd of ["/usr/bin/python3", "python3"]) {
    if (probe(cmd, ["-c", "import nbconvert, notebook, jupyter_client"]).ok) return (python = cmd);
  }
  return python;
}

export const isDebianLike = () => existsSync("/etc/debian_version") && existsSync("/usr/bin/apt-get");
export const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;
