/**
 * Principal component analysis, implemented here (no dependency): the top `k` eigenvectors of the
 * covariance (or, when there are more dimensions than points, of the Gram matrix) by power
 * iteration with deflation. Signs follow scikit-learn's `svd_flip`: each component's projection
 * has its largest-magnitude entry positive, so the picture is the same on every run.
 */
import { validate } from "@embedlab/core";
import type { Matrix } from "../matrix";

const { checkInt } = validate;

/** What {@link pca} returns. */
export interface PcaResult {
  /** The projected points. **Shape:** `[N, k]`. */
  points: number[][];
  /** The fraction of the total variance each component explains. **Shape:** `[k]`. */
  explainedVarianceRatio: number[];
}

/** Top eigenpairs of the symmetric `m × m` matrix `s` (modified in place: deflated). */
function topEigen(s: Float64Array, m: number, k: number): { values: number[]; vectors: Float64Array[] } {
  const values: number[] = [];
  const vectors: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    // A fixed, non-symmetric start so no eigenvector is orthogonal to it by accident.
    let v = new Float64Array(m).map((_, i) => 1 + ((i * 7919) % 13) / 13);
    let lambda = 0;
    for (let it = 0; it < 2000; it++) {
      const w = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        let acc = 0;
        const off = i * m;
        for (let j = 0; j < m; j++) acc += s[off + j] * v[j];
        w[i] = acc;
      }
      let norm = 0;
      for (let i = 0; i < m; i++) norm += w[i] * w[i];
      norm = Math.sqrt(norm);
      if (norm < 1e-300) break; // the rest of the spectrum is zero
      let diff = 0;
      for (let i = 0; i < m; i++) {
        w[i] /= norm;
        diff += Math.abs(Math.abs(w[i]) - Math.abs(v[i]));
      }
      v = w;
      const converged = Math.abs(norm - lambda) <= 1e-12 * Math.max(1, norm) && diff < 1e-10;
      lambda = norm;
      if (converged) break;
    }
    values.push(lambda);
    vectors.push(v);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) s[i * m + j] -= lambda * v[i] * v[j]; // deflate
  }
  return { values, vectors };
}

/**
 * Projects the rows of `x` onto their first `k` principal components.
 *
 * **Input shape:** `[N, D]`. **Output shape:** `points` `[N, k]`, `explainedVarianceRatio` `[k]`.
 *
 * @example
 * const { points } = pca({ rows: 3, cols: 2, data: Float64Array.of(0, 0, 1, 1, 2, 2) }, 1);
 */
export function pca(x: Matrix, k: number): PcaResult {
  const { rows: n, cols: d } = x;
  checkInt("pca", "k", k, 1, Math.max(1, Math.min(n, d)));
  const xc = new Float64Array(x.data);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += xc[i * d + j];
    mean /= n;
    for (let i = 0; i < n; i++) xc[i * d + j] -= mean;
  }
  let total = 0;
  for (let i = 0; i < xc.length; i++) total += xc[i] * xc[i];
  const points = Array.from({ length: n }, () => new Array<number>(k).fill(0));
  let values: number[];
  if (d <= n) {
    const cov = new Float64Array(d * d); // Xcᵀ Xc   [D, D]
    for (let i = 0; i < n; i++) {
      const off = i * d;
      for (let a = 0; a < d; a++) {
        const xa = xc[off + a];
        if (xa === 0) continue;
        for (let b = a; b < d; b++) cov[a * d + b] += xa * xc[off + b];
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a];
    const eig = topEigen(cov, d, k);
    values = eig.values;
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) {
      let acc = 0;
      for (let j = 0; j < d; j++) acc += xc[i * d + j] * eig.vectors[c][j];
      points[i][c] = acc; // Xc V   [N, D] x [D, k] -> [N, k]
    }
  } else {
    const gram = new Float64Array(n * n); // Xc Xcᵀ   [N, N]
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
      let acc = 0;
      for (let t = 0; t < d; t++) acc += xc[i * d + t] * xc[j * d + t];
      gram[i * n + j] = gram[j * n + i] = acc;
    }
    const eig = topEigen(gram, n, k);
    values = eig.values;
    for (let c = 0; c < k; c++) {
      const s = Math.sqrt(Math.max(0, eig.values[c]));
      for (let i = 0; i < n; i++) points[i][c] = eig.vectors[c][i] * s; // U Σ = Xc V
    }
  }
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let i = 0; i < n; i++) if (Math.abs(points[i][c]) > Math.abs(points[best][c])) best = i;
    if (points[best][c] < 0) for (let i = 0; i < n; i++) points[i][c] = -points[i][c];
  }
  return { points, explainedVarianceRatio: values.map((v) => (total > 0 ? v / total : 0)) };
}
