// The kernels that keep a training step short: the seeded dropout kernel (also fused into
// transformerInput's lookup), the f32x4 scatter-add of the lookup's gradient, and attention
// pooling's one-kernel backward. Each gives the numbers of the slower path it replaces.
import { beforeAll, describe, expect, it } from "vitest";
import { tf, ready, seed, nextSeed, mulberry32, transformerInput, sequencePooling, embeddingLookup } from "@embedlab/core";

/** The mask tfjs ops would multiply by: mulberry32(s) draws, 0 below the rate, float32(1/(1-rate)) above. */
function jsMask(n: number, rate: number, s: number): Float32Array {
  const next = mulberry32(s);
  const m = new Float32Array(n);
  for (let i = 0; i < n; i++) m[i] = next() < rate ? 0 : 1 / (1 - rate);
  return m;
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`training kernels on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("transformerInput({ dropout: 0.3 }): the fused kernel's output and gradients are the plain layer's × the seeded mask, bit for bit", () => {
      for (const [dModel, positional] of [[8, "sinusoidal"], [5, "learned"], [8, "none"]] as const) {
        seed(3);
        const plain = transformerInput({ vocabSize: 20, dModel, maxSeqLen: 7, paddingIdx: 0, positional, scale: true });
        const drop = transformerInput({ vocabSize: 20, dModel, maxSeqLen: 7, paddingIdx: 0, positional, scale: true, dropout: 0.3, weights: plain.getWeights() });
        const ids = tf.tensor2d(Array.from({ length: 3 * 7 }, (_, i) => (i * 5) % 20), [3, 7], "int32");
        const G = tf.randomNormal([3, 7, dModel], 0, 1, "float32", 4);
        seed(11);
        const s = nextSeed(); // the seed the layer will draw for its mask
        const mask = tf.tensor(jsMask(3 * 7 * dModel, 0.3, s), [3, 7, dModel]);
        const varsOf = (l: typeof plain) => l.trainableWeights.map((w) => w.read() as tf.Variable);
        const before = tf.memory().numTensors;
        seed(11);
        const fused = tf.variableGrads(() => tf.sum(tf.mul(drop.apply(ids, { training: true }) as tf.Tensor, G)) as tf.Scalar, varsOf(drop));
        const composed = tf.variableGrads(() => tf.sum(tf.mul(tf.mul(plain.apply(ids) as tf.Tensor, mask), G)) as tf.Scalar, varsOf(plain));
        seed(11);
        let out: number[] = [], ref: number[] = [];
        tf.tidy(() => {
          out = Array.from((drop.apply(ids, { training: true }) as tf.Tensor).dataSync());
          ref = Array.from(tf.mul(plain.apply(ids) as tf.Tensor, mask).dataSync());
        });
        expect(out).toEqual(ref);
        expect(out.filter((v) => v === 0).length).toBeGreaterThan(0);
        const fv = varsOf(drop), cv = varsOf(plain);
        expect(fv.length).toBe(positional === "learned" ? 2 : 1);
        fv.forEach((v, i) => expect(Array.from(fused.grads[v.name].dataSync())).toEqual(Array.from(composed.grads[cv[i].name].dataSync())));
        tf.dispose([fused.value, composed.value, ...Object.values(fused.grads), ...Object.values(composed.grads)]);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([ids, G, mask]);
        plain.dispose();
        drop.dispose();
      }
    });

    it("six dropout layers in one step (more masks than wait for a backward pass) each get their own mask in the gradient, bit for bit", () => {
      const dModel = 6; // 2 · 5 · 6 = 60 elements: whole groups of four, and odd shapes elsewhere
      const layers = Array.from({ length: 6 }, (_, k) => transformerInput({ vocabSize: 9, dModel, maxSeqLen: 5, paddingIdx: 0, dropout: 0.1 + 0.1 * k }));
      const ids = tf.tensor2d([[1, 2, 3, 4, 0], [5, 6, 7, 8, 0]], [2, 5], "int32");
      const G = tf.randomNormal([2, 5, dModel], 0, 1, "float32", 5);
      seed(21);
      const seeds = layers.map(() => nextSeed()); // drawn in the order the layers are applied
      const masks = layers.map((l, k) => tf.tensor(jsMask(2 * 5 * dModel, l.dropout, seeds[k]), [2, 5, dModel]));
      const vars = layers.map((l) => l.tokenWeight);
      seed(21);
      const fused = tf.variableGrads(() => tf.addN(layers.map((l) => tf.sum(tf.mul(l.apply(ids, { training: true }) as tf.Tensor, G)))) as tf.Scalar, vars);
      const composed = tf.variableGrads(() => tf.addN(layers.map((l, k) => tf.sum(tf.mul(tf.mul(embeddingLookup(l.tokenWeight, ids, { paddingIdx: 0 }), masks[k]), G)))) as tf.Scalar, vars);
      // the positions are a constant: d/dtable only sees the masked G, row by row
      for (const v of vars) expect(Array.from(fused.grads[v.name].dataSync())).toEqual(Array.from(composed.grads[v.name].dataSync()));
      tf.dispose([fused.value, composed.value, ...Object.values(fused.grads), ...Object.values(composed.grads), ids, G, ...masks]);
      layers.forEach((l) => l.dispose());
    });

    it("transformerInput({ dropout }) outside training and at rate 0 draws no seed and changes nothing", () => {
      const layer = transformerInput({ vocabSize: 10, dModel: 4, maxSeqLen: 3, dropout: 0.5 });
      const ids = tf.tensor2d([[1, 2, 3]], [1, 3], "int32");
      seed(5);
      const a = (layer.apply(ids) as tf.Tensor).dataSync();
      const next = nextSeed();
      seed(5);
      expect(nextSeed()).toBe(next); // inference drew nothing
      const table = layer.tokenWeight.arraySync() as number[][];
      const pe = layer.positionTable!.arraySync() as number[][];
      expect(Array.from(a)).toEqual([1, 2, 3].flatMap((id, t) => table[id].map((v, j) => Math.fround(v + pe[t][j]))));
      tf.dispose(ids);
      layer.dispose();
    });

    it("the lookup's gradient (scatter-add, f32x4 on wasm for D % 4 = 0) equals the scalar loop's sums bit for bit, padding row zero", async () => {
      const ids = [[3, 1, 0, 3, 3], [7, 0, 1, 1, 9]];
      const grads: Record<string, number[]> = {};
      for (const b of ["cpu", "wasm"] as const) {
        await ready({ backend: b, quiet: true });
        const table = tf.variable(tf.randomNormal([10, 8], 0, 1, "float32", 21));
        const idsT = tf.tensor2d(ids, [2, 5], "int32");
        const G = tf.randomNormal([2, 5, 8], 0, 1, "float32", 22);
        const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.mul(embeddingLookup(table, idsT, { paddingIdx: 0 }), G)) as tf.Scalar, [table]);
        grads[b] = Array.from(g[table.name].dataSync());
        // by hand: row 3 gets G[0,0] + G[0,3] + G[0,4], added in that order
        const Gv = G.arraySync() as number[][][];
        const row3 = Gv[0][0].map((v, j) => Math.fround(Math.fround(v + Gv[0][3][j]) + Gv[0][4][j]));
        expect(grads[b].slice(24, 32)).toEqual(row3);
        expect(grads[b].slice(0, 8)).toEqual(new Array(8).fill(0));
        tf.dispose([value, ...Object.values(g), table, idsT, G]);
      }
      expect(grads.wasm).toEqual(grads.cpu);
      await ready({ backend, quiet: true });
    });

    for (const d of [6, 8]) {
      it(`attention pooling (D = ${d}): the one-kernel gradients of the input and the query match central differences`, () => {
        seed(2);
        const pool = sequencePooling({ mode: "attention" });
        const x0 = tf.randomNormal([2, 5, d], 0, 1, "float32", 31);
        const mask = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], [2, 5], "bool");
        const G = tf.randomNormal([2, d], 0, 1, "float32", 32);
        pool.apply(x0, { mask }); // builds the query
        const q = pool.trainableWeights[0].read() as tf.Variable;
        const x = tf.variable(x0);
        const loss = () => tf.sum(tf.mul(pool.apply(x, { mask }) as tf.Tensor, G)) as tf.Scalar;
        const { value, grads } = tf.variableGrads(loss, [x, q]);
        for (const v of [x, q]) {
          const analytic = grads[v.name].dataSync();
          const base = v.dataSync().slice();
          const h = 1e-2;
          let worst = 0;
          for (let i = 0; i < base.length; i += 3) {
            const at = (delta: number) => {
              const p = base.slice();
              p[i] += delta;
              v.assign(tf.tensor(p, v.shape));
              return tf.tidy(() => loss().dataSync()[0]);
            };
            const numeric = (at(h) - at(-h)) / (2 * h);
            worst = Math.max(worst, Math.abs(numeric - analytic[i]) / Math.max(1, Math.abs(numeric)));
          }
          v.assign(tf.tensor(base, v.shape));
          expect(worst).toBeLessThan(5e-3);
        }
        // padded positions get no gradient
        expect(Array.from(grads[x.name].slice([0, 3, 0], [1, 2, d]).dataSync()).every((g) => g === 0)).toBe(true);
        tf.dispose([value, ...Object.values(grads), x0, x, mask, G]);
        pool.dispose();
      });
    }

    it("attentionWeights() and the pooled output come from the same weights: Σ_t w[b, t] x[b, t]", () => {
      seed(4);
      const pool = sequencePooling({ mode: "attention" });
      const x = tf.randomNormal([2, 3, 4], 0, 1, "float32", 41);
      const mask = tf.tensor2d([[1, 0, 1], [0, 0, 0]], [2, 3], "bool");
      const out = pool.apply(x, { mask }) as tf.Tensor;
      const w = pool.attentionWeights(x, mask).arraySync();
      expect(w[0][1]).toBe(0);
      expect(w[0][0] + w[0][2]).toBeCloseTo(1, 6);
      expect(w[1]).toEqual([0, 0, 0]); // fully masked row
      const xv = x.arraySync() as number[][][];
      const o = out.arraySync() as number[][];
      for (let j = 0; j < 4; j++) expect(o[0][j]).toBeCloseTo(w[0][0] * xv[0][0][j] + w[0][2] * xv[0][2][j], 5);
      expect(o[1]).toEqual([0, 0, 0, 0]);
      tf.dispose([x, mask, out]);
      pool.dispose();
    });
  });
}
