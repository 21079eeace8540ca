// Backends without our kernels (tfjs-node's "tensorflow", webgl…) take the portable path: tf.gather
// forward and the same scatter-add on downloaded values. Simulated here with a cpu backend
// registered under another name that has every tfjs cpu kernel but none of ours.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { tf, ready, embeddingLookup, embeddingBagLookup, renormRows, hasFastKernels } from "@embedlab/core";

const NAME = "embedlab-fallback-test";
const OURS = /^Embedlab/;

function run(f: () => tf.Tensor | tf.Tensor[]): number[][] {
  const out = f();
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => Array.from(t.dataSync()));
  tf.dispose(list);
  return values;
}

describe("the portable fallback (a backend without embedlab kernels)", () => {
  const table = () => tf.tensor2d(Array.from({ length: 40 }, (_, i) => Math.sin(i) * 3), [10, 4]);
  const ids = () => tf.tensor2d([[1, 4, 4], [9, 0, 4]], [2, 3], "int32");
  const cases: Record<string, () => tf.Tensor | tf.Tensor[]> = {
    lookup: () => tf.tidy(() => embeddingLookup(table(), ids())),
    lookupGrad: () => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.square(embeddingLookup(t, ids(), { paddingIdx: 9, scaleGradByFreq: true }))))(table())),
    bagMax: () => tf.tidy(() => embeddingBagLookup(table(), ids(), { mode: "max" })),
    bagMeanGrad: () => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.square(embeddingBagLookup(t, ids(), { mode: "mean", paddingIdx: 0 }))))(table())),
    bagWeightedGrads: () =>
      tf.tidy(() => tf.grads((t: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(embeddingBagLookup(t, ids(), { mode: "sum", perSampleWeights: w }))))([table(), tf.tensor2d([[1, 2, 3], [-1, 0.5, 2]])])),
    renorm: () => {
      const t = table();
      const v = tf.variable(t);
      const i = ids();
      renormRows(v, i, { maxNorm: 2, normType: 3 });
      const out = v.clone();
      tf.dispose([t, v, i]);
      return out;
    },
  };
  const expected: Record<string, number[][]> = {};

  beforeAll(async () => {
    await ready({ backend: "cpu", quiet: true });
    for (const [k, f] of Object.entries(cases)) expected[k] = run(f);
    const cpu = tf.findBackend("cpu") as tf.KernelBackend;
    const Ctor = cpu.constructor as new () => tf.KernelBackend;
    tf.registerBackend(NAME, () => new Ctor());
    for (const k of tf.getKernelsForBackend("cpu")) if (!OURS.test(k.kernelName)) tf.registerKernel({ ...k, backendName: NAME });
    await tf.setBackend(NAME);
  });

  afterAll(async () => {
    await ready({ backend: "cpu", quiet: true });
    tf.removeBackend(NAME);
  });

  it("has no fast kernels there", () => {
    expect(hasFastKernels()).toBe(false);
  });

  for (const name of ["lookup", "lookupGrad", "bagMax", "bagMeanGrad", "bagWeightedGrads", "renorm"]) {
    it(`${name} gives the same values as the cpu kernels and leaks nothing`, () => {
      const before = tf.memory().numTensors;
      const got = run(cases[name]);
      expect(got).toEqual(expected[name]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
