/**
 * The embedlab kernel's prelude, loaded with `node --require` before tslab starts (see
 * `embedlab kernel install`). It
 * - starts `ready()` (the backend) at once and waits for it before the first cell runs;
 * - publishes plotly.js (`initNotebook()`) into the first executed cell, once;
 * - wraps the `log` tslab's executor prints a cell's last value with, so a tensor, a view or a
 *   `Symbol.for("Jupyter.display")` object renders as a MIME bundle (no stray text), while the
 *   cell's own `console.log` stays the untouched global one;
 * - installs the `util.inspect.custom` hook on `tf.Tensor` (for values printed any other way).
 * Importing it outside that setting does nothing but install the hook.
 */
import * as path from "node:path";
import { ready } from "@embedlab/core";
import { initNotebookBundle, markNotebookInitialized, notebookInitialized } from "../initNotebook";
import { asLastValue } from "../target";
import { installRichDisplay, richBundle } from "./richDisplay";

type Log = (...args: unknown[]) => void;
type WriteDisplayData = (msg: { data: Record<string, unknown>; metadata: object; transient: object }, update: boolean) => void;

/** The `log` for tslab's executor: rich last values become display data. */
export function lastValueLog(original: Log): Log {
  return (...args: unknown[]) => {
    if (args.length === 1) {
      const bundle = richBundle(args[0]);
      const writer = currentWriter();
      if (bundle && writer) {
        writer({ data: bundle, metadata: {}, transient: {} }, false);
        return;
      }
    }
    asLastValue(() => original(...args));
  };
}

let jupyterModule: { lastWriteDisplayData?: WriteDisplayData | null; JupyterHandlerImpl?: { prototype: Record<string, unknown> } } | undefined;

function currentWriter(): WriteDisplayData | null {
  const w = jupyterModule?.lastWriteDisplayData;
  return typeof w === "function" ? w : null;
}

/** Patches the tslab whose bin is `tslabBin` (its dist modules are the ones main.js loads). */
export function patchTslab(tslabBin: string): boolean {
  const dist = path.resolve(path.dirname(tslabBin), "..", "dist");
  let executor: { createExecutor: (rootDir: unknown, convs: unknown, con: { log: Log; error: Log }) => unknown };
  try {
    executor = require(path.join(dist, "executor.js"));
    jupyterModule = require(path.join(dist, "jupyter.js"));
  } catch {
    return false;
  }
  const createExecutor = executor.createExecutor;
  executor.createExecutor = function (rootDir: unknown, convs: unknown, con: { log: Log; error: Log }) {
    return createExecutor.call(this, rootDir, convs, { ...con, log: lastValueLog(con.log) });
  };
  const proto = jupyterModule?.JupyterHandlerImpl?.prototype;
  const handleExecuteImpl = proto?.handleExecuteImpl as ((...a: unknown[]) => Promise<unknown>) | undefined;
  if (proto && handleExecuteImpl) {
    proto.handleExecuteImpl = async function (this: unknown, req: unknown, writeStream: unknown, writeDisplayData: WriteDisplayData) {
      await backend;
      if (!notebookInitialized()) {
        markNotebookInitialized();
        writeDisplayData({ data: initNotebookBundle(), metadata: {}, transient: {} }, false);
      }
      return handleExecuteImpl.call(this, req, writeStream, writeDisplayData);
    };
  }
  return true;
}

// The backend: chosen once at kernel start; a failure leaves tensors on cpu rather than killing the kernel.
const backend: Promise<unknown> = ready({ quiet: true }).catch(() => ready({ backend: "cpu", quiet: true }).catch(() => undefined));

installRichDisplay();
const bin = process.argv[1] ?? "";
if (/tslab[\\/]bin[\\/]tslab$/.test(bin) || process.env.EMBEDLAB_TSLAB_BIN) patchTslab(process.env.EMBEDLAB_TSLAB_BIN ?? bin);
