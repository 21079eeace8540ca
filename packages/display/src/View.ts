/**
 * The value every view returns: plotly figures and HTML pieces with a plain-text form, turned into
 * a Jupyter MIME bundle by {@link View.toBundle}. Pure: building a View touches no kernel.
 */
import { inspect } from "node:util";
import { escapeHtml, scriptJson, VIEW_CSS } from "./html";
import { staticImage, staticImagesEnabled, type StaticImage } from "./static/staticImage";
import { displayTarget, printingLastValue, type MimeBundle } from "./target";

/** Options of {@link View.toBundle} and {@link View.toHtml}. */
export interface BundleOptions {
  /**
   * Whether each figure also carries a static PNG (for untrusted notebooks, previews, exports viewed
   * without JavaScript). Defaults to `staticImagesEnabled()`: on unless `setStaticImages(false)` or
   * `EMBEDLAB_STATIC_IMAGES=0`.
   */
  staticImages?: boolean;
}

/** A plotly figure spec (what `Plotly.newPlot(div, data, layout, config)` takes). */
export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** One piece of a view: a plotly figure or an HTML fragment (a table, a note, a progress bar). */
export type ViewPart = { kind: "plotly"; figure: PlotlyFigure } | { kind: "html"; html: string };

/** What a view is made of. */
export interface ViewSpec {
  /** A one-line title shown above the parts. */
  title: string;
  /** Figures and HTML fragments, in order. */
  parts: ViewPart[];
  /** The `text/plain` form (also what `console.log` prints). */
  text: string;
}

/** The MIME type JupyterLab and VS Code render natively with plotly. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Milliseconds a figure waits for `window.Plotly` before saying "run initNotebook() first". */
const PLOTLY_WAIT_MS = 5000;

/** How often each figure content was drawn in this process (ids must not depend on how many live frames came before). */
const figureCounts = new Map<string, number>();

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** The static image of a figure, or `null` when rendering fails (the interactive figure still works). */
function stillOf(figure: PlotlyFigure): StaticImage | null {
  try {
    return staticImage(figure);
  } catch (e) {
    process.emitWarning(`embedlab: no static image for a figure: ${(e as Error).message}`);
    return null;
  }
}

/** The `<img>` of a static image (a data URL), at the figure's size, shrinking to narrow outputs. */
function imgTag(image: StaticImage, alt: string): string {
  return `<img class="embedlab-static" alt="${escapeHtml(alt)}" width="${image.width}" height="${image.height}" style="max-width:100%;height:auto" src="data:image/png;base64,${image.png.toString("base64")}">`;
}

/** Traces with at least this many points carry their coordinates as float32 blocks in the page. */
const BLOCK_MIN = 2000;

/**
 * The figure for the page script: each trace's `x`, `y`, `z` of at least {@link BLOCK_MIN} finite
 * numbers moves out of the JSON into a base64 float32 block (5.3 characters a number instead of
 * ~8, and decoded into a typed array instead of parsed as a JavaScript literal); `blocks` lists
 * `[trace, key, base64]`. Float32 keeps 7 significant digits: the projector rounds to 5 already.
 */
function withBlocks(figure: PlotlyFigure): { figure: PlotlyFigure; blocks: [number, string, string][] } {
  const blocks: [number, string, string][] = [];
  const data = figure.data.map((trace, t) => {
    let out = trace;
    for (const key of ["x", "y", "z"]) {
      const v = trace[key];
      if (!Array.isArray(v) || v.length < BLOCK_MIN || !v.every((e) => typeof e === "number" && Number.isFinite(e))) continue;
      if (out === trace) out = { ...trace };
      out[key] = [];
      blocks.push([t, key, Buffer.from(new Float32Array(v as number[]).buffer).toString("base64")]);
    }
    return out;
  });
  return { figure: blocks.length ? { ...figure, data } : figure, blocks };
}

/** Page code: puts the float32 blocks back into the figure's traces (little-endian, as Node wrote them). */
const BLOCKS_JS = `B.forEach(function(b){var s=atob(b[2]),u=new Uint8Array(s.length);for(var i=0;i<s.length;i++)u[i]=s.charCodeAt(i);fig.data[b[0]][b[1]]=new Float32Array(u.buffer);});`;

/**
 * Runs `draw` without counting the figures it draws: a live frame is replaced by the final one, so
 * its figures must not shift the final frame's ids (how many live frames there were is timing).
 */
export function uncountedFigures<T>(draw: () => T): T {
  const saved = new Map(figureCounts);
  try {
    return draw();
  } finally {
    figureCounts.clear();
    for (const [k, v] of saved) figureCounts.set(k, v);
  }
}

/**
 * The HTML for one plotly figure: a sized `div` and a script that draws it once `window.Plotly`
 * exists (put there by `initNotebook()` or `saveHtml`). With `image`, the `div` starts out holding
 * the static PNG, which stays where scripts do not run (untrusted notebooks, previews, JavaScript
 * off) and which plotly replaces; without plotly.js the script adds "run initNotebook() first"
 * above it (above a placeholder when there is no image) instead of leaving a blank box.
 */
export function figureHtml(figure: PlotlyFigure, image?: StaticImage | null): string {
  const json = scriptJson(figure);
  const packed = withBlocks(figure);
  const pageJson = packed.blocks.length ? scriptJson(packed.figure) : json;
  // Content hash + how often this content was drawn: unique in a page, and the same ids on every run
  // (a process-wide counter would shift with the number of throttled live frames, which is timing).
  const hash = fnv1a(json);
  const n = (figureCounts.get(hash) ?? 0) + 1;
  figureCounts.set(hash, n);
  const id = `embedlab-fig-${hash}-${n}`;
  const height = typeof figure.layout.height === "number" ? figure.layout.height : 420;
  const title = figure.layout.title;
  const alt = typeof title === "string" ? title : title && typeof (title as { text?: unknown }).text === "string" ? (title as { text: string }).text : "figure";
  const inner = image
    ? imgTag(image, alt)
    : `<div class="embedlab-waiting" style="color:#888">drawing figure… (needs plotly.js: run initNotebook() first if this stays)</div>`;
  // WebGL traces (big scatters) fall back to SVG where the browser has no WebGL context
  const glFallback = figure.data.some((t) => t.type === "scattergl")
    ? `try{var c=document.createElement("canvas");if(!(c.getContext("webgl")||c.getContext("experimental-webgl")))throw 0;}catch(e){fig.data.forEach(function(t){if(t.type==="scattergl")t.type="scatter";});el.setAttribute("data-webgl","missing");}`
    : "";
  return (
    `<div id="${id}" class="embedlab-figure" style="width:100%;min-height:${image ? 0 : height}px">${inner}</div>\n` +
    `<script type="text/javascript">(function(){var id=${JSON.stringify(id)},fig=${pageJson},t0=Date.now();` +
    (packed.blocks.length ? `var B=${scriptJson(packed.blocks)};${BLOCKS_JS}` : "") +
    `function draw(){var el=document.getElementById(id);if(!el)return;var P=window.Plotly;` +
    `if(P&&P.newPlot){el.innerHTML="";el.style.minHeight="${height}px";${glFallback}P.newPlot(el,fig.data,fig.layout,fig.config||{responsive:true,displaylogo:false});return;}` +
    `if(Date.now()-t0>${PLOTLY_WAIT_MS}){var img=el.querySelector("img.embedlab-static");el.innerHTML='<div class="embedlab-missing">embedlab: plotly.js is not loaded in this page: run initNotebook() first (or open the notebook trusted).</div>';if(img)el.appendChild(img);return;}` +
    `setTimeout(draw,50);}draw();})();</script>`
  );
}

/**
 * A rendered view: figures and tables plus a text form. Every view function returns one; `show`
 * publishes it, and as a cell's last expression it renders itself.
 *
 * @example
 * const v = similarityView(vectors, ["king", "queen", "apple"]);
 * v.figures[0].data[0].z;   // the cosine matrix
 * show(v);                  // or make it the cell's last expression
 */
export class View {
  /** A one-line title. */
  readonly title: string;
  /** Figures and HTML fragments, in order. */
  readonly parts: readonly ViewPart[];
  /** The plain-text form. */
  readonly text: string;

  constructor(spec: ViewSpec) {
    this.title = spec.title;
    this.parts = spec.parts;
    this.text = spec.text;
  }

  /** The plotly figures, in order. */
  get figures(): PlotlyFigure[] {
    return this.parts.flatMap((p) => (p.kind === "plotly" ? [p.figure] : []));
  }

  /** The HTML fragments (tables, notes), in order. */
  get tables(): string[] {
    return this.parts.flatMap((p) => (p.kind === "html" ? [p.html] : []));
  }

  /**
   * The `text/html` form: the title, then each part; figures wait for `window.Plotly`, showing
   * their static PNG until then (see {@link BundleOptions.staticImages}).
   */
  toHtml(options: BundleOptions = {}): string {
    const still = options.staticImages ?? staticImagesEnabled();
    const body = this.parts.map((p) => (p.kind === "plotly" ? figureHtml(p.figure, still ? stillOf(p.figure) : null) : p.html)).join("\n");
    return `${VIEW_CSS}<div class="embedlab-view"><div class="embedlab-title">${escapeHtml(this.title)}</div>\n${body}</div>`;
  }

  /**
   * The MIME bundle, richest first: `application/vnd.plotly.v1+json` when the view is exactly one
   * figure (JupyterLab with plotly's extension and VS Code draw it natively), `text/html` always
   * (every figure as a plotly script over its static PNG, plus the tables), `image/png` of the
   * figure for single-figure views with static images on (PDF export, frontends without HTML),
   * `text/plain` always.
   */
  toBundle(options: BundleOptions = {}): MimeBundle {
    const still = options.staticImages ?? staticImagesEnabled();
    const bundle: MimeBundle = {};
    const single = this.parts.length === 1 && this.parts[0].kind === "plotly" ? this.parts[0].figure : null;
    if (single) bundle[PLOTLY_MIME] = single;
    bundle["text/html"] = this.toHtml({ staticImages: still });
    if (single && still) {
      const image = stillOf(single);
      if (image) bundle["image/png"] = image.png.toString("base64");
    }
    bundle["text/plain"] = this.text;
    return bundle;
  }

  /** The Jupyter display protocol (`Symbol.for("Jupyter.display")`): the MIME bundle. */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return this.toBundle();
  }

  /** The plain-text form. */
  toString(): string {
    return this.text;
  }

  /** As a cell's last expression in tslab: publish the bundle; everywhere else: the text form. */
  [inspect.custom](): string {
    const target = displayTarget();
    if (target && printingLastValue()) {
      target.publish(this.toBundle());
      return "";
    }
    return this.text;
  }
}
