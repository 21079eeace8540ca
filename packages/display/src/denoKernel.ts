/**
 * Deno's Jupyter kernel (`deno jupyter`): where bundles go and how an interrupt reaches our loops.
 *
 * - Publishing: `Deno.jupyter.broadcast("display_data" | "update_display_data", …)` sends the full
 *   MIME bundle (plotly JSON, HTML, text) on the kernel's IOPub channel, display ids included.
 * - Interrupts: Jupyter interrupts a kernel whose kernelspec names no `interrupt_mode` (the one
 *   `deno jupyter --install` writes) with SIGINT, and Deno 2.9's kernel dies of it. A SIGINT
 *   listener keeps the kernel alive and turns the signal into core's `requestInterrupt()`, so an
 *   embedlab loop stops at its next check. Deno has no hook at the start of a cell (tslab's kernel
 *   clears the request there), so a request nothing took is dropped after {@link STALE_INTERRUPT_MS}.
 * - `require`: tslab's cells are CommonJS and have it, Deno's are ES modules and don't; the
 *   walkthroughs `require()` data packages, so a `require` resolving from the kernel's directory is
 *   made global (only where none exists).
 * - A tensor as a cell's last value renders as its `tensorView` table (Deno asks values for
 *   `Symbol.for("Jupyter.display")`; tslab's kernel gets the same from `installRichDisplay`).
 *   initNotebook.ts installs it, with plotly.js (this file can't import the views: they import target.ts).
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import { clearInterrupt, requestInterrupt, tf } from "@embedlab/core";
import type { DisplayTarget, MimeBundle } from "./target";
import { installInterruptibleFit } from "./kernel/interruptibleFit";

interface DenoJupyter {
  /** Sends one IOPub message (Deno 2.9 sends it synchronously and returns nothing; older ones return a promise). */
  broadcast(msgType: string, content: Record<string, unknown>, extra?: { metadata?: object; buffers?: unknown[] }): Promise<void> | void;
}
interface DenoNamespace {
  jupyter?: DenoJupyter;
  addSignalListener?(signal: "SIGINT", handler: () => void): void;
  removeSignalListener?(signal: "SIGINT", handler: () => void): void;
  cwd?(): string;
}

/**
 * How long (ms) to let Deno's kernel send a large output before the cell may end. Deno 2.9.6 sends
 * a cell's outputs from a queue and its "idle" status directly, so "idle" can overtake them; with
 * the 4.8 MB plotly.js bundle it did in most cells, 100 ms later it never did (measured here).
 */
export const DENO_FLUSH_MS = 300;

/** How long (ms) a kernel interrupt that no embedlab loop took stays pending under Deno. */
export const STALE_INTERRUPT_MS = 5000;

/**
 * `Deno.jupyter` when this code runs in Deno's Jupyter kernel, else `null` (Node, tslab, `deno run`:
 * there the getter throws "Deno.jupyter is only available in `deno jupyter` subcommand").
 */
export function denoJupyter(): DenoJupyter | null {
  const deno = (globalThis as { Deno?: DenoNamespace }).Deno;
  if (!deno || typeof deno !== "object") return null;
  try {
    const j = deno.jupyter;
    return j && typeof j.broadcast === "function" ? j : null;
  } catch {
    return null;
  }
}

/** The target that publishes through `Deno.jupyter.broadcast` (IOPub `display_data` / `update_display_data`). */
export const denoTarget: DisplayTarget = {
  publish(bundle: MimeBundle, displayId?: string, update = false) {
    const jupyter = denoJupyter();
    if (!jupyter) return;
    const content = { data: bundle, metadata: {}, transient: displayId ? { display_id: displayId } : {} };
    const failed = (e: unknown) => console.error(`embedlab: Deno.jupyter.broadcast failed: ${e instanceof Error ? e.message : String(e)}`);
    try {
      // Queued at once, in call order; where a promise comes back it only says the message went out.
      const sent = jupyter.broadcast(update ? "update_display_data" : "display_data", content);
      if (sent && typeof sent.catch === "function") sent.catch(failed);
    } catch (e) {
      failed(e);
    }
  },
};

let listener: (() => void) | undefined;
let signals = 0;

/**
 * Under Deno's Jupyter kernel, makes a kernel interrupt (SIGINT) call core's `requestInterrupt()`
 * instead of ending the kernel; a request that no loop took within {@link STALE_INTERRUPT_MS} is
 * dropped. Idempotent; does nothing elsewhere. Returns whether the listener is installed.
 */
export function installDenoInterrupt(): boolean {
  if (listener) return true;
  const deno = (globalThis as { Deno?: DenoNamespace }).Deno;
  if (!denoJupyter() || typeof deno?.addSignalListener !== "function") return false;
  listener = () => {
    requestInterrupt();
    const mine = ++signals;
    const timer = setTimeout(() => {
      if (signals === mine) clearInterrupt(); // no loop took it, and no newer interrupt came
    }, STALE_INTERRUPT_MS);
    (timer as { unref?: () => void }).unref?.();
  };
  deno.addSignalListener("SIGINT", listener);
  return true;
}

/**
 * Under Deno's Jupyter kernel, gives cells the `require` tslab's cells have (resolving from the
 * kernel's working directory, the notebook's), unless one exists. Returns whether one is there now.
 */
export function installDenoRequire(): boolean {
  const g = globalThis as { require?: unknown; Deno?: DenoNamespace };
  if (!denoJupyter()) return false;
  if (typeof g.require === "function") return true;
  const cwd = typeof g.Deno?.cwd === "function" ? g.Deno.cwd() : process.cwd();
  Object.defineProperty(globalThis, "require", { value: createRequire(path.join(cwd, "[notebook]")), writable: true, configurable: true });
  return true;
}

/**
 * Under Deno's Jupyter kernel, makes `tf.Tensor` answer `Symbol.for("Jupyter.display")` with
 * `render(tensor)` (display passes its `tensorView` bundle; a disposed tensor, or one `render`
 * fails on, stays text). Returns whether it is installed.
 */
export function installDenoTensorDisplay(render: (t: unknown) => MimeBundle): boolean {
  if (!denoJupyter()) return false;
  const proto = tf.Tensor.prototype as unknown as Record<symbol, unknown>;
  const key = Symbol.for("Jupyter.display");
  if (typeof proto[key] === "function") return true;
  Object.defineProperty(proto, key, {
    configurable: true,
    writable: true,
    value: function (this: { isDisposed?: boolean; toString(): string }): MimeBundle {
      if (this.isDisposed) return { "text/plain": "Tensor is disposed." };
      try {
        return render(this);
      } catch {
        return { "text/plain": this.toString() };
      }
    },
  });
  return true;
}

/** What display does on loading in Deno's Jupyter kernel (initNotebook.ts adds plotly.js and tensors). */
export function installDenoKernel(): void {
  if (installDenoInterrupt()) installInterruptibleFit(); // model.fit stops at an interrupt, as in the embedlab kernel
  installDenoRequire();
}
