/**
 * The one place that talks to the running tslab kernel. Library code never does `require("tslab")`
 * (a second copy throws "Not ready"): the kernel's own copy is reached through
 * `globalThis.__tslab__.require("tslab")`, and full MIME bundles go through the writer tslab's
 * `jupyter.js` keeps for the executing cell (the one `display.raw` uses, which sends one MIME type
 * per message). Under Deno's Jupyter kernel bundles go through `Deno.jupyter` (`denoKernel.ts`).
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { denoJupyter, denoTarget, installDenoKernel } from "./denoKernel";

/** A Jupyter MIME bundle: MIME type → data (`text/html` string, plotly JSON object, …). */
export type MimeBundle = Record<string, unknown>;

/** Where bundles go. The kernel target is found automatically; tests and other frontends may set their own. */
export interface DisplayTarget {
  /**
   * Publishes `bundle`. With `displayId`, the first call creates the output and later calls with
   * `update = true` replace it in place (Jupyter's `update_display_data`).
   */
  publish(bundle: MimeBundle, displayId?: string, update?: boolean): void;
}

type WriteDisplayData = (msg: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;
interface TslabPublic {
  display: { raw(mime: string, data: unknown): void };
  newDisplay(): { raw(mime: string, data: unknown): void };
}

let override: DisplayTarget | null | undefined;

/**
 * Sends every published bundle to `target` instead of the kernel (`null`: nowhere, as outside a
 * kernel; `undefined`: back to automatic). For tests and for frontends other than tslab.
 *
 * @example
 * const sent: MimeBundle[] = [];
 * setDisplayTarget({ publish: (b) => sent.push(b) });
 * show(tensorView(t));                  // sent[0]["text/html"] is the table
 * setDisplayTarget(undefined);
 */
export function setDisplayTarget(target: DisplayTarget | null | undefined): void {
  if (target !== null && target !== undefined && typeof (target as DisplayTarget).publish !== "function") {
    throw new TypeError(`setDisplayTarget: expected target to be an object with a publish(bundle) method, null or undefined, but got ${typeof target}`);
  }
  override = target;
}

function tslabRequire(): ((id: string) => unknown) | null {
  const g = (globalThis as { __tslab__?: { require?: (id: string) => unknown } }).__tslab__;
  return g && typeof g.require === "function" ? g.require : null;
}

/** The running kernel's `jupyter.lastWriteDisplayData`, found in the module cache (no second copy is loaded). */
function kernelWriter(): WriteDisplayData | null {
  const cache = require.cache as Record<string, { exports?: { lastWriteDisplayData?: unknown } } | undefined>;
  const tail = path.join("tslab", "dist", "jupyter.js");
  for (const key of Object.keys(cache)) {
    if (!key.endsWith(tail)) continue;
    const w = cache[key]?.exports?.lastWriteDisplayData;
    if (typeof w === "function") return w as WriteDisplayData;
  }
  return null;
}

const fallbackHandles = new Map<string, { raw(mime: string, data: unknown): void }>();

const kernelTarget: DisplayTarget = {
  publish(bundle, displayId, update = false) {
    const writer = kernelWriter();
    if (writer) {
      writer({ data: bundle, metadata: {}, transient: displayId ? { display_id: displayId } : {} }, update);
      return;
    }
    // No writer found: tslab's public API, one MIME type (the richest a browser renders everywhere).
    const tslab = tslabRequire()?.("tslab") as TslabPublic;
    const mime = "text/html" in bundle ? "text/html" : "text/plain";
    if (!displayId) return tslab.display.raw(mime, bundle[mime]);
    let h = fallbackHandles.get(displayId);
    if (!h) fallbackHandles.set(displayId, (h = tslab.newDisplay()));
    h.raw(mime, bundle[mime]);
  },
};

/** Whether code runs inside a tslab or Deno kernel (or a target was set with {@link setDisplayTarget}). */
export function inKernel(): boolean {
  return displayTarget() !== null;
}

/** The active display target, or `null` outside a kernel. */
export function displayTarget(): DisplayTarget | null {
  if (override !== undefined) return override;
  if (tslabRequire()) return kernelTarget;
  return denoJupyter() ? denoTarget : null;
}

// In Deno's kernel, as soon as display is loaded: interrupts reach our loops, cells have `require`.
installDenoKernel();

/** A fresh display id for `update_display_data`. */
export function newDisplayId(): string {
  return randomBytes(8).toString("hex");
}

let lastValueDepth = 0;

/**
 * Runs `fn` marked as "tslab is printing a cell's last value" (the kernel prelude wraps tslab's
 * last-value `console.log` with this). Not for notebooks.
 */
export function asLastValue<T>(fn: () => T): T {
  lastValueDepth++;
  try {
    return fn();
  } finally {
    lastValueDepth--;
  }
}

const ownDir = path.dirname(__dirname);
const executorFrame = /tslab[\\/]dist[\\/]executor\.js/;

/**
 * Whether the value being inspected right now is a cell's last expression printed by tslab
 * (`console.log(ret)` in tslab's executor.js), as opposed to the user's own `console.log(x)`.
 * Under the embedlab kernel a flag says so; under a plain tslab kernel the call stack does: the
 * first frame outside Node's internals and this package is tslab's executor for the last value,
 * the cell's own code (`evalmachine.<anonymous>`) for a user call.
 */
export function printingLastValue(): boolean {
  if (lastValueDepth > 0) return true;
  if (!tslabRequire()) return false;
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = saved;
  for (const line of stack.split("\n").slice(1)) {
    if (/\(node:|at node:|\(internal\/|^\s*at new Promise|<anonymous>\)$/.test(line) && !line.includes("evalmachine")) continue;
    if (line.includes(ownDir)) continue;
    return executorFrame.test(line);
  }
  return false;
}
