// Executes every walkthrough through the headless runner on the embedlab kernel (into
// build/notebooks/, the same files `npm start -- --headless` writes), fails on any error output,
// and checks that two runs of the reproducibility-critical notebooks give the same outputs.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: plain ESM script without types
import { runNotebook } from "../../scripts/run-notebooks.mjs";

const root = join(__dirname, "../..");
const dir = join(root, "notebooks");
const walkthroughs = readdirSync(dir).filter((f) => /^0[1-9].*\.ipynb$/.test(f)).sort();

interface Output { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }
interface Cell { cell_type: string; source: string | string[]; outputs?: Output[] }
const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join("") : t ?? "");

/** The outputs of a notebook with durations ("9.4 s", "120 ms") replaced, the only thing allowed to differ between runs. */
function outputsOf(nb: { cells: Cell[] }): string {
  const json = JSON.stringify(nb.cells.filter((c) => c.cell_type === "code").map((c) => c.outputs ?? []));
  return json.replace(/\b\d+(\.\d+)? ?(s|ms)\b/g, "<duration>");
}

function streamText(nb: { cells: Cell[] }): string {
  return nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "stream").map((o) => text(o.text)).join("");
}

describe("the walkthroughs", () => {
  it("there are seven walkthroughs, committed without outputs, each ending with Summary and Exercises", () => {
    expect(walkthroughs).toEqual([
      "01-encodings.ipynb",
      "02-positional-encoding.ipynb",
      "03-embedding-layer.ipynb",
      "04-pretrained-vectors.ipynb",
      "05-category-embedding.ipynb",
      "06-transformer-input-end-to-end.ipynb",
      "07-where-does-position-go.ipynb",
    ]);
    for (const f of walkthroughs) {
      const nb = JSON.parse(readFileSync(join(dir, f), "utf8")) as { cells: Cell[]; metadata: { kernelspec: { name: string } } };
      expect(nb.metadata.kernelspec.name, f).toBe("embedlab");
      expect(nb.cells.every((c) => (c.outputs ?? []).length === 0), `${f} has outputs`).toBe(true);
      const md = nb.cells.filter((c) => c.cell_type === "markdown").map((c) => text(c.source)).join("\n");
      expect(md, f).toMatch(/^## Summary$/m);
      expect(md, f).toMatch(/^## Exercises$/m);
    }
  });

  for (const f of walkthroughs) {
    it(`${f} executes without an error on the embedlab kernel`, () => {
      const { notebook, html } = runNotebook(join(dir, f), { outDir: join(root, "build/notebooks") });
      expect(readFileSync(html, "utf8")).toMatch(/<html/);
      // the first code cell ran ready(), which names the backend once
      expect(streamText(notebook)).toMatch(/^embedlab: backend /m);
    }, 600_000);
  }

  for (const f of ["02-positional-encoding.ipynb", "06-transformer-input-end-to-end.ipynb"]) {
    it(`${f} gives identical outputs on a second run (durations aside)`, () => {
      const first = JSON.parse(readFileSync(join(root, "build/notebooks", f), "utf8"));
      const { notebook } = runNotebook(join(dir, f), { outDir: mkdtempSync(join(tmpdir(), "embedlab-repro-")) });
      expect(outputsOf(notebook)).toBe(outputsOf(first));
    }, 600_000);
  }

  it("06 reports test accuracy above every baseline, and the reloaded model predicts identically", () => {
    const nb = JSON.parse(readFileSync(join(root, "build/notebooks/06-transformer-input-end-to-end.ipynb"), "utf8"));
    const out = streamText(nb);
    const rows = [...out.matchAll(/^(.+?)\s+accuracy ([\d.]+)%\s+spam F1 ([\d.]+)%/gm)].map((m) => ({ name: m[1].trim(), accuracy: Number(m[2]) }));
    expect(rows.map((r) => r.name)).toEqual([
      "majority class (always ham)",
      "bag of embeddings (no positions, no sender)",
      "tokens + positions, no sender",
      "TransformerInput + sender embedding",
    ]);
    const full = rows[rows.length - 1].accuracy;
    for (const r of rows.slice(0, -1)) expect(full, r.name).toBeGreaterThan(r.accuracy);
    expect(out).toMatch(/identical probabilities on all 1209 test e-mails: true/);
  });

  it("07 prints an accuracy table (3 seeds) for the five schemes at 32, 64 and 128 tokens, and a verdict for each", () => {
    const nb = JSON.parse(readFileSync(join(root, "build/notebooks/07-where-does-position-go.ipynb"), "utf8"));
    const out = streamText(nb);
    const diff = /largest difference from applyRotary: (\S+)$/m.exec(out);
    expect(Number(diff?.[1])).toBeLessThan(1e-5);
    const rows = [...out.matchAll(/^(sinusoidal|learned|RoPE|ALiBi|T5|none)\s+((?:[\d.]+% \(\d+\/\d+\/\d+\)\s*){3})$/gm)];
    expect(rows.map((m) => m[1])).toEqual(["sinusoidal", "learned", "RoPE", "ALiBi", "T5"]);
    const verdicts = [...out.matchAll(/^(\S+)\s+at 32: .*: (no detectable effect|worse at 128|better at 128)$/gm)].map((m) => m[1]);
    expect(verdicts).toEqual(["sinusoidal", "learned", "RoPE", "ALiBi", "T5"]);
  });
});
