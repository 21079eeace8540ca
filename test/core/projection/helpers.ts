// Seeded Gaussian blobs for the projection tests: `c` centres N(0, spread²) in `d` dims, unit noise.
import { mulberry32 } from "@embedlab/core";

export function blobs(n: number, d: number, c: number, seed = 1, spread = 8): { x: number[][]; label: number[] } {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const centres = Array.from({ length: c }, () => Array.from({ length: d }, () => spread * gauss()));
  const x = Array.from({ length: n }, (_, i) => centres[i % c].map((m) => m + gauss()));
  return { x, label: Array.from({ length: n }, (_, i) => i % c) };
}

/** Share of points whose nearest neighbour in `y` has the same label. */
export function nearestSameLabel(y: number[][], label: number[]): number {
  let same = 0;
  for (let i = 0; i < y.length; i++) {
    let best = -1, bestD = Infinity;
    for (let j = 0; j < y.length; j++) {
      if (j === i) continue;
      const d = y[i].reduce((s, v, a) => s + (v - y[j][a]) ** 2, 0);
      if (d < bestD) [best, bestD] = [j, d];
    }
    if (label[best] === label[i]) same++;
  }
  return same / y.length;
}
