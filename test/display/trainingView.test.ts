import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ready, tf } from "@embedlab/core";
import { setDisplayTarget, trainingView, type MimeBundle } from "@embedlab/display";
import { fixture, snapshotOf } from "./helpers";

afterEach(() => setDisplayTarget(undefined));
afterAll(async () => {
  await ready({ backend: "cpu", quiet: true });
});

function capture(): { bundle: MimeBundle; update?: boolean }[] {
  const sent: { bundle: MimeBundle; update?: boolean }[] = [];
  setDisplayTarget({ publish: (bundle, _id, update) => void sent.push({ bundle, update }) });
  return sent;
}

describe("trainingView in a hand-written loop", () => {
  it("records batches and epochs, shows progress with ETA, and ends with a final frame", async () => {
    let now = 1000;
    const sent = capture();
    const tv = trainingView({ epochs: 2, stepsPerEpoch: 3, now: () => now, throttleMs: 0 });
    for (let e = 0; e < 2; e++) {
      for (let b = 0; b < 3; b++) {
        now += 100;
        tv.step({ loss: 1 / (1 + e * 3 + b) });
      }
      tv.epochEnd({ loss: 1 / (1 + e), val_loss: 1.2 / (1 + e) });
      if (e === 0) expect(tv.view().text).toBe("Training: training: epoch 2/2 · batch 0/3 · 3 steps · elapsed 0.2 s · ETA 0.2 s · loss 1 · val_loss 1.2");
    }
    tv.done();
    expect(tv.batches).toHaveLength(6);
    expect(tv.epochs.map((p) => p.step)).toEqual([3, 6]);
    expect(tv.finished).toBe(true);
    const last = sent[sent.length - 1];
    expect(last.update).toBe(true);
    expect(last.bundle["text/plain"]).toBe("Training: done: epoch 2/2 · 6 steps · elapsed 0.5 s · loss 0.5 · val_loss 0.6");
    expect(last.bundle["text/html"]).toContain('<div class="embedlab-progress" title="100%">');
    await expect(snapshotOf(tv.view())).toMatchFileSnapshot(fixture("trainingView"));
    expect(() => tv.step({ loss: 1 })).toThrow(/^TrainingView\.step: training is done/);
  });

  it("stop() sets the flag a loop checks", () => {
    setDisplayTarget(null);
    const tv = trainingView();
    let steps = 0;
    for (let i = 0; i < 100; i++) {
      if (tv.stopped) break;
      tv.step({ loss: 1 });
      steps++;
      if (steps === 7) tv.stop();
    }
    tv.done();
    expect(steps).toBe(7);
    expect(tv.view().text).toMatch(/^Training: stopped: epoch 1 · 7 steps/);
  });

  it("listens for a kernel interrupt (SIGINT) only while training, and stops on it", () => {
    capture();
    const before = process.listenerCount("SIGINT");
    const tv = trainingView({ throttleMs: 0 });
    tv.step({ loss: 1 });
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    const handler = process.listeners("SIGINT").at(-1) as () => void;
    handler(); // what the interrupt does, without signalling the test process
    expect(tv.stopped).toBe(true);
    tv.done();
    expect(process.listenerCount("SIGINT")).toBe(before);
    expect(trainingView({ stopOnInterrupt: false, throttleMs: 0 }).step({ loss: 1 })).toBeUndefined();
    expect(process.listenerCount("SIGINT")).toBe(before);
  });

  it("validates its options", () => {
    expect(() => trainingView({ epochs: 0 })).toThrow(/^trainingView: expected options\.epochs to be an integer >= 1, but got 0$/);
    expect(() => trainingView({ metrics: "loss" } as never)).toThrow(/^trainingView: expected options\.metrics to be an array of log names, but got "loss"$/);
    expect(() => trainingView({ every: 1 } as never)).toThrow(/^trainingView: unknown option "every"; allowed options are /);
  });
});

describe.each(["cpu", "wasm"] as const)("trainingView as a model.fit callback on %s", (backend) => {
  it("follows every batch and epoch, and stop() ends fit early", async () => {
    await ready({ backend, quiet: true });
    const sent = capture();
    const x = tf.tensor2d(Array.from({ length: 16 }, (_, i) => [i / 16, 1 - i / 16]));
    const y = tf.tensor2d(Array.from({ length: 16 }, (_, i) => [i % 2]));
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: "meanSquaredError" });
    const before = tf.memory().numTensors;
    const tv = trainingView({ throttleMs: 0 });
    await model.fit(x, y, { epochs: 3, batchSize: 4, callbacks: [tv], verbose: 0 });
    expect(tv.batches).toHaveLength(12);
    expect(tv.epochs).toHaveLength(3);
    expect(Object.keys(tv.epochs[0].logs)).toEqual(["loss"]);
    expect(tv.view().text).toMatch(/^Training: done: epoch 3\/3 · 12 steps · elapsed [\d.]+ s · loss [\d.]+$/);
    expect(sent.length).toBeGreaterThan(1);

    const stopper = trainingView({ live: false });
    await model.fit(x, y, { epochs: 5, batchSize: 4, verbose: 0, callbacks: [stopper, new tf.CustomCallback({ onBatchEnd: async () => { if (stopper.batches.length === 6) stopper.stop(); } })] });
    expect(stopper.stopped).toBe(true);
    expect(stopper.epochs.length).toBeLessThan(5);
    expect(stopper.batches.length).toBeLessThan(20);
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(0);
    tf.dispose([x, y]);
    model.dispose();
  });
});
