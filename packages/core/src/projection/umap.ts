/**
 * UMAP (McInnes, Healy & Melville, 2018), as umap-learn's `UMAP(n_neighbors, min_dist)` computes it,
 * on flat typed arrays: the fuzzy simplicial set over the nearest neighbours (exact up to 4,096
 * points, NN-descent above, as umap-learn chooses; see nnDescent.ts) (smooth kNN
 * distances: ρ_i the nearest distance, σ_i so the memberships sum to log₂ k), the fuzzy union
 * A + Aᵀ − A∘Aᵀ, then stochastic gradient descent on the edges with negative sampling (5 per
 * edge), curve parameters a, b fitted to `minDist`. Initialised from the scaled PCA instead of
 * umap-learn's spectral layout (deterministic, and no eigensolver over N points). Seeded.
 */
import { checkInt, checkKeys, checkNumber, checkOneOf, rangeError, typeError } from "../validate";
import { mulberry32 } from "../backend/seed";
import { neighborSteps, type Neighbors } from "./nearestNeighbors";
import { nnDescentSettings, nnDescentSteps } from "./nnDescent";
import { LayoutGradient } from "./layoutGradient";
import { pcaOfPoints } from "./pca";
import { toPoints, type Points, type PointsInput, type ProjectionProgress } from "./points";
import { Projection } from "./Projection";
import { runAsync, runSync, type Steps } from "./steps";

/** Options of {@link umap}. */
export interface UmapOptions {
  /** Output dimensions. Defaults to `2`. */
  dims?: 2 | 3;
  /** Neighbours per point, the point itself included (umap-learn's count). Defaults to `min(15, N - 1)`. */
  nNeighbors?: number;
  /** How tightly points may pack in the picture. Defaults to `0.1`. */
  minDist?: number;
  /** The scale of the picture's distances. Defaults to `1`. */
  spread?: number;
  /** Optimisation epochs. Defaults to `500` up to 10,000 points, else `200` (umap-learn's). */
  nEpochs?: number;
  /** Seed of the negative sampling (and of NN-descent). Defaults to `42`. */
  seed?: number;
  /**
   * How the neighbour graph is found: `"exact"` (a full O(N² D) scan), `"nndescent"` (approximate,
   * seeded; core's `nnDescent` with its defaults) or `"auto"`: exact up to {@link UMAP_EXACT_MAX}
   * points, NN-descent above (umap-learn's rule). Defaults to `"auto"`.
   */
  neighbors?: "auto" | "exact" | "nndescent";
  /** Called after each chunk of work. Defaults to none. */
  onProgress?: (p: ProjectionProgress) => void;
}

/** Up to this many points, `umap`'s `neighbors: "auto"` scans exactly (umap-learn's threshold, 4,096). */
export const UMAP_EXACT_MAX = 4096;

/** What {@link umap} returns: the coordinates and the neighbour graph used. */
export class UmapProjection extends Projection {
  /** The nearest neighbours used (k = nNeighbors − 1, the point itself not listed; approximate when NN-descent found them). */
  readonly neighbors: Neighbors;
  constructor(coordinates: Float64Array, n: number, dims: number, neighbors: Neighbors) {
    super(coordinates, n, dims);
    this.neighbors = neighbors;
  }
}

/** a, b of 1 / (1 + a d^{2b}) fitted (least squares, Gauss–Newton) to umap-learn's target curve. */
export function fitAB(minDist: number, spread: number): { a: number; b: number } {
  const xs = Array.from({ length: 300 }, (_, i) => (3 * spread * i) / 299);
  const ys = xs.map((x) => (x < minDist ? 1 : Math.exp(-(x - minDist) / spread)));
  let a = 1.5, b = 0.9;
  for (let it = 0; it < 200; it++) {
    let jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
    for (let i = 1; i < xs.length; i++) {
      const x = xs[i];
      const x2b = Math.pow(x, 2 * b);
      const den = 1 + a * x2b;
      const f = 1 / den;
      const r = f - ys[i];
      const da = -x2b / (den * den);
      const db = (-a * x2b * 2 * Math.log(x)) / (den * den);
      jaa += da * da; jab += da * db; jbb += db * db;
      ga += da * r; gb += db * r;
    }
    const lambda = 1e-9 * (jaa + jbb);
    const det = (jaa + lambda) * (jbb + lambda) - jab * jab;
    if (!(Math.abs(det) > 0)) break;
    const stepA = ((jbb + lambda) * ga - jab * gb) / det;
    const stepB = ((jaa + lambda) * gb - jab * ga) / det;
    a -= stepA;
    b -= stepB;
    if (Math.abs(stepA) < 1e-10 && Math.abs(stepB) < 1e-10) break;
  }
  return { a, b };
}

interface Settings {
  dims: 2 | 3;
  nNeighbors: number;
  minDist: number;
  spread: number;
  nEpochs: number;
  seed: number;
  exact: boolean;
  onProgress?: (p: ProjectionProgress) => void;
}

function settings(fn: string, p: Points, options: UmapOptions): Settings {
  checkKeys(fn, options, ["dims", "nNeighbors", "minDist", "spread", "nEpochs", "seed", "neighbors", "onProgress"]);
  const n = p.n;
  if (n < 4) throw rangeError(fn, "x", "at least 4 points", `${n} points`);
  if (p.d < 1) throw rangeError(fn, "x", "points with at least one dimension", "0 columns");
  const dims = options.dims === undefined ? 2 : checkOneOf(fn, "options.dims", options.dims, [2, 3] as const);
  const nNeighbors = options.nNeighbors === undefined ? Math.min(15, n - 1) : checkInt(fn, "options.nNeighbors", options.nNeighbors, 2, n - 1);
  const minDist = options.minDist === undefined ? 0.1 : checkNumber(fn, "options.minDist", options.minDist, { min: 0 });
  const spread = options.spread === undefined ? 1 : checkNumber(fn, "options.spread", options.spread, { positive: true });
  if (minDist > spread) throw rangeError(fn, "options.minDist", `a number <= spread (${spread})`, minDist);
  const nEpochs = options.nEpochs === undefined ? (n <= 10000 ? 500 : 200) : checkInt(fn, "options.nEpochs", options.nEpochs, 1);
  const seed = options.seed === undefined ? 42 : checkInt(fn, "options.seed", options.seed, 0, 2 ** 32 - 1);
  const how = options.neighbors === undefined ? "auto" : checkOneOf(fn, "options.neighbors", options.neighbors, ["auto", "exact", "nndescent"] as const);
  const exact = how === "exact" || (how === "auto" && n <= UMAP_EXACT_MAX);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") throw typeError(fn, "options.onProgress", "a function", options.onProgress);
  return { dims, nNeighbors, minDist, spread, nEpochs, seed, exact, onProgress: options.onProgress };
}

/** The fuzzy simplicial set as directed edges (both directions of each symmetric pair). */
function fuzzyGraph(nb: Neighbors, n: number, nNeighbors: number): { head: Int32Array; tail: Int32Array; weight: Float64Array } {
  const { k, indices, distances } = nb;
  const target = Math.log2(nNeighbors);
  let meanAll = 0;
  for (let t = 0; t < distances.length; t++) meanAll += distances[t];
  meanAll /= distances.length;
  const memb = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let rho = 0;
    for (let r = 0; r < k; r++) if (distances[o + r] > 0) { rho = distances[o + r]; break; }
    let lo = 0, hi = Infinity, mid = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let r = 0; r < k; r++) {
        const dd = distances[o + r] - rho;
        psum += dd > 0 ? Math.exp(-dd / mid) : 1;
      }
      if (Math.abs(psum - target) < 1e-5) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    let meanI = 0;
    for (let r = 0; r < k; r++) meanI += distances[o + r];
    meanI /= k;
    const sigma = rho > 0 ? Math.max(mid, 1e-3 * meanI) : Math.max(mid, 1e-3 * meanAll);
    for (let r = 0; r < k; r++) {
      const dd = distances[o + r] - rho;
      memb[o + r] = dd <= 0 || sigma === 0 ? 1 : Math.exp(-dd / sigma);
    }
  }
  // union: w_ij = a + b − a·b over the pairs found in either direction
  const pair = new Map<number, number>();
  const heads: number[] = [];
  const tails: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      const j = indices[i * k + r];
      const lo = Math.min(i, j), hi = Math.max(i, j);
      const key = lo * n + hi;
      let e = pair.get(key);
      if (e === undefined) {
        e = heads.length;
        pair.set(key, e);
        heads.push(lo);
        tails.push(hi);
        as.push(0);
        bs.push(0);
      }
      if (i === lo) as[e] = memb[i * k + r];
      else bs[e] = memb[i * k + r];
    }
  }
  const m = heads.length;
  const head = new Int32Array(2 * m);
  const tail = new Int32Array(2 * m);
  const weight = new Float64Array(2 * m);
  for (let e = 0; e < m; e++) {
    const w = as[e] + bs[e] - as[e] * bs[e];
    head[2 * e] = heads[e]; tail[2 * e] = tails[e]; weight[2 * e] = w;
    head[2 * e + 1] = tails[e]; tail[2 * e + 1] = heads[e]; weight[2 * e + 1] = w;
  }
  return { head, tail, weight };
}

/** One epoch of the 2-D layout, unrolled (the common case): the same updates as the general loop. */
function epoch2(y: Float64Array, n: number, m: number, epoch: number, alpha: number, eh: Int32Array, et: Int32Array, eps: Float64Array, nextSample: Float64Array, epsNeg: Float64Array, nextNeg: Float64Array, g: LayoutGradient, rand: () => number): void {
  const { attract, repel } = g;
  const lo = LayoutGradient.D_MIN, hi = LayoutGradient.D_MAX, steps = LayoutGradient.STEPS_PER_UNIT;
  for (let q = 0; q < m; q++) {
    if (nextSample[q] > epoch) continue;
    const i = 2 * eh[q], j = 2 * et[q];
    let yi0 = y[i], yi1 = y[i + 1];
    const dx = yi0 - y[j], dy = yi1 - y[j + 1];
    const d2 = dx * dx + dy * dy;
    if (d2 > 0) {
      // g.attraction(d2), inlined
      const dd = Math.sqrt(d2);
      let coeff: number;
      if (dd >= lo && dd < hi) {
        const u = dd * steps, t = u | 0;
        coeff = attract[t] + (u - t) * (attract[t + 1] - attract[t]);
      } else coeff = g.attractExact(d2);
      let gx = coeff * dx, gy = coeff * dy;
      gx = (gx > 4 ? 4 : gx < -4 ? -4 : gx) * alpha;
      gy = (gy > 4 ? 4 : gy < -4 ? -4 : gy) * alpha;
      yi0 += gx;
      yi1 += gy;
      y[j] -= gx;
      y[j + 1] -= gy;
    }
    nextSample[q] += eps[q];
    const nNeg = Math.max(0, Math.floor((epoch - nextNeg[q]) / epsNeg[q]));
    for (let t = 0; t < nNeg; t++) {
      const o = 2 * (Math.floor(rand() * n) % n);
      if (o === i) continue;
      const ex = yi0 - y[o], ey = yi1 - y[o + 1];
      const e2 = ex * ex + ey * ey;
      if (e2 > 0) {
        // g.repulsion(e2), inlined
        const dd = Math.sqrt(e2);
        let coeff: number;
        if (dd >= lo && dd < hi) {
          const u = dd * steps, c = u | 0;
          coeff = repel[c] + (u - c) * (repel[c + 1] - repel[c]);
        } else coeff = g.repelExact(e2);
        const gx = coeff * ex, gy = coeff * ey;
        yi0 += (gx > 4 ? 4 : gx < -4 ? -4 : gx) * alpha;
        yi1 += (gy > 4 ? 4 : gy < -4 ? -4 : gy) * alpha;
      } else {
        yi0 += 4 * alpha;
        yi1 += 4 * alpha;
      }
    }
    y[i] = yi0;
    y[i + 1] = yi1;
    nextNeg[q] += nNeg * epsNeg[q];
  }
}

function* umapSteps(p: Points, s: Settings): Steps<UmapProjection> {
  const { n, d } = p;
  const { dims, nEpochs, onProgress } = s;
  const k = s.nNeighbors - 1;
  // rough cost model for the progress fraction (multiply-adds): the exact scan N²·D, NN-descent
  // ~ N·(k + 10)²·D per round for ~5 rounds, an epoch ~ 2·N·k edges × 6 pairs × ~10
  const scanCost = s.exact ? n * n * d : 5 * n * (k + 10) ** 2 * d;
  const epochCost = nEpochs * n * k * 2 * 6 * 10;
  const knnShare = scanCost / (scanCost + epochCost);
  const nb = s.exact ? yield* neighborSteps(p, k, onProgress, [0, knnShare]) : yield* nnDescentSteps(p, k, nnDescentSettings("umap", n, k, { seed: s.seed }), onProgress, [0, knnShare]);
  const { head, tail, weight } = fuzzyGraph(nb, n, s.nNeighbors);
  onProgress?.({ stage: "affinities", done: n, total: n, fraction: knnShare });
  yield "the fuzzy graph";

  // initial layout: PCA scaled into [-10, 10] (umap-learn scales its spectral layout the same way)
  const y = new Float64Array(n * dims);
  const rand = mulberry32(s.seed);
  if (p.d >= dims) y.set(pcaOfPoints(p, dims).coordinates);
  let maxAbs = 0;
  for (let t = 0; t < y.length; t++) maxAbs = Math.max(maxAbs, Math.abs(y[t]));
  for (let t = 0; t < y.length; t++) y[t] = (maxAbs > 0 ? (10 * y[t]) / maxAbs : 0) + 1e-4 * (2 * rand() - 1);

  // edges sampled in proportion to their weight; the faintest (< max / nEpochs) are dropped
  let wMax = 0;
  for (let e = 0; e < weight.length; e++) wMax = Math.max(wMax, weight[e]);
  const keep: number[] = [];
  for (let e = 0; e < weight.length; e++) if (weight[e] >= wMax / nEpochs) keep.push(e);
  const m = keep.length;
  const eh = new Int32Array(m), et = new Int32Array(m);
  const eps = new Float64Array(m), nextSample = new Float64Array(m), epsNeg = new Float64Array(m), nextNeg = new Float64Array(m);
  const negativeRate = 5;
  for (let q = 0; q < m; q++) {
    const e = keep[q];
    eh[q] = head[e];
    et[q] = tail[e];
    eps[q] = wMax / weight[e];
    nextSample[q] = eps[q];
    epsNeg[q] = eps[q] / negativeRate;
    nextNeg[q] = epsNeg[q];
  }
  const { a, b } = fitAB(s.minDist, s.spread);
  const grad = new LayoutGradient(a, b);
  const clip = (v: number) => (v > 4 ? 4 : v < -4 ? -4 : v);
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const alpha = 1 - epoch / nEpochs;
    if (dims === 2) {
      epoch2(y, n, m, epoch, alpha, eh, et, eps, nextSample, epsNeg, nextNeg, grad, rand);
    } else for (let q = 0; q < m; q++) {
      if (nextSample[q] > epoch) continue;
      const i = eh[q] * dims, j = et[q] * dims;
      let d2 = 0;
      for (let c = 0; c < dims; c++) d2 += (y[i + c] - y[j + c]) ** 2;
      if (d2 > 0) {
        const coeff = grad.attraction(d2);
        for (let c = 0; c < dims; c++) {
          const g = clip(coeff * (y[i + c] - y[j + c])) * alpha;
          y[i + c] += g;
          y[j + c] -= g;
        }
      }
      nextSample[q] += eps[q];
      const nNeg = Math.max(0, Math.floor((epoch - nextNeg[q]) / epsNeg[q]));
      for (let t = 0; t < nNeg; t++) {
        const o = (Math.floor(rand() * n) % n) * dims;
        if (o === i) continue;
        let e2 = 0;
        for (let c = 0; c < dims; c++) e2 += (y[i + c] - y[o + c]) ** 2;
        if (e2 > 0) {
          const coeff = grad.repulsion(e2);
          for (let c = 0; c < dims; c++) y[i + c] += clip(coeff * (y[i + c] - y[o + c])) * alpha;
        } else {
          for (let c = 0; c < dims; c++) y[i + c] += 4 * alpha;
        }
      }
      nextNeg[q] += nNeg * epsNeg[q];
    }
    if ((epoch + 1) % 5 === 0 || epoch === nEpochs - 1) {
      onProgress?.({ stage: "optimise", done: epoch + 1, total: nEpochs, fraction: knnShare + (1 - knnShare) * ((epoch + 1) / nEpochs) });
    }
    yield `epoch ${epoch + 1} of ${nEpochs}`;
  }
  for (let t = 0; t < y.length; t++) if (!Number.isFinite(y[t])) throw new RangeError(`umap: the optimisation diverged (coordinate ${t} is ${y[t]})`);
  return new UmapProjection(y, n, dims, nb);
}

/**
 * UMAP of the rows of `x` (see the file's header), in chunks: yields to the event loop every
 * ~50 ms, reports `onProgress`, stops with `InterruptedError` on a kernel interrupt. Seeded:
 * the same input and options give the same coordinates.
 *
 * N < 4 and NaN / ±Infinity entries throw `RangeError`; duplicate rows are allowed. Above 4,096
 * points the neighbours come from NN-descent (`neighbors: "exact"` forces the full scan).
 *
 * **Input shape:** `[N, D]`. **Output:** a {@link UmapProjection}, `coordinates` `[N, dims]`.
 *
 * @example
 * const u = await umap(vectors, { nNeighbors: 15, minDist: 0.1 });
 */
export async function umap(x: PointsInput, options: UmapOptions = {}): Promise<UmapProjection> {
  const p = toPoints("umap", x);
  const s = settings("umap", p, options);
  return await runAsync("umap", umapSteps(p, s));
}

/** {@link umap} without yielding: blocks until done, can't be interrupted. */
export function umapSync(x: PointsInput, options: UmapOptions = {}): UmapProjection {
  const p = toPoints("umapSync", x);
  const s = settings("umapSync", p, options);
  return runSync(umapSteps(p, s));
}
