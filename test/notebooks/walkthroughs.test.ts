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

  it("01's prose matches its output: collisions follow 1 − e^(−(m−1)/n), label codes get colours wrong that one-hot gets right", () => {
    const out = streamText(JSON.parse(readFileSync(join(root, "build/notebooks/01-encodings.ipynb"), "utf8")));
    const rows = [...out.matchAll(/^(\d+) +([\d.]+) +([\d.]+)$/gm)].map((m) => m.slice(1).map(Number));
    expect(rows.map((r) => r[0])).toEqual([64, 128, 256, 512, 1024, 2048, 4096, 8192]);
    for (const [n, measured, formula] of rows) {
      expect(formula, `n = ${n}`).toBeCloseTo(1 - Math.exp(-499 / n), 3);
      expect(Math.abs(measured - formula), `n = ${n}`).toBeLessThan(0.03);
    }
    const right = out.match(/^colours right: label code (\d) of 6, one-hot (\d) of 6$/m);
    expect(Number(right?.[2])).toBe(6);
    expect(Number(right?.[1])).toBeLessThan(6);
    expect(out).toMatch(/^purple +3 +0 +0\.\d+ WRONG/m);                    // the prose: purple cannot be cool
  });

  it("04's prose matches its output: skip-gram agrees with PPMI on groups, frozen vectors win with few labels only", () => {
    const out = streamText(JSON.parse(readFileSync(join(root, "build/notebooks/04-pretrained-vectors.ipynb"), "utf8")));
    const corr = out.match(/PPMI vs skip-gram: ([\d.]+); mean cosine: PPMI (-?[\d.]+), skip-gram (-?[\d.]+)/);
    expect(Number(corr?.[1])).toBeGreaterThan(0.5);                          // "the two methods' cosines correlate"
    expect(Number(corr?.[3])).toBeGreaterThan(Number(corr?.[2]));           // "skip-gram's cosines are larger overall"
    const shared = Number(out.match(/top-10 neighbours shared by the two methods, over 200 frequent words: ([\d.]+) of 10/)?.[1]);
    expect(shared).toBeGreaterThan(0.5);                                    // far above chance ...
    expect(shared).toBeLessThan(8);                                         // ... but "overlap only partly"
    const regimes = [...out.matchAll(/^(.+)\n  frozen +([\d.]+)%.*\n  fine-tuned +([\d.]+)%.*\n  random +([\d.]+)%.*\n  best: (.+)$/gm)];
    expect(regimes.map((m) => m[1])).toEqual(["212 labelled e-mails", "all 4,232 training e-mails"]);
    const [few, all] = regimes.map((m) => ({ frozen: Number(m[2]), tuned: Number(m[3]), random: Number(m[4]), best: m[5] }));
    expect(few.best).toBe("frozen, and its worst seed beats every seed of the others");
    expect(Math.min(all.tuned, all.random)).toBeGreaterThan(all.frozen);      // "with thousands of labels the table learns itself"
    expect(Math.abs(all.tuned - all.random)).toBeLessThan(Math.abs(few.frozen - few.tuned)); // "matters much less"
  });

  it("06 compares the models seed by seed with intervals, and the reloaded model predicts identically", () => {
    const nb = JSON.parse(readFileSync(join(root, "build/notebooks/06-transformer-input-end-to-end.ipynb"), "utf8"));
    const out = streamText(nb);
    const rows = [...out.matchAll(/^(.+?)\s+accuracy ([\d.]+)%\s+spam F1 ([\d.]+)%/gm)].map((m) => ({ name: m[1].trim(), accuracy: Number(m[2]) }));
    expect(rows.map((r) => r.name)).toEqual([
      "majority class (always ham)",
      "mean of token vectors",
      "attention pooling, no positions",
      "attention + positions",
      "attention + positions + sender",
    ]);
    // the chart leaves the majority out and the prose says so: every learned model is far above it
    for (const r of rows.slice(1)) expect(r.accuracy, r.name).toBeGreaterThan(rows[0].accuracy + 20);
    expect(out).toMatch(/not drawn: the majority class at 68\.65%/);
    // one line per factor: per-seed differences, their mean, a 95% interval and a verdict that agrees with it
    const num = (s: string) => Number(s.replace("−", "-"));
    const diffs = [...out.matchAll(/^(.+?)\s+per seed \[(.+?)\]\s+mean (\S+)\s+95% interval \[(\S+), (\S+)\]\s+→ (.+)$/gm)];
    expect(diffs.map((m) => m[1].trim())).toEqual([
      "attention pooling instead of the mean",
      "positions added",
      "sender added",
      "all three vs the mean of token vectors",
    ]);
    for (const m of diffs) {
      const perSeed = m[2].split(", ").map(num);
      const [mean, low, high] = [num(m[3]), num(m[4]), num(m[5])];
      expect(perSeed).toHaveLength(5);
      expect(mean).toBeCloseTo(perSeed.reduce((a, b) => a + b, 0) / 5, 1);
      expect(low).toBeLessThanOrEqual(mean);
      expect(high).toBeGreaterThanOrEqual(mean);
      expect(m[6], m[1]).toBe(low > 0 ? "better" : high < 0 ? "worse" : "no difference detectable");
    }
    // the summary's claim: every mean difference is smaller than the largest seed-to-seed spread
    const spreads = (out.match(/^spread between seeds \(best − worst\): (.+) points$/m)?.[1] ?? "").split(", ").map((s) => Number(s.split(" ")[1]));
    expect(spreads).toHaveLength(4);
    for (const m of diffs) expect(Math.abs(num(m[3])), m[1]).toBeLessThan(Math.max(...spreads));
    expect(out).toMatch(/^with 5 seeds, detectable: .+; not detectable: .+$/m);
    expect(out).not.toMatch(/beats every baseline/);
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
