// tslab compiles cells with TypeScript 5.0 (lib ES2022, no DOM, Node10 resolution, CommonJS):
// the built packages' declarations must type-check there, and their entry points must be the
// top-level `main`/`types` fields (tslab ignores `exports`).
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "../..");

describe("the built packages, as tslab sees them", () => {
  it("each package has top-level main and types pointing at CommonJS output", () => {
    for (const pkg of ["core", "display"]) {
      const meta = JSON.parse(readFileSync(join(root, "packages", pkg, "package.json"), "utf8"));
      expect(meta.main).toBe("dist/index.js");
      expect(meta.types).toBe("dist/index.d.ts");
      expect(readFileSync(join(root, "packages", pkg, meta.main), "utf8")).toMatch(/^"use strict";\n[\s\S]*exports\./);
    }
  });

  it("a notebook-style file using both packages type-checks with TypeScript 5.0 (lib ES2022, no DOM)", () => {
    const dir = mkdtempSync(join(root, "build", "ts50-"));
    const file = join(dir, "cell.ts");
    writeFileSync(
      file,
      [
        'import { ready, seed, tf, embedding, transformerInput, sequencePooling, categoryEmbedding, loadVectors, oneHot, positionalEncoding, Vocab } from "@embedlab/core";',
        'import { applyRotary, alibiSlopes, alibiBias, relativePositionBucket, multiHeadAttention, MultiHeadAttention, type AttentionPositional } from "@embedlab/core";',
        'import { show, projector, trainingView, positionalEncodingView, tensorView, rotaryView, attentionView } from "@embedlab/display";',
        'import { check, exerciseIds, type CheckResult } from "@embedlab/display";',
        "export async function cell(): Promise<void> {",
        "  await ready();",
        "  seed(0);",
        "  const e = embedding({ numEmbeddings: 4, embeddingDim: 2, paddingIdx: 0 });",
        "  const x = transformerInput({ vocabSize: 10, dModel: 5, maxSeqLen: 8 });",
        "  const p = sequencePooling({ mode: \"attention\" });",
        "  const c = categoryEmbedding({ numCategories: 3, embeddingDim: 2 });",
        "  const v: Vocab | undefined = undefined;",
        "  show(projector(e.weight as tf.Tensor2D));",
        "  show(positionalEncodingView(positionalEncoding(4, 4)));",
        "  show(tensorView(oneHot([0, 1], 2)));",
        "  const tv = trainingView();",
        "  const wv = await loadVectors(\"x.txt\");",
        "  console.log(x.name, p.name, c.name, v, tv.stopped, wv.dim);",
        "  const kind: AttentionPositional = \"rope\";",
        "  const mha: MultiHeadAttention = multiHeadAttention({ numHeads: 2, headDim: 4, positional: kind, causal: true });",
        "  const none = transformerInput({ vocabSize: 10, dModel: 8, maxSeqLen: 8, positional: \"none\" });",
        "  const q: tf.Tensor4D = applyRotary(tf.zeros([1, 2, 3, 4]) as tf.Tensor4D, { interleaved: true, startIndex: 2 });",
        "  const b: tf.Tensor3D = alibiBias(2, 3, { causal: false });",
        "  const k: tf.Tensor = relativePositionBucket([[0, 1], [-1, 0]], { bidirectional: false, numBuckets: 8, maxDistance: 16 });",
        "  show(rotaryView({ headDim: 8 }));",
        "  show(attentionView(mha.attentionWeights(tf.zeros([1, 3, 8])), { bias: b, buckets: mha.buckets(3) }));",
        "  console.log(none.positionTable, q.shape, alibiSlopes(4).shape, k.dtype, mha.positionalBias(3));",
        '  const verdict: CheckResult = await check("01.1", { shape: [2, 2, 3], position: [1, 0, 2] });',
        "  console.log(verdict.ok, verdict.id, verdict.message, verdict.differences.map((d) => `${d.kind} ${d.path}`), exerciseIds().length);",
        "}",
      ].join("\n"),
    );
    // tslab compiles cells with its own pinned TypeScript (@tslab/typescript-for-tslab 5.0.4)
    const tsc = join(root, "node_modules/@tslab/typescript-for-tslab/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "--version"], { encoding: "utf8" });
    expect(r.stdout.trim()).toBe("Version 5.0.4");
    const check = spawnSync(
      process.execPath,
      [tsc, "--noEmit", "--strict", "--target", "ES2022", "--lib", "ES2022", "--module", "commonjs", "--moduleResolution", "node", "--types", "node", file],
      { cwd: root, encoding: "utf8" },
    );
    // tfjs's own declarations need the DOM library (tslab skips checking libraries for that reason);
    // nothing may be reported in our declarations or in the file that uses them.
    const ours = check.stdout.split("\n").filter((l) => /^\S/.test(l) && !l.startsWith("node_modules/"));
    expect(ours).toEqual([]);
  }, 120_000);
});
