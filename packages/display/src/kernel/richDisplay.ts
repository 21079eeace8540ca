/**
 * Rich last values: a `tf.Tensor` (or any view) that is a cell's last expression renders as HTML,
 * while the user's own `console.log(t)` stays text.
 */
import { inspect } from "node:util";
import { tf } from "@embedlab/core";
import { displayTarget, type MimeBundle } from "../target";
import { isTensorLike } from "../matrix";
import { printingLastValue } from "../target";
import { toBundle } from "../show";
import { View } from "../View";

const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");
let installed: (() => void) | undefined;

/** Whether a cell's last value `v` has a rich form (a view, a tensor, a Jupyter.display object). */
export function hasRichForm(v: unknown): boolean {
  if (v instanceof View || isTensorLike(v)) return true;
  return v !== null && typeof v === "object" && typeof (v as Record<symbol, unknown>)[JUPYTER_DISPLAY] === "function";
}

/** The bundle of a rich last value, or null (then it prints as text). Never throws. */
export function richBundle(v: unknown): MimeBundle | null {
  if (!hasRichForm(v)) return null;
  try {
    if (isTensorLike(v) && (v as { isDisposed?: boolean }).isDisposed) return null;
    return toBundle(v);
  } catch {
    return null;
  }
}

/**
 * Makes a `tf.Tensor` that is a cell's last expression render as a {@link tensorView} table in
 * tslab, through `util.inspect.custom` (tslab prints last values with `console.log`): the hook
 * publishes HTML only when tslab's executor is the caller, so `console.log(t)` stays text. The
 * embedlab kernel does this by itself; call it on a plain tslab kernel. Returns an uninstaller.
 *
 * @example
 * installRichDisplay();
 * tf.eye(3)            // last expression: an HTML table
 */
export function installRichDisplay(): () => void {
  if (installed) return installed;
  const proto = tf.Tensor.prototype as unknown as Record<symbol, unknown>;
  const previous = Object.getOwnPropertyDescriptor(proto, inspect.custom);
  proto[inspect.custom] = function (this: unknown, depth: number, options: object): string {
    const target = displayTarget();
    if (target && printingLastValue()) {
      const b = richBundle(this);
      if (b) {
        target.publish(b);
        return "";
      }
    }
    // Not the last value: the text the tensor printed before the hook.
    if (previous && typeof previous.value === "function") return previous.value.call(this, depth, options, inspect) as string;
    return inspect(this, { ...options, customInspect: false });
  };
  installed = () => {
    if (previous) Object.defineProperty(proto, inspect.custom, previous);
    else delete proto[inspect.custom];
    installed = undefined;
  };
  return installed;
}
