/**
 * Reproducibility: one call makes every initializer, shuffle and dropout deterministic.
 *
 * tfjs draws its random seeds from `Math.random()` whenever no seed is passed (initializers,
 * `model.fit` shuffling, dropout), so `seed(n)` replaces `Math.random` with a seeded generator
 * (mulberry32). `seed(null)` restores the original.
 */
import { checkInt } from "../validate";

const originalRandom = Math.random;
let seeded = false;

/**
 * mulberry32: a small seeded generator of numbers in [0, 1), the one every seeded draw in the
 * project uses (32-bit state, full period 2^32: good enough for seeds, shuffles and test inputs).
 *
 * @param seed any number; it is truncated to a 32-bit integer.
 * @example
 * const rand = mulberry32(42);
 * rand(); // the same sequence on every run
 */
export function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0; // 0x6d2b79f5: mulberry32's odd Weyl increment
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296; // / 2^32 -> [0, 1)
  };
}

/**
 * Seeds every random draw in the project (and in tfjs calls made without an explicit seed).
 *
 * @param n an integer in [0, 2^32), or `null` to go back to unseeded `Math.random`.
 * @example
 * seed(42);
 * const a = embedding({ numEmbeddings: 10, embeddingDim: 4 }); // same weights every run
 */
export function seed(n: number | null): void {
  if (n === null) {
    seeded = false;
    Math.random = originalRandom;
    return;
  }
  checkInt("seed", "n", n, 0, 2 ** 32 - 1);
  seeded = true;
  Math.random = mulberry32(n);
}

/** Whether `seed(n)` is in force. */
export function isSeeded(): boolean {
  return seeded;
}

/** A fresh integer seed for a tfjs initializer or random op: seeded when `seed()` was called. */
export function nextSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
