// Shared by the browser tests (not a test file): build the display package, install the
// embedlab kernelspec into a temporary prefix, launch Debian's Chromium.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const buildDir = join(root, "build", "browser");
export const PYTHON = "/usr/bin/python3";

/** The newest modification time of the files under `dir` (0 when empty). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Compiles packages/display (the kernel prelude and what notebooks import) when its sources are
 * newer than its build (setup builds it; rebuilding files other tests' kernels may be reading is
 * avoided); core too if it was never built.
 */
export function buildDisplay(): void {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(join(root, "packages", "core", "dist", "index.js"))) spawnSync(process.execPath, [tsc, "-p", "packages/core"], { cwd: root, encoding: "utf8" });
  const dist = join(root, "packages", "display", "dist");
  const built = ["index.js", "kernel/prelude.js"].map((f) => statSync(join(dist, f), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  if (Math.min(...built) > newest(join(root, "packages", "display", "src"))) return;
  const r = spawnSync(process.execPath, [tsc, "-p", "packages/display"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`building packages/display failed:\n${r.stdout}${r.stderr}`);
}

/** Installs the kernelspec with the CLI into a fresh prefix; returns the prefix and the kernel.json. */
export function installKernel(): { prefix: string; jupyterPath: string; spec: { argv: string[]; display_name: string; language: string } } {
  const prefix = mkdtempSync(join(tmpdir(), "embedlab-kernel-"));
  const r = spawnSync(process.execPath, [join(root, "packages/display/bin/embedlab.js"), "kernel", "install", "--prefix", prefix], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`embedlab kernel install failed:\n${r.stderr}`);
  const jupyterPath = join(prefix, "share", "jupyter");
  const spec = JSON.parse(readFileSync(join(jupyterPath, "kernels", "embedlab", "kernel.json"), "utf8"));
  return { prefix, jupyterPath, spec };
}

/** Debian's Chromium through playwright-core (no browser download). */
export function launchChromium(): Promise<Browser> {
  mkdirSync(buildDir, { recursive: true });
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** The text/html outputs of an executed notebook, per code cell (1-based cell numbers as Jupyter shows them). */
export function htmlOutputs(nb: { cells: { cell_type: string; outputs?: { output_type: string; data?: Record<string, unknown>; text?: unknown }[] }[] }): { cell: number; html: string; plain: string; type: string; text: string }[] {
  const join_ = (t: unknown) => (Array.isArray(t) ? t.join("") : typeof t === "string" ? t : "");
  const out: { cell: number; html: string; plain: string; type: string; text: string }[] = [];
  nb.cells.forEach((c, i) => {
    for (const o of c.outputs ?? []) {
      out.push({ cell: i + 1, type: o.output_type, html: join_(o.data?.["text/html"]), plain: join_(o.data?.["text/plain"]), text: join_(o.text) });
    }
  });
  return out;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
