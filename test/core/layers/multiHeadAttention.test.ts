// multiHeadAttention: parity with a torch.nn.functional reference (fixtures made by
// test/fixtures/make_position_fixtures.py), masks, training with model.fit and serialization, on cpu and wasm.
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLayers, multiHeadAttention, ready, saveLayers, seed, sequencePooling, tf, transformerInput, type MultiHeadAttention } from "@embedlab/core";

interface Case {
  name: string;
  positional: "none" | "rope" | "alibi" | "t5";
  causal: boolean;
  numHeads: number;
  headDim: number;
  options: { interleaved?: boolean; numBuckets?: number; maxDistance?: number };
  shape: [number, number, number];
  x: number[];
  mask: number[] | null;
  weights: { name: string; shape: number[]; values: number[] }[];
  upstream: number[];
  out: number[];
  gradX: number[];
  gradWeights: number[][];
}
const { cases } = JSON.parse(readFileSync(join(__dirname, "../../fixtures/positions/attention.json"), "utf8")) as { cases: Case[] };

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`multiHeadAttention() on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    for (const c of cases) {
      it(`multiHeadAttention(${c.name}) matches the torch.nn.functional reference: output, input and weight gradients within 1e-5`, () => {
        const before = tf.memory().numTensors;
        const layer = multiHeadAttention({ numHeads: c.numHeads, headDim: c.headDim, positional: c.positional, causal: c.causal, ...c.options });
        const x0 = tf.tensor3d(c.x, c.shape);
        const x = tf.variable(x0);
        x0.dispose();
        const mask = c.mask ? tf.tensor2d(c.mask, [c.shape[0], c.shape[1]], "bool") : null;
        layer.build(c.shape);
        expect(layer.weights.map((w) => w.originalName.split("/").slice(-2).join("/").replace(/^.*?(relative_attention_bias)$/, "$1"))).toEqual(c.weights.map((w) => w.name));
        const given = c.weights.map((w) => tf.tensor(w.values, w.shape));
        layer.setWeights(given);
        tf.dispose(given);
        const g = tf.tensor3d(c.upstream, c.shape);
        let out: number[] = [];
        const vars = [x, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
        const { value, grads } = tf.variableGrads(() => {
          const y = layer.apply(x, mask ? { mask } : {}) as tf.Tensor;
          out = Array.from(y.dataSync());
          return tf.sum(tf.mul(y, g));
        }, vars);
        expect(maxDiff(out, c.out)).toBeLessThan(1e-5);
        expect(maxDiff(grads[x.name].dataSync(), c.gradX)).toBeLessThan(1e-5);
        vars.slice(1).forEach((v, i) => expect(maxDiff(grads[v.name].dataSync(), c.gradWeights[i]), c.weights[i].name).toBeLessThan(1e-5));
        tf.dispose([value, g, x, ...Object.values(grads), ...(mask ? [mask] : [])]);
        layer.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it("multiHeadAttention() gives padded keys no weight, and a causal layer none to later keys", () => {
      seed(7);
      const x = tf.randomNormal([1, 5, 8], 0, 1, "float32", 1);
      const mask = tf.tensor2d([[1, 1, 1, 0, 0]], [1, 5], "bool");
      for (const positional of ["none", "rope", "alibi", "t5"] as const) {
        const layer = multiHeadAttention({ numHeads: 2, headDim: 4, positional });
        const w = layer.attentionWeights(x, mask).arraySync()[0];
        for (const head of w) for (const row of head) {
          expect(row[3] + row[4]).toBe(0);
          expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
        }
        const causal = multiHeadAttention({ numHeads: 2, headDim: 4, positional, causal: true });
        const wc = causal.attentionWeights(x).arraySync()[0];
        for (const head of wc) head.forEach((row, i) => row.forEach((v, j) => (j > i ? expect(v).toBe(0) : undefined)));
        // changing a later token cannot change an earlier output
        const y1 = (causal.apply(x) as tf.Tensor).arraySync() as number[][][];
        const x2 = tf.concat([tf.slice(x, [0, 0, 0], [1, 4, 8]), tf.onesLike(tf.slice(x, [0, 4, 0], [1, 1, 8]))], 1);
        const y2 = (causal.apply(x2) as tf.Tensor).arraySync() as number[][][];
        for (let t = 0; t < 4; t++) for (let d = 0; d < 8; d++) expect(y2[0][t][d]).toBeCloseTo(y1[0][t][d], 5);
        expect(Math.abs(y2[0][4][0] - y1[0][4][0])).toBeGreaterThan(0);
        x2.dispose();
        layer.dispose();
        causal.dispose();
      }
      tf.dispose([x, mask]);
    });

    it("multiHeadAttention positionalBias(T): ALiBi's -m_h·|i - j| and T5's learned bias of bucket(j - i)", () => {
      seed(2);
      const alibi = multiHeadAttention({ numHeads: 2, headDim: 4, positional: "alibi" });
      expect(alibi.positionalBias(3)!.arraySync()).toEqual([[[0, -0.0625, -0.125], [-0.0625, 0, -0.0625], [-0.125, -0.0625, 0]], [[0, -0.00390625, -0.0078125], [-0.00390625, 0, -0.00390625], [-0.0078125, -0.00390625, 0]]]);
      const t5 = multiHeadAttention({ numHeads: 2, headDim: 4, positional: "t5", numBuckets: 8, maxDistance: 16 });
      t5.build([null, 4, 8]);
      const table = t5.getWeights().at(-1)!.arraySync() as number[][]; // [8, 2]
      const buckets = t5.buckets(4).arraySync();
      const bias = t5.positionalBias(4)!.arraySync();
      for (let h = 0; h < 2; h++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(bias[h][i][j]).toBeCloseTo(table[buckets[i][j]][h], 6);
      expect(multiHeadAttention({ numHeads: 2, headDim: 4, positional: "rope" }).positionalBias(4)).toBeNull();
    });

    for (const positional of ["none", "rope", "alibi", "t5"] as const) {
      it(`multiHeadAttention({ positional: "${positional}" }) trains with model.fit on a masked batch, leaks nothing, and round-trips saveLayers/loadLayers`, async () => {
        seed(11);
        const tokens = tf.input({ shape: [8], dtype: "int32" });
        const h = transformerInput({ vocabSize: 12, dModel: 8, maxSeqLen: 8, paddingIdx: 0, positional: "none" }).apply(tokens) as tf.SymbolicTensor;
        const a = multiHeadAttention({ numHeads: 2, headDim: 4, positional, dropout: 0.1, causal: positional === "alibi" }).apply(h) as tf.SymbolicTensor;
        // (no residual here: tfjs 4.22's merge layers return the mask with an extra leading axis)
        const pooled = sequencePooling({ mode: "max" }).apply(a) as tf.SymbolicTensor;
        const out = tf.layers.dense({ units: 1, activation: "sigmoid" }).apply(pooled) as tf.SymbolicTensor;
        const model = tf.model({ inputs: tokens, outputs: out });
        model.compile({ optimizer: tf.train.adam(0.03), loss: "binaryCrossentropy" });
        // class 1 iff token 3 comes right before token 4 somewhere (an order-dependent label); padding at the end
        const r = seedRows(64);
        const xs = tf.tensor2d(r.rows, [64, 8], "int32");
        const ys = tf.tensor2d(r.labels, [64, 1]);
        const first = await model.fit(xs, ys, { epochs: 1, batchSize: 16, verbose: 0, shuffle: false });
        const before = tf.memory().numTensors; // after Adam made its slot variables
        const hist = await model.fit(xs, ys, { epochs: 12, batchSize: 16, verbose: 0, shuffle: false });
        expect(tf.memory().numTensors).toBe(before);
        const loss = hist.history.loss as number[];
        expect(loss[loss.length - 1]).toBeLessThan(first.history.loss[0] as number);
        const dir = join(mkdtempSync(join(tmpdir(), "embedlab-mha-")), "model");
        await saveLayers(model, dir);
        const back = await loadLayers(dir);
        const layer = back.layers.find((l) => l.getClassName() === "EmbedlabMultiHeadAttention") as MultiHeadAttention;
        expect([layer.positional, layer.numHeads, layer.headDim, layer.causal, layer.dropout]).toEqual([positional, 2, 4, positional === "alibi", 0.1]);
        const [p1, p2] = [model.predict(xs) as tf.Tensor, back.predict(xs) as tf.Tensor];
        expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
        tf.dispose([xs, ys, p1, p2]);
        model.dispose();
        back.dispose();
      });
    }

    it("multiHeadAttention() rejects bad options, inputs and masks with the house messages, leaking nothing", () => {
      expect(() => multiHeadAttention({ numHeads: 0, headDim: 4 })).toThrow(/^multiHeadAttention: expected numHeads to be an integer >= 1, but got 0$/);
      expect(() => multiHeadAttention({ numHeads: 2, headDim: 3, positional: "rope" })).toThrow(/^multiHeadAttention: expected headDim to be even with positional "rope" \(features rotate in pairs\), but got 3$/);
      expect(() => multiHeadAttention({ numHeads: 2, headDim: 4, positional: "rotary" as never })).toThrow(/^multiHeadAttention: expected positional to be one of "none", "rope", "alibi", "t5", but got "rotary"$/);
      expect(() => multiHeadAttention({ numHeads: 2, headDim: 4, dropout: 1 })).toThrow(/^multiHeadAttention: expected dropout to be a rate in \[0, 1\), but got 1$/);
      expect(() => multiHeadAttention({ numHeads: 2, headDim: 4, positional: "t5", numBuckets: 32, maxDistance: 4 })).toThrow(/^relativePositionBucket: expected options\.maxDistance to be an integer >= 9, but got 4$/);
      expect(() => multiHeadAttention({ numHeads: 2, headDim: 4, heads: 2 } as never)).toThrow(/^multiHeadAttention: unknown option "heads"/);
      const layer = multiHeadAttention({ numHeads: 2, headDim: 4 });
      const x = tf.zeros([2, 3, 8]);
      const ints = tf.zeros([2, 3, 8], "int32");
      const flat = tf.zeros([2, 8]);
      const badMask = tf.ones([2, 4], "bool");
      const before = tf.memory().numTensors;
      tf.dispose(layer.apply(x) as tf.Tensor);
      expect(() => layer.apply(ints)).toThrow(/^multiHeadAttention: expected input to be a float32 \[batch, seqLen, dModel\] tensor, but got an int32 tensor of shape \[2, 3, 8\]$/);
      expect(() => layer.apply(tf.zeros([2, 3, 6]))).toThrow(/^multiHeadAttention: expected the input's last dimension to be dModel 8, but got input of shape \[2, 3, 6\]$/);
      expect(() => layer.apply(x, { mask: badMask })).toThrow(/^multiHeadAttention: expected mask to be a \[2, 3\] tensor \(true = real token\), but got a bool tensor of shape \[2, 4\]$/);
      expect(() => multiHeadAttention({ numHeads: 2, headDim: 4 }).apply(flat)).toThrow(/^multiHeadAttention: expected input shape to be \[batch, seqLen, dModel\] with a known dModel, but got \[2, 8\]$/);
      expect(tf.memory().numTensors).toBe(before + 8 + 1); // the weights built on the first apply; the [2, 3, 6] input made for the error
      tf.dispose([x, ints, flat, badMask]);
    });
  });
}

/** Seeded token rows of length 8 (ids 1..5, padding 0 at the end) and whether "3 then 4" occurs. */
function seedRows(n: number): { rows: number[][]; labels: number[][] } {
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const rows: number[][] = [];
  const labels: number[][] = [];
  for (let i = 0; i < n; i++) {
    const len = 5 + Math.floor(rand() * 4);
    const row = Array.from({ length: 8 }, (_, t) => (t < len ? 1 + Math.floor(rand() * 5) : 0));
    const yes = row.some((v, t) => v === 3 && row[t + 1] === 4);
    rows.push(row);
    labels.push([yes ? 1 : 0]);
  }
  return { rows, labels };
}
