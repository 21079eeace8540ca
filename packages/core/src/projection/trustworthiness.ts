/**
 * Trustworthiness (Venna & Kaski, 2001): how far the embedding's nearest neighbours are from
 * being neighbours in the original space, 1 = every embedded neighbour is an original one. The
 * same number as scikit-learn's `sklearn.manifold.trustworthiness(X, X_embedded, n_neighbors)`.
 */
import { checkInt, rangeError } from "../validate";
import { toPoints, type PointsInput } from "./points";

/**
 * `1 − 2 / (N k (2N − 3k − 1)) · Σ_i Σ_{j ∈ embedded kNN(i)} max(0, r(i, j) − k)`, with r(i, j) the
 * rank of j among i's neighbours in `x` (1 = nearest). O(N² (D + k)) time, O(N) extra memory.
 *
 * **Input shapes:** `x` `[N, D]`, `embedded` `[N, dims]`; `k` (defaults to `5`, scikit-learn's) must be < N / 2.
 *
 * @example
 * trustworthiness(vectors, t.points, 10); // 0.97
 */
export function trustworthiness(x: PointsInput, embedded: PointsInput, k = 5): number {
  const fn = "trustworthiness";
  const a = toPoints(fn, x);
  const b = toPoints(fn, embedded);
  if (b.n !== a.n) throw rangeError(fn, "embedded", `${a.n} points (one per row of x)`, `${b.n} points`);
  const n = a.n;
  checkInt(fn, "k", k, 1, Math.max(1, Math.ceil(n / 2) - 1));
  const dist = new Float64Array(n);
  const nearD = new Float64Array(k);
  const nearI = new Int32Array(k);
  let t = 0;
  for (let i = 0; i < n; i++) {
    // the k nearest in the embedding (ties: lower index first, like a stable sort)
    nearD.fill(Infinity);
    nearI.fill(-1);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < b.d; c++) s += (b.data[i * b.d + c] - b.data[j * b.d + c]) ** 2;
      if (s < nearD[k - 1]) {
        let r = k - 1;
        while (r > 0 && nearD[r - 1] > s) {
          nearD[r] = nearD[r - 1];
          nearI[r] = nearI[r - 1];
          r--;
        }
        nearD[r] = s;
        nearI[r] = j;
      }
    }
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < a.d; c++) s += (a.data[i * a.d + c] - a.data[j * a.d + c]) ** 2;
      dist[j] = s;
    }
    dist[i] = Infinity;
    for (let r = 0; r < k; r++) {
      const dj = dist[nearI[r]];
      let rank = 1;
      for (let m = 0; m < n; m++) if (dist[m] < dj) rank++;
      if (rank > k) t += rank - k;
    }
  }
  return 1 - t * (2 / (n * k * (2 * n - 3 * k - 1)));
}
