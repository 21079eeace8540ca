import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = join(root, "packages/display/bin/embedlab.js");
const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { ...process.env, ...env } });

describe("embedlab kernel install", () => {
  it("--prefix DIR writes DIR/share/jupyter/kernels/embedlab/kernel.json for this checkout's tslab, and embedlab-zh beside it", () => {
    const prefix = mkdtempSync(join(tmpdir(), "embedlab-cli-"));
    try {
      const r = run(["kernel", "install", "--prefix", prefix]);
      expect(r.status).toBe(0);
      const dir = join(prefix, "share/jupyter/kernels/embedlab");
      const zhDir = join(prefix, "share/jupyter/kernels/embedlab-zh");
      expect(r.stdout).toBe(`embedlab: installed kernel "TypeScript (embedlab)" (embedlab) in ${dir}\nembedlab: installed kernel "TypeScript (embedlab, 中文)" (embedlab-zh) in ${zhDir}\n`);
      expect(readdirSync(dir)).toEqual(["kernel.json"]);
      const spec = JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8"));
      expect(spec.display_name).toBe("TypeScript (embedlab)");
      expect(spec.argv).toEqual([
        process.execPath, "--require", join(root, "packages/display/dist/kernel/prelude.js"),
        join(root, "node_modules/tslab/bin/tslab"), "kernel", "--config-path", "{connection_file}",
      ]);
      expect(existsSync(spec.argv[3])).toBe(true);
      expect(spec.env).toEqual({ EMBEDLAB_KERNEL: "1" });
      // the Chinese twin: the same kernel, labels in Chinese (EMBEDLAB_LANG=zh, read by tr())
      const zh = JSON.parse(readFileSync(join(zhDir, "kernel.json"), "utf8"));
      expect(zh.display_name).toBe("TypeScript (embedlab, 中文)");
      expect(zh.argv).toEqual(spec.argv);
      expect(zh.env).toEqual({ EMBEDLAB_KERNEL: "1", EMBEDLAB_LANG: "zh" });
      // Installing again replaces the spec in place; --name installs one kernel (English unless --lang).
      expect(run(["kernel", "install", `--prefix=${prefix}`, "--name", "embedlab-2"]).status).toBe(0);
      expect(run(["kernel", "install", `--prefix=${prefix}`, "--lang=zh", "--name", "zh-2"]).status).toBe(0);
      expect(readdirSync(join(prefix, "share/jupyter/kernels")).sort()).toEqual(["embedlab", "embedlab-2", "embedlab-zh", "zh-2"]);
      expect(JSON.parse(readFileSync(join(prefix, "share/jupyter/kernels/embedlab-2/kernel.json"), "utf8")).env).toEqual({ EMBEDLAB_KERNEL: "1" });
      expect(JSON.parse(readFileSync(join(prefix, "share/jupyter/kernels/zh-2/kernel.json"), "utf8")).env.EMBEDLAB_LANG).toBe("zh");
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  it("--user writes into Jupyter's per-user data dir (JUPYTER_DATA_DIR when set)", () => {
    const data = mkdtempSync(join(tmpdir(), "embedlab-cli-data-"));
    try {
      const r = run(["kernel", "install", "--user"], { JUPYTER_DATA_DIR: data });
      expect(r.status).toBe(0);
      expect(existsSync(join(data, "kernels/embedlab/kernel.json"))).toBe(true);
      expect(existsSync(join(data, "kernels/embedlab-zh/kernel.json"))).toBe(true);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it("kernel spec prints the kernel.json; bad arguments exit 2 with usage", () => {
    const spec = run(["kernel", "spec"]);
    expect(spec.status).toBe(0);
    expect(JSON.parse(spec.stdout).language).toBe("typescript");
    expect(JSON.parse(spec.stdout).env).toEqual({ EMBEDLAB_KERNEL: "1" });
    expect(JSON.parse(run(["kernel", "spec", "--lang", "zh"]).stdout).env).toEqual({ EMBEDLAB_KERNEL: "1", EMBEDLAB_LANG: "zh" });
    const cases: [string[], RegExp][] = [
      [["kernel", "install", "--user", "--prefix", "/tmp/x"], /^embedlab: --user and --prefix exclude each other\nusage: embedlab kernel install/],
      [["kernel", "install", "--prefix"], /^embedlab: --prefix needs a value\n/],
      [["kernel", "install", "--name", "a b"], /^embedlab: --name must be letters, digits, "\.", "_" or "-", but got "a b"\n/],
      [["kernel", "install", "--sys"], /^embedlab: unknown argument "--sys"\n/],
      [["kernel", "install", "--lang", "fr"], /^embedlab: --lang must be "en" or "zh", but got "fr"\n/],
      [["kernel", "spec", "--lang"], /^embedlab: --lang needs a value\n/],
      [["kernel", "start"], /^embedlab: unknown kernel command "start"\n/],
      [["plot"], /^embedlab: unknown command "plot"\n/],
    ];
    for (const [args, re] of cases) {
      const r = run(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(re);
    }
    expect(run(["--help"]).stdout).toMatch(/^usage: embedlab kernel install \[--user \| --prefix DIR\]/);
  });
});
