// Parity with PyTorch 1.13 (fixtures made by test/fixtures/make_layer_fixtures.py): forward output,
// in-place maxNorm renormalisation, gradient, and the weight after one SGD step, on cpu and wasm.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tf, ready, embedding, embeddingBag, Embedding } from "@embedlab/core";

const TOL = Number(process.env.PARITY_TOL ?? 1e-6);
const fixtures = (name: string) => JSON.parse(readFileSync(join(__dirname, "../../fixtures/layers", `${name}.json`), "utf8")).cases;
const normType = (p: number | string) => (p === "inf" ? Infinity : (p as number));

/** Largest |a - b| over two nested arrays of the same shape (fails on shape mismatch). */
function maxDiff(actual: unknown, expected: unknown): number {
  const a = (actual as number[]).flat(Infinity as 1) as number[];
  const e = (expected as number[]).flat(Infinity as 1) as number[];
  expect(a.length).toBe(e.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - e[i]));
  return m;
}

/** Runs forward inside variableGrads on `sum(out * G)`, then one SGD step. */
function step(weight: tf.Variable, forward: () => tf.Tensor, upstream: number[], lr: number, extra: tf.Variable[] = []) {
  let output: number[] = [];
  const { grads, value } = tf.variableGrads(() => {
    const out = forward();
    output = out.arraySync() as number[];
    return tf.sum(tf.mul(out, tf.tensor(upstream)));
  }, [weight, ...extra]);
  value.dispose();
  const weightAfterForward = weight.arraySync();
  const grad = grads[weight.name].arraySync();
  const extraGrads = extra.map((v) => grads[v.name].arraySync());
  const opt = tf.train.sgd(lr);
  opt.applyGradients({ [weight.name]: grads[weight.name] });
  opt.dispose();
  for (const g of Object.values(grads)) g.dispose();
  return { output, weightAfterForward, grad, extraGrads, weightAfterStep: weight.arraySync() };
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`PyTorch parity on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    for (const c of fixtures("embedding")) {
      it(`embedding(${c.name}) matches nn.Embedding: output, renormed weight, gradient, SGD step`, () => {
        const before = tf.memory().numTensors;
        const layer = embedding({
          numEmbeddings: c.numEmbeddings,
          embeddingDim: c.embeddingDim,
          paddingIdx: c.paddingIdx,
          maxNorm: c.maxNorm,
          normType: normType(c.normType),
          scaleGradByFreq: c.scaleGradByFreq,
        });
        const w = tf.tensor2d(c.weight);
        layer.setWeights([w]); // shares storage with w: maxNorm must copy before writing
        const ids = tf.tensor(c.indices, undefined, "int32");
        const r = step(layer.weight, () => layer.apply(ids) as tf.Tensor, c.upstream, c.lr);
        expect(maxDiff(r.output, c.output)).toBeLessThanOrEqual(TOL);
        expect(maxDiff(r.weightAfterForward, c.weightAfterForward)).toBeLessThanOrEqual(TOL);
        expect(maxDiff(r.grad, c.grad)).toBeLessThanOrEqual(TOL);
        expect(maxDiff(r.weightAfterStep, c.weightAfterStep)).toBeLessThanOrEqual(TOL);
        // the tensor given to setWeights is never changed by maxNorm
        expect(w.arraySync()).toEqual(c.weight.map((row: number[]) => row.map((x) => Math.fround(x))));
        w.dispose();
        ids.dispose();
        layer.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    for (const c of fixtures("embeddingBag")) {
      it(`embeddingBag(${c.name}) matches nn.EmbeddingBag`, () => {
        const before = tf.memory().numTensors;
        const layer = embeddingBag({
          numEmbeddings: c.numEmbeddings,
          embeddingDim: c.embeddingDim,
          mode: c.mode,
          paddingIdx: c.paddingIdx,
          maxNorm: c.maxNorm,
          normType: normType(c.normType),
          scaleGradByFreq: c.scaleGradByFreq,
          includeLastOffset: c.includeLastOffset,
        });
        const w = tf.tensor2d(c.weight);
        layer.setWeights([w]);
        w.dispose();
        const ids = tf.tensor(c.indices, undefined, "int32");
        const offsets = c.offsets ? tf.tensor1d(c.offsets, "int32") : null;
        const pswValue = c.perSampleWeights ? tf.tensor(c.perSampleWeights) : null;
        const psw = pswValue ? tf.variable(pswValue) : null;
        const inputs = [ids, ...(offsets ? [offsets] : []), ...(psw ? [psw] : [])];
        const r = step(layer.weight, () => layer.apply(inputs.length === 1 ? ids : inputs) as tf.Tensor, c.upstream, c.lr, psw ? [psw] : []);
        expect(maxDiff(r.output, c.output)).toBeLessThanOrEqual(TOL);
        expect(maxDiff(r.weightAfterForward, c.weightAfterForward)).toBeLessThanOrEqual(TOL);
        expect(maxDiff(r.grad, c.grad)).toBeLessThanOrEqual(TOL);
        if (psw) expect(maxDiff(r.extraGrads[0], c.perSampleWeightsGrad)).toBeLessThanOrEqual(TOL);
        expect(maxDiff(r.weightAfterStep, c.weightAfterStep)).toBeLessThanOrEqual(TOL);
        for (const t of inputs) t.dispose();
        pswValue?.dispose();
        layer.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    for (const c of fixtures("fromPretrained")) {
      it(`Embedding.fromPretrained(${c.name}) matches nn.Embedding.from_pretrained`, () => {
        const before = tf.memory().numTensors;
        const layer = Embedding.fromPretrained(c.matrix, { freeze: c.freeze, paddingIdx: c.paddingIdx, maxNorm: c.maxNorm });
        expect(layer.trainable).toBe(c.requiresGrad);
        expect(layer.trainableWeights.length).toBe(c.freeze ? 0 : 1);
        const ids = tf.tensor(c.indices, undefined, "int32");
        if (c.freeze) {
          const out = layer.apply(ids) as tf.Tensor;
          expect(maxDiff(out.arraySync(), c.output)).toBeLessThanOrEqual(TOL);
          out.dispose();
          expect(maxDiff(layer.weight.arraySync(), c.weightAfterStep)).toBeLessThanOrEqual(TOL);
        } else {
          const r = step(layer.weight, () => layer.apply(ids) as tf.Tensor, c.upstream, c.lr);
          expect(maxDiff(r.output, c.output)).toBeLessThanOrEqual(TOL);
          expect(maxDiff(r.weightAfterForward, c.weightAfterForward)).toBeLessThanOrEqual(TOL);
          expect(maxDiff(r.weightAfterStep, c.weightAfterStep)).toBeLessThanOrEqual(TOL);
        }
        ids.dispose();
        layer.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}
