/**
 * `plotView(traces, options)`: any plotly chart as a {@link View}, for the curves and bars a
 * walkthrough draws from its own numbers (memory vs cardinality, dot product vs distance).
 */
import { validate } from "@embedlab/core";
import { View } from "../View";
import { tr } from "../lang";

const { checkKeys, checkString, typeError } = validate;

/** Options of {@link plotView}. */
export interface PlotViewOptions {
  /** A title. Defaults to `"Plot"`. */
  title?: string;
  /** plotly layout entries merged over the defaults (`xaxis`, `yaxis`, `height`, …). Defaults to none. */
  layout?: Record<string, unknown>;
}

/**
 * A plotly figure from traces: each trace a plotly object (`{ x, y, name, mode }`, `{ type: "bar", … }`).
 * The text form lists each trace's name and its points.
 *
 * **Output:** a {@link View} with one figure (rendered natively by JupyterLab / VS Code too).
 * @example
 * plotView([{ x: [1, 2, 3], y: [1, 4, 9], name: "squares" }], { title: "n²", layout: { yaxis: { type: "log" } } })
 */
export function plotView(traces: readonly Record<string, unknown>[], options: PlotViewOptions = {}): View {
  const fn = "plotView";
  checkKeys(fn, options, ["title", "layout"]);
  if (!Array.isArray(traces) || traces.length === 0) throw typeError(fn, "traces", "a non-empty array of plotly traces", traces);
  traces.forEach((t, i) => {
    if (t === null || typeof t !== "object" || Array.isArray(t)) throw typeError(fn, `traces[${i}]`, "a plotly trace object", t);
  });
  if (options.layout !== undefined && (options.layout === null || typeof options.layout !== "object" || Array.isArray(options.layout))) {
    throw typeError(fn, "options.layout", "a plotly layout object", options.layout);
  }
  const title = options.title === undefined ? tr("Plot", "图") : checkString(fn, "options.title", options.title);
  const fmt = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v));
  const text = [
    title,
    ...traces.map((t, i) => {
      const x = Array.isArray(t.x) ? (t.x as unknown[]) : [];
      const y = Array.isArray(t.y) ? (t.y as unknown[]) : [];
      const pts = y.slice(0, 12).map((v, j) => `${fmt(x[j] ?? j)}: ${fmt(v)}`).join(", ");
      return `  ${String(t.name ?? tr(`trace ${i}`, `曲线 ${i}`))}: ${pts}${y.length > 12 ? tr(`, … (${y.length} points)`, `, …（共 ${y.length} 个点）`) : ""}`;
    }),
  ].join("\n");
  return new View({
    title,
    parts: [{ kind: "plotly", figure: { data: traces.map((t) => ({ ...t })), layout: { height: 360, margin: { l: 60, r: 20, t: 30, b: 50 }, ...(options.layout ?? {}) } } }],
    text,
  });
}
