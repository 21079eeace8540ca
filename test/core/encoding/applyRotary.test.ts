import { beforeAll, describe, expect, it } from "vitest";
import { applyRotary, ready, tf } from "@embedlab/core";
import { BACKENDS, noLeak, throwsClean } from "./helpers";
import { maxAbsDiff, positionsFixture } from "./positionsFixture";

interface Case {
  shape: number[];
  base: number;
  startIndex: number;
  interleaved: boolean;
  x: number[];
  upstream: number[];
  out: number[];
  grad: number[];
}
const { cases } = positionsFixture<{ cases: Case[] }>("rotary.json");

for (const backend of BACKENDS) {
  describe(`applyRotary() on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("applyRotary(x) rotates the halves (i, i + D/2) by p·base^(-2i/D): [1, 0, 0, 0] at p = 1 is [cos 1, 0, sin 1, 0]", () => {
      const x = tf.tensor2d([[1, 0, 0, 0], [1, 0, 0, 0]]); // positions 0 and 1
      noLeak(
        () => applyRotary(x),
        (out) => expect(maxAbsDiff(out.dataSync(), [1, 0, 0, 0, Math.cos(1), 0, Math.sin(1), 0])).toBeLessThan(1e-7),
      );
      x.dispose();
    });

    it("applyRotary(x, { interleaved: true }) rotates neighbours (2i, 2i + 1): [1, 0, 0, 1] at p = 2, D = 4 turns pair 1 by 2·0.01", () => {
      const x = tf.tensor2d([[1, 0, 0, 1]]);
      noLeak(
        () => applyRotary(x, { interleaved: true, startIndex: 2 }),
        (out) => expect(maxAbsDiff(out.dataSync(), [Math.cos(2), Math.sin(2), -Math.sin(0.02), Math.cos(0.02)])).toBeLessThan(1e-7),
      );
      x.dispose();
    });

    it("matches Hugging Face's rotate_half and GPT-J's rotate_every_two (torch, float64): output and gradient within 1e-5", () => {
      for (const c of cases) {
        const before = tf.memory().numTensors;
        const x = tf.tensor(c.x, c.shape);
        const g = tf.tensor(c.upstream, c.shape);
        const opts = { base: c.base, startIndex: c.startIndex, interleaved: c.interleaved };
        const out = applyRotary(x, opts);
        expect(out.shape).toEqual(c.shape);
        expect(maxAbsDiff(out.dataSync(), c.out)).toBeLessThan(1e-5);
        const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(applyRotary(t, opts), g)))(x);
        expect(maxAbsDiff(grad.dataSync(), c.grad)).toBeLessThan(1e-5);
        tf.dispose([x, g, out, grad]);
        expect(tf.memory().numTensors).toBe(before);
      }
    });

    it("keeps every pair's norm, and q·k after rotation depends only on the distance m - n", () => {
      const q = tf.tensor2d([[0.3, -1.2, 0.7, 2.0, -0.5, 0.1]]);
      const k = tf.tensor2d([[1.1, 0.4, -0.9, 0.2, 0.8, -1.5]]);
      const dot = (m: number, n: number) =>
        tf.tidy(() => tf.sum(tf.mul(applyRotary(q, { startIndex: m }), applyRotary(k, { startIndex: n }))).dataSync()[0]);
      expect(dot(7, 3)).toBeCloseTo(dot(104, 100), 4);
      expect(dot(0, 0)).toBeCloseTo(tf.tidy(() => tf.sum(tf.mul(q, k)).dataSync()[0]), 5);
      expect(Math.abs(dot(7, 3) - dot(3, 7))).toBeGreaterThan(1e-3); // direction matters
      const r = applyRotary(q, { startIndex: 50 });
      expect(tf.norm(r).dataSync()[0]).toBeCloseTo(tf.norm(q).dataSync()[0], 5);
      tf.dispose([q, k, r]);
    });

    it("applyRotary() rejects odd D, T = 0, a rank-1 or int tensor and bad options, leaking nothing", () => {
      const odd = tf.zeros([2, 3, 5]);
      const empty = tf.zeros([2, 0, 4]);
      const flat = tf.zeros([4]);
      const ints = tf.zeros([2, 4], "int32");
      const ok = tf.zeros([2, 4]);
      throwsClean(() => applyRotary(odd), RangeError, /^applyRotary: expected x's last dimension D to be even \(features rotate in pairs\), but got shape \[2, 3, 5\]$/);
      throwsClean(() => applyRotary(empty), RangeError, /^applyRotary: expected x to have at least one position and one pair \(T >= 1, D >= 2\), but got shape \[2, 0, 4\]$/);
      throwsClean(() => applyRotary(flat), RangeError, /^applyRotary: expected x to have shape \[\.\.\., T, D\] \(rank >= 2\), but got shape \[4\]$/);
      throwsClean(() => applyRotary(ints), TypeError, /^applyRotary: expected x to be a float32 tensor of shape \[\.\.\., T, D\], but got an int32 tensor of shape \[2, 4\]$/);
      throwsClean(() => applyRotary(ok, { base: 0 }), RangeError, /^applyRotary: expected options\.base to be a number > 0, but got 0$/);
      throwsClean(() => applyRotary(ok, { startIndex: -1 }), RangeError, /^applyRotary: expected options\.startIndex to be an integer >= 0, but got -1$/);
      throwsClean(() => applyRotary(ok, { interleaved: "yes" as never }), TypeError, /^applyRotary: expected options\.interleaved to be a boolean, but got "yes"$/);
      throwsClean(() => applyRotary(ok, { offset: 1 } as never), TypeError, /^applyRotary: unknown option "offset"; allowed options are base, startIndex, interleaved$/);
      tf.dispose([odd, empty, flat, ints, ok]);
    });
  });
}
