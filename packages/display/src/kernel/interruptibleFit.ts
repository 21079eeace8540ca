/**
 * `model.fit` that a kernel interrupt stops: installed by the embedlab kernel on every
 * `tf.LayersModel` (so on `tf.sequential()` and `tf.model()` too), with or without `trainingView`.
 *
 * After each batch (an optimizer step is atomic, so no update is half-applied) a callback yields to
 * the event loop, so the interrupt can land, and when one is pending sets `model.stopTraining`;
 * tfjs then ends `fit` cleanly (its callbacks' `onTrainEnd` run, its tensors are freed) and the
 * patched `fit` rejects with `InterruptedError "fit: interrupted at epoch e, step s"` (1-based: the
 * last step whose update was applied). The model keeps the weights of the steps that ran.
 */
import { InterruptedError, interruptRequested, tf, throwIfInterrupted, yieldToEventLoop } from "@embedlab/core";

/** The tfjs callback that stops `fit` at the first batch end after an interrupt. */
export class InterruptCallback extends tf.Callback {
  /** The InterruptedError to throw once `fit` has returned, when it was interrupted. */
  error: InterruptedError | undefined;
  private epoch = 0;

  override async onEpochBegin(epoch: number): Promise<void> {
    // no check here: tfjs runs one more batch before it looks at stopTraining again
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number): Promise<void> {
    await this.check(batch + 1);
  }

  private async check(step: number): Promise<void> {
    if (this.error) return;
    await yieldToEventLoop(); // let a pending SIGINT run its handler
    if (!interruptRequested()) return;
    try {
      throwIfInterrupted("fit", `epoch ${this.epoch + 1}, step ${step}`);
    } catch (e) {
      this.error = e as InterruptedError;
    }
    const model = (this as unknown as { model?: { stopTraining: boolean } }).model;
    if (model) model.stopTraining = true;
  }
}

let active = 0;

/** How many patched `fit`/`fitDataset` calls are running now (the kernel waits for them on an interrupt). */
export function activeFits(): number {
  return active;
}

/**
 * The caller's callbacks as callback objects: tfjs takes either callback objects or plain
 * `{ onBatchEnd, ... }` configs, but not both in one list, so configs become `tf.CustomCallback`s.
 */
function asCallbacks(c: unknown, yieldEvery: unknown): unknown[] {
  const list = c === undefined || c === null ? [] : Array.isArray(c) ? [...c] : [c];
  const isCallback = (x: unknown): boolean => x !== null && typeof x === "object" && typeof (x as { setModel?: unknown }).setModel === "function";
  return list.map((x) => (isCallback(x) ? x : new tf.CustomCallback(x as tf.CustomCallbackArgs, yieldEvery as "auto")));
}

let installed = false;

/**
 * Patches `tf.LayersModel.prototype.fit` and `fitDataset` (once): each call gets an
 * {@link InterruptCallback} after the caller's callbacks and rejects with its InterruptedError.
 * Returns false when it was already installed.
 */
export function installInterruptibleFit(): boolean {
  if (installed) return false;
  installed = true;
  const proto = tf.LayersModel.prototype as unknown as Record<"fit" | "fitDataset", (...a: unknown[]) => Promise<unknown>>;
  const wrap = (name: "fit" | "fitDataset", argsIndex: number): void => {
    const original = proto[name];
    proto[name] = async function (this: unknown, ...a: unknown[]): Promise<unknown> {
      const stopper = new InterruptCallback();
      const args = { ...((a[argsIndex] as Record<string, unknown> | undefined) ?? {}) };
      args.callbacks = [...asCallbacks(args.callbacks, args.yieldEvery), stopper];
      const call = [...a];
      while (call.length < argsIndex) call.push(undefined);
      call[argsIndex] = args;
      active++;
      let history: unknown;
      try {
        history = await original.apply(this, call);
      } finally {
        active--;
      }
      if (stopper.error) throw stopper.error;
      return history;
    };
  };
  wrap("fit", 2); // fit(x, y, args)
  wrap("fitDataset", 1); // fitDataset(dataset, args)
  return true;
}
