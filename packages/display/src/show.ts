/**
 * `show(value)`: publish any value to the notebook as a full MIME bundle.
 */
import { inspect } from "node:util";
import { validate } from "@embedlab/core";
import { displayTarget, type MimeBundle } from "./target";
import { isTensorLike } from "./matrix";
import { View, type BundleOptions } from "./View";
import { tensorView } from "./views/tensorView";

const { checkKeys, checkString, typeError } = validate;

/** Options of {@link show}. */
export interface ShowOptions {
  /** Publish under this display id (a later `show(..., { displayId, update: true })` replaces it). Defaults to none. */
  displayId?: string;
  /** Replace the output published earlier under `displayId`. Defaults to `false`. */
  update?: boolean;
  /**
   * Whether figures also carry a static PNG (shown where scripts do not run). Defaults to
   * `staticImagesEnabled()`: on unless `setStaticImages(false)` or `EMBEDLAB_STATIC_IMAGES=0`.
   */
  staticImages?: boolean;
}

const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/**
 * The MIME bundle of any value: a {@link View}'s bundle; whatever an object's
 * `[Symbol.for("Jupyter.display")]()` returns; a tensor's {@link tensorView}; else the
 * `util.inspect` text.
 *
 * @example
 * toBundle(tensorView(t))["text/html"];   // the table
 */
export function toBundle(value: unknown, options: BundleOptions = {}): MimeBundle {
  if (value instanceof View) return value.toBundle(options);
  if (value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as Record<symbol, unknown>)[JUPYTER_DISPLAY] === "function") {
    const b = (value as Record<symbol, () => unknown>)[JUPYTER_DISPLAY]();
    if (b === null || typeof b !== "object" || Array.isArray(b)) {
      throw typeError("show", "value[Symbol.for(\"Jupyter.display\")]()", "a MIME bundle object", b);
    }
    const bundle = { ...(b as MimeBundle) };
    if (!("text/plain" in bundle)) bundle["text/plain"] = inspect(value, { customInspect: false, depth: 1 });
    return bundle;
  }
  if (isTensorLike(value)) return tensorView(value).toBundle(options);
  if (typeof value === "string") return { "text/plain": value };
  return { "text/plain": inspect(value) };
}

/**
 * Publishes `value` to the running notebook: full MIME bundles (`application/vnd.plotly.v1+json`
 * for single figures, `text/html` with a static PNG under every figure, `image/png` for single
 * figures, `text/plain`). Outside a kernel it prints the text form.
 * Honours `[Symbol.for("Jupyter.display")]()`; tensors render as {@link tensorView}.
 *
 * @example
 * show(positionalEncodingView(positionalEncoding(50, 16)));
 * show({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b>hi</b>" }) });
 */
export function show(value: unknown, options: ShowOptions = {}): void {
  checkKeys("show", options, ["displayId", "update", "staticImages"]);
  if (options.staticImages !== undefined && typeof options.staticImages !== "boolean") throw typeError("show", "options.staticImages", "a boolean", options.staticImages);
  if (options.displayId !== undefined) checkString("show", "options.displayId", options.displayId);
  if (options.update !== undefined && typeof options.update !== "boolean") throw typeError("show", "options.update", "a boolean", options.update);
  if (options.update && options.displayId === undefined) {
    throw new TypeError("show: expected options.displayId to be a string when options.update is true, but got undefined");
  }
  const bundle = toBundle(value, options.staticImages === undefined ? {} : { staticImages: options.staticImages });
  const target = displayTarget();
  if (target) target.publish(bundle, options.displayId, options.update ?? false);
  else console.log(String(bundle["text/plain"] ?? ""));
}
