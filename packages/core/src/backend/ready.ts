/**
 * Backend selection: pick the fastest backend once, say which in one line, never print tfjs's
 * "install tfjs-node" banner.
 */
import * as tf from "../tf";
import { installFastGather } from "../kernels/fastGather";
import { installCpuFastPaths } from "../kernels/cpuFastPaths";
import { installFastClone } from "../kernels/fastClone";
import { checkKeys, typeError } from "../validate";
import { guardWasmHeap } from "./memoryLimit";

/** The backends embedlab knows how to start. */
export const BACKENDS = ["tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What `ready()` chose and why. */
export interface BackendInfo {
  /** The active tfjs backend. */
  name: BackendName;
  /** How it was chosen: `"argument"`, `"EMBEDLAB_BACKEND"` or `"auto"`. */
  source: "argument" | "EMBEDLAB_BACKEND" | "auto";
  /** One sentence: why this backend, and how to get a faster one. */
  reason: string;
  /** Which backends could be started on this machine. */
  available: BackendName[];
  /** wasm only: whether SIMD is on. */
  simd?: boolean;
  /** wasm only: threads used by XNNPACK. */
  threads?: number;
}

export interface ReadyOptions {
  /** Force a backend. Defaults to `EMBEDLAB_BACKEND`, else the automatic choice. */
  backend?: BackendName;
  /** Don't print the one-line notice. Defaults to `false`. */
  quiet?: boolean;
}

let info: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;
let wasmLoaded = false;
/** The choice last announced: a quiet start (the kernel prelude) leaves the notice to the first loud call. */
let announced: BackendInfo | undefined;

/** Whether `@tensorflow/tfjs-node` resolves from here. */
function tfjsNodeResolves(): boolean {
  try {
    require.resolve("@tensorflow/tfjs-node");
    return true;
  } catch {
    return false;
  }
}

/** Which backends this machine can start. */
export function availableBackends(): BackendName[] {
  const out: BackendName[] = [];
  if (tfjsNodeResolves()) out.push("tensorflow");
  out.push("wasm", "cpu");
  return out;
}

/** The cpu backend prints a "Hi, looks like you are running TensorFlow.js in Node.js" banner on first write. */
function silenceCpuBanner(): void {
  const cpu = tf.findBackend("cpu") as unknown as { firstUse?: boolean } | null;
  if (cpu && "firstUse" in cpu) cpu.firstUse = false;
}

/**
 * The cpu backend is the one tensors land on before `ready()` is awaited: make it the active one
 * and quiet. Runs once, when this module is first imported.
 */
function initDefaultBackend(): void {
  void tf.setBackend("cpu");
  silenceCpuBanner();
}
initDefaultBackend();

async function start(name: BackendName): Promise<void> {
  if (name === "tensorflow") {
    if (!tfjsNodeResolves()) {
      throw new Error(
        "ready: backend \"tensorflow\" is not available: @tensorflow/tfjs-node is not installed " +
          "(npm install @tensorflow/tfjs-node@4.22.0 where it can download libtensorflow); available backends are " +
          availableBackends().join(", "),
      );
    }
    require("@tensorflow/tfjs-node");
  } else if (name === "wasm" && !wasmLoaded) {
    require("@tensorflow/tfjs-backend-wasm");
    wasmLoaded = true;
  }
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`ready: backend "${name}" failed to initialise; available backends are ${availableBackends().join(", ")}`);
  }
  if (name === "cpu") silenceCpuBanner();
  if (name === "wasm") guardWasmHeap(tf.backend()); // a too-big tensor throws a RangeError, never "memory access out of bounds"
  if (name === "wasm" || name === "cpu") installFastGather(name); // model.fit's batch slicing: whole-row copies
  if (name === "cpu") installCpuFastPaths(); // broadcasting binary ops, sums and tf.sum's gradient
  if (name === "wasm" || name === "cpu") installFastClone(); // tensors saved for gradients: no Identity kernel each
}

function parseName(fn: string, arg: string, value: unknown): BackendName {
  if (!BACKENDS.includes(value as BackendName)) {
    throw typeError(fn, arg, `one of ${BACKENDS.map((b) => `"${b}"`).join(", ")}`, value);
  }
  return value as BackendName;
}

/**
 * Picks the backend once and waits until it is ready. Later calls return the same answer unless a
 * different `backend` is asked for.
 *
 * Order: the `backend` argument, else `EMBEDLAB_BACKEND` (`cpu` | `wasm` | `tensorflow`), else
 * `tensorflow` when the optional peer `@tensorflow/tfjs-node` resolves, else `wasm`.
 *
 * @example
 * const info = await ready();            // "embedlab: backend wasm (SIMD, 1 thread) ..."
 * await ready({ backend: "cpu" });       // switch explicitly
 */
export async function ready(options: ReadyOptions = {}): Promise<BackendInfo> {
  checkKeys("ready", options, ["backend", "quiet"]);
  const env = process.env.EMBEDLAB_BACKEND;
  let source: BackendInfo["source"];
  let name: BackendName;
  if (options.backend !== undefined) {
    name = parseName("ready", "options.backend", options.backend);
    source = "argument";
  } else if (env !== undefined && env !== "") {
    name = parseName("ready", "EMBEDLAB_BACKEND", env);
    source = "EMBEDLAB_BACKEND";
  } else {
    name = tfjsNodeResolves() ? "tensorflow" : "wasm";
    source = "auto";
  }
  if (info && info.name === name && info.source === source && tf.getBackend() === name) {
    if (!options.quiet && announced !== info) announce(info);
    return info;
  }
  if (pending) await pending.catch(() => undefined);
  pending = (async () => {
    await start(name);
    const available = availableBackends();
    let reason: string;
    if (name === "tensorflow") reason = "native TensorFlow through @tensorflow/tfjs-node";
    else if (source !== "auto") reason = `asked for by ${source === "argument" ? "ready({ backend })" : "EMBEDLAB_BACKEND"}`;
    else reason = "fastest available without @tensorflow/tfjs-node (npm install @tensorflow/tfjs-node for native speed)";
    const next: BackendInfo = { name, source, reason, available };
    if (name === "wasm") {
      next.simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const wasm = require("@tensorflow/tfjs-backend-wasm") as { getThreadsCount(): number };
      next.threads = wasm.getThreadsCount();
    }
    info = next;
    if (!options.quiet) announce(next);
    return next;
  })();
  try {
    return await pending;
  } finally {
    pending = undefined;
  }
}

function announce(i: BackendInfo): void {
  announced = i;
  console.log(notice(i));
}

function notice(i: BackendInfo): string {
  const detail = i.name === "wasm" ? ` (${i.simd ? "SIMD" : "no SIMD"}, ${i.threads} thread${i.threads === 1 ? "" : "s"})` : "";
  return `embedlab: backend ${i.name}${detail}: ${i.reason}`;
}

/** What `ready()` chose and why; before `ready()` it describes the default cpu backend. */
export function backendInfo(): BackendInfo {
  if (info && tf.getBackend() === info.name) return { ...info, available: [...info.available] };
  const name = (tf.getBackend() as BackendName) ?? "cpu";
  return {
    name,
    source: "auto",
    reason: info ? `switched to ${name} outside ready()` : "ready() has not been awaited yet; tensors use the cpu backend",
    available: availableBackends(),
  };
}
