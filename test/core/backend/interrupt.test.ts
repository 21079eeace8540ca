import { afterEach, describe, expect, it } from "vitest";
import { InterruptedError, clearInterrupt, interruptRequested, requestInterrupt, throwIfInterrupted, yieldToEventLoop } from "@embedlab/core";

afterEach(() => clearInterrupt());

describe("cooperative interruption", () => {
  it("throwIfInterrupted does nothing until an interrupt is requested", () => {
    expect(interruptRequested()).toBe(false);
    expect(() => throwIfInterrupted("fit", "epoch 1")).not.toThrow();
  });

  it("throwIfInterrupted(what, where) throws InterruptedError once and consumes the request", () => {
    requestInterrupt();
    expect(interruptRequested()).toBe(true);
    expect(() => throwIfInterrupted("fit", "epoch 3, step 7")).toThrow(new InterruptedError("fit: interrupted at epoch 3, step 7"));
    expect(interruptRequested()).toBe(false);
    expect(() => throwIfInterrupted("fit")).not.toThrow();
  });

  it("clearInterrupt drops a stale request", () => {
    requestInterrupt();
    clearInterrupt();
    expect(() => throwIfInterrupted("tsne")).not.toThrow();
  });

  it("a loop that yields sees an interrupt requested from a timer and stops between chunks", async () => {
    setTimeout(requestInterrupt, 5);
    let chunks = 0;
    const run = async () => {
      for (;;) {
        await yieldToEventLoop();
        throwIfInterrupted("loop", `chunk ${chunks}`);
        chunks++;
        const until = Date.now() + 1;
        while (Date.now() < until); // a chunk of work
      }
    };
    await expect(run()).rejects.toThrow(/^loop: interrupted at chunk \d+$/);
    expect(chunks).toBeGreaterThan(0);
  });
});
