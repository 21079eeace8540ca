/**
 * UMAP's layout gradient coefficients, tabulated. Each update of the layout multiplies a pair's
 * difference `y_i − y_j` by a coefficient of its squared distance `d²` (umap-learn's
 * `optimize_layout_euclidean`, γ = 1):
 *
 *   attraction (an edge):      −2ab · d^{2(b−1)} / (1 + a·d^{2b})
 *   repulsion (a negative):     2b / ((0.001 + d²) · (1 + a·d^{2b}))
 *
 * Both need `d^{2b}`, a `Math.log` and a `Math.exp` per pair: about 60% of an epoch's time at
 * 50,000 points. Here they are tabulated once per run on a grid in `d` (not `d²`: the curves are
 * smooth in `d`) of step 1/1024 for 0.125 ≤ d < 64 and read by linear interpolation (relative
 * error below 5e-5 on that range, tested; umap-learn itself computes in float32); outside it, the formula is evaluated directly.
 */

/** The grid: d from 0 to 64 in steps of 1/1024 (65,537 points, 1 MB for both tables). */
const STEPS_PER_UNIT = 1024;
const D_MAX = 64;
/** Below this distance the attraction's d^{2(b−1)} bends too sharply to interpolate: computed directly. */
const D_MIN = 0.125;

/** The two coefficients for curve parameters `a`, `b` (see the file's header). */
export class LayoutGradient {
  /** `attract[t]`: the attraction coefficient at d = t / 1024. */
  readonly attract: Float64Array;
  /** `repel[t]`: the repulsion coefficient at d = t / 1024. */
  readonly repel: Float64Array;
  static readonly STEPS_PER_UNIT = STEPS_PER_UNIT;
  static readonly D_MIN = D_MIN;
  static readonly D_MAX = D_MAX;

  constructor(readonly a: number, readonly b: number) {
    const size = D_MAX * STEPS_PER_UNIT + 2;
    this.attract = new Float64Array(size);
    this.repel = new Float64Array(size);
    for (let t = 1; t < size; t++) {
      const d = t / STEPS_PER_UNIT;
      this.attract[t] = this.attractExact(d * d);
      this.repel[t] = this.repelExact(d * d);
    }
  }

  /** The attraction coefficient at squared distance `d2` > 0, by the formula. */
  attractExact(d2: number): number {
    const pw = Math.exp(this.b * Math.log(d2)); // d^{2b}
    return (-2 * this.a * this.b * (pw / d2)) / (this.a * pw + 1);
  }

  /** The repulsion coefficient at squared distance `d2` > 0, by the formula. */
  repelExact(d2: number): number {
    return (2 * this.b) / ((0.001 + d2) * (this.a * Math.exp(this.b * Math.log(d2)) + 1));
  }

  /** The attraction coefficient at squared distance `d2` > 0 (tabulated on the grid's range). */
  attraction(d2: number): number {
    const d = Math.sqrt(d2);
    if (!(d >= D_MIN && d < D_MAX)) return this.attractExact(d2);
    const u = d * STEPS_PER_UNIT;
    const t = u | 0;
    const f = this.attract;
    return f[t] + (u - t) * (f[t + 1] - f[t]);
  }

  /** The repulsion coefficient at squared distance `d2` > 0 (tabulated on the grid's range). */
  repulsion(d2: number): number {
    const d = Math.sqrt(d2);
    if (!(d >= D_MIN && d < D_MAX)) return this.repelExact(d2);
    const u = d * STEPS_PER_UNIT;
    const t = u | 0;
    const f = this.repel;
    return f[t] + (u - t) * (f[t + 1] - f[t]);
  }
}
