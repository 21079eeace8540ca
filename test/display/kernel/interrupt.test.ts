// A kernel interrupt (Jupyter's "interrupt": SIGINT) stops our computations through the real kernel
// protocol: model.fit with and without trainingView stops after the current batch and the cell fails
// with "fit: interrupted at epoch e, step s"; no update runs after the reported step; the kernel
// stays usable. One kernel for the file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelClient } from "./harness";

let k: KernelClient;
// an interrupted cell prints "started" first: the interrupt comes that many seconds after it
const run = async (code: string, interruptAfter?: number) => k.execute(interruptAfter === undefined ? code : `console.log("started");\n${code}`, { stopOnError: false, interruptAfter });
const value = async (code: string) => {
  const r = await run(code);
  expect(r.stderr).toBe("");
  expect(r.status).toBe("ok");
  return r.stdout.trim();
};

beforeAll(async () => {
  k = await KernelClient.start();
  await value(`import { tf, seed, yieldToEventLoop, throwIfInterrupted } from "@embedlab/core";
import { trainingView } from "@embedlab/display";
seed(1);
const x = tf.randomNormal([2048, 32]);
const y = tf.randomNormal([2048, 1]);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 128, inputShape: [32], activation: "relu" }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: tf.train.sgd(1e-3), loss: "meanSquaredError" });
let steps = 0;
const stepsPerEpoch = 2048 / 32;
let it0 = 0;
const applied = () => (model.optimizer as unknown as { iterations: number }).iterations; // optimizer steps so far`);
}, 180_000);
afterAll(async () => k?.close());

/** Epoch and step of the interrupt message, checked against the steps the user's callback saw. */
async function expectStoppedAt(stderr: string): Promise<void> {
  const m = /^InterruptedError: fit: interrupted at epoch (\d+), step (\d+)\n/.exec(stderr);
  expect(m, stderr).not.toBeNull();
  const [epoch, step] = [Number(m![1]), Number(m![2])];
  const seen = Number(await value("steps"));
  expect(seen).toBe((epoch - 1) * 64 + step); // the message names the last step that ran
  expect(seen).toBeLessThan(100000 * 64); // it did not run to the end (fits are 100,000 epochs: only the interrupt ends them)
  // nothing trains on in the background: a second later no step was added, no update applied
  expect(await value("await new Promise((r) => setTimeout(r, 1000));\n`${steps} ${applied() - it0}`")).toBe(`${seen} ${seen}`);
}

describe("a kernel interrupt", () => {
  it("stops model.fit with trainingView after the current batch: 'fit: interrupted at epoch e, step s'", async () => {
    await value("steps = 0;\nit0 = applied();\nconst tv = trainingView({ throttleMs: 500 });");
    const r = await run("await model.fit(x, y, { epochs: 100000, batchSize: 32, verbose: 0, callbacks: [tv, new tf.CustomCallback({ onBatchEnd: async () => { steps++; } })] });", 2);
    expect(r.status).toBe("error");
    await expectStoppedAt(r.stderr);
    expect(await value("`${tv.stopped} ${tv.finished} ${tv.batches.length === steps}`")).toBe("true true true");
  });

  it("stops model.fit without trainingView (callbacks as a plain { onBatchEnd } object)", async () => {
    await value("steps = 0;\nit0 = applied();");
    const r = await run("await model.fit(x, y, { epochs: 100000, batchSize: 32, verbose: 0, callbacks: { onBatchEnd: async () => { steps++; } } });", 2);
    expect(r.status).toBe("error");
    await expectStoppedAt(r.stderr);
  });

  it("stops model.fitDataset too", async () => {
    await value("steps = 0;\nit0 = applied();\nconst ds = tf.data.zip({ xs: tf.data.array(x.unstack()), ys: tf.data.array(y.unstack()) }).batch(32);");
    const r = await run("await model.fitDataset(ds, { epochs: 100000, verbose: 0, callbacks: [new tf.CustomCallback({ onBatchEnd: async () => { steps++; } })] });", 2);
    expect(r.status).toBe("error");
    await expectStoppedAt(r.stderr);
  });

  it("leaves the kernel usable: the next fit runs to its end, with no leaked tensors", async () => {
    const out = await value(`const [xs, ys] = [x.slice(0, 256), y.slice(0, 256)];
const before = tf.memory().numTensors;
const h = await model.fit(xs, ys, { epochs: 2, batchSize: 64, verbose: 0 });
[h.epoch.length, tf.memory().numTensors - before].join(" ")`);
    expect(out).toBe("2 0");
  });

  it("stops a hand-written loop at trainingView's step(): 'training: interrupted at epoch e, step s'", async () => {
    await value("const tv2 = trainingView({ throttleMs: 500 });"); // a failed cell's declarations are not kept
    // endless: only the interrupt ends it
    const r = await run(`for (let epoch = 0; ; epoch++) {
  for (let b = 0; b < 10; b++) {
    await new Promise((res) => setTimeout(res, 1));
    tv2.step({ loss: 1 / (1 + b) });
  }
  tv2.epochEnd();
}`, 2);
    expect(r.status, JSON.stringify({ ...r, display: r.display.length })).toBe("error");
    const m = /^InterruptedError: training: interrupted at epoch (\d+), step (\d+)\n/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(await value("`${tv2.stopped} ${tv2.finished} ${tv2.batches.length}`")).toBe(`true true ${(Number(m![1]) - 1) * 10 + Number(m![2])}`);
  });

  it("stops one of our loops (yieldToEventLoop + throwIfInterrupted) with its own message", async () => {
    const r = await run(`for (let chunk = 1; ; chunk++) {
  await yieldToEventLoop();
  throwIfInterrupted("loop", \`chunk \${chunk}\`);
}`, 2);
    expect(r.status).toBe("error");
    expect(r.stderr).toMatch(/^InterruptedError: loop: interrupted at chunk \d+\n/);
  });

  it("ends a user's loop that checks nothing the way tslab does, and a stale request never stops the next cell", async () => {
    const r = await run("let n = 0;\nwhile (true) { await new Promise((res) => setTimeout(res, 10)); n++; }", 2);
    expect(r.status).toBe("error");
    expect(r.stderr).toMatch(/Interrupted asynchronously/);
    // the request nobody took was cleared before this cell: its loop runs to the end
    expect(await value(`let chunks = 0;
for (let chunk = 1; chunk <= 200; chunk++) { await yieldToEventLoop(); throwIfInterrupted("loop", \`chunk \${chunk}\`); chunks++; }
chunks`)).toBe("200");
  });
});
