/**
 * Approximate k nearest neighbours (Euclidean) by NN-descent (Dong, Moses & Li, 2011), as
 * pynndescent (umap-learn's) computes them: a forest of random-projection trees gives each point a
 * first guess (all pairs within each leaf), then rounds of "local join" — a neighbour of a
 * neighbour is probably a neighbour — compare every point's sampled candidates (its neighbours and
 * the points that list it, at most `maxCandidates` of each kind, new ones against new and old)
 * until a round improves fewer than `delta · k · N` entries. Seeded: the same input, k and seed give
 * the same graph. About O(N k² D) per round instead of the exact scan's O(N² D).
 *
 * Distances are ranked from float32 dot products of centred rows on the vectors module's
 * WebAssembly SIMD `dots` kernel (each leaf or candidate list is gathered into one block, and each
 * new candidate is dotted with the rest of it); the k kept are measured again exactly in float64,
 * as the exact scan does.
 */
import { mulberry32 } from "../backend/seed";
import { simdDotsKernel } from "../vectors/UnitRows";
import { checkInt, checkKeys, checkNumber, rangeError, typeError } from "../validate";
import type { Neighbors } from "./nearestNeighbors";
import { toPoints, type Points, type PointsInput, type ProjectionProgress } from "./points";
import { runAsync, runSync, type Steps } from "./steps";

/** Options of {@link nnDescent}. */
export interface NnDescentOptions {
  /** Seed of the trees' hyperplanes and the candidate sampling. Defaults to `42`. */
  seed?: number;
  /** Random-projection trees for the first guess. Defaults to `min(64, 5 + round(√N / 20))` (umap-learn's). */
  nTrees?: number;
  /** Most rounds of local join. Defaults to `max(5, round(log₂ N))` (umap-learn's). */
  nIters?: number;
  /** Candidates sampled per point and round, of each kind (new, old). Defaults to `60` (umap-learn's). */
  maxCandidates?: number;
  /** Stop when a round updates fewer than `delta · k · N` entries. Defaults to `0.001` (pynndescent's). */
  delta?: number;
  /**
   * Neighbours searched for (the nearest `k` of them are returned). A longer list than `k` gives
   * the local join more to work with: on 50,000 seeded blobs in 100-D (bench/projection.bench.mjs's
   * data), recall of the 14 nearest was 0.918 searching 14, 0.970 searching 20 and 0.984 searching
   * 24, at about the same time (fewer rounds). Defaults to `min(N − 1, k + 10)`.
   */
  searchK?: number;
  /** Called after each chunk of work (stage `"neighbours"`). Defaults to none. */
  onProgress?: (p: ProjectionProgress) => void;
}

/** What {@link nnDescent} returns: the graph and how the descent went. */
export interface NnDescentNeighbors extends Neighbors {
  /** Local-join rounds run (the first guess from the trees not counted). */
  iterations: number;
  /** Entries improved by each round. */
  updates: number[];
}

/** The settings of one run, checked (see {@link NnDescentOptions}). */
export interface NnDescentSettings {
  seed: number;
  nTrees: number;
  nIters: number;
  maxCandidates: number;
  delta: number;
  searchK: number;
}

/** Fills in the defaults (umap-learn's for N points) and checks the options. */
export function nnDescentSettings(fn: string, n: number, k: number, options: Omit<NnDescentOptions, "onProgress"> = {}): NnDescentSettings {
  const seed = options.seed === undefined ? 42 : checkInt(fn, "options.seed", options.seed, 0, 2 ** 32 - 1);
  const nTrees = options.nTrees === undefined ? Math.min(64, 5 + Math.round(Math.sqrt(n) / 20)) : checkInt(fn, "options.nTrees", options.nTrees, 0, 1024);
  const nIters = options.nIters === undefined ? Math.max(5, Math.round(Math.log2(n))) : checkInt(fn, "options.nIters", options.nIters, 0);
  const maxCandidates = options.maxCandidates === undefined ? 60 : checkInt(fn, "options.maxCandidates", options.maxCandidates, 1);
  const delta = options.delta === undefined ? 0.001 : checkNumber(fn, "options.delta", options.delta, { min: 0 });
  const searchK = options.searchK === undefined ? Math.min(n - 1, k + 10) : checkInt(fn, "options.searchK", options.searchK, k, n - 1);
  return { seed, nTrees, nIters, maxCandidates, delta, searchK };
}

/** Rows as float32, centred (smaller norms, so `|a|² + |b|² − 2 a·b` loses less), in a SIMD kernel's memory when there is one. */
class Block {
  readonly stride: number;
  readonly rows: Float32Array;
  readonly norms: Float64Array;
  /** Scratch: up to `cap` gathered rows (+ one zero row), then their dot products. */
  private readonly gathered: Float32Array;
  private readonly out: Float32Array;
  private readonly gatherOffset: number;
  private readonly outOffset: number;
  private readonly kernel: ReturnType<typeof simdDotsKernel>;
  private readonly d: number;

  constructor(p: Points, readonly cap: number) {
    const { n, d, data } = p;
    this.d = d;
    const stride = (this.stride = Math.ceil(d / 4) * 4);
    const rowsBytes = n * stride * 4;
    const capRows = cap + 2;
    this.gatherOffset = rowsBytes;
    this.outOffset = rowsBytes + capRows * stride * 4;
    const bytes = this.outOffset + capRows * 4;
    this.kernel = simdDotsKernel(bytes);
    const buffer = this.kernel ? this.kernel.buffer : new ArrayBuffer(bytes);
    this.rows = new Float32Array(buffer, 0, n * stride);
    this.gathered = new Float32Array(buffer, this.gatherOffset, capRows * stride);
    this.out = new Float32Array(buffer, this.outOffset, capRows);
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    this.norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = (this.rows[i * stride + j] = data[i * d + j] - mean[j]);
        s += v * v;
      }
      this.norms[i] = s;
    }
  }

  /** Copies rows `idx[0..c)` into the scratch block (c ≤ cap), then a zero row. */
  gather(idx: Int32Array, c: number): void {
    const { stride, rows, gathered } = this;
    for (let a = 0; a < c; a++) {
      const src = idx[a] * stride, dst = a * stride;
      for (let j = 0; j < stride; j++) gathered[dst + j] = rows[src + j];
    }
    for (let j = c * stride; j < (c + 1) * stride; j++) gathered[j] = 0;
  }

  /** `out[t] = row a · row (a + 1 + t)` of the gathered block, for t < c − a − 1; returns `out`. */
  dotsAfter(a: number, c: number): Float32Array {
    const { stride, gathered, out } = this;
    const count = c - a - 1;
    if (count <= 0) return out;
    if (this.kernel) {
      const rowBytes = stride * 4;
      this.kernel.dots(this.gatherOffset + (a + 1) * rowBytes, count + (count & 1), rowBytes, this.gatherOffset + a * rowBytes, this.outOffset);
    } else {
      const d = this.d;
      const qa = a * stride;
      for (let t = 0; t < count; t++) {
        const o = (a + 1 + t) * stride;
        let s = 0;
        for (let j = 0; j < d; j++) s += gathered[qa + j] * gathered[o + j];
        out[t] = s;
      }
    }
    return out;
  }
}

/**
 * Every point's current k best as a max-heap on squared distance (worst at the root), with a "new"
 * flag per entry (not yet used in a local join).
 */
class Graph {
  readonly idx: Int32Array;
  readonly dist: Float64Array;
  readonly isNew: Uint8Array;
  constructor(readonly n: number, readonly k: number) {
    this.idx = new Int32Array(n * k).fill(-1);
    this.dist = new Float64Array(n * k).fill(Infinity);
    this.isNew = new Uint8Array(n * k);
  }

  /** Offers `j` at squared distance `dd` to point `i`; 1 if it entered the heap, else 0. */
  push(i: number, j: number, dd: number): number {
    const { idx, dist, isNew, k } = this;
    const h = i * k;
    if (!(dd < dist[h])) return 0;
    for (let r = 0; r < k; r++) if (idx[h + r] === j) return 0;
    let c = 0; // replace the root, sift down
    for (;;) {
      const l = 2 * c + 1;
      if (l >= k) break;
      const big = l + 1 < k && dist[h + l + 1] > dist[h + l] ? l + 1 : l;
      if (dist[h + big] <= dd) break;
      dist[h + c] = dist[h + big];
      idx[h + c] = idx[h + big];
      isNew[h + c] = isNew[h + big];
      c = big;
    }
    dist[h + c] = dd;
    idx[h + c] = j;
    isNew[h + c] = 1;
    return 1;
  }
}

/**
 * Per point, up to `cap` candidate indices with random priorities, keeping the lowest priorities
 * (a max-heap on priority), without repeats: pynndescent's candidate sampling.
 */
class Candidates {
  readonly idx: Int32Array;
  readonly pri: Float64Array;
  readonly size: Int32Array;
  constructor(n: number, readonly cap: number) {
    this.idx = new Int32Array(n * cap);
    this.pri = new Float64Array(n * cap);
    this.size = new Int32Array(n);
  }
  clear(): void {
    this.size.fill(0);
  }
  push(i: number, j: number, pr: number): void {
    const { idx, pri, size, cap } = this;
    const h = i * cap;
    const s = size[i];
    for (let r = 0; r < s; r++) if (idx[h + r] === j) return;
    if (s < cap) {
      let c = s; // sift up
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (pri[h + parent] >= pr) break;
        pri[h + c] = pri[h + parent];
        idx[h + c] = idx[h + parent];
        c = parent;
      }
      pri[h + c] = pr;
      idx[h + c] = j;
      size[i] = s + 1;
      return;
    }
    if (!(pr < pri[h])) return;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= cap) break;
      const big = l + 1 < cap && pri[h + l + 1] > pri[h + l] ? l + 1 : l;
      if (pri[h + big] <= pr) break;
      pri[h + c] = pri[h + big];
      idx[h + c] = idx[h + big];
      c = big;
    }
    pri[h + c] = pr;
    idx[h + c] = j;
  }
  has(i: number, j: number): boolean {
    const h = i * this.cap;
    for (let r = 0; r < this.size[i]; r++) if (this.idx[h + r] === j) return true;
    return false;
  }
}

/**
 * The leaves of one random-projection tree over all points (pynndescent's Euclidean split: the
 * hyperplane halfway between two random points of the node; a point on it, or a split that leaves
 * one side empty, goes to a random side). Calls `leaf(start, end)` over `perm[start..end)`.
 */
function rpTreeLeaves(block: Block, n: number, d: number, leafSize: number, rand: () => number, perm: Int32Array, leaf: (start: number, end: number) => void): void {
  for (let i = 0; i < n; i++) perm[i] = i;
  const { rows, stride } = block;
  const hyper = new Float64Array(d);
  const side = new Uint8Array(n);
  const stack: number[] = [0, n];
  while (stack.length) {
    const end = stack.pop() as number;
    const start = stack.pop() as number;
    const size = end - start;
    if (size <= leafSize) {
      leaf(start, end);
      continue;
    }
    const l = perm[start + Math.floor(rand() * size)];
    let r = perm[start + Math.floor(rand() * (size - 1))];
    if (r === l) r = perm[end - 1];
    let offset = 0;
    for (let j = 0; j < d; j++) {
      const a = rows[l * stride + j], b = rows[r * stride + j];
      hyper[j] = a - b;
      offset -= (hyper[j] * (a + b)) / 2;
    }
    let left = 0;
    for (let t = start; t < end; t++) {
      const o = perm[t] * stride;
      let m = offset;
      for (let j = 0; j < d; j++) m += hyper[j] * rows[o + j];
      const s = m === 0 ? (rand() < 0.5 ? 1 : 0) : m > 0 ? 1 : 0;
      side[t - start] = s;
      left += s;
    }
    if (left === 0 || left === size) {
      // degenerate (e.g. duplicates): a random half each way
      left = 0;
      for (let t = 0; t < size; t++) left += side[t] = rand() < 0.5 ? 1 : 0;
      if (left === 0 || left === size) {
        left = size >> 1;
        for (let t = 0; t < size; t++) side[t] = t < left ? 1 : 0;
      }
    }
    // stable partition: side 1 first
    const tmp = perm.slice(start, end);
    let a = start, b = start + left;
    for (let t = 0; t < size; t++) {
      if (side[t]) perm[a++] = tmp[t];
      else perm[b++] = tmp[t];
    }
    stack.push(start + left, end, start, start + left);
  }
}

/** The computation in chunks; `share` maps its progress into a bigger computation's fraction. */
export function* nnDescentSteps(p: Points, kOut: number, s: NnDescentSettings, onProgress?: (p: ProjectionProgress) => void, share: [number, number] = [0, 1]): Steps<NnDescentNeighbors> {
  const { n, d, data } = p;
  const k = Math.max(kOut, s.searchK);
  const rand = mulberry32(s.seed);
  const maxC = s.maxCandidates;
  const leafSize = Math.max(10, k + 1);
  // a gathered block holds a leaf (≤ leafSize) or a point's candidates (new + old, ≤ 2·maxC)
  const block = new Block(p, Math.max(leafSize, 2 * maxC));
  const graph = new Graph(n, k);
  const { norms } = block;
  const report = (f: number, done: number, total: number) => onProgress?.({ stage: "neighbours", done, total, fraction: share[0] + (share[1] - share[0]) * f });
  const buf = new Int32Array(block.cap);
  const treeShare = 0.15;

  /** All pairs (a < b) of the gathered `buf[0..c)` from `a < newCount`: offered to both heaps. */
  const join = (c: number, newCount: number): number => {
    block.gather(buf, c);
    let updates = 0;
    for (let a = 0; a < newCount; a++) {
      const pa = buf[a];
      const out = block.dotsAfter(a, c);
      const na = norms[pa];
      for (let t = 0; t < c - a - 1; t++) {
        const pb = buf[a + 1 + t];
        if (pb === pa) continue;
        let dd = na + norms[pb] - 2 * out[t];
        if (dd < 0) dd = 0;
        if (dd < graph.dist[pa * k] || dd < graph.dist[pb * k]) {
          updates += graph.push(pa, pb, dd);
          updates += graph.push(pb, pa, dd);
        }
      }
    }
    return updates;
  };

  // 1. the first guess: every pair within each leaf of each tree
  const perm = new Int32Array(n);
  for (let tr = 0; tr < s.nTrees; tr++) {
    rpTreeLeaves(block, n, d, leafSize, rand, perm, (start, end) => {
      const c = end - start;
      for (let t = 0; t < c; t++) buf[t] = perm[start + t];
      join(c, c);
    });
    report((treeShare * (tr + 1)) / Math.max(1, s.nTrees), tr + 1, s.nTrees);
    yield `neighbours: random-projection tree ${tr + 1} of ${s.nTrees}`;
  }
  // points the leaves left short get random neighbours (pynndescent's init_random)
  for (let i = 0; i < n; i++) {
    for (let tries = 0; graph.idx[i * k] < 0 && tries < 64 * k; tries++) {
      const j = Math.floor(rand() * n);
      if (j === i) continue;
      let dd = 0;
      for (let c = 0; c < d; c++) dd += (data[i * d + c] - data[j * d + c]) ** 2;
      graph.push(i, j, dd);
    }
    for (let j = 0; graph.idx[i * k] < 0 && j < n; j++) {
      if (j === i) continue;
      let dd = 0;
      for (let c = 0; c < d; c++) dd += (data[i * d + c] - data[j * d + c]) ** 2;
      graph.push(i, j, dd);
    }
  }

  // 2. rounds of local join until few entries improve
  const fresh = new Candidates(n, maxC);
  const old = new Candidates(n, maxC);
  const updatesPerRound: number[] = [];
  const chunk = Math.max(1, Math.floor(2e7 / Math.max(1, (maxC * 2) ** 2 * d / 4)));
  for (let it = 0; it < s.nIters; it++) {
    fresh.clear();
    old.clear();
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < k; r++) {
        const j = graph.idx[i * k + r];
        if (j < 0) continue;
        const pr = rand();
        if (graph.isNew[i * k + r]) {
          fresh.push(i, j, pr);
          fresh.push(j, i, pr);
        } else {
          old.push(i, j, pr);
          old.push(j, i, pr);
        }
      }
    }
    // the new entries sampled this round are old from now on
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < k; r++) {
        const t = i * k + r;
        if (graph.isNew[t] && fresh.has(i, graph.idx[t])) graph.isNew[t] = 0;
      }
    }
    let updates = 0;
    for (let i = 0; i < n; i++) {
      const nf = fresh.size[i], no = old.size[i];
      if (nf === 0) continue;
      for (let t = 0; t < nf; t++) buf[t] = fresh.idx[i * maxC + t];
      for (let t = 0; t < no; t++) buf[nf + t] = old.idx[i * maxC + t];
      updates += join(nf + no, nf);
      if ((i + 1) % chunk === 0) {
        report(treeShare + ((1 - treeShare) * (it + (i + 1) / n)) / s.nIters, it, s.nIters);
        yield `neighbours: NN-descent round ${it + 1}, point ${i + 1}`;
      }
    }
    updatesPerRound.push(updates);
    report(treeShare + ((1 - treeShare) * (it + 1)) / s.nIters, it + 1, s.nIters);
    yield `neighbours: NN-descent round ${it + 1}`;
    if (updates <= s.delta * k * n) break;
  }

  // 3. exact float64 distances of the k searched, the nearest kOut kept, nearest first (ties: lower index first)
  const indices = new Int32Array(n * kOut);
  const distances = new Float64Array(n * kOut);
  const exact = new Float64Array(k);
  const order = Array.from({ length: k }, (_, r) => r);
  const { idx } = graph;
  for (let i = 0; i < n; i++) {
    const h = i * k;
    for (let r = 0; r < k; r++) {
      const o = idx[h + r] * d;
      let s2 = 0;
      for (let j = 0; j < d; j++) {
        const t = data[i * d + j] - data[o + j];
        s2 += t * t;
      }
      exact[r] = s2;
      order[r] = r;
    }
    order.sort((a, b) => exact[a] - exact[b] || idx[h + a] - idx[h + b]);
    for (let r = 0; r < kOut; r++) {
      indices[i * kOut + r] = idx[h + order[r]];
      distances[i * kOut + r] = Math.sqrt(exact[order[r]]);
    }
  }
  report(1, s.nIters, s.nIters);
  yield "the neighbours";
  return { k: kOut, indices, distances, iterations: updatesPerRound.length, updates: updatesPerRound };
}

function check(fn: string, x: PointsInput, k: number, options: NnDescentOptions): { p: Points; s: NnDescentSettings } {
  if (options === null || typeof options !== "object") throw typeError(fn, "options", "an object", options);
  checkKeys(fn, options, ["seed", "nTrees", "nIters", "maxCandidates", "delta", "searchK", "onProgress"]);
  const p = toPoints(fn, x);
  if (p.n < 2) throw rangeError(fn, "x", "at least 2 points", `${p.n} points`);
  checkInt(fn, "k", k, 1, p.n - 1);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") throw typeError(fn, "options.onProgress", "a function", options.onProgress);
  return { p, s: nnDescentSettings(fn, p.n, k, options) };
}

/**
 * The `k` nearest neighbours (Euclidean, approximate: NN-descent, see the file's header) of every
 * row of `x`, nearest first, the row itself excluded. Seeded; yields to the event loop between
 * chunks and stops on a kernel interrupt. For exact neighbours use `nearestNeighbors`.
 *
 * **Input shape:** `[N, D]`. **Output:** `indices` and `distances` `[N, k]` (flat, row-major),
 * `iterations` and `updates` per round.
 *
 * @example
 * const { indices, distances } = await nnDescent(vectors, 15, { seed: 1 });
 */
export async function nnDescent(x: PointsInput, k: number, options: NnDescentOptions = {}): Promise<NnDescentNeighbors> {
  const { p, s } = check("nnDescent", x, k, options);
  return await runAsync("nnDescent", nnDescentSteps(p, k, s, options.onProgress));
}

/** {@link nnDescent} without yielding (blocks until done; no interrupt). */
export function nnDescentSync(x: PointsInput, k: number, options: NnDescentOptions = {}): NnDescentNeighbors {
  const { p, s } = check("nnDescentSync", x, k, options);
  return runSync(nnDescentSteps(p, k, s, options.onProgress));
}
