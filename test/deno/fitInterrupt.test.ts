// model.fit on Deno's Jupyter kernel stops at a kernel interrupt as in the embedlab kernel: after the
// current batch, with "fit: interrupted at epoch e, step s", and the kernel lives on.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "../..");
const here = join(root, "test/deno");
const KERNEL = "embedlab-deno-fit-test";

let env: NodeJS.ProcessEnv;
beforeAll(() => {
  const deno = (createRequire(join(root, "package.json"))("deno/install_api.cjs") as { runInstall(): string }).runInstall();
  const dataDir = mkdtempSync(join(tmpdir(), "embedlab-deno-jupyter-"));
  mkdirSync(join(dataDir, "kernels", KERNEL), { recursive: true });
  const spec = { argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"], display_name: "Deno (embedlab fit test)", language: "typescript" };
  writeFileSync(join(dataDir, "kernels", KERNEL, "kernel.json"), JSON.stringify(spec, null, 2));
  env = { ...process.env, JUPYTER_DATA_DIR: dataDir, PYDEVD_DISABLE_FILE_VALIDATION: "1", NO_COLOR: "1" };
});

describe("Deno's Jupyter kernel", () => {
  it("a kernel interrupt stops model.fit after the current batch: 'fit: interrupted at epoch e, step s'", () => {
    const r = spawnSync("/usr/bin/python3", [join(here, "fit_interrupt.py"), KERNEL, here], { cwd: here, env, encoding: "utf8", timeout: 170_000 });
    const last = r.stdout.trim().split("\n").pop() ?? "";
    expect(last.startsWith("{"), r.stderr).toBe(true);
    const res = JSON.parse(last) as Record<string, { stdout: string; error: string | null; status: string }> & { alive: boolean };
    expect(res.setup.status).toBe("ok");
    expect(res.loop.status).toBe("error");
    const m = /^InterruptedError: fit: interrupted at epoch (\d+), step (\d+)$/.exec(res.loop.error ?? "");
    expect(m, JSON.stringify(res.loop)).not.toBeNull();
    // the steps the user's callback saw are the ones the message names (2048 / 32 = 64 per epoch)
    expect(res.after.status).toBe("ok");
    expect(res.after.stdout).toBe(`after: steps ${(Number(m![1]) - 1) * 64 + Number(m![2])}\n`);
    expect(res.alive).toBe(true);
  }, 180_000);
});
