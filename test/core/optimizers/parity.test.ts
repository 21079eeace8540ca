// Parity with PyTorch 1.13's torch.optim.Adam / AdamW / SGD / SparseAdam, and lazy AdamW / momentum SGD
// (PyTorch's update functions on the touched rows), after 100 steps (fixtures
// made by test/fixtures/make_optimizer_fixtures.py), on cpu and wasm, through optimizer.minimize.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tf, ready, adam, adamw, sgd, embeddingLookup } from "@embedlab/core";

interface Case { name: string; options: Record<string, unknown> & { optimizer: string; learningRate: number }; sparse: boolean; E: number[][]; W: number[][] }
const fx = JSON.parse(readFileSync(join(__dirname, "../../fixtures/optimizers/optimizers.json"), "utf8")) as {
  V: number; D: number; R: number; C: number; paddingIdx: number; E0: number[][]; W0: number[][];
  steps: { ids: number[]; G: number[][]; H: number[][] }[]; cases: Case[];
};
const REL = 1e-5;

function makeOptimizer(c: Case) {
  const { optimizer, learningRate, ...options } = c.options;
  if (optimizer === "adam") return adam(learningRate, options);
  if (optimizer === "adamw") return adamw(learningRate, options);
  return sgd(learningRate, options);
}

/** Largest |a - b| / max(1, |b|). */
function worstRelative(actual: number[][], expected: number[][]): number {
  let m = 0;
  actual.forEach((row, i) => row.forEach((a, j) => (m = Math.max(m, Math.abs(a - expected[i][j]) / Math.max(1, Math.abs(expected[i][j]))))));
  return m;
}

/** 100 steps of the fixture's losses; returns the final E and W. */
function train(opt: tf.Optimizer, E: tf.Variable, W: tf.Variable) {
  for (const s of fx.steps) {
    tf.tidy(() => {
      const ids = tf.tensor1d(s.ids, "int32");
      const G = tf.tensor2d(s.G);
      const H = tf.tensor2d(s.H);
      opt.minimize(() => tf.add(tf.sum(tf.mul(embeddingLookup(E, ids, { paddingIdx: fx.paddingIdx }), G)), tf.sum(tf.mul(W, H))) as tf.Scalar, false, [E, W]);
    });
  }
  return { E: E.arraySync() as number[][], W: W.arraySync() as number[][] };
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`fused optimizers vs PyTorch on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    for (const c of fx.cases) {
      it(`${c.name}: ${JSON.stringify(c.options)} matches torch after ${fx.steps.length} steps (1e-5 relative)`, () => {
        const before = tf.memory().numTensors;
        const E = tf.variable(tf.tensor2d(fx.E0));
        const W = tf.variable(tf.tensor2d(fx.W0));
        const opt = makeOptimizer(c);
        const got = train(opt, E, W);
        expect(worstRelative(got.E, c.E)).toBeLessThanOrEqual(REL);
        expect(worstRelative(got.W, c.W)).toBeLessThanOrEqual(REL);
        expect(got.E[fx.paddingIdx]).toEqual(fx.E0[fx.paddingIdx]); // no gradient, no move
        opt.dispose();
        tf.dispose([E, W]);
        // the two tensor2d's that the variables were made from leak by construction (tf.variable keeps them)
        expect(tf.memory().numTensors).toBe(before + 2);
      });
    }

    it("adam({ sparse: true }) leaves untouched rows, and their moments, alone; dense adam moves them on momentum", async () => {
      const E = tf.variable(tf.tensor2d(fx.E0));
      const W = tf.variable(tf.tensor2d(fx.W0));
      const lazy = adam(0.1, { sparse: true });
      const dense = adam(0.1);
      const E2 = tf.variable(tf.tensor2d(fx.E0));
      const W2 = tf.variable(tf.tensor2d(fx.W0));
      const lossFor = (e: tf.Variable, w: tf.Variable, ids: number[]) => () =>
        tf.tidy(() => tf.add(tf.sum(embeddingLookup(e, tf.tensor1d(ids, "int32"))), tf.sum(w)) as tf.Scalar);
      for (const o of [[lazy, E, W], [dense, E2, W2]] as const) {
        o[0].minimize(lossFor(o[1], o[2], [1, 2]), false, [o[1], o[2]]);
        o[0].minimize(lossFor(o[1], o[2], [3]), false, [o[1], o[2]]);
      }
      const lazyE = E.arraySync() as number[][];
      const denseE = E2.arraySync() as number[][];
      // step 2 touched only row 3: rows 1, 2 moved once (lazy) vs twice (dense, on momentum)
      expect(lazyE[1].every((v, j) => v !== denseE[1][j])).toBe(true);
      expect(lazyE[5]).toEqual(fx.E0[5]);
      expect(denseE[5]).toEqual(fx.E0[5]); // never touched: zero moments, zero step in both
      const weights = await lazy.getWeights();
      const m = weights.find((w) => w.name === `${E.name}/m`)?.tensor.arraySync() as number[][];
      expect(m[1].every((v) => Math.abs(v - 0.1) < 1e-7)).toBe(true); // (1 - β1)·1 after step 1, kept through step 2
      expect(m[3].every((v) => Math.abs(v - 0.1) < 1e-7)).toBe(true);
      lazy.dispose();
      dense.dispose();
      tf.dispose([E, W, E2, W2]);
    });
  });
}
