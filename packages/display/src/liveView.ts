/**
 * Live outputs (progress, curves) updated in place through Jupyter's `update_display_data`.
 */
import { validate } from "@embedlab/core";
import { displayTarget, newDisplayId, type MimeBundle } from "./target";
import { toBundle } from "./show";
import { staticImagesEnabled } from "./static/staticImage";
import { View, uncountedFigures } from "./View";

const { checkKeys, checkNumber, typeError } = validate;

/** Options of {@link liveView}. */
export interface LiveViewOptions {
  /** The least time between two published frames, in ms. Defaults to `250` (at most 4 updates a second). */
  throttleMs?: number;
  /** The clock, in ms. Defaults to `Date.now` (tests pass a fake one). */
  now?: () => number;
}

/**
 * A handle on one output area of the notebook that is replaced in place: `update()` as often as
 * you like (frames are throttled), `done()` once with the final frame.
 */
export class LiveView {
  /** The Jupyter display id of the output. */
  readonly displayId: string;
  /** How many frames were actually published. */
  published = 0;
  private readonly throttleMs: number;
  private readonly now: () => number;
  private last = -Infinity;
  private pending: unknown = undefined;
  private hasPending = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private latest: unknown = undefined;
  private lastStill = -Infinity;

  constructor(options: LiveViewOptions = {}) {
    checkKeys("liveView", options, ["throttleMs", "now"]);
    this.throttleMs = options.throttleMs === undefined ? 250 : checkNumber("liveView", "options.throttleMs", options.throttleMs);
    if (this.throttleMs < 0) throw new RangeError(`liveView: expected options.throttleMs to be a number >= 0, but got ${this.throttleMs}`);
    if (options.now !== undefined && typeof options.now !== "function") throw typeError("liveView", "options.now", "a function", options.now);
    this.now = options.now ?? Date.now;
    this.displayId = newDisplayId();
  }

  /** Whether `done()` was called. */
  get isDone(): boolean {
    return this.closed;
  }

  /**
   * Shows `frame` (a {@link View}, anything `show` accepts, or an HTML string) now, or at the end
   * of the throttle window; only the newest pending frame is published. A function is called only
   * when its frame is actually published (cheap updates from hot loops).
   */
  update(frame: View | string | object | (() => View | string | object)): void {
    if (this.closed) throw new Error("LiveView.update: this live view is done; create a new one with liveView()");
    this.latest = frame;
    this.pending = frame;
    this.hasPending = true;
    const wait = this.last + this.throttleMs - this.now();
    if (wait <= 0) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), wait);
      this.timer.unref?.();
    }
  }

  /** Publishes the final frame (the given one, else the newest) at once, unthrottled; outside a kernel prints its text. */
  done(frame?: View | string | object): void {
    if (this.closed) return;
    if (frame !== undefined) this.latest = frame;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.closed = true;
    if (this.latest === undefined) return;
    const target = displayTarget();
    if (target) this.publish(this.latest, true);
    else console.log(String(bundleOf(this.latest)["text/plain"] ?? ""));
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.hasPending || this.closed) return;
    this.hasPending = false;
    if (displayTarget()) this.publish(this.pending);
    this.last = this.now();
  }

  private publish(frame: unknown, final = false): void {
    const target = displayTarget();
    if (!target) return;
    // Static images cost a render per figure: the last frame always has them, earlier ones at most
    // every STILL_EVERY_MS (so an interrupted run still leaves a recent picture).
    let still = false;
    if (staticImagesEnabled() && (final || this.now() - this.lastStill >= STILL_EVERY_MS)) {
      still = true;
      this.lastStill = this.now();
    }
    const bundle = final ? bundleOf(frame, still) : uncountedFigures(() => bundleOf(frame, still)); // only the final frame's ids stay
    target.publish(bundle, this.displayId, this.published > 0);
    this.published++;
  }
}

/** How often a live view's frames carry static images, at most (ms). */
const STILL_EVERY_MS = 2000;

function bundleOf(frame: unknown, staticImages = false): MimeBundle {
  if (typeof frame === "function") frame = (frame as () => unknown)();
  if (typeof frame === "string") return { "text/html": frame, "text/plain": frame.replace(/<[^>]*>/g, "") };
  return toBundle(frame, { staticImages });
}

/**
 * An output area updated in place (throttled to `throttleMs`), for progress bars and live curves.
 *
 * @example
 * const live = liveView();
 * for (let i = 0; i <= 100; i++) live.update(`<progress value=${i} max=100></progress>`);
 * live.done();
 */
export function liveView(options: LiveViewOptions = {}): LiveView {
  return new LiveView(options);
}
