/**
 * The embedlab kernel's prelude, loaded with `node --require` before tslab starts (see
 * `embedlab kernel install`). It
 * - starts `ready()` (the backend) at once and waits for it before the first cell runs;
 * - publishes plotly.js (`initNotebook()`) into the first executed cell, once;
 * - wraps the `log` tslab's executor prints a cell's last value with, so a tensor, a view or a
 *   `Symbol.for("Jupyter.display")` object renders as a MIME bundle (no stray text), while the
 *   cell's own `console.log` stays the untouched global one;
 * - installs the `util.inspect.custom` hook on `tf.Tensor` (for values printed any other way);
 * - rewrites each cell before tslab converts it (`cellRewrite.ts`: `{ ids }` naming an earlier
 *   cell's `ids`, `import x = require()`, `export` in a cell), mapping compile errors back;
 * - honours `stop_on_error: false` (tslab aborted every request within 200 ms of an error);
 * - makes a kernel interrupt stop our computations: SIGINT calls core's `requestInterrupt()`,
 *   every `model.fit` stops after its current batch and fails with "fit: interrupted at epoch e,
 *   step s" (`interruptibleFit.ts`); tslab's own interrupt (which ends the cell but leaves the
 *   computation running) only comes when nothing of ours took the request within a grace period;
 *   a request nobody took is cleared when its cell ends (`clearInterrupt()`), so no cell starts
 *   with a stale one.
 * Importing it outside that setting does nothing but install the hook.
 */
import * as path from "node:path";
import { clearInterrupt, interruptRequested, ready, requestInterrupt } from "@embedlab/core";
import { initNotebookBundle, markNotebookInitialized, notebookInitialized } from "../initNotebook";
import { asLastValue } from "../target";
import { installRichDisplay, richBundle } from "./richDisplay";
import { declaredNames, lineAndCharacter, rewriteCell, tslabTypeScript, type CellRewrite } from "./cellRewrite";
import { activeFits, installInterruptibleFit } from "./interruptibleFit";

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

interface Position {
  offset: number;
  line: number;
  character: number;
}
interface Diagnostic {
  start: Position;
  end: Position;
  fileName?: string;
}
interface Converter {
  convert(prevDecl: string, src: string): { diagnostics: Diagnostic[] } & Record<string, unknown>;
}

/** A tslab converter whose `convert` first applies {@link rewriteCell}; errors point at the user's text. */
export function rewritingConverter<C extends Converter>(conv: C, ts = tslabTypeScript()): C {
  const convert = conv.convert.bind(conv);
  conv.convert = (prevDecl: string, src: string) => {
    let rw: CellRewrite;
    try {
      rw = rewriteCell(src, declaredNames(prevDecl, ts), ts);
    } catch {
      return convert(prevDecl, src); // never worse than tslab alone
    }
    if (rw.edits.length === 0) return convert(prevDecl, src);
    const out = convert(prevDecl, rw.source);
    const back = (p: Position): Position => {
      const offset = rw.originalOffset(p.offset);
      return { offset, ...lineAndCharacter(src, offset) };
    };
    out.diagnostics = out.diagnostics.map((d) => (d.fileName ? d : { ...d, start: back(d.start), end: back(d.end) }));
    return out;
  };
  return conv;
}

/** How long a kernel interrupt waits for one of our loops to take it before tslab's own interrupt. */
const INTERRUPT_GRACE_MS = Number(process.env.EMBEDLAB_INTERRUPT_GRACE_MS ?? 1500);
let cellNumber = 0;
let cellRunning = false;

/**
 * The executor's `interrupt` (tslab calls it on SIGINT): asks our loops to stop (they end the cell
 * with an InterruptedError); when none took the request within the grace period and no `fit` is
 * running, falls back to tslab's (the cell ends, code that checks nothing may keep running).
 */
export function interruptHandler(tslabInterrupt: () => void, graceMs = INTERRUPT_GRACE_MS): () => void {
  return () => {
    if (!cellRunning) return; // idle: nothing to stop (and nothing left pending for the next cell)
    requestInterrupt();
    const cell = cellNumber;
    const poll = (waited: number): void => {
      if (!cellRunning || cellNumber !== cell || !interruptRequested()) return; // taken, or the cell ended
      if (activeFits() > 0 || waited < graceMs) {
        setTimeout(() => poll(waited + 50), 50).unref();
        return;
      }
      tslabInterrupt();
    };
    poll(0);
  };
}

interface HandlerThis {
  execQueue: { add(fn: () => Promise<unknown>): Promise<unknown> };
  handleExecuteImpl(req: unknown, writeStream: unknown, writeDisplayData: unknown): Promise<unknown>;
}

/** Patches the tslab whose bin is `tslabBin` (its dist modules are the ones main.js loads). */
export function patchTslab(tslabBin: string): boolean {
  const dist = path.resolve(path.dirname(tslabBin), "..", "dist");
  let executor: { createExecutor: (rootDir: unknown, convs: unknown, con: { log: Log; error: Log }) => { interrupt: () => void } };
  let converter: { createConverter: (...a: unknown[]) => Converter };
  try {
    executor = require(path.join(dist, "executor.js"));
    converter = require(path.join(dist, "converter.js"));
    jupyterModule = require(path.join(dist, "jupyter.js"));
  } catch {
    return false;
  }
  const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [dist] }));
  const TaskCanceledError = (require(path.join(dist, "util.js")) as { TaskCanceledError?: new (...a: unknown[]) => Error }).TaskCanceledError;
  const createConverter = converter.createConverter;
  converter.createConverter = function (...a: unknown[]) {
    return rewritingConverter(createConverter.apply(this, a), ts);
  };
  const createExecutor = executor.createExecutor;
  executor.createExecutor = function (rootDir: unknown, convs: unknown, con: { log: Log; error: Log }) {
    const ex = createExecutor.call(this, rootDir, convs, { ...con, log: lastValueLog(con.log) });
    ex.interrupt = interruptHandler(ex.interrupt.bind(ex));
    return ex;
  };
  installInterruptibleFit();
  const proto = jupyterModule?.JupyterHandlerImpl?.prototype;
  const handleExecuteImpl = proto?.handleExecuteImpl as ((...a: unknown[]) => Promise<unknown>) | undefined;
  const handleExecute = proto?.handleExecute as ((...a: unknown[]) => Promise<{ status: string }>) | undefined;
  if (proto && handleExecuteImpl && handleExecute) {
    proto.handleExecuteImpl = async function (this: unknown, req: unknown, writeStream: unknown, writeDisplayData: WriteDisplayData) {
      // From here to the cell's end an interrupt is this cell's (even one that lands before its code
      // starts); when the cell ends, a request nobody took is dropped, so every cell starts clear.
      cellNumber++;
      cellRunning = true;
      try {
        await backend;
        if (!notebookInitialized()) {
          markNotebookInitialized();
          writeDisplayData({ data: initNotebookBundle(), metadata: {}, transient: {} }, false);
        }
        return await handleExecuteImpl.call(this, req, writeStream, writeDisplayData);
      } finally {
        cellRunning = false;
        clearInterrupt();
      }
    };
    // tslab answers a failed cell by aborting every request that arrives in the next 200 ms (its
    // queue stays rejected), whatever the request's `stop_on_error`. A request with
    // `stop_on_error: false` (nbconvert --allow-errors) fails alone: its failure never reaches the queue.
    proto.handleExecute = async function (this: HandlerThis, req: { stop_on_error?: boolean }, writeStream: unknown, writeDisplayData: unknown) {
      if (req?.stop_on_error !== false) return handleExecute.call(this, req, writeStream, writeDisplayData);
      // as tslab's handleExecute, except that the failure stays out of the queue
      let failed: unknown = undefined;
      let count: { count?: number } | undefined;
      try {
        count = (await this.execQueue.add(() =>
          this.handleExecuteImpl(req, writeStream, writeDisplayData).catch((e: unknown) => {
            failed = e;
            return e;
          }),
        )) as { count?: number };
      } catch (e) {
        if (TaskCanceledError && e instanceof TaskCanceledError) return { status: "abort", execution_count: undefined };
        console.error("unexpected error:", e);
        return { status: "error", execution_count: undefined };
      }
      if (failed === undefined) return { status: "ok", execution_count: count?.count };
      if (typeof (failed as { count?: unknown }).count !== "number") console.error("unexpected error:", failed);
      return { status: "error", execution_count: (failed as { count?: number }).count };
    };
  }
  return true;
}

// The backend: chosen once at kernel start; a failure leaves tensors on cpu rather than killing the kernel.
const backend: Promise<unknown> = ready({ quiet: true }).catch(() => ready({ backend: "cpu", quiet: true }).catch(() => undefined));

installRichDisplay();
const bin = process.argv[1] ?? "";
if (/tslab[\\/]bin[\\/]tslab$/.test(bin) || process.env.EMBEDLAB_TSLAB_BIN) patchTslab(process.env.EMBEDLAB_TSLAB_BIN ?? bin);
