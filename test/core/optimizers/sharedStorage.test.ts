// The fused optimizers update a variable (and its moments) in place. Whatever was taken from it
// before a step — a slice, a dataSync() / data() array, a reshape, a clone, a moment's array — must
// keep its values (tfjs tensors are immutable), while the variable gets exactly the bits it gets
// when nothing was taken. On cpu, dataSync() and a contiguous slice hand out the stored array itself
// (copy-on-write, FusedOptimizer.ts / cpuHome.ts); a reshape or clone shares the storage on both
// backends (copied when its refCount > 1); tfjs-wasm's reads and slices copy.
import { describe, expect, it } from "vitest";
import { tf, ready, seed, adam, adamw, sgd, embedding, embeddingLookup, sequencePooling } from "@embedlab/core";

function lcg(seedValue: number) {
  let x = seedValue >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

const OPTIMIZERS = {
  adam: (sparse: boolean) => adam(0.05, { sparse }),
  adamw: (sparse: boolean) => adamw(0.05, { sparse, weightDecay: 0.1 }),
  sgd: (sparse: boolean) => sgd(0.1, { sparse, momentum: 0.9 }),
} as const;
type Name = keyof typeof OPTIMIZERS;
const KINDS = ["slice", "dataSync", "data", "reshape", "clone", "moment", "all"] as const;
type Kind = (typeof KINDS)[number] | "none";

/**
 * Three steps on a [V, D] table; before the third, takes `kind` from the table (or its first slot).
 * Returns the table's final bits, and what was taken: its bits when taken and now.
 */
async function run(name: Name, sparse: boolean, V: number, D: number, kind: Kind) {
  const before = tf.memory().numTensors;
  const rand = lcg(V + D);
  const init = tf.tensor2d(Float32Array.from({ length: V * D }, () => rand() * 2 - 1), [V, D]);
  const table = tf.variable(init);
  init.dispose();
  const idValues = Int32Array.from({ length: 5 }, () => Math.floor(rand() * V));
  const ids = tf.tensor1d(idValues, "int32");
  const w = tf.tensor2d(Float32Array.from({ length: 5 * D }, () => rand() * 2 - 1), [5, D]);
  const opt = OPTIMIZERS[name](sparse);
  const step = () => opt.minimize(() => tf.sum(tf.mul(embeddingLookup(table, ids), w)) as tf.Scalar, false, [table]);
  step();
  step();
  const taken: { then: number[]; now: () => ArrayLike<number> }[] = [];
  const keep: tf.Tensor[] = [];
  const take = (t: tf.Tensor) => {
    keep.push(t);
    taken.push({ then: bits(t.dataSync()), now: () => t.dataSync() });
  };
  const row = Math.min(idValues[0], V - 2); // a row the steps change (untouched rows keep zero moments)
  if (kind === "slice" || kind === "all") take(tf.slice(table, [row, 0], [2, D])); // contiguous: shares on cpu
  if (kind === "reshape" || kind === "all") take(tf.reshape(table, [V * D]));
  if (kind === "clone" || kind === "all") take(table.clone());
  if (kind === "dataSync" || kind === "all") {
    const a = table.dataSync();
    taken.push({ then: bits(a), now: () => a });
  }
  if (kind === "data" || kind === "all") {
    const a = await table.data();
    taken.push({ then: bits(a), now: () => a });
  }
  let saved: tf.Tensor[] = [];
  if (kind === "moment" || kind === "all") {
    const weights = await opt.getWeights();
    saved = [weights[0].tensor]; // the iterations scalar getWeights makes; the rest are the optimizer's slots
    const a = weights[1].tensor.dataSync();
    taken.push({ then: bits(a), now: () => a });
  }
  step();
  const unchanged = taken.map((t) => bits(t.now()).every((b, i) => b === t.then[i]) && t.then.length > 0);
  const final = bits(table.dataSync());
  opt.dispose();
  tf.dispose([table, ids, w, ...keep, ...saved]);
  expect(tf.memory().numTensors).toBe(before);
  return { final, unchanged };
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`fused optimizers on ${backend} leave what was taken from a variable unchanged`, () => {
    for (const [V, D] of [[16, 4], [4096, 8]] as const) {
      for (const name of Object.keys(OPTIMIZERS) as Name[]) {
        for (const sparse of [false, true]) {
          it(`${name}${sparse ? " (sparse)" : ""} on a [${V}, ${D}] table: ${KINDS.join(", ")}`, async () => {
            await ready({ backend, quiet: true });
            const plain = await run(name, sparse, V, D, "none");
            const unchanged: Record<string, boolean[]> = {};
            const sameUpdate: Record<string, boolean> = {};
            for (const kind of KINDS) {
              const r = await run(name, sparse, V, D, kind);
              unchanged[kind] = r.unchanged;
              sameUpdate[kind] = r.final.length === plain.final.length && r.final.every((b, i) => b === plain.final[i]);
            }
            const expected = Object.fromEntries(KINDS.map((k) => [k, unchanged[k].map(() => true)]));
            expect(unchanged).toEqual(expected); // every array / tensor taken before the step
            expect(Object.values(unchanged).flat().length).toBe(12); // six kinds taking one thing each, and "all" taking all six
            expect(sameUpdate).toEqual(Object.fromEntries(KINDS.map((k) => [k, true]))); // the variable: the plain run's bits
          });
        }
      }
    }
  });
}

/** Two epochs of model.fit on an embedding model; between them, takes the table's dataSync() array and a slice. */
async function fit(sparse: boolean, take: boolean) {
  const start = tf.memory().numTensors;
  seed(3);
  const V = 3000, D = 8; // 24000 elements: on cpu, moved into a private wasm memory with its moments
  const tokens = tf.input({ shape: [4], dtype: "int32" });
  const layer = embedding({ numEmbeddings: V, embeddingDim: D });
  const pooled = sequencePooling({ mode: "mean" }).apply(layer.apply(tokens)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: tokens, outputs: tf.layers.dense({ units: 1 }).apply(pooled) as tf.SymbolicTensor });
  const opt = adam(0.05, { sparse });
  model.compile({ optimizer: opt, loss: "meanSquaredError" });
  const rand = lcg(5);
  const xs = tf.tensor2d(Int32Array.from({ length: 32 * 4 }, () => Math.floor(rand() * V)), [32, 4], "int32");
  const ys = tf.tensor2d(Float32Array.from({ length: 32 }, () => rand()), [32, 1]);
  await model.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
  const before = tf.memory().numTensors;
  const table = layer.getWeights()[0];
  const row = xs.dataSync()[0];
  const slice = take ? tf.slice(table, [row, 0], [1, D]) : null;
  const arr = take ? table.dataSync() : null;
  const then = [slice, arr].map((a) => (a === null ? [] : bits(a instanceof tf.Tensor ? a.dataSync() : a)));
  await model.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
  const unchanged = [slice, arr].map((a, k) => a === null || bits(a instanceof tf.Tensor ? a.dataSync() : a).every((b, i) => b === then[k][i]));
  slice?.dispose();
  expect(tf.memory().numTensors).toBe(before);
  const final = bits(layer.getWeights()[0].dataSync());
  tf.dispose([xs, ys]);
  model.dispose();
  opt.dispose(); // a model disposes only an optimizer it made from a name
  expect(tf.memory().numTensors).toBe(start);
  return { final, unchanged, changed: final.some((b, i) => b !== then[1][i]) };
}

for (const backend of ["cpu", "wasm"] as const) {
  for (const sparse of [false, true]) {
    it(`model.fit with adam(${sparse ? "{ sparse: true }" : ""}) on ${backend}: a slice and a dataSync() array of the embedding table taken between epochs keep their values`, async () => {
      await ready({ backend, quiet: true });
      const plain = await fit(sparse, false);
      const taken = await fit(sparse, true);
      expect(taken.unchanged).toEqual([true, true]);
      expect(taken.changed).toBe(true); // the epoch did move the table
      expect(taken.final).toEqual(plain.final);
    });
  }
}
