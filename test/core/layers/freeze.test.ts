// A frozen layer (trainable: false, fromPretrained's default freeze, toEmbedding's) must stay fixed
// under every way tfjs trains, not only model.fit: a bare optimizer.minimize(f) and
// tf.variableGrads(f) differentiate every registered variable whose own `trainable` is set, so the
// variables must follow the layer (PyTorch: requires_grad = False).
import { describe, it, expect, beforeAll, afterEach, vi } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  tf,
  ready,
  seed,
  embedding,
  embeddingBag,
  Embedding,
  categoryEmbedding,
  transformerInput,
  sequencePooling,
  multiHeadAttention,
  WordVectors,
  saveLayers,
  loadLayers,
} from "@embedlab/core";

/** A layer and a loss through it. `build()` makes the weights of the layers that build lazily. */
interface Case {
  make(trainable: boolean): tf.layers.Layer;
  input(): tf.Tensor;
}

const ids = () => tf.tensor2d([[1, 2, 3], [4, 0, 2]], [2, 3], "int32"); // [B=2, T=3]
const sequence = () => tf.tensor3d(Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7)), [2, 3, 4]); // [B, T, D=4]
const matrix = () => Array.from({ length: 6 }, (_, i) => [Math.cos(i), Math.sin(i) + 1, i / 3]); // [V=6, D=3]
const words = ["a", "b", "c", "d", "e", "f"];

const cases: Record<string, Case> = {
  "embedding({ trainable })": { make: (trainable) => embedding({ numEmbeddings: 6, embeddingDim: 3, trainable }), input: ids },
  "embeddingBag({ trainable })": { make: (trainable) => embeddingBag({ numEmbeddings: 6, embeddingDim: 3, mode: "sum", trainable }), input: ids },
  "Embedding.fromPretrained(m, { freeze })": { make: (trainable) => Embedding.fromPretrained(matrix(), { freeze: !trainable }), input: ids },
  "wv.toEmbedding({ freeze })": { make: (trainable) => new WordVectors(words, matrix()).toEmbedding({ freeze: !trainable }), input: ids },
  "categoryEmbedding({ trainable })": {
    make: (trainable) => categoryEmbedding({ embeddingDim: 2, columns: [{ numCategories: 6 }, { hashBuckets: 8, embeddingDim: 3 }], trainable }),
    input: () => tf.tensor2d([[1, 4], [5, 7]], [2, 2], "int32"),
  },
  "transformerInput({ positional: 'learned', trainable })": {
    make: (trainable) => transformerInput({ vocabSize: 6, dModel: 4, maxSeqLen: 5, positional: "learned", trainable }),
    input: ids,
  },
  "sequencePooling({ mode: 'attention', trainable })": { make: (trainable) => sequencePooling({ mode: "attention", trainable }), input: sequence },
  "multiHeadAttention({ trainable })": { make: (trainable) => multiHeadAttention({ numHeads: 2, headDim: 2, positional: "t5", trainable }), input: sequence },
};

/** The layer's variables (built), a trainable head, and a loss through both. */
function rig(layer: tf.layers.Layer, input: tf.Tensor) {
  (layer.apply(input) as tf.Tensor).dispose(); // builds the lazily built layers (attention, pooling)
  const vars = layer.weights.map((w) => w.read() as tf.Variable);
  const head = tf.tidy(() => tf.variable(tf.scalar(0.5), true));
  // sum((head · layer(x))²): every weight of the layer reaches the loss
  const loss = () => tf.tidy(() => tf.sum(tf.square(tf.mul(layer.apply(input) as tf.Tensor, head))) as tf.Scalar);
  const values = () => vars.map((v) => Array.from(v.dataSync()));
  return { vars, head, loss, values };
}

/**
 * Trainable: the first variable (the table, the first kernel) moved and every variable got a
 * gradient (some may be zero: a key bias cannot change a softmax). Frozen: none moved, only the head
 * got one.
 */
function expectTrained(got: ReturnType<typeof trainBare>, r: ReturnType<typeof rig>, trainable: boolean) {
  expect(got.headMoved).toBe(true);
  if (trainable) expect(got.changed[0]).toBe(true);
  else expect(got.changed).toEqual(r.vars.map(() => false));
  expect(got.graded.sort()).toEqual((trainable ? [r.head, ...r.vars] : [r.head]).map((v) => v.name).sort());
}

/** One bare `sgd.minimize(loss)` and one bare `tf.variableGrads(loss)`: what changed, which variables got a gradient. */
function trainBare(r: ReturnType<typeof rig>) {
  const opt = tf.train.sgd(0.1);
  const before = r.values();
  const headBefore = r.head.dataSync()[0];
  opt.minimize(r.loss);
  opt.dispose();
  const changed = r.values().map((v, i) => v.some((x, j) => x !== before[i][j]));
  const { value, grads } = tf.variableGrads(r.loss);
  const graded = Object.keys(grads);
  tf.dispose([value, ...Object.values(grads)]);
  return { changed, graded, headMoved: r.head.dataSync()[0] !== headBefore };
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`frozen layers under a bare minimize / variableGrads on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    for (const [name, c] of Object.entries(cases)) {
      it(`${name}: frozen, its variables are not trainable and neither minimize(f) nor variableGrads(f) touches them; trainable, both do; nothing leaks`, () => {
        const start = tf.memory().numTensors;
        for (const trainable of [false, true]) {
          seed(3);
          const layer = c.make(trainable);
          const input = c.input();
          const r = rig(layer, input);
          expect(layer.trainable).toBe(trainable);
          expect(r.vars.length).toBeGreaterThan(0);
          expect(r.vars.map((v) => v.trainable)).toEqual(r.vars.map(() => trainable));
          expect(layer.trainableWeights.length).toBe(trainable ? r.vars.length : 0);
          expect(layer.nonTrainableWeights.length).toBe(trainable ? 0 : r.vars.length);
          const before = tf.memory().numTensors;
          expectTrained(trainBare(r), r, trainable);
          expect(tf.memory().numTensors).toBe(before);
          tf.dispose([input, r.head]);
          layer.dispose();
        }
        expect(tf.memory().numTensors).toBe(start);
      });

      it(`${name}: setting layer.trainable after build freezes and unfreezes its variables, both ways`, () => {
        const start = tf.memory().numTensors;
        for (const initial of [true, false]) {
          seed(4);
          const layer = c.make(initial);
          const input = c.input();
          const r = rig(layer, input);
          for (const [i, trainable] of [initial, !initial, initial, !initial].entries()) {
            if (i > 0) layer.trainable = trainable; // the first round checks the state as constructed
            expect(r.vars.map((v) => v.trainable)).toEqual(r.vars.map(() => trainable));
            expect(layer.trainableWeights.length).toBe(trainable ? r.vars.length : 0);
            expectTrained(trainBare(r), r, trainable);
          }
          tf.dispose([input, r.head]);
          layer.dispose();
        }
        expect(tf.memory().numTensors).toBe(start);
      });
    }

    it("embedding({ trainable: false }) named in a varList gets no gradient either (tfjs skips non-trainable variables, as PyTorch's optimizers skip a parameter whose grad is None)", () => {
      seed(5);
      const layer = embedding({ numEmbeddings: 6, embeddingDim: 3, trainable: false });
      const input = ids();
      const r = rig(layer, input);
      const before = tf.memory().numTensors;
      const table = r.values();
      const head = r.head.dataSync()[0];
      const opt = tf.train.sgd(0.1);
      opt.minimize(r.loss, false, [r.head, r.vars[0]]);
      opt.dispose();
      expect(r.values()).toEqual(table);
      expect(r.head.dataSync()[0]).not.toBe(head);
      const { value, grads } = tf.variableGrads(r.loss, [r.head, r.vars[0]]);
      expect(grads[r.vars[0].name]).toBeNull();
      tf.dispose([value, grads[r.head.name]]);
      expect(() => tf.variableGrads(r.loss, [r.vars[0]])).toThrow(/none of the 1 variables is trainable/);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([input, r.head]);
      layer.dispose();
    });

    it("sequencePooling / multiHeadAttention: layer.trainable set before the first call decides how their variables are made", () => {
      for (const make of [() => sequencePooling({ mode: "attention" }), () => multiHeadAttention({ numHeads: 1, headDim: 2 })]) {
        for (const trainable of [false, true]) {
          const layer = make();
          layer.trainable = !trainable;
          layer.trainable = trainable;
          const x = sequence();
          (layer.apply(x) as tf.Tensor).dispose();
          expect(layer.weights.map((w) => (w.read() as tf.Variable).trainable)).toEqual(layer.weights.map(() => trainable));
          x.dispose();
          layer.dispose();
        }
      }
    });

    it("model.fit trains the rest of a model around a frozen table and leaves the table; a saved frozen layer loads frozen", async () => {
      seed(9);
      const tokens = tf.input({ shape: [3], dtype: "int32" });
      const frozen = Embedding.fromPretrained(matrix());
      const h = tf.layers.flatten().apply(frozen.apply(tokens) as tf.SymbolicTensor) as tf.SymbolicTensor;
      const model = tf.model({ inputs: tokens, outputs: tf.layers.dense({ units: 2, activation: "softmax" }).apply(h) as tf.SymbolicTensor });
      model.compile({ optimizer: tf.train.sgd(0.5), loss: "sparseCategoricalCrossentropy" });
      expect(model.trainableWeights.map((w) => w.shape)).toEqual([[9, 2], [2]]);
      const x = ids();
      const y = tf.tensor1d([0, 1]);
      const table = frozen.weight.arraySync();
      const dense = model.layers[3].getWeights()[0].arraySync();
      await model.fit(x, y, { epochs: 2, verbose: 0 });
      expect(frozen.weight.arraySync()).toEqual(table);
      expect(model.layers[3].getWeights()[0].arraySync()).not.toEqual(dense);

      const dir = join(mkdtempSync(join(tmpdir(), "embedlab-freeze-")), "model");
      await saveLayers(model, dir);
      const loaded = await loadLayers(dir);
      const again = loaded.layers[1] as Embedding;
      expect(again.trainable).toBe(false);
      expect(again.weight.trainable).toBe(false);
      expect(loaded.trainableWeights.map((w) => w.shape)).toEqual([[9, 2], [2]]);
      const before = tf.memory().numTensors;
      const opt = tf.train.sgd(0.5);
      const loss = () => tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(y, "int32"), 2), loaded.apply(x) as tf.Tensor) as tf.Scalar);
      opt.minimize(loss); // bare: every trainable variable of every model alive, so both models' heads
      opt.dispose();
      expect(again.weight.arraySync()).toEqual(table);
      expect(frozen.weight.arraySync()).toEqual(table);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y]);
      model.dispose();
      loaded.dispose();
    });
  });
}

describe("a big frozen table under a bare minimize on cpu (the dense-gradient check)", () => {
  beforeAll(async () => {
    await ready({ backend: "cpu", quiet: true });
  });
  afterEach(() => vi.restoreAllMocks());

  /** 20,000 × 1,000 float32 = 76 MiB: above the 64 MiB under which the limit check is skipped. */
  const V = 20_000;
  const D = 1000;
  const big: Record<string, () => tf.layers.Layer> = {
    "embedding({ trainable: false })": () => embedding({ numEmbeddings: V, embeddingDim: D, trainable: false }),
    "embeddingBag({ trainable: false })": () => embeddingBag({ numEmbeddings: V, embeddingDim: D, mode: "sum", trainable: false }),
    "Embedding.fromPretrained(m)": () => Embedding.fromPretrained(new Float32Array(V * D).fill(0.02), { shape: [V, D] }),
    "transformerInput({ trainable: false })": () => transformerInput({ vocabSize: V, dModel: D, maxSeqLen: 4, positional: "none", trainable: false }),
  };

  it.each(Object.keys(big))("%s is not refused: its head trains, the table stays, nothing leaks; unfrozen it is refused", (name) => {
    seed(11);
    const layer = big[name]();
    const table = layer.weights[0].read() as tf.Variable;
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32");
    const head = tf.tidy(() => tf.variable(tf.fill([D, 1], 0.01), true));
    // lookup [2, 3, D] (bag: [2, D]) -> [N, D] x [D, 1] -> [N, 1]
    const loss = () => tf.tidy(() => tf.sum(tf.square(tf.matMul(tf.reshape(layer.apply(x) as tf.Tensor, [-1, D]), head))) as tf.Scalar);
    const rows = () => tf.tidy(() => tf.gather(table, [1, 6]).arraySync());
    const touched = rows();
    const opt = tf.train.sgd(0.1);
    vi.spyOn(process, "constrainedMemory").mockReturnValue(1); // nothing more fits: a [V, D] gradient would be refused
    const before = tf.memory().numTensors;
    const headBefore = head.arraySync();
    opt.minimize(loss);
    expect(head.arraySync()).not.toEqual(headBefore);
    expect(rows()).toEqual(touched);
    const { value, grads } = tf.variableGrads(loss);
    expect(Object.keys(grads)).toEqual([head.name]);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);

    layer.trainable = true; // now the tape differentiates the table, whose gradient can't fit
    expect(() => opt.minimize(loss)).toThrow(/^\w+: expected the dense gradient of the table \[20000, 1000\] .*; freeze the table/);
    expect(rows()).toEqual(touched);
    expect(tf.memory().numTensors).toBe(before);
    vi.restoreAllMocks();
    opt.dispose();
    tf.dispose([x, head]);
    layer.dispose();
  });
});
