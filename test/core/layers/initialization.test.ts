import { describe, it, expect, beforeAll, afterEach } from "vitest";
import { tf, ready, seed, embedding, embeddingBag, categoryEmbedding } from "@embedlab/core";

/** First values of embedding({ numEmbeddings: 1000, embeddingDim: 64 }) after seed(42), on every backend. */
let firstOnCpu: number[] | undefined;

function stats(v: ArrayLike<number>): { mean: number; std: number } {
  let s = 0, s2 = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i];
    s2 += v[i] * v[i];
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(s2 / v.length - mean * mean) };
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`table initialisation on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });
    afterEach(() => seed(null));

    it("embedding() under seed(42) gives the same N(0, 1) table on every run and on cpu and wasm alike", () => {
      const before = tf.memory().numTensors;
      seed(42);
      const a = embedding({ numEmbeddings: 1000, embeddingDim: 64 });
      seed(42);
      const b = embedding({ numEmbeddings: 1000, embeddingDim: 64 });
      const va = a.weight.dataSync();
      expect(b.weight.dataSync()).toEqual(va);
      const { mean, std } = stats(va);
      expect(Math.abs(mean)).toBeLessThan(0.02); // 64k values: standard error 0.004
      expect(Math.abs(std - 1)).toBeLessThan(0.02);
      const first = Array.from(va.subarray(0, 3));
      if (firstOnCpu === undefined) firstOnCpu = first;
      else expect(first).toEqual(firstOnCpu);
      a.dispose();
      b.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it("embedding({ paddingIdx }) starts with the padding row at zero and the others random, for positive and negative paddingIdx", () => {
      for (const paddingIdx of [0, 7, -1]) {
        seed(1);
        const layer = embedding({ numEmbeddings: 20, embeddingDim: 16, paddingIdx });
        const w = layer.weight.arraySync();
        const p = paddingIdx < 0 ? 20 + paddingIdx : paddingIdx;
        expect(w[p]).toEqual(new Array(16).fill(0));
        for (let r = 0; r < 20; r++) if (r !== p) expect(w[r].some((x) => x !== 0)).toBe(true);
        layer.dispose();
      }
    });

    it("embeddingBag() and categoryEmbedding() draw seeded N(0, 1) tables the same way; a seed never repeats a table", () => {
      seed(5);
      const bag = embeddingBag({ numEmbeddings: 500, embeddingDim: 32, paddingIdx: 3 });
      seed(5);
      const bag2 = embeddingBag({ numEmbeddings: 500, embeddingDim: 32, paddingIdx: 3 });
      expect(bag2.weight.dataSync()).toEqual(bag.weight.dataSync());
      expect(bag.weight.arraySync()[3]).toEqual(new Array(32).fill(0));
      const s = stats(bag.weight.dataSync());
      expect(Math.abs(s.std - 1)).toBeLessThan(0.03);
      seed(5);
      const cat = categoryEmbedding({ embeddingDim: 8, columns: [{ numCategories: 300 }, { numCategories: 200, embeddingDim: 16 }] });
      const [t0, t1] = cat.weightTables.map((t) => t.dataSync());
      expect(Math.abs(stats(t1).std - 1)).toBeLessThan(0.05);
      expect(t0.subarray(0, 8)).not.toEqual(t1.subarray(0, 8)); // each table gets its own seed
      bag.dispose();
      bag2.dispose();
      cat.dispose();
    });
  });
}
