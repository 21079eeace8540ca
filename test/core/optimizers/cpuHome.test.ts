// Fused Adam on the cpu backend with a large variable (moved with its moments into a private wasm
// memory, updated in place there): the same bits as the wasm backend's in-place update, through
// dense and lazy steps, a variable.assign, setWeights and a second optimizer on the same variable.
import { describe, expect, it } from "vitest";
import { tf, ready, adam, adamw, embeddingLookup } from "@embedlab/core";

/** Deterministic pseudo-random numbers (no Math.random: tests are seeded). */
function lcg(seedValue: number) {
  let x = seedValue >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const V = 4096;
const D = 8; // 32768 elements: above the size that moves into a wasm memory on cpu
const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

/** Steps of several optimizers on one [V, D] table; everything observable, as bits. */
async function run(backend: "cpu" | "wasm", sparse: boolean) {
  await ready({ backend, quiet: true });
  const before = tf.memory().numTensors;
  const rand = lcg(sparse ? 7 : 8);
  const init = tf.tensor2d(Float32Array.from({ length: V * D }, () => rand() * 2 - 1), [V, D]);
  const table = tf.variable(init);
  init.dispose(); // the table owns its storage: updated in place from the first step
  const ids = [0, 1, 2].map((k) => tf.tensor1d(Int32Array.from({ length: 300 }, () => Math.floor(rand() * V)), "int32"));
  const weights = [0, 1, 2].map(() => tf.tensor2d(Float32Array.from({ length: 300 * D }, () => rand() * 2 - 1), [300, D]));
  const loss = (k: number) => () => tf.sum(tf.mul(embeddingLookup(table, ids[k]), weights[k])) as tf.Scalar;
  const seen: number[][] = [];
  const opt = adam(0.01, { sparse });
  opt.minimize(loss(0), false, [table]);
  opt.minimize(loss(1), false, [table]);
  seen.push(bits(table));
  // new storage for the variable: the next step starts from it
  const half = tf.mul(table, 0.5);
  table.assign(half);
  half.dispose();
  opt.minimize(loss(2), false, [table]);
  seen.push(bits(table));
  const saved = await opt.getWeights();
  for (const w of saved.slice(1)) seen.push(bits(w.tensor));
  // a second optimizer restored from the first one's weights, on the same variable
  const restored = adamw(0.02, { weightDecay: 0.1, sparse });
  await restored.setWeights(saved);
  restored.minimize(loss(0), false, [table]);
  opt.minimize(loss(1), false, [table]); // and the first one again
  seen.push(bits(table));
  opt.dispose();
  restored.dispose();
  tf.dispose([table, ...ids, ...weights, saved[0].tensor]); // saved[0]: the iterations scalar getWeights made
  expect(tf.memory().numTensors).toBe(before);
  return seen;
}

describe("fused Adam on cpu with a large variable", () => {
  for (const sparse of [false, true]) {
    it(`adam(${sparse ? "{ sparse: true }" : ""}) / adamw on a [${V}, ${D}] table give the wasm backend's bits, through assign, setWeights and two optimizers`, async () => {
      const wasm = await run("wasm", sparse);
      const cpu = await run("cpu", sparse);
      expect(cpu.length).toBe(wasm.length);
      cpu.forEach((b, k) => expect(b, `observation ${k}`).toEqual(wasm[k]));
      expect(cpu[0]).not.toEqual(cpu[1]); // it moved
    });
  }

  it("after an update on cpu, the variable reads, clones and saves like any tensor", async () => {
    await ready({ backend: "cpu", quiet: true });
    const table = tf.variable(tf.zeros([V, D]));
    const grad = tf.fill([V, D], 2);
    const opt = adam(0.5);
    opt.applyGradients({ [table.name]: grad });
    const first = table.dataSync()[0];
    // the update ran where the variable now lives: one memory with the table, gradient and moments
    expect(table.dataSync().buffer.byteLength).toBeGreaterThanOrEqual(4 * V * D * 4);
    expect(first).toBeCloseTo(-0.5, 6); // Adam's first step is -lr·sign(g)
    const copy = table.clone();
    opt.applyGradients({ [table.name]: grad });
    expect(copy.dataSync()[0]).toBe(first); // the clone was given its own values before the in-place step
    expect(table.dataSync()[0]).toBeCloseTo(-1, 5);
    const [m] = (await opt.getWeights()).slice(1).map((w) => w.tensor);
    const { data } = await tf.io.encodeWeights([{ name: "m", tensor: m }]);
    expect(new Float32Array(data)[0]).toBeCloseTo(0.38, 6); // m = 0.9·(0.1·2) + 0.1·2, read through a view
    expect(data.byteLength).toBe(V * D * 4);
    opt.dispose();
    tf.dispose([table, grad, copy]);
  });
});
