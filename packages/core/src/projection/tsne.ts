/**
 * t-SNE (van der Maaten & Hinton, 2008) with the Barnes–Hut approximation (van der Maaten, 2014),
 * as scikit-learn's `TSNE(method="barnes_hut")` does it: perplexity-calibrated affinities over the
 * ⌊3·perplexity⌋ + 1 exact nearest neighbours, symmetrised; PCA initialisation scaled to a standard
 * deviation of 1e-4; early exaggeration 12 for 250 iterations with momentum 0.5, then momentum
 * 0.8; per-parameter gains (delta-bar-delta); repulsion from a quadtree (octree in 3-D) with
 * opening angle θ = 0.5. Deterministic: the same input and seed give the same coordinates.
 */
import { checkInt, checkKeys, checkNumber, checkOneOf, rangeError, typeError } from "../validate";
import { mulberry32 } from "../backend/seed";
import { neighborSteps, type Neighbors } from "./nearestNeighbors";
import { pcaOfPoints } from "./pca";
import { toPoints, type Points, type PointsInput, type ProjectionProgress } from "./points";
import { Projection } from "./Projection";
import { runAsync, runSync, type Steps } from "./steps";

/** Options of {@link tsne}. */
export interface TsneOptions {
  /** Output dimensions. Defaults to `2`. */
  dims?: 2 | 3;
  /** The effective number of neighbours each point keeps; must be < N. Defaults to `min(30, (N - 1) / 3)`. */
  perplexity?: number;
  /** Gradient-descent iterations, early exaggeration included. Defaults to `1000` (scikit-learn's). */
  iterations?: number;
  /** How much the affinities are multiplied by at first. Defaults to `12`. */
  earlyExaggeration?: number;
  /** How many iterations use it. Defaults to `250` (capped at `iterations`). */
  exaggerationIterations?: number;
  /** Step size, or `"auto"`: `max(N / earlyExaggeration / 4, 50)`. Defaults to `"auto"`. */
  learningRate?: number | "auto";
  /** Barnes–Hut opening angle: 0 is exact (slow), larger is faster and coarser. Defaults to `0.5`. */
  theta?: number;
  /** Starting positions: scaled PCA (deterministic) or seeded N(0, 1e-4²). Defaults to `"pca"`. */
  init?: "pca" | "random";
  /** Seed of the random initialisation. Defaults to `42`. */
  seed?: number;
  /** Called after each chunk of work. Defaults to none. */
  onProgress?: (p: ProjectionProgress) => void;
}

/** What {@link tsne} returns: the coordinates, the neighbour graph used, and the final KL divergence. */
export class TsneProjection extends Projection {
  /** The exact nearest neighbours the affinities were computed over (k = ⌊3·perplexity⌋ + 1, at most N − 1). */
  readonly neighbors: Neighbors;
  /** The perplexity used. */
  readonly perplexity: number;
  constructor(coordinates: Float64Array, n: number, dims: number, neighbors: Neighbors, perplexity: number) {
    super(coordinates, n, dims);
    this.neighbors = neighbors;
    this.perplexity = perplexity;
  }
}

interface Settings {
  dims: 2 | 3;
  perplexity: number;
  iterations: number;
  earlyExaggeration: number;
  exaggerationIterations: number;
  learningRate: number;
  theta: number;
  init: "pca" | "random";
  seed: number;
  onProgress?: (p: ProjectionProgress) => void;
}

function settings(fn: string, p: Points, options: TsneOptions): Settings {
  checkKeys(fn, options, ["dims", "perplexity", "iterations", "earlyExaggeration", "exaggerationIterations", "learningRate", "theta", "init", "seed", "onProgress"]);
  const n = p.n;
  if (n < 4) throw rangeError(fn, "x", "at least 4 points", `${n} points`);
  if (p.d < 1) throw rangeError(fn, "x", "points with at least one dimension", "0 columns");
  const dims = options.dims === undefined ? 2 : checkOneOf(fn, "options.dims", options.dims, [2, 3] as const);
  const perplexity = options.perplexity === undefined ? Math.min(30, (n - 1) / 3) : checkNumber(fn, "options.perplexity", options.perplexity, { positive: true });
  if (perplexity >= n) throw rangeError(fn, "options.perplexity", `a number < the number of points (${n})`, perplexity);
  const iterations = options.iterations === undefined ? 1000 : checkInt(fn, "options.iterations", options.iterations, 1);
  const earlyExaggeration = options.earlyExaggeration === undefined ? 12 : checkNumber(fn, "options.earlyExaggeration", options.earlyExaggeration, { min: 1 });
  const exaggerationIterations = Math.min(iterations, options.exaggerationIterations === undefined ? 250 : checkInt(fn, "options.exaggerationIterations", options.exaggerationIterations, 0));
  const lr = options.learningRate ?? "auto";
  const learningRate = lr === "auto" ? Math.max(n / earlyExaggeration / 4, 50) : checkNumber(fn, "options.learningRate", lr, { positive: true });
  const theta = options.theta === undefined ? 0.5 : checkNumber(fn, "options.theta", options.theta, { min: 0 });
  const init = options.init === undefined ? "pca" : checkOneOf(fn, "options.init", options.init, ["pca", "random"] as const);
  const seed = options.seed === undefined ? 42 : checkInt(fn, "options.seed", options.seed, 0, 2 ** 32 - 1);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") throw typeError(fn, "options.onProgress", "a function", options.onProgress);
  return { dims, perplexity, iterations, earlyExaggeration, exaggerationIterations, learningRate, theta, init, seed, onProgress: options.onProgress };
}

/**
 * Conditional affinities p(j|i) over each row's neighbours, σ_i found by bisection on β = 1/(2σ²)
 * so that the entropy is log(perplexity) (scikit-learn's `_binary_search_perplexity`: 100 steps,
 * tolerance 1e-5), then P = (P + Pᵀ) / ΣP as a CSR matrix. Distances are shifted by the row's
 * nearest so that far-away data never underflows to an all-zero row; duplicates (distance 0) get
 * equal shares.
 */
function affinities(nb: Neighbors, n: number, perplexity: number): { rowStart: Int32Array; cols: Int32Array; vals: Float64Array } {
  const { k, indices, distances } = nb;
  const cond = new Float64Array(n * k);
  const target = Math.log(perplexity);
  const d2 = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    const d0 = distances[o] * distances[o];
    for (let r = 0; r < k; r++) d2[r] = distances[o + r] * distances[o + r] - d0;
    let beta = 1, lo = -Infinity, hi = Infinity;
    let sum = 0;
    for (let step = 0; step < 100; step++) {
      sum = 0;
      let dp = 0;
      for (let r = 0; r < k; r++) {
        const pr = Math.exp(-d2[r] * beta);
        cond[o + r] = pr;
        sum += pr;
        dp += d2[r] * pr;
      }
      const h = Math.log(sum) + (beta * dp) / sum;
      const diff = h - target;
      if (Math.abs(diff) <= 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
    for (let r = 0; r < k; r++) cond[o + r] /= sum;
  }
  // symmetrise: row i holds its own k entries and those pointing at it
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    counts[i + 1] += k;
    for (let r = 0; r < k; r++) counts[indices[i * k + r] + 1]++;
  }
  for (let i = 0; i < n; i++) counts[i + 1] += counts[i];
  const fill = counts.slice(0, n);
  const tmpCols = new Int32Array(counts[n]);
  const tmpVals = new Float64Array(counts[n]);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      const j = indices[i * k + r];
      const v = cond[i * k + r];
      tmpCols[fill[i]] = j;
      tmpVals[fill[i]++] = v;
      tmpCols[fill[j]] = i;
      tmpVals[fill[j]++] = v;
    }
  }
  // merge duplicate (i, j) entries
  const rowStart = new Int32Array(n + 1);
  const cols = new Int32Array(counts[n]);
  const vals = new Float64Array(counts[n]);
  const slot = new Int32Array(n).fill(-1);
  let nnz = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    rowStart[i] = nnz;
    for (let e = counts[i]; e < counts[i + 1]; e++) {
      const j = tmpCols[e];
      if (slot[j] >= rowStart[i]) vals[slot[j]] += tmpVals[e];
      else {
        slot[j] = nnz;
        cols[nnz] = j;
        vals[nnz++] = tmpVals[e];
      }
      total += tmpVals[e];
    }
  }
  rowStart[n] = nnz;
  for (let e = 0; e < nnz; e++) vals[e] /= total;
  return { rowStart, cols: cols.slice(0, nnz), vals: vals.slice(0, nnz) };
}

/** Space-partitioning tree over the embedding (quadtree in 2-D, octree in 3-D), flat arrays, rebuilt every iteration. */
class Tree {
  readonly dim: number;
  readonly fan: number;
  cap = 0;
  size = 0;
  child!: Int32Array; // first of `fan` children, -1 for a leaf
  count!: Float64Array; // points below
  com!: Float64Array; // [cap, dim] sum of positions, then centre of mass
  centre!: Float64Array; // [cap, dim]
  half!: Float64Array; // half the cell's width
  point!: Int32Array; // a leaf's first point
  leafOf: Int32Array; // the leaf each point sits in
  pack = new Float64Array(0); // 2-D repulsion's per-node records
  start = new Int32Array(0); // spatialOrder's per-node offsets
  order = new Int32Array(0); // spatialOrder's result

  constructor(n: number, dim: number) {
    this.dim = dim;
    this.fan = 1 << dim;
    this.leafOf = new Int32Array(n);
    this.grow(Math.max(64, 4 * n));
  }

  private grow(cap: number): void {
    const { dim } = this;
    const old = this.cap ? { child: this.child, count: this.count, com: this.com, centre: this.centre, half: this.half, point: this.point } : undefined;
    this.cap = cap;
    this.child = new Int32Array(cap);
    this.count = new Float64Array(cap);
    this.com = new Float64Array(cap * dim);
    this.centre = new Float64Array(cap * dim);
    this.half = new Float64Array(cap);
    this.point = new Int32Array(cap);
    if (old) {
      this.point.set(old.point);
      this.child.set(old.child);
      this.count.set(old.count);
      this.com.set(old.com);
      this.centre.set(old.centre);
      this.half.set(old.half);
    }
  }

  build(y: Float64Array, n: number): void {
    if (this.dim === 2) return this.build2(y, n);
    this.buildAny(y, n);
  }

  /** The same tree as {@link buildAny}, unrolled for 2-D (the common case, half the time). */
  private build2(y: Float64Array, n: number): void {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      const a = y[2 * i], b = y[2 * i + 1];
      if (a < x0) x0 = a;
      if (a > x1) x1 = a;
      if (b < y0) y0 = b;
      if (b > y1) y1 = b;
    }
    const half = Math.max(x1 - x0, y1 - y0) / 2 * (1 + 1e-6) + 1e-12;
    let { child, count, com, centre, point } = this;
    const halfs = this.half;
    this.size = 1;
    child[0] = -1;
    count[0] = 0;
    halfs[0] = half;
    centre[0] = (x0 + x1) / 2;
    centre[1] = (y0 + y1) / 2;
    com[0] = com[1] = 0;
    const MAX_DEPTH = 48;
    for (let i = 0; i < n; i++) {
      const px = y[2 * i], py = y[2 * i + 1];
      let node = 0;
      let depth = 0;
      for (;;) {
        const c = child[node];
        if (c === -1) {
          const cnt = count[node];
          if (cnt === 0) {
            count[node] = 1;
            com[2 * node] = px;
            com[2 * node + 1] = py;
            point[node] = i;
            break;
          }
          const rep = point[node];
          if ((y[2 * rep] === px && y[2 * rep + 1] === py) || depth >= MAX_DEPTH) {
            count[node] = cnt + 1;
            com[2 * node] += px;
            com[2 * node + 1] += py;
            break;
          }
          if (this.size + 4 > this.cap) {
            this.grow(this.cap * 2);
            ({ child, count, com, centre, point } = this);
          }
          const base = this.size;
          this.size += 4;
          child[node] = base;
          const h = this.half[node] / 2;
          const cx = centre[2 * node], cy = centre[2 * node + 1];
          for (let q = 0; q < 4; q++) {
            const ch = base + q;
            child[ch] = -1;
            count[ch] = 0;
            this.half[ch] = h;
            centre[2 * ch] = cx + (q & 1 ? h : -h);
            centre[2 * ch + 1] = cy + (q & 2 ? h : -h);
          }
          const oc = base + (y[2 * rep] > cx ? 1 : 0) + (y[2 * rep + 1] > cy ? 2 : 0);
          count[oc] = cnt;
          point[oc] = rep;
          com[2 * oc] = com[2 * node];
          com[2 * oc + 1] = com[2 * node + 1];
          continue;
        }
        count[node] += 1;
        com[2 * node] += px;
        com[2 * node + 1] += py;
        node = c + (px > centre[2 * node] ? 1 : 0) + (py > centre[2 * node + 1] ? 2 : 0);
        depth++;
      }
    }
    for (let node = 0; node < this.size; node++) {
      const cnt = count[node];
      if (cnt > 1) {
        com[2 * node] /= cnt;
        com[2 * node + 1] /= cnt;
      }
    }
    const leafOf = this.leafOf;
    for (let i = 0; i < n; i++) {
      const px = y[2 * i], py = y[2 * i + 1];
      let node = 0;
      while (child[node] !== -1) node = child[node] + (px > centre[2 * node] ? 1 : 0) + (py > centre[2 * node + 1] ? 2 : 0);
      leafOf[i] = node;
    }
  }

  /** The points ordered leaf by leaf in a depth-first walk of the tree (nearby points adjacent). */
  spatialOrder(n: number): Int32Array {
    const { child, fan, leafOf } = this;
    if (this.start.length < this.size + 1) this.start = new Int32Array(2 * this.size + 1);
    if (this.order.length < n) this.order = new Int32Array(n);
    const start = this.start.fill(0, 0, this.size + 1);
    for (let i = 0; i < n; i++) start[leafOf[i] + 1]++;
    for (let node = 0; node < this.size; node++) start[node + 1] += start[node];
    const byLeaf = new Int32Array(n); // points grouped by leaf, in node-number order
    const fill = start.slice(0, this.size);
    for (let i = 0; i < n; i++) byLeaf[fill[leafOf[i]]++] = i;
    const order = this.order;
    let out = 0;
    const stack: number[] = [0];
    while (stack.length) {
      const node = stack.pop() as number;
      const c = child[node];
      if (c === -1) {
        for (let e = start[node]; e < start[node + 1]; e++) order[out++] = byLeaf[e];
      } else {
        for (let q = fan - 1; q >= 0; q--) stack.push(c + q);
      }
    }
    return order;
  }

  private buildAny(y: Float64Array, n: number): void {
    const { dim, fan } = this;
    const lo = new Float64Array(dim).fill(Infinity);
    const hi = new Float64Array(dim).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < dim; a++) {
        const v = y[i * dim + a];
        if (v < lo[a]) lo[a] = v;
        if (v > hi[a]) hi[a] = v;
      }
    }
    let half = 0;
    for (let a = 0; a < dim; a++) half = Math.max(half, (hi[a] - lo[a]) / 2);
    half = half * (1 + 1e-6) + 1e-12;
    this.size = 1;
    this.child[0] = -1;
    this.count[0] = 0;
    this.half[0] = half;
    for (let a = 0; a < dim; a++) {
      this.centre[a] = (lo[a] + hi[a]) / 2;
      this.com[a] = 0;
    }
    const MAX_DEPTH = 48; // cells 2^-48 of the layout wide: only (near-)duplicates share a leaf deeper
    for (let i = 0; i < n; i++) {
      const p = i * dim;
      let node = 0;
      let depth = 0;
      for (;;) {
        const c = this.child[node];
        if (c === -1) {
          if (this.count[node] === 0) {
            this.count[node] = 1;
            for (let a = 0; a < dim; a++) this.com[node * dim + a] = y[p + a];
            this.point[node] = i;
            break;
          }
          // occupied leaf: its points all share one position (or the depth limit is reached)
          const cnt = this.count[node];
          let same = true;
          for (let a = 0; a < dim; a++) if (y[this.point[node] * dim + a] !== y[p + a]) same = false;
          if (same || depth >= MAX_DEPTH) {
            this.count[node] += 1;
            for (let a = 0; a < dim; a++) this.com[node * dim + a] += y[p + a];
            break;
          }
          // split: the old content moves, whole, into its child
          if (this.size + fan > this.cap) this.grow(this.cap * 2);
          const base = this.size;
          this.size += fan;
          this.child[node] = base;
          const h = this.half[node] / 2;
          for (let q = 0; q < fan; q++) {
            const ch = base + q;
            this.child[ch] = -1;
            this.count[ch] = 0;
            this.half[ch] = h;
            for (let a = 0; a < dim; a++) {
              this.centre[ch * dim + a] = this.centre[node * dim + a] + ((q >> a) & 1 ? h : -h);
              this.com[ch * dim + a] = 0;
            }
          }
          const rep = this.point[node] * dim; // one of its points: the same quadrant test as on insertion
          let oq = 0;
          for (let a = 0; a < dim; a++) if (y[rep + a] > this.centre[node * dim + a]) oq |= 1 << a;
          const oc = base + oq;
          this.count[oc] = cnt;
          this.point[oc] = this.point[node];
          for (let a = 0; a < dim; a++) this.com[oc * dim + a] = this.com[node * dim + a];
          continue; // now an inner node: fall through below on the next turn
        }
        this.count[node] += 1;
        for (let a = 0; a < dim; a++) this.com[node * dim + a] += y[p + a];
        let q = 0;
        for (let a = 0; a < dim; a++) if (y[p + a] > this.centre[node * dim + a]) q |= 1 << a;
        node = c + q;
        depth++;
      }
    }
    for (let node = 0; node < this.size; node++) {
      const cnt = this.count[node];
      if (cnt > 0) for (let a = 0; a < dim; a++) this.com[node * dim + a] /= cnt;
    }
    // the leaf of each point: the same descent as its insertion
    for (let i = 0; i < n; i++) {
      let node = 0;
      while (this.child[node] !== -1) {
        let q = 0;
        for (let a = 0; a < dim; a++) if (y[i * dim + a] > this.centre[node * dim + a]) q |= 1 << a;
        node = this.child[node] + q;
      }
      this.leafOf[i] = node;
    }
  }
}

/**
 * Barnes–Hut repulsion: `neg[i] = Σ_j q_ij² (y_i − y_j)` and returns `Z = Σ_ij q_ij` with
 * q_ij = 1 / (1 + |y_i − y_j|²), a cell summarised by its centre of mass when its width is below
 * θ × its distance (scikit-learn's criterion).
 */
function repulsion(tree: Tree, y: Float64Array, n: number, theta: number, neg: Float64Array, stack: Int32Array): number {
  const { dim, fan, child, count, com, half, leafOf } = tree;
  const theta2 = theta * theta;
  let z = 0;
  if (dim === 2) {
    // one record per node, [com x, com y, count, width² (−1 for a leaf)]: one cache line per visit
    const size = tree.size;
    if (tree.pack.length < 4 * size) tree.pack = new Float64Array(8 * size);
    const pack = tree.pack;
    for (let node = 0; node < size; node++) {
      const o = 4 * node;
      pack[o] = com[2 * node];
      pack[o + 1] = com[2 * node + 1];
      pack[o + 2] = count[node];
      const w = 2 * half[node];
      pack[o + 3] = child[node] === -1 ? -1 : w * w;
    }
    // visit the points in the tree's spatial order: consecutive points walk nearly the same cells (cache hits)
    const order = tree.spatialOrder(n);
    for (let t = 0; t < n; t++) {
      const i = order[t];
      const yx = y[2 * i], yy = y[2 * i + 1];
      const own = leafOf[i];
      let fx = 0, fy = 0;
      let top = 0;
      if (pack[2] > 0) stack[top++] = 0;
      while (top > 0) {
        const node = stack[--top];
        const o = 4 * node;
        let c = pack[o + 2];
        let cx = pack[o], cy = pack[o + 1];
        const w2 = pack[o + 3];
        if (node === own) {
          if (c === 1) continue;
          // the others in this leaf: remove the point itself from the centre of mass
          cx = (cx * c - yx) / (c - 1);
          cy = (cy * c - yy) / (c - 1);
          c -= 1;
        }
        const dx = yx - cx, dy = yy - cy;
        const d2 = dx * dx + dy * dy;
        if (w2 < theta2 * d2) {
          // a leaf (w2 = −1) or a cell small enough to stand for its points
          const q = 1 / (1 + d2);
          z += c * q;
          const f = c * q * q;
          fx += f * dx;
          fy += f * dy;
        } else {
          const ch = child[node];
          if (pack[4 * ch + 2] > 0) stack[top++] = ch;
          if (pack[4 * ch + 6] > 0) stack[top++] = ch + 1;
          if (pack[4 * ch + 10] > 0) stack[top++] = ch + 2;
          if (pack[4 * ch + 14] > 0) stack[top++] = ch + 3;
        }
      }
      neg[2 * i] = fx;
      neg[2 * i + 1] = fy;
    }
    return z;
  }
  const f = new Float64Array(dim);
  const dv = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const own = leafOf[i];
    f.fill(0);
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top];
      let c = count[node];
      if (c === 0) continue;
      const ch = child[node];
      const self = ch === -1 && node === own;
      if (self && c === 1) continue;
      let d2 = 0;
      for (let a = 0; a < dim; a++) {
        const yi = y[i * dim + a];
        const cm = self ? (com[node * dim + a] * c - yi) / (c - 1) : com[node * dim + a];
        dv[a] = yi - cm;
        d2 += dv[a] * dv[a];
      }
      if (self) c -= 1;
      const w = 2 * half[node];
      if (ch === -1 || w * w < theta2 * d2) {
        const q = 1 / (1 + d2);
        z += c * q;
        const g = c * q * q;
        for (let a = 0; a < dim; a++) f[a] += g * dv[a];
      } else {
        for (let s = 0; s < fan; s++) stack[top++] = ch + s;
      }
    }
    for (let a = 0; a < dim; a++) neg[i * dim + a] = f[a];
  }
  return z;
}

/** Exact duplicate rows: `of[i]` the distinct row of row i, `first[u]` the first row of distinct row u; `null` when all differ. */
function distinctRows(p: Points): { unique: Points; of: Int32Array; first: Int32Array } | null {
  const { n, d, data } = p;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, n * d * 8);
  const seen = new Map<string, number>();
  const of = new Int32Array(n);
  const first: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = Buffer.from(bytes.buffer, bytes.byteOffset + i * d * 8, d * 8).toString("latin1");
    let u = seen.get(key);
    if (u === undefined) {
      u = first.length;
      seen.set(key, u);
      first.push(i);
    }
    of[i] = u;
  }
  if (first.length === n) return null;
  const m = first.length;
  const unique = new Float64Array(m * d);
  for (let u = 0; u < m; u++) unique.set(data.subarray(first[u] * d, first[u] * d + d), u * d);
  return { unique: { n: m, d, data: unique }, of, first: Int32Array.from(first) };
}

/**
 * t-SNE of the distinct rows; copies of a row get its coordinates (identical inputs, identical
 * points: t-SNE itself would keep copies as separate points that only rounding pulls apart).
 */
function* tsneDistinct(p: Points, s: Settings, fn: string): Steps<TsneProjection> {
  const dup = distinctRows(p);
  if (!dup) return yield* tsneSteps(p, s);
  const m = dup.unique.n;
  if (m < 4) throw rangeError(fn, "x", "at least 4 distinct rows (copies of a row share its point)", `${m} distinct rows among ${p.n}`);
  if (s.perplexity >= m) throw rangeError(fn, "options.perplexity", `a number < the number of distinct rows (${m} of ${p.n})`, s.perplexity);
  const t = yield* tsneSteps(dup.unique, s);
  const { dims } = s;
  const y = new Float64Array(p.n * dims);
  for (let i = 0; i < p.n; i++) y.set(t.coordinates.subarray(dup.of[i] * dims, dup.of[i] * dims + dims), i * dims);
  // the neighbour graph in row numbers: a row's own copies first (distance 0), then the distinct rows' neighbours
  const k = Math.min(p.n - 1, t.neighbors.k);
  const members: number[][] = Array.from({ length: m }, () => []);
  for (let i = 0; i < p.n; i++) members[dup.of[i]].push(i);
  const indices = new Int32Array(p.n * k);
  const distances = new Float64Array(p.n * k);
  for (let i = 0; i < p.n; i++) {
    let r = 0;
    const u = dup.of[i];
    for (const j of members[u]) if (j !== i && r < k) { indices[i * k + r] = j; distances[i * k + r++] = 0; }
    for (let q = 0; q < t.neighbors.k && r < k; q++) {
      const v = t.neighbors.indices[u * t.neighbors.k + q];
      for (const j of members[v]) if (r < k) { indices[i * k + r] = j; distances[i * k + r++] = t.neighbors.distances[u * t.neighbors.k + q]; }
    }
  }
  return new TsneProjection(y, p.n, dims, { k, indices, distances }, s.perplexity);
}

/** The whole computation in chunks: neighbours (40% of the estimate for large N), affinities, iterations. */
function* tsneSteps(p: Points, s: Settings): Steps<TsneProjection> {
  const { n, d } = p;
  const { dims, iterations, onProgress } = s;
  const k = Math.min(n - 1, Math.floor(3 * s.perplexity + 1));
  // rough cost model for the progress fraction: the scan is N²·D multiply-adds, an iteration ~ N·(k + 60·log N)
  const scanCost = n * n * d;
  const iterCost = iterations * n * (k + 60 * Math.log2(n + 1)) * 4;
  const knnShare = scanCost / (scanCost + iterCost);
  const nb = yield* neighborSteps(p, k, onProgress, [0, knnShare]);
  const P = affinities(nb, n, s.perplexity);
  onProgress?.({ stage: "affinities", done: n, total: n, fraction: knnShare });
  yield "the affinities";

  // initial positions
  const y = new Float64Array(n * dims);
  if (s.init === "pca" && p.d >= dims) {
    y.set(pcaOfPoints(p, dims).coordinates);
    let mean = 0, sq = 0;
    for (let i = 0; i < n; i++) mean += y[i * dims];
    mean /= n;
    for (let i = 0; i < n; i++) sq += (y[i * dims] - mean) ** 2;
    const std = Math.sqrt(sq / n);
    const scale = std > 0 ? 1e-4 / std : 0;
    for (let i = 0; i < y.length; i++) y[i] *= scale;
  }
  if (s.init === "random" || p.d < dims || y.every((v) => v === 0)) {
    // seeded N(0, 1e-4²) (Box–Muller)
    const rand = mulberry32(s.seed);
    for (let i = 0; i < y.length; i++) y[i] = 1e-4 * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  }

  const tree = new Tree(n, dims);
  const neg = new Float64Array(n * dims);
  const grad = new Float64Array(n * dims);
  const update = new Float64Array(n * dims);
  const gains = new Float64Array(n * dims).fill(1);
  const stack = new Int32Array(64 * (1 << dims) + 16);
  const { rowStart, cols, vals } = P;
  for (let it = 0; it < iterations; it++) {
    const early = it < s.exaggerationIterations;
    const exaggeration = early ? s.earlyExaggeration : 1;
    const momentum = early ? 0.5 : 0.8;
    tree.build(y, n);
    const z = repulsion(tree, y, n, s.theta, neg, stack);
    const invZ = z > 0 ? 1 / z : 0;
    for (let i = 0; i < n; i++) {
      // attraction over the sparse P: Σ_j p_ij q_ij (y_i − y_j)
      if (dims === 2) {
        const yx = y[2 * i], yy = y[2 * i + 1];
        let ax = 0, ay = 0;
        for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
          const j = cols[e];
          const dx = yx - y[2 * j], dy = yy - y[2 * j + 1];
          const pq = vals[e] / (1 + dx * dx + dy * dy);
          ax += pq * dx;
          ay += pq * dy;
        }
        grad[2 * i] = 4 * (exaggeration * ax - neg[2 * i] * invZ);
        grad[2 * i + 1] = 4 * (exaggeration * ay - neg[2 * i + 1] * invZ);
      } else {
        for (let a = 0; a < dims; a++) grad[i * dims + a] = 0;
        for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
          const j = cols[e];
          let d2 = 0;
          for (let a = 0; a < dims; a++) d2 += (y[i * dims + a] - y[j * dims + a]) ** 2;
          const pq = vals[e] / (1 + d2);
          for (let a = 0; a < dims; a++) grad[i * dims + a] += pq * (y[i * dims + a] - y[j * dims + a]);
        }
        for (let a = 0; a < dims; a++) grad[i * dims + a] = 4 * (exaggeration * grad[i * dims + a] - neg[i * dims + a] * invZ);
      }
    }
    // gradient descent with momentum and gains (scikit-learn's _gradient_descent; min_gain 0.01)
    const lr = s.learningRate;
    for (let t = 0; t < y.length; t++) {
      const g = grad[t];
      let gain = gains[t];
      gain = update[t] * g < 0 ? gain + 0.2 : gain * 0.8;
      if (gain < 0.01) gain = 0.01;
      gains[t] = gain;
      const u = momentum * update[t] - lr * gain * g;
      update[t] = u;
      y[t] += u;
    }
    if (it === s.exaggerationIterations - 1) {
      // the exaggerated phase ends: scikit-learn restarts the descent (fresh gains and updates)
      update.fill(0);
      gains.fill(1);
    }
    if ((it + 1) % 10 === 0 || it === iterations - 1) {
      onProgress?.({ stage: "optimise", done: it + 1, total: iterations, fraction: knnShare + (1 - knnShare) * ((it + 1) / iterations) });
    }
    yield `iteration ${it + 1} of ${iterations}`;
  }
  // centre the picture (t-SNE is translation invariant)
  for (let a = 0; a < dims; a++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += y[i * dims + a];
    m /= n;
    for (let i = 0; i < n; i++) y[i * dims + a] -= m;
  }
  for (let t = 0; t < y.length; t++) if (!Number.isFinite(y[t])) throw new RangeError(`tsne: the optimisation diverged (coordinate ${t} is ${y[t]}); try a smaller learningRate`);
  return new TsneProjection(y, n, dims, nb, s.perplexity);
}

/**
 * t-SNE of the rows of `x` (Barnes–Hut, scikit-learn's recipe; see the file's header), computed in
 * chunks: yields to the event loop every ~50 ms, reports `onProgress`, and stops with
 * `InterruptedError` on a kernel interrupt. Deterministic for a given input and options.
 *
 * Edge cases: N < 4, perplexity ≥ N and NaN / ±Infinity entries reject with `RangeError`. Duplicate
 * rows are allowed: the t-SNE runs over the distinct rows and copies share their row's point (fewer
 * than 4 distinct rows, or perplexity ≥ their count, is a `RangeError` that says so).
 *
 * **Input shape:** `[N, D]`. **Output:** a {@link TsneProjection}, `coordinates` `[N, dims]`.
 *
 * @example
 * const t = await tsne(vectors, { perplexity: 30, onProgress: (p) => console.log(p.fraction) });
 * t.points; // [[x, y], …]
 */
export async function tsne(x: PointsInput, options: TsneOptions = {}): Promise<TsneProjection> {
  const p = toPoints("tsne", x);
  const s = settings("tsne", p, options);
  return await runAsync("tsne", tsneDistinct(p, s, "tsne"));
}

/** {@link tsne} without yielding: blocks until done, can't be interrupted (for scripts and small N). */
export function tsneSync(x: PointsInput, options: TsneOptions = {}): TsneProjection {
  const p = toPoints("tsneSync", x);
  const s = settings("tsneSync", p, options);
  return runSync(tsneDistinct(p, s, "tsneSync"));
}
