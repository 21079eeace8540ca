/**
 * Long projections are written once, as generators that yield between chunks of work (a few ms
 * each, at a point where no state is half-applied; the yielded string says where). `runSync`
 * drains one; `runAsync` yields to the event loop every ~50 ms between chunks, so a progress bar
 * can be drawn and a kernel interrupt can land, then stops with `InterruptedError` if one did.
 */
import { throwIfInterrupted, yieldToEventLoop } from "../backend/interrupt";

/** A computation in chunks: yields a description of where it is, returns the result. */
export type Steps<T> = Generator<string, T, void>;

/** Runs `steps` to the end without yielding. */
export function runSync<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs `steps`, yielding to the event loop at least every `everyMs` and stopping on an interrupt. */
export async function runAsync<T>(what: string, steps: Steps<T>, everyMs = 50): Promise<T> {
  let last = Date.now();
  await yieldToEventLoop();
  throwIfInterrupted(what, "the start");
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    const now = Date.now();
    if (now - last >= everyMs) {
      await yieldToEventLoop();
      throwIfInterrupted(what, r.value);
      last = Date.now();
    }
  }
}
