import { afterEach, describe, expect, it, vi } from "vitest";
import { availableBackends, backendInfo, ready, seed, tf } from "@embedlab/core";

describe("ready()", () => {
  afterEach(() => {
    delete process.env.EMBEDLAB_BACKEND;
    vi.restoreAllMocks();
  });

  it("ready() picks wasm when @tensorflow/tfjs-node is absent, and says so in one line", async () => {
    expect(availableBackends()).not.toContain("tensorflow");
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const info = await ready({ backend: undefined });
    expect(info.name).toBe("wasm");
    expect(info.source).toBe("auto");
    expect(tf.getBackend()).toBe("wasm");
    expect(info.simd).toBe(true);
    expect(log.mock.calls.length).toBeLessThanOrEqual(1);
    const printed = log.mock.calls.map((c) => String(c[0])).join("\n");
    if (printed) expect(printed).toMatch(/^embedlab: backend wasm .*tfjs-node/);
    tf.tensor([1, 2, 3]).dispose();
    expect(warn.mock.calls.map((c) => String(c[0])).join("\n")).not.toMatch(/Hi, looks like/);
  });

  it("ready({ backend: 'cpu' }) switches and prints no tfjs banner", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const info = await ready({ backend: "cpu" });
    expect(info).toMatchObject({ name: "cpu", source: "argument" });
    tf.tidy(() => tf.tensor([1, 2, 3]).square().dataSync());
    expect(backendInfo().name).toBe("cpu");
    expect(log).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls.map((c) => String(c[0])).join("\n")).not.toMatch(/Hi, looks like/);
  });

  it("EMBEDLAB_BACKEND overrides the automatic choice", async () => {
    process.env.EMBEDLAB_BACKEND = "cpu";
    const info = await ready({ quiet: true });
    expect(info).toMatchObject({ name: "cpu", source: "EMBEDLAB_BACKEND" });
    process.env.EMBEDLAB_BACKEND = "wasm";
    expect(await ready({ quiet: true })).toMatchObject({ name: "wasm", source: "EMBEDLAB_BACKEND" });
  });

  it("an unknown backend name is a TypeError listing the known ones", async () => {
    await expect(ready({ backend: "gpu" as never })).rejects.toThrow(
      /^ready: expected options\.backend to be one of "tensorflow", "wasm", "cpu", but got "gpu"$/,
    );
    process.env.EMBEDLAB_BACKEND = "webgpu";
    await expect(ready()).rejects.toThrow(/^ready: expected EMBEDLAB_BACKEND to be one of .*but got "webgpu"$/);
  });

  it("an unavailable backend is a clear error that says how to get it", async () => {
    const before = tf.getBackend();
    await expect(ready({ backend: "tensorflow" })).rejects.toThrow(
      /ready: backend "tensorflow" is not available: @tensorflow\/tfjs-node is not installed/,
    );
    expect(tf.getBackend()).toBe(before);
  });

  it("an unknown option is rejected", async () => {
    await expect(ready({ backnd: "cpu" } as never)).rejects.toThrow(/^ready: unknown option "backnd"; allowed options are backend, quiet$/);
  });
});

describe("seed()", () => {
  afterEach(() => seed(null));

  it("seed(n) gives identical random tensors twice, on every backend", async () => {
    for (const backend of ["cpu", "wasm"] as const) {
      await ready({ backend, quiet: true });
      seed(7);
      const a = tf.tidy(() => tf.randomNormal([4, 3]).arraySync());
      const b = tf.tidy(() => tf.randomUniform([5]).arraySync());
      seed(7);
      expect(tf.tidy(() => tf.randomNormal([4, 3]).arraySync())).toEqual(a);
      expect(tf.tidy(() => tf.randomUniform([5]).arraySync())).toEqual(b);
      seed(8);
      expect(tf.tidy(() => tf.randomNormal([4, 3]).arraySync())).not.toEqual(a);
    }
  });

  it("seed(n) makes tf.layers initializers deterministic", () => {
    seed(3);
    const w1 = tf.tidy(() => tf.layers.dense({ units: 3, inputShape: [2] }).apply(tf.ones([1, 2])) as tf.Tensor).arraySync();
    seed(3);
    const w2 = tf.tidy(() => tf.layers.dense({ units: 3, inputShape: [2] }).apply(tf.ones([1, 2])) as tf.Tensor).arraySync();
    expect(w2).toEqual(w1);
  });

  it("seed() rejects a non-integer", () => {
    expect(() => seed(1.5)).toThrow(/^seed: expected n to be an integer, but got 1.5$/);
    expect(() => seed(-1)).toThrow(RangeError);
  });
});

describe("ready() after a quiet start", () => {
  it("a quiet ready() (the kernel prelude) leaves the one-line notice to the first loud call, once", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    await ready({ backend: "wasm", quiet: true });
    await ready({ backend: "cpu", quiet: true });
    expect(log).not.toHaveBeenCalled();
    await ready({ backend: "cpu" });
    await ready({ backend: "cpu" });
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0][0])).toMatch(/^embedlab: backend cpu: /);
    vi.restoreAllMocks();
  });
});
