/**
 * Count-based word vectors: positive PMI of the co-occurrence counts, reduced with a seeded
 * randomized truncated SVD (Levy, Goldberg & Dagan, 2015). Deterministic for a given seed, fast on
 * a CPU, and good enough to explore with `mostSimilar` when no pretrained file is at hand.
 */
import { mulberry32 } from "../backend/seed";
import { checkInt, checkKeys, checkNumber } from "../validate";
import { CsrMatrix, cooccurrence, CooccurrenceOptions } from "./cooccurrence";

export interface PpmiVectorsOptions extends CooccurrenceOptions {
  /** Vector size. Defaults to `50`. */
  dim?: number;
  /** Context-distribution smoothing exponent (`P(c)^alpha`). Defaults to `0.75`. */
  alpha?: number;
  /** Power iterations of the randomized SVD (more = closer to the exact SVD). Defaults to `4`. */
  powerIterations?: number;
  /** Seed of the random projection. Defaults to `0`. */
  seed?: number;
}

/** The vectors, row-major `[V, dim]`, and the singular values they came from. */
export interface PpmiVectors {
  dim: number;
  /** Row `i` is the vector of id `i`: `U_i · sqrt(S)`. Rows of ids never seen are zero. */
  vectors: Float32Array;
  singularValues: Float64Array;
}

function gaussian(seed: number): () => number {
  const next = mulberry32(seed);
  // Shift by half a step (2^-33, exact) into (0, 1) so log() never sees 0.
  const uniform = () => next() + 2 ** -33;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** PPMI of a count matrix, in place on a copy: max(0, log(#(w,c)·D / (#w · D_α(c)))). */
export function ppmi(counts: CsrMatrix, alpha = 0.75): CsrMatrix {
  const V = counts.size;
  const rowSum = new Float64Array(V);
  const colPow = new Float64Array(V);
  let total = 0;
  for (let r = 0; r < V; r++) {
    for (let k = counts.rowPtr[r]; k < counts.rowPtr[r + 1]; k++) {
      rowSum[r] += counts.values[k];
      colPow[counts.cols[k]] += counts.values[k];
      total += counts.values[k];
    }
  }
  let powTotal = 0;
  for (let c = 0; c < V; c++) powTotal += (colPow[c] = Math.pow(colPow[c], alpha));
  const values = new Float32Array(counts.values.length);
  for (let r = 0; r < V; r++) {
    for (let k = counts.rowPtr[r]; k < counts.rowPtr[r + 1]; k++) {
      const pmi = Math.log((counts.values[k] / total) / ((rowSum[r] / total) * (colPow[counts.cols[k]] / powTotal)));
      values[k] = pmi > 0 ? pmi : 0;
    }
  }
  return { ...counts, values };
}

/** out[V, k] = M[V, V] · X[V, k] (transpose = Mᵀ · X). */
function spmm(m: CsrMatrix, x: Float64Array, k: number, transpose: boolean): Float64Array {
  const out = new Float64Array(m.size * k);
  for (let r = 0; r < m.size; r++) {
    for (let e = m.rowPtr[r]; e < m.rowPtr[r + 1]; e++) {
      const v = m.values[e];
      if (v === 0) continue;
      const c = m.cols[e];
      const [dst, src] = transpose ? [c * k, r * k] : [r * k, c * k];
      for (let j = 0; j < k; j++) out[dst + j] += v * x[src + j];
    }
  }
  return out;
}

/** Orthonormalises the k columns of x[n, k] in place (modified Gram–Schmidt, twice for stability). */
function orthonormalize(x: Float64Array, n: number, k: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < k; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += x[i * k + j] * x[i * k + p];
        for (let i = 0; i < n; i++) x[i * k + j] -= dot * x[i * k + p];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += x[i * k + j] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < n; i++) x[i * k + j] /= norm;
    }
  }
}

/** Eigen-decomposition of a symmetric k×k matrix (cyclic Jacobi): eigenvalues descending, vectors as columns. */
export function symmetricEigen(a: Float64Array, k: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += m[p * k + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = m[p * k + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * k + q] - m[p * k + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let i = 0; i < k; i++) {
          const mip = m[i * k + p], miq = m[i * k + q];
          m[i * k + p] = c * mip - s * miq;
          m[i * k + q] = s * mip + c * miq;
        }
        for (let i = 0; i < k; i++) {
          const mpi = m[p * k + i], mqi = m[q * k + i];
          m[p * k + i] = c * mpi - s * mqi;
          m[q * k + i] = s * mpi + c * mqi;
        }
        for (let i = 0; i < k; i++) {
          const vip = v[i * k + p], viq = v[i * k + q];
          v[i * k + p] = c * vip - s * viq;
          v[i * k + q] = s * vip + c * viq;
        }
      }
    }
  }
  const order = [...Array(k).keys()].sort((i, j) => m[j * k + j] - m[i * k + i]);
  const values = Float64Array.from(order, (i) => m[i * k + i]);
  const vectors = new Float64Array(k * k);
  order.forEach((src, dst) => {
    for (let i = 0; i < k; i++) vectors[i * k + dst] = v[i * k + src];
  });
  return { values, vectors };
}

/**
 * Word vectors from id sequences: window co-occurrence counts → PPMI → randomized truncated SVD.
 *
 * **Input:** `B` sequences of ids in `[0, vocabSize)`. **Output:** `vectors` `[V, dim]` row-major.
 * Defaults to `dim = 50`, `window = 4`, `alpha = 0.75`, `powerIterations = 4`, `seed = 0`.
 * Each column's sign is fixed (largest entry positive), so the same seed gives the same numbers.
 * @example
 * const ids = docs.map((tokens) => vocab.encode(tokens));
 * const { vectors, dim } = ppmiVectors(ids, vocab.size, { dim: 50, ignore: [0, 1] });
 */
export function ppmiVectors(sequences: readonly ArrayLike<number>[], vocabSize: number, options: PpmiVectorsOptions = {}): PpmiVectors {
  const fn = "ppmiVectors";
  checkKeys(fn, options, ["window", "ignore", "dim", "alpha", "powerIterations", "seed"]);
  const dim = checkInt(fn, "options.dim", options.dim ?? 50, 1, Math.max(1, vocabSize));
  const alpha = checkNumber(fn, "options.alpha", options.alpha ?? 0.75, { min: 0, max: 1 });
  const iters = checkInt(fn, "options.powerIterations", options.powerIterations ?? 4, 0, 50);
  const seedValue = checkInt(fn, "options.seed", options.seed ?? 0, 0, 2 ** 32 - 1);
  const m = ppmi(cooccurrence(sequences, vocabSize, { window: options.window, ignore: options.ignore }), alpha);
  const V = m.size;
  const k = Math.min(V, dim + 10); // why: 10 extra directions make the randomized range finder accurate (Halko et al.)

  const rand = gaussian(seedValue);
  let y = spmm(m, Float64Array.from({ length: V * k }, rand), k, false); // [V, k]
  orthonormalize(y, V, k);
  for (let i = 0; i < iters; i++) {
    const z = spmm(m, y, k, true); // Mᵀ·Q: [V, k]
    orthonormalize(z, V, k);
    y = spmm(m, z, k, false); // M·Z: [V, k]
    orthonormalize(y, V, k);
  }
  const bt = spmm(m, y, k, true); // Bᵀ = Mᵀ·Q: [V, k]
  const bbt = new Float64Array(k * k); // B·Bᵀ: [k, k]
  for (let r = 0; r < V; r++) {
    for (let i = 0; i < k; i++) {
      const bi = bt[r * k + i];
      if (bi === 0) continue;
      for (let j = i; j < k; j++) bbt[i * k + j] += bi * bt[r * k + j];
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) bbt[i * k + j] = bbt[j * k + i];
  const eig = symmetricEigen(bbt, k);
  const singularValues = Float64Array.from(eig.values.subarray(0, dim), (e) => Math.sqrt(Math.max(0, e)));
  const vectors = new Float32Array(V * dim);
  for (let j = 0; j < dim; j++) {
    const col = new Float64Array(V); // U[:, j] = Q · U_B[:, j]
    let big = 0;
    for (let r = 0; r < V; r++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += y[r * k + p] * eig.vectors[p * k + j];
      col[r] = s;
      if (Math.abs(s) > Math.abs(big)) big = s;
    }
    const scale = Math.sqrt(singularValues[j]) * (big < 0 ? -1 : 1);
    for (let r = 0; r < V; r++) vectors[r * dim + j] = col[r] * scale;
  }
  return { dim, vectors, singularValues };
}
