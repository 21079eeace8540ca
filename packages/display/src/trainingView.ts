/**
 * `trainingView()`: live loss/metric curves, a progress bar with ETA and a `stop()` flag, for
 * `model.fit` (as a tfjs callback) and for hand-written training loops.
 */
import { interruptRequested, tf, throwIfInterrupted, validate } from "@embedlab/core";
import { escapeHtml } from "./html";
import { displayTarget } from "./target";
import { LiveView } from "./liveView";
import { round } from "./matrix";
import { View, type PlotlyFigure } from "./View";
import { tr } from "./lang";

const { checkBool, checkInt, checkKeys, checkNumber, typeError } = validate;

/** Options of {@link trainingView}. */
export interface TrainingViewOptions {
  /** Total epochs, for the progress bar and ETA. Defaults to `model.fit`'s `epochs`, else unknown. */
  epochs?: number;
  /** Batches per epoch. Defaults to `model.fit`'s, else what the first epoch counted. */
  stepsPerEpoch?: number;
  /** Which logged values to plot. Defaults to every numeric value logged. */
  metrics?: string[];
  /** A title. Defaults to `"Training"`. */
  title?: string;
  /** The least time between two frames, in ms. Defaults to `250`. */
  throttleMs?: number;
  /** Publish live frames to the notebook. Defaults to `true` (no effect outside a kernel). */
  live?: boolean;
  /** Call `stop()` when the kernel is interrupted (SIGINT) during training. Defaults to `true`. */
  stopOnInterrupt?: boolean;
  /** The clock, in ms. Defaults to `Date.now`. */
  now?: () => number;
}

/** Logged values: numbers, or tfjs scalars (model.fit hands callbacks unresolved scalars). */
export type Logs = Record<string, number | { dataSync(): ArrayLike<number> } | undefined>;

interface Point {
  step: number;
  epoch: number;
  logs: Record<string, number>;
}

/** Past this many per-batch points a curve is averaged into buckets (frames stay small). */
const MAX_POINTS = 400;

function resolve(logs: Logs | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs ?? {})) {
    if (k === "batch" || k === "size") continue; // tfjs's batch bookkeeping, not metrics
    if (typeof v === "number") out[k] = v;
    else if (v && typeof (v as { dataSync?: unknown }).dataSync === "function") out[k] = Number((v as { dataSync(): ArrayLike<number> }).dataSync()[0]);
  }
  return out;
}

function fmtTime(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Averages `ys` into at most `max` buckets (keeping each bucket's last x). */
function bucket(xs: number[], ys: number[], max: number): { x: number[]; y: number[] } {
  if (xs.length <= max) return { x: xs, y: ys.map((v) => round(v, 6)) };
  const size = Math.ceil(xs.length / max);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < xs.length; i += size) {
    const sl = ys.slice(i, i + size);
    x.push(xs[Math.min(i + size, xs.length) - 1]);
    y.push(round(sl.reduce((a, b) => a + b, 0) / sl.length, 6));
  }
  return { x, y };
}

/**
 * Live training curves. Pass it to `model.fit({ callbacks: [view] })`, or drive it from a loop
 * with `step(logs)` per batch, `epochEnd(logs)` per epoch and `done()`; check `stopped` in the
 * loop (interrupting an awaited loop does not stop it: `stop()`, or a kernel interrupt, sets the
 * flag and, under `model.fit`, `model.stopTraining`).
 */
export class TrainingView extends tf.Callback {
  /** Every batch's logs, in order. */
  readonly batches: Point[] = [];
  /** Every epoch's logs, in order. */
  readonly epochs: Point[] = [];
  /** Whether `stop()` was called (or the kernel interrupted). A loop checks this. */
  stopped = false;
  /** Whether `done()` (or `model.fit`'s end) was reached. */
  finished = false;
  private readonly opts: Required<Pick<TrainingViewOptions, "title" | "throttleMs" | "live" | "stopOnInterrupt">> & { now: () => number };
  private totalEpochs: number | undefined;
  private stepsPerEpoch: number | undefined;
  private readonly metrics: string[] | undefined;
  private epoch = 0;
  private batchInEpoch = 0;
  private started: number | undefined;
  private live: LiveView | undefined;
  private readonly onSigint = (): void => this.stop();
  private listening = false;

  constructor(options: TrainingViewOptions = {}) {
    super();
    const fn = "trainingView";
    checkKeys(fn, options, ["epochs", "stepsPerEpoch", "metrics", "title", "throttleMs", "live", "stopOnInterrupt", "now"]);
    if (options.epochs !== undefined) this.totalEpochs = checkInt(fn, "options.epochs", options.epochs, 1);
    if (options.stepsPerEpoch !== undefined) this.stepsPerEpoch = checkInt(fn, "options.stepsPerEpoch", options.stepsPerEpoch, 1);
    if (options.metrics !== undefined) {
      if (!Array.isArray(options.metrics) || options.metrics.some((m) => typeof m !== "string")) throw typeError(fn, "options.metrics", "an array of log names", options.metrics);
      this.metrics = [...options.metrics];
    }
    if (options.now !== undefined && typeof options.now !== "function") throw typeError(fn, "options.now", "a function", options.now);
    this.opts = {
      title: options.title ?? tr("Training", "训练"),
      throttleMs: options.throttleMs === undefined ? 250 : checkNumber(fn, "options.throttleMs", options.throttleMs),
      live: options.live === undefined ? true : checkBool(fn, "options.live", options.live),
      stopOnInterrupt: options.stopOnInterrupt === undefined ? true : checkBool(fn, "options.stopOnInterrupt", options.stopOnInterrupt),
      now: options.now ?? Date.now,
    };
  }

  /** Asks the training to stop after the current batch (sets `stopped` and `model.stopTraining`). */
  stop(): void {
    this.stopped = true;
    const model = (this as unknown as { model?: { stopTraining: boolean } }).model;
    if (model) model.stopTraining = true;
  }

  /**
   * Hand-written loops: record one batch's logs (e.g. `{ loss }`). In the embedlab kernel, after an
   * interrupt it publishes the final frame and throws `InterruptedError "training: interrupted at
   * epoch e, step s"` (the step just recorded; the loop must `await` now and then so the interrupt
   * can land). Under `model.fit` the kernel's fit does that instead.
   */
  step(logs: Logs = {}): void {
    if (this.finished) throw new Error("TrainingView.step: training is done; create a new trainingView()");
    this.begin();
    this.batches.push({ step: this.batches.length + 1, epoch: this.epoch, logs: resolve(logs) });
    this.batchInEpoch++;
    if (interruptRequested() && !(this as unknown as { model?: unknown }).model) {
      this.stopped = true;
      this.done();
      throwIfInterrupted("training", `epoch ${this.epoch + 1}, step ${this.batchInEpoch}`);
    }
    this.frame();
  }

  /** Hand-written loops: end the current epoch with its logs (e.g. `{ loss, val_loss }`). */
  epochEnd(logs: Logs = {}): void {
    if (this.finished) throw new Error("TrainingView.epochEnd: training is done; create a new trainingView()");
    this.begin();
    if (this.stepsPerEpoch === undefined && this.batchInEpoch > 0) this.stepsPerEpoch = this.batchInEpoch;
    this.epochs.push({ step: this.batches.length, epoch: this.epoch, logs: resolve(logs) });
    this.epoch++;
    this.batchInEpoch = 0;
    this.frame();
  }

  /** Publishes the final frame and stops listening for interrupts. */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    this.unlisten();
    if (!this.opts.live) return;
    (this.live ?? (this.live = new LiveView({ throttleMs: this.opts.throttleMs, now: this.opts.now }))).done(this.view());
  }

  /** tfjs hook. */
  override async onTrainBegin(): Promise<void> {
    const p = (this as unknown as { params?: { epochs?: number; steps?: number | null; samples?: number; batchSize?: number } }).params ?? {};
    if (this.totalEpochs === undefined && typeof p.epochs === "number") this.totalEpochs = p.epochs;
    if (this.stepsPerEpoch === undefined) {
      if (typeof p.steps === "number" && p.steps > 0) this.stepsPerEpoch = p.steps;
      else if (typeof p.samples === "number" && typeof p.batchSize === "number" && p.batchSize > 0) this.stepsPerEpoch = Math.ceil(p.samples / p.batchSize);
    }
    if (this.stopped) this.stop(); // stop() before fit: stop at once
    this.begin();
  }

  /** tfjs hook. */
  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    this.batchInEpoch = 0;
  }

  /** tfjs hook. */
  override async onBatchEnd(_batch: number, logs?: Logs): Promise<void> {
    this.step(logs as Logs);
  }

  /** tfjs hook. */
  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    this.epoch = epoch;
    this.epochEnd(logs as Logs);
  }

  /** tfjs hook. */
  override async onTrainEnd(): Promise<void> {
    this.done();
  }

  /** The current frame, as a pure value: progress line and bar, then the curves. */
  view(): View {
    const now = this.opts.now();
    const elapsed = this.started === undefined ? 0 : now - this.started;
    const steps = this.batches.length;
    const total = this.totalEpochs !== undefined && this.stepsPerEpoch !== undefined ? this.totalEpochs * this.stepsPerEpoch : undefined;
    const fraction = total ? Math.min(1, steps / total) : this.totalEpochs ? Math.min(1, this.epochs.length / this.totalEpochs) : undefined;
    const eta = fraction && fraction > 0 && !this.finished ? (elapsed / fraction) * (1 - fraction) : undefined;
    const lastBatch = this.batches[this.batches.length - 1]?.logs ?? {};
    const lastEpoch = this.epochs[this.epochs.length - 1]?.logs ?? {};
    const shown = { ...lastBatch, ...lastEpoch };
    const state = this.stopped ? tr("stopped", "已停止") : this.finished ? tr("done", "已完成") : tr("training", "训练中");
    const current = this.epochs.length + (!this.finished || this.batchInEpoch > 0 ? 1 : 0);
    const epochOf = `${Math.min(current, this.totalEpochs ?? Infinity)}${this.totalEpochs ? `/${this.totalEpochs}` : ""}`;
    const epochText = tr(`epoch ${epochOf}`, `第 ${epochOf} 轮`);
    const batchOf = `${this.batchInEpoch}${this.stepsPerEpoch ? `/${this.stepsPerEpoch}` : ""}`;
    const batchText = this.finished ? "" : tr(` · batch ${batchOf}`, ` · 批次 ${batchOf}`);
    const values = Object.entries(shown).map(([k, v]) => `${k} ${round(v, 4)}`).join(" · ");
    const timing = tr(
      `${steps} steps · elapsed ${fmtTime(elapsed)}${eta !== undefined ? ` · ETA ${fmtTime(eta)}` : ""}`,
      `${steps} 步 · 已用 ${fmtTime(elapsed)}${eta !== undefined ? ` · 预计还需 ${fmtTime(eta)}` : ""}`,
    );
    const line = `${state}${tr(": ", "：")}${epochText}${batchText} · ${timing}${values ? ` · ${values}` : ""}`;
    const pct = fraction === undefined ? undefined : Math.round(1000 * (this.finished && !this.stopped ? 1 : fraction)) / 10;
    const bar = pct === undefined ? "" : `<div class="embedlab-progress" title="${pct}%"><div style="width:${pct}%"></div></div>`;
    return new View({
      title: this.opts.title,
      parts: [
        { kind: "html", html: `<div class="embedlab-note">${escapeHtml(line)}</div>${bar}` },
        { kind: "plotly", figure: this.figure() },
      ],
      text: `${this.opts.title}${tr(": ", "：")}${line}`,
    });
  }

  /** The curves: per batch (thin lines) and per epoch (markers), one colour per logged value. */
  figure(): PlotlyFigure {
    const names = this.metrics ?? [...new Set([...this.batches, ...this.epochs].flatMap((p) => Object.keys(p.logs)))];
    const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
    const data: Record<string, unknown>[] = [];
    names.forEach((name, k) => {
      const color = palette[k % palette.length];
      const b = this.batches.filter((p) => name in p.logs);
      if (b.length) {
        const s = bucket(b.map((p) => p.step), b.map((p) => p.logs[name]), MAX_POINTS);
        data.push({ type: "scatter", mode: "lines", name: tr(`${name} (batch)`, `${name}（批次）`), x: s.x, y: s.y, line: { color, width: 1 }, opacity: 0.6 });
      }
      const e = this.epochs.filter((p) => name in p.logs);
      if (e.length) {
        data.push({ type: "scatter", mode: "lines+markers", name: tr(`${name} (epoch)`, `${name}（轮）`), x: e.map((p) => p.step), y: e.map((p) => round(p.logs[name], 6)), line: { color, width: 2, dash: name.startsWith("val_") ? "dash" : "solid" }, marker: { color, size: 7 } });
      }
    });
    return {
      data,
      layout: {
        title: { text: tr(`${this.opts.title}: loss and metrics`, `${this.opts.title}：损失与指标`) },
        height: 340,
        margin: { l: 55, r: 20, t: 40, b: 45 },
        xaxis: { title: { text: tr("step (batch)", "步（批次）") } },
        yaxis: { title: { text: tr("value", "数值") } },
        legend: { orientation: "h" },
      },
    };
  }

  private begin(): void {
    if (this.started !== undefined) return;
    this.started = this.opts.now();
    if (this.opts.stopOnInterrupt && displayTarget() && !this.listening) {
      process.on("SIGINT", this.onSigint);
      this.listening = true;
    }
  }

  private unlisten(): void {
    if (this.listening) process.off("SIGINT", this.onSigint);
    this.listening = false;
  }

  private frame(): void {
    if (!this.opts.live || !displayTarget()) return;
    (this.live ?? (this.live = new LiveView({ throttleMs: this.opts.throttleMs, now: this.opts.now }))).update(() => this.view());
  }
}

/**
 * Live training curves and progress: a tfjs callback for `model.fit`, and a handle for
 * hand-written loops. Frames are throttled (≤ 4 a second) and finish with a final frame.
 *
 * @example
 * const tv = trainingView();
 * await model.fit(x, y, { epochs: 5, callbacks: [tv] });
 * // or: for (...) { if (tv.stopped) break; ...; tv.step({ loss }); } tv.done();
 */
export function trainingView(options: TrainingViewOptions = {}): TrainingView {
  return new TrainingView(options);
}
