/**
 * The selection pass of the `mostSimilar` scan: from approximate scores with an error of at most
 * `margin / 2` each, the rows that can still be among the `k` best exactly. One pass keeps the
 * `k` best approximate scores (the threshold only rises) and every row at or above
 * threshold − margin; the final threshold filters the list.
 *
 * Self-contained on purpose (no imports, no inner functions): the scan worker of `parallelScan`
 * runs its source text on its half of the rows.
 */
export function candidateRows(
  approx: Float32Array,
  from: number,
  to: number,
  k: number,
  margin: number,
  exclude: ReadonlySet<number> | null,
  out: Int32Array | number[],
): number {
  const kBest: number[] = [];
  let threshold = -Infinity;
  let n = 0;
  for (let r = from; r < to; r++) {
    const a = approx[r];
    if (a < threshold - margin || (exclude !== null && exclude.has(r))) continue;
    out[n++] = r;
    if (a > threshold || kBest.length < k) {
      let p = kBest.length;
      while (p > 0 && kBest[p - 1] < a) p--;
      kBest.splice(p, 0, a);
      if (kBest.length > k) kBest.pop();
      if (kBest.length === k) threshold = kBest[k - 1];
    }
  }
  const floor = threshold - margin;
  let m = 0;
  for (let i = 0; i < n; i++) if (approx[out[i]] >= floor) out[m++] = out[i];
  return m;
}
