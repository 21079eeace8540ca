/**
 * Exact k nearest neighbours (Euclidean) of every row, by a full scan per row: the SIMD `dots`
 * kernel of the vectors module (WebAssembly f32x4, the same one `mostSimilar` uses) computes
 * `x_i · x_j` for all j, `|x_i|² + |x_j|² − 2 x_i · x_j` ranks them, and the k kept are measured
 * again exactly in float64. O(N² D) time, O(N D) memory; scikit-learn's t-SNE also uses exact
 * neighbours (a ball tree), so both see the same graph.
 */
import { simdDotsKernel } from "../vectors/UnitRows";
import { checkInt } from "../validate";
import { toPoints, type Points, type PointsInput, type ProjectionProgress } from "./points";
import { runAsync, runSync, type Steps } from "./steps";

/** The k nearest neighbours of every point, nearest first (the point itself excluded). */
export interface Neighbors {
  /** Neighbours per point. */
  k: number;
  /** `indices[i * k + r]`: the r-th nearest neighbour of point i. **Shape:** `[N, k]`. */
  indices: Int32Array;
  /** The matching Euclidean distances. **Shape:** `[N, k]`. */
  distances: Float64Array;
}

/** Options of {@link nearestNeighbors}. */
export interface NearestNeighborsOptions {
  /** Called after each chunk of rows (stage `"neighbours"`). Defaults to none. */
  onProgress?: (p: ProjectionProgress) => void;
}

/** The scan, in chunks; `share` maps its progress into a bigger computation's fraction. */
export function* neighborSteps(p: Points, k: number, onProgress?: (p: ProjectionProgress) => void, share: [number, number] = [0, 1]): Steps<Neighbors> {
  const { n, d, data } = p;
  const stride = Math.ceil(d / 4) * 4;
  const rowsPadded = n + (n & 1);
  const matBytes = rowsPadded * stride * 4;
  const kernel = simdDotsKernel(matBytes + stride * 4 + rowsPadded * 4);
  const mat = kernel ? new Float32Array(kernel.buffer, 0, rowsPadded * stride) : new Float32Array(rowsPadded * stride);
  const q = kernel ? new Float32Array(kernel.buffer, matBytes, stride) : new Float32Array(stride);
  const out = kernel ? new Float32Array(kernel.buffer, matBytes + stride * 4, rowsPadded) : new Float32Array(rowsPadded);
  const norms = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = (mat[i * stride + j] = data[i * d + j]);
      s += v * v;
    }
    norms[i] = s;
  }
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  // per query: a max-heap of the k best squared distances so far
  const heapD = new Float64Array(n * k);
  const heapI = new Int32Array(n * k);
  const sizes = new Int32Array(n);
  // rows are scanned in blocks that stay in the L2 cache while every query passes over them
  const block = Math.max(2, Math.min(rowsPadded, 2 * Math.floor(1048576 / (stride * 4 * 2))));
  const blocks = Math.ceil(rowsPadded / block);
  const chunk = Math.max(1, Math.floor(2e7 / Math.max(1, block * d))); // ~20M multiply-adds per chunk
  let done = 0;
  for (let b0 = 0; b0 < rowsPadded; b0 += block) {
    const rows = Math.min(block, rowsPadded - b0);
    const rEnd = Math.min(n, b0 + rows);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) q[j] = mat[i * stride + j];
      if (kernel) kernel.dots(b0 * stride * 4, rows, stride * 4, matBytes, matBytes + stride * 4);
      else {
        for (let r = 0; r < rows; r++) {
          let s = 0;
          const o = (b0 + r) * stride;
          for (let j = 0; j < d; j++) s += mat[o + j] * q[j];
          out[r] = s;
        }
      }
      const ni = norms[i];
      const h = i * k;
      let size = sizes[i];
      let worst = size < k ? Infinity : heapD[h];
      for (let r = b0; r < rEnd; r++) {
        if (r === i) continue;
        const dist = ni + norms[r] - 2 * out[r - b0];
        if (size < k) {
          let c = size++; // sift up
          while (c > 0) {
            const parent = (c - 1) >> 1;
            if (heapD[h + parent] >= dist) break;
            heapD[h + c] = heapD[h + parent];
            heapI[h + c] = heapI[h + parent];
            c = parent;
          }
          heapD[h + c] = dist;
          heapI[h + c] = r;
          if (size === k) worst = heapD[h];
        } else if (dist < worst) {
          let c = 0; // replace the root, sift down
          for (;;) {
            const l = 2 * c + 1;
            if (l >= k) break;
            const big = l + 1 < k && heapD[h + l + 1] > heapD[h + l] ? l + 1 : l;
            if (heapD[h + big] <= dist) break;
            heapD[h + c] = heapD[h + big];
            heapI[h + c] = heapI[h + big];
            c = big;
          }
          heapD[h + c] = dist;
          heapI[h + c] = r;
          worst = heapD[h];
        }
      }
      sizes[i] = size;
      if (++done % chunk === 0) {
        onProgress?.({ stage: "neighbours", done: Math.floor(done / blocks), total: n, fraction: share[0] + (share[1] - share[0]) * (done / (blocks * n)) });
        yield `neighbours: block ${b0 / block + 1} of ${blocks}, row ${i + 1}`;
      }
    }
  }
  // exact float64 distances of the k kept, nearest first (ties: lower index first)
  const exact = new Float64Array(k);
  const order = Array.from({ length: k }, (_, r) => r);
  for (let i = 0; i < n; i++) {
    const h = i * k;
    for (let r = 0; r < k; r++) {
      const o = heapI[h + r] * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = data[i * d + j] - data[o + j];
        s += t * t;
      }
      exact[r] = s;
      order[r] = r;
    }
    order.sort((a, b) => exact[a] - exact[b] || heapI[h + a] - heapI[h + b]);
    for (let r = 0; r < k; r++) {
      indices[h + r] = heapI[h + order[r]];
      distances[h + r] = Math.sqrt(exact[order[r]]);
    }
  }
  onProgress?.({ stage: "neighbours", done: n, total: n, fraction: share[1] });
  yield "the neighbours";
  return { k, indices, distances };
}

function check(fn: string, x: PointsInput, k: number): Points {
  const p = toPoints(fn, x);
  if (p.n < 2) throw new RangeError(`${fn}: expected x to be at least 2 points, but got ${p.n}`);
  checkInt(fn, "k", k, 1, p.n - 1);
  return p;
}

/**
 * The `k` nearest neighbours (Euclidean, exact) of every row of `x`, nearest first, the row itself
 * excluded. Yields to the event loop between chunks; stops on a kernel interrupt.
 *
 * **Input shape:** `[N, D]`. **Output:** `indices` and `distances` `[N, k]` (flat, row-major).
 *
 * @example
 * const { indices, distances } = await nearestNeighbors(vectors, 10);
 */
export async function nearestNeighbors(x: PointsInput, k: number, options: NearestNeighborsOptions = {}): Promise<Neighbors> {
  const p = check("nearestNeighbors", x, k);
  return await runAsync("nearestNeighbors", neighborSteps(p, k, options.onProgress));
}

/** {@link nearestNeighbors} without yielding (blocks until done; no interrupt). */
export function nearestNeighborsSync(x: PointsInput, k: number, options: NearestNeighborsOptions = {}): Neighbors {
  const p = check("nearestNeighborsSync", x, k);
  return runSync(neighborSteps(p, k, options.onProgress));
}
