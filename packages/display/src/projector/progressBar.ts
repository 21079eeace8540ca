/**
 * A progress bar with an ETA, updated in place in the notebook (a {@link LiveView}), fed by the
 * `onProgress` callback of core's long computations (t-SNE, UMAP, nearest neighbours).
 */
import type { ProjectionProgress } from "@embedlab/core";
import { escapeHtml } from "../html";
import { liveView, type LiveView, type LiveViewOptions } from "../liveView";
import { tr } from "../lang";

/** `12 s`, `3 min 5 s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** The bar's HTML (and, without tags, its text): share done, stage, elapsed and remaining time. */
export function progressHtml(title: string, p: ProjectionProgress, elapsedMs: number): string {
  const f = Math.min(1, Math.max(0, p.fraction));
  const eta = f > 0.005 ? formatDuration((elapsedMs * (1 - f)) / f) : "…";
  return (
    `<div class="embedlab-progress"><b>${escapeHtml(title)}</b> ` +
    `<progress value="${(100 * f).toFixed(1)}" max="100" style="width:240px;vertical-align:middle"></progress> ` +
    `${(100 * f).toFixed(0)}% · ${escapeHtml(p.stage)} ${p.done}/${p.total} · ${tr(`${formatDuration(elapsedMs)} elapsed · ETA ${eta}`, `已用 ${formatDuration(elapsedMs)} · 预计还需 ${eta}`)}</div>`
  );
}

/** A live progress bar: `onProgress` for core's functions, `done(text)` to close it with a last line. */
export interface ProgressBar {
  onProgress: (p: ProjectionProgress) => void;
  done(text: string): void;
  /** The live output (its `published` count says how many frames were drawn). */
  readonly live: LiveView;
}

/**
 * Opens a progress bar titled `title` in the cell's output (throttled to 4 frames a second).
 * @example
 * const bar = progressBar("t-SNE");
 * const t = await tsne(vectors, { onProgress: bar.onProgress });
 * bar.done(`t-SNE: ${t.n} points`);
 */
export function progressBar(title: string, options: LiveViewOptions = {}): ProgressBar {
  const live = liveView(options);
  const now = options.now ?? Date.now;
  const t0 = now();
  return {
    live,
    onProgress: (p) => live.update(() => progressHtml(title, p, now() - t0)),
    done: (text) => live.done(`<div class="embedlab-progress">${escapeHtml(text)}</div>`),
  };
}
