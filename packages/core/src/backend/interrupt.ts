/**
 * Cooperative interruption: how a kernel interrupt (Jupyter's "interrupt", SIGINT) stops a long
 * computation of ours between two batches or chunks instead of after it has run to the end.
 *
 * A JavaScript loop can't be stopped from outside while it runs; the kernel plugin (display's
 * kernel prelude) calls {@link requestInterrupt} when the interrupt arrives, and every long loop in
 * embedlab (training callbacks, projections, vector loading) calls {@link throwIfInterrupted} at a
 * point where no update is half-applied, after yielding to the event loop so the signal can land.
 * The kernel calls {@link clearInterrupt} before each cell, so a stale request never stops the next one.
 */

/** Thrown by {@link throwIfInterrupted}: the user interrupted the computation named in `message`. */
export class InterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InterruptedError";
  }
}

let pending = false;

/** Asks every embedlab loop to stop at its next check (the kernel plugin calls this on an interrupt). */
export function requestInterrupt(): void {
  pending = true;
}

/** Whether an interrupt is pending (not yet consumed by {@link throwIfInterrupted}). */
export function interruptRequested(): boolean {
  return pending;
}

/** Drops a pending interrupt (called before each cell runs). */
export function clearInterrupt(): void {
  pending = false;
}

/**
 * Throws {@link InterruptedError} `"<what>: interrupted at <where>"` when an interrupt is pending,
 * consuming it; otherwise does nothing. Call it where stopping leaves no half-applied state.
 * @example
 * for (let epoch = 0; epoch < epochs; epoch++) {
 *   await yieldToEventLoop();
 *   throwIfInterrupted("fit", `epoch ${epoch + 1}`);
 * }
 */
export function throwIfInterrupted(what: string, where?: string): void {
  if (!pending) return;
  pending = false;
  throw new InterruptedError(where ? `${what}: interrupted at ${where}` : `${what}: interrupted`);
}

/** Lets pending events (a signal, a kernel message) run before the loop goes on. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
