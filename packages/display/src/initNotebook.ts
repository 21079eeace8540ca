/**
 * Offline plotly.js for the notebook, inlined once from the npm package (no CDN).
 */
import { readFileSync } from "node:fs";
import { validate } from "@embedlab/core";
import { displayTarget, type MimeBundle } from "./target";
import { denoJupyter, DENO_FLUSH_MS, installDenoTensorDisplay } from "./denoKernel";
import { tensorView } from "./views/tensorView";

const { checkBool, checkKeys } = validate;

const bundleCache = new Map<string, string>();
let published = false;

/** The version of the plotly.js that gets inlined. */
export function plotlyVersion(): string {
  return (require("plotly.js-dist-min/package.json") as { version: string }).version;
}

/**
 * The trace types plotly's gl2d partial bundle (`plotly.js-gl2d-dist-min`, 1.6 MB against the full
 * bundle's 4.8 MB) draws: core's `scatter` and the WebGL 2-D traces. A page whose figures use only
 * these can inline it instead: Chromium evaluates it in about 40% less time (measured on the
 * 50,000-point projector page, bench/projection.bench.mjs).
 */
export const GL2D_TRACE_TYPES: readonly string[] = ["scatter", "scattergl", "splom", "parcoords"];

/**
 * A `<script>` that defines `window.Plotly` from an npm package's bundle (`"full"`:
 * plotly.js-dist-min, the default; `"gl2d"`: plotly.js-gl2d-dist-min, see {@link GL2D_TRACE_TYPES}),
 * with the AMD shadow: the bundle runs inside a function whose `define`, `require`, `module` and
 * `exports` parameters are `undefined`, so require.js (classic notebook, nbconvert's HTML export)
 * can't capture it as an anonymous module and `window.Plotly` is always set. Does nothing when
 * Plotly is already there.
 */
export function plotlyScript(bundle: "full" | "gl2d" = "full"): string {
  let src = bundleCache.get(bundle);
  if (src === undefined) {
    const file = bundle === "gl2d" ? require.resolve("plotly.js-gl2d-dist-min") : require.resolve("plotly.js-dist-min");
    // An inline script ends at the first "</script"; the bundle has none today, escape any anyway.
    src = readFileSync(file, "utf8").replace(/<\/(script)/gi, "<\\/$1");
    bundleCache.set(bundle, src);
  }
  return (
    `<script type="text/javascript">if(!window.Plotly){(function(define,require,module,exports){\n` +
    src +
    `\n}).call(window);}</script>`
  );
}

/** The bundle `initNotebook()` publishes. */
export function initNotebookBundle(): MimeBundle {
  const note = `embedlab: plotly.js ${plotlyVersion()} loaded (offline, from the npm package)`;
  return {
    "text/html": `${plotlyScript()}<div class="embedlab-note" style="color:#888;font-size:11px">${note}</div>`,
    "text/plain": note,
  };
}

/** Options of {@link initNotebook}. */
export interface InitNotebookOptions {
  /** Publish the bundle even if this kernel already did (e.g. after reloading the page). Defaults to `false`. */
  force?: boolean;
}

/**
 * Inlines plotly.js into the notebook once, so every figure after it draws offline. The embedlab
 * kernel does this by itself in the first cell, and so does loading display in Deno's kernel; call
 * it in notebooks run on a plain tslab kernel. Outside a kernel it does nothing. The promise
 * resolves once the bundle has had time to go out: Deno 2.9's kernel may report a cell finished
 * before a large output of it is sent (frontends then drop that output), so on Deno `await` it
 * (with `force: true` where figures say plotly.js is missing). Elsewhere it resolves at once.
 *
 * @example
 * import { initNotebook } from "@embedlab/display";
 * await initNotebook();
 */
export function initNotebook(options: InitNotebookOptions = {}): Promise<void> {
  checkKeys("initNotebook", options, ["force"]);
  const force = options.force === undefined ? false : checkBool("initNotebook", "options.force", options.force);
  const target = displayTarget();
  if (!target || (published && !force)) return Promise.resolve();
  target.publish(initNotebookBundle());
  published = true;
  // Deno sends outputs from a queue that a 4.8 MB bundle keeps busy for ~100 ms (measured).
  return denoJupyter() ? new Promise((resolve) => setTimeout(resolve, DENO_FLUSH_MS)) : Promise.resolve();
}

/** Records that plotly.js was published by other means (the kernel prelude). Not re-exported. */
export function markNotebookInitialized(): void {
  published = true;
}

/** Whether this process already published plotly.js. */
export function notebookInitialized(): boolean {
  return published;
}

// Deno's kernel has no prelude: plotly.js goes out when display is first loaded (the walkthroughs'
// first cell then awaits ready(), long enough for Deno to send it; see DENO_FLUSH_MS), and a
// tensor as a cell's last value renders as its table.
if (denoJupyter()) {
  installDenoTensorDisplay((t) => tensorView(t as never).toBundle());
  void initNotebook();
}
