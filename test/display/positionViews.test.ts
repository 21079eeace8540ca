import { beforeAll, describe, expect, it } from "vitest";
import { alibiBias, applyRotary, multiHeadAttention, ready, seed, tf } from "@embedlab/core";
import { attentionView, rotaryView } from "@embedlab/display";
import { fixture, snapshotOf } from "./helpers";

beforeAll(async () => {
  await ready({ backend: "cpu", quiet: true });
});

describe("rotaryView()", () => {
  it("rotaryView() draws each pair on the unit circle at p·θᵢ, θᵢ = base^(-2i/D)", () => {
    const v = rotaryView({ headDim: 8, positions: 5, maxDistance: 4 });
    expect(v.figures).toHaveLength(2);
    const circle = v.figures[0].data;
    expect(circle.map((t) => t.name)).toEqual(["pair 0 (θ = 1.00 rad/position)", "pair 1 (θ = 0.100 rad/position)", "pair 2 (θ = 0.0100 rad/position)", "pair 3 (θ = 0.00100 rad/position)"]);
    expect(circle[0].x).toEqual([0, 1, 2, 3, 4].map((p) => Math.round(Math.cos(p) * 1e4) / 1e4));
    expect(circle[1].y).toEqual([0, 1, 2, 3, 4].map((p) => Math.round(Math.sin(p * 0.1) * 1e4) / 1e4));
  });

  it("rotaryView({ q, k }) gives the score applyRotary gives, and with q = k = 1 the sinusoid's dot product", async () => {
    const q = [1, 0, 2, 0.5, 0, 1, -1, 0];
    const k = [0, 1, 1, 0, 1, 0, 0.5, 2];
    const v = rotaryView({ headDim: 8, maxDistance: 6, q, k });
    const [sinusoid, ones, given] = v.figures[1].data as { x: number[]; y: number[] }[];
    expect(ones.y).toEqual(sinusoid.y);
    // the library's rotation: query at position m = 10 + d, key at 10
    const qk = tf.tidy(() => {
      const qs = applyRotary(tf.tensor2d(Array.from({ length: 13 }, () => q)), { startIndex: 4 }); // positions 4 … 16
      const kr = applyRotary(tf.tensor2d([k]), { startIndex: 10 });
      return tf.matMul(qs, kr, false, true).dataSync();
    });
    const at0 = qk[6];
    given.x.forEach((d, i) => expect(given.y[i]).toBeCloseTo(qk[d + 6] / at0, 3));
    expect(given.y[5]).not.toBeCloseTo(given.y[7], 2); // distance -1 and +1 differ: RoPE knows direction
    // PE(m)·PE(n) / (D/2) from the formula
    const pe = (p: number) => [0, 1, 2, 3].flatMap((i) => [Math.sin(p / 10000 ** (i / 4)), Math.cos(p / 10000 ** (i / 4))]);
    sinusoid.x.forEach((d, i) => expect(sinusoid.y[i]).toBeCloseTo(pe(20 + d).reduce((a, x, j) => a + x * pe(20)[j], 0) / 4, 4));
    await expect(snapshotOf(v)).toMatchFileSnapshot(fixture("rotaryView"));
  });

  it("rotaryView() rejects an odd headDim, a pair out of range, q without k and a q of the wrong length", () => {
    expect(() => rotaryView({ headDim: 7 })).toThrow(/^rotaryView: expected options\.headDim to be an even integer \(features rotate in pairs\), but got 7$/);
    expect(() => rotaryView({ headDim: 8, pairs: [4] })).toThrow(/^rotaryView: expected options\.pairs\[0\] to be an integer in \[0, 3\], but got 4$/);
    expect(() => rotaryView({ headDim: 4, q: [1, 2, 3, 4] })).toThrow(/^rotaryView: expected options\.k to be given together with the other \(q and k\), but got undefined$/);
    expect(() => rotaryView({ headDim: 4, q: [1, 2], k: [1, 2, 3, 4] })).toThrow(/^rotaryView: expected options\.q\.length to be headDim 4, but got 2$/);
    expect(() => rotaryView({ dim: 4 } as never)).toThrow(/^rotaryView: unknown option "dim"/);
  });
});

describe("attentionView()", () => {
  it("attentionView(weights, { bias }) draws one heatmap per head and ALiBi's bias beside them", async () => {
    seed(3);
    const layer = multiHeadAttention({ numHeads: 2, headDim: 4, positional: "alibi", causal: true });
    const x = tf.randomNormal([1, 4, 8], 0, 1, "float32", 5);
    const w = layer.attentionWeights(x);
    const bias = alibiBias(2, 4);
    const v = attentionView(w, { tokens: ["a", "b", "c", "d"], bias, title: "ALiBi" });
    expect(v.figures).toHaveLength(2);
    const heads = v.figures[0].data as { z: (number | null)[][]; x: string[]; xaxis: string }[];
    expect(heads.map((t) => t.xaxis)).toEqual(["x", "x2"]);
    expect(heads[0].x).toEqual(["0:a", "1:b", "2:c", "3:d"]);
    const probs = w.arraySync()[0];
    heads.forEach((t, h) => t.z.forEach((row, i) => row.forEach((p, j) => expect(p).toBeCloseTo(probs[h][i][j], 3))));
    expect(heads[1].z[0]).toEqual([1, 0, 0, 0]); // causal: the first query sees only itself
    const b = v.figures[1].data as { z: (number | null)[][] }[];
    expect(b[0].z[1]).toEqual([-0.0625, 0, null, null]); // 2 heads: slopes 2^-4, 2^-8; masked future as gaps
    expect(v.text).toMatch(/bias: range \[-0\.1875, 0\]; per head at distance 1: -0\.0625, -0\.0039/);
    await expect(snapshotOf(v)).toMatchFileSnapshot(fixture("attentionView"));
    tf.dispose([x, w, bias]);
  });

  it("attentionView(weights, { buckets }) draws T5's bucket grid; [H, T, T] arrays work too", () => {
    seed(4);
    const layer = multiHeadAttention({ numHeads: 2, headDim: 4, positional: "t5", numBuckets: 8, maxDistance: 10 });
    const x = tf.randomNormal([2, 6, 8], 0, 1, "float32", 6);
    const w = layer.attentionWeights(x);
    const buckets = layer.buckets(6);
    const v = attentionView(w, { example: 1, buckets, bias: layer.positionalBias(6)! });
    expect(v.figures).toHaveLength(3);
    expect((v.figures[2].data[0] as { z: number[][] }).z).toEqual(buckets.arraySync());
    expect(v.text).toMatch(/^Attention: 2 heads, 6 positions \(example 1 of 2\)/);
    const plain = attentionView(w.arraySync()[1]);
    expect(plain.figures[0].data[0].z).toEqual(v.figures[0].data[0].z);
    tf.dispose([x, w, buckets]);
  });

  it("attentionView() rejects non-square heads, a bias of the wrong shape and a bad example index", () => {
    expect(() => attentionView([[[0.5, 0.5]]])).toThrow(/^attentionView: expected weights to be \[H, T, T\] or \[B, H, T, T\] \(square per head\), but got "shape \[1, 1, 2\]"$/);
    expect(() => attentionView([[[1]]], { bias: [[[0], [0]]] })).toThrow(/^attentionView: expected options\.bias to have shape \[1, 1, 1\] like the weights, but got shape \[1, 2, 1\]$/);
    expect(() => attentionView([[[1]]], { example: 1 })).toThrow(/^attentionView: expected options\.example to be an integer in \[0, 0\], but got 1$/);
    expect(() => attentionView([[1]] as never)).toThrow(/^attentionView: expected weights to be nested arrays of rank 3 or 4, but got "shape \[1, 1\]"$/);
  });
});
