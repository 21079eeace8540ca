/**
 * Reproducibility: one call makes every initializer, shuffle and dropout deterministic.
 *
 * tfjs draws its random seeds from `Math.random()` whenever no seed is passed (initializers,
 * `model.fit` shuffling, dropout), so `seed(n)` replaces `Math.random` with a seeded generator
 * (mulberry32). `seed(null)` restores the original.
 */
import { checkInt } from "../validate";

const originalRandom = Math.random;
let state: number | null = null;

function mulberry32(): number {
  // mulberry32: a 32-bit state generator, full period 2^32, good enough for seeds and shuffles.
  state = ((state as number) + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
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
    state = null;
    Math.random = originalRandom;
    return;
  }
  checkInt("seed", "n", n, 0, 2 ** 32 - 1);
  state = n | 0;
  Math.random = mulberry32;
}

/** Whether `seed(n)` is in force. */
export function isSeeded(): boolean {
  return state !== null;
}

/** A fresh integer seed for a tfjs initializer or random op: seeded when `seed()` was called. */
export function nextSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
