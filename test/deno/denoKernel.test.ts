// The walkthrough code on Deno's Jupyter kernel (`deno jupyter`, from the `deno` npm package):
// a notebook with figures executed by nbconvert (plotly MIME bundles, no errors, the seeded
// numbers Node gives), and a kernel interrupt that stops a loop of ours and leaves the kernel alive.
// The kernelspec goes into a temporary JUPYTER_DATA_DIR (`deno jupyter --install` ignores it).
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendInfo, ready, seed, tf } from "@embedlab/core";

const root = join(__dirname, "../..");
const here = join(root, "test/deno");
const KERNEL = "embedlab-deno-test";
const python = "/usr/bin/python3";

interface Output { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown>; ename?: string; evalue?: string }
interface Cell { cell_type: string; source: string | string[]; outputs?: Output[] }
const text = (t: unknown) => (Array.isArray(t) ? t.join("") : String(t ?? ""));

/** The deno executable the npm package ships (its install script links it; else the platform package's). */
function denoBinary(): string {
  const req = createRequire(join(root, "package.json"));
  return (req("deno/install_api.cjs") as { runInstall(): string }).runInstall();
}

let dataDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "embedlab-deno-jupyter-"));
  mkdirSync(join(dataDir, "kernels", KERNEL), { recursive: true });
  // What `deno jupyter --install` writes, with our name.
  const spec = { argv: [denoBinary(), "jupyter", "--kernel", "--conn", "{connection_file}"], display_name: "Deno (embedlab test)", language: "typescript" };
  writeFileSync(join(dataDir, "kernels", KERNEL, "kernel.json"), JSON.stringify(spec, null, 2));
  env = { ...process.env, JUPYTER_DATA_DIR: dataDir, PYDEVD_DISABLE_FILE_VALIDATION: "1", NO_COLOR: "1" };
});

describe("Deno's Jupyter kernel", () => {
  it("runs a notebook with figures: plotly.js once, plotly MIME bundles, no errors, the seeded numbers of Node", async () => {
    const out = join(dataDir, "figures.out.ipynb");
    // nbconvert's executor, reading on a moment after each cell's "idle" (late_outputs.py: Deno's kernel can send it first)
    const args = ["-m", "nbconvert", "--to", "notebook", "--NotebookExporter.preprocessors=['late_outputs.LateOutputs']", "--LateOutputs.timeout=120", join(here, "figures.ipynb"), "--output", out];
    const r = spawnSync(python, args, { cwd: here, env: { ...env, PYTHONPATH: here }, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const cells = (JSON.parse(readFileSync(out, "utf8")) as { cells: Cell[] }).cells.filter((c) => c.cell_type === "code");
    const outputs = cells.map((c) => c.outputs ?? []);
    expect(outputs.flat().filter((o) => o.output_type === "error" || o.name === "stderr")).toEqual([]);

    // cell 0: loading display inlined plotly.js (the AMD-shadowed bundle), then ready() named the backend
    const init = outputs[0].filter((o) => o.output_type === "display_data");
    expect(init).toHaveLength(1);
    expect(text(init[0].data?.["text/html"])).toMatch(/^<script type="text\/javascript">if\(!window\.Plotly\)\{\(function\(define,require,module,exports\)\{/);
    expect(text(init[0].data?.["text/html"]).length).toBeGreaterThan(3_000_000);
    expect(outputs[0].map((o) => text(o.text)).join("")).toMatch(/^embedlab: backend (wasm|cpu)/m);

    // cells 1-2: the backend and the seeded table, the same numbers as Node (tslab's runtime) gives
    const backend = text(outputs[1][0].text).match(/^backend (\w+)$/m)?.[1];
    const table = JSON.parse(text(outputs[2][0].text).match(/^table (\[.*\])$/m)![1]) as number[];
    await ready();
    expect(backend).toBe(backendInfo().name);
    seed(0);
    const t = tf.randomNormal([4, 3]);
    expect(table).toEqual(Array.from(t.dataSync()));
    t.dispose();

    // cell 3: a single-figure view as the cell's last value: the full bundle, plotly JSON first-class
    const last = outputs[3].find((o) => o.output_type === "execute_result")!;
    const fig = last.data?.["application/vnd.plotly.v1+json"] as { data: { type: string; z: number[][] }[] };
    expect(fig.data[0].type).toBe("heatmap");
    expect(fig.data[0].z.flat().map((v) => Math.fround(v))).toEqual(table);
    expect(text(last.data?.["text/html"])).toMatch(/embedlab-figure/);
    expect(text(last.data?.["text/plain"])).toMatch(/^a seeded 4 × 3 table/);

    // cell 4: show() of a figure with a table-less HTML view; cell 5: show() of a single figure
    const pe = outputs[4].filter((o) => o.output_type === "display_data");
    expect(pe).toHaveLength(1);
    expect(text(pe[0].data?.["text/plain"])).toMatch(/^Positional encoding: \[20 positions, 8 dimensions\]/);
    const bars = outputs[5].find((o) => o.output_type === "display_data")!;
    expect((bars.data?.["application/vnd.plotly.v1+json"] as { data: { y: number[] }[] }).data[0].y).toEqual([3, 1, 2]);

    // cell 6: a tensor as the last value renders as its tensorView table, as on the embedlab kernel
    const oh = outputs[6].find((o) => o.output_type === "execute_result")!;
    expect(text(oh.data?.["text/html"])).toMatch(/<table/);
    expect(text(oh.data?.["text/plain"])).toMatch(/^tensor\(\[\[1, 0, 0\],\s+\[0, 0, 1\],\s+\[0, 1, 0\]\]/);
  }, 180_000);

  it("a kernel interrupt (SIGINT) stops a loop of ours at its next check, and the kernel lives on", () => {
    const r = spawnSync(python, [join(here, "interrupt.py"), KERNEL, here], { cwd: here, env, encoding: "utf8", timeout: 150_000 });
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, { stdout: string; error: string | null; status: string }> & { alive: boolean };
    expect(res.setup.status).toBe("ok");
    expect(res.loop.status).toBe("error");
    expect(res.loop.error).toMatch(/^InterruptedError: loop: interrupted at chunk \d+$/);
    expect(res.loop.stdout).not.toMatch(/ran to the end/);
    const stoppedAt = Number(res.loop.error!.match(/chunk (\d+)/)![1]);
    expect(stoppedAt).toBeGreaterThanOrEqual(4);
    expect(stoppedAt).toBeLessThan(400);
    // the next cell runs in the same kernel: state kept, the request consumed
    expect(res.after.status).toBe("ok");
    expect(res.after.stdout).toBe(`after: chunks ${stoppedAt}, pending false\n`);
    expect(res.alive).toBe(true);
  }, 180_000);
});
