/**
 * `saveHtml(views, path)`: a standalone, offline HTML page of any views.
 */
import { mkdirSync, renameSync, writeFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { validate } from "@embedlab/core";
import { escapeHtml } from "./html";
import { GL2D_TRACE_TYPES, plotlyScript } from "./initNotebook";
import { toBundle } from "./show";
import { View } from "./View";

const { checkKeys, checkString, typeError } = validate;

/** Options of {@link saveHtml}. */
export interface SaveHtmlOptions {
  /** The page title. Defaults to `"embedlab"`. */
  title?: string;
}

/**
 * Writes a standalone HTML page with plotly.js inlined once (offline, no CDN) and every view (or
 * anything `show` accepts) in order. Written atomically: a failed write leaves no half file.
 * Returns the absolute path.
 *
 * **Input:** a view or an array of views, a file path. **Output:** the path written.
 *
 * @example
 * saveHtml([positionalEncodingView(pe), projector(vectors)], "build/figures.html");
 */
export function saveHtml(views: View | unknown[], file: string, options: SaveHtmlOptions = {}): string {
  const fn = "saveHtml";
  checkString(fn, "path", file);
  checkKeys(fn, options, ["title"]);
  const list = Array.isArray(views) ? views : [views];
  if (list.length === 0) throw typeError(fn, "views", "a view or a non-empty array of views", views);
  const figures = list.flatMap((v) => (v instanceof View ? v.figures : [null]));
  const gl2d = figures.length > 0 && figures.every((f) => f !== null && f.data.every((t) => GL2D_TRACE_TYPES.includes(String(t.type ?? "scatter"))));
  const body = list.map((v, i) => {
    const b = toBundle(v);
    if (typeof b["text/html"] === "string") return `<section id="view-${i + 1}">${b["text/html"]}</section>`;
    return `<section id="view-${i + 1}"><pre>${escapeHtml(String(b["text/plain"] ?? ""))}</pre></section>`;
  });
  const title = options.title ?? "embedlab";
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{max-width:1100px;margin:24px auto;padding:0 16px;font:14px/1.45 -apple-system,Segoe UI,Helvetica,Arial,sans-serif}section{margin:0 0 28px}</style>
${plotlyScript(gl2d ? "gl2d" : "full")}
</head><body>
<h1>${escapeHtml(title)}</h1>
${body.join("\n")}
</body></html>
`;
  const abs = path.resolve(file);
  mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = `${abs}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, html);
    renameSync(tmp, abs);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return abs;
}
