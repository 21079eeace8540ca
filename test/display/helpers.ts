// Shared helpers for the display tests (not a test file).
import type { View } from "@embedlab/display";
import { mulberry32 } from "@embedlab/core";

/** A seeded generator (mulberry32) for test inputs. */
export const rng: (seed: number) => () => number = mulberry32;

/** A seeded `[rows, cols]` matrix with values in [-1, 1), rounded to 3 decimals. */
export function matrix(rows: number, cols: number, seed = 1): number[][] {
  const r = rng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.round((2 * r() - 1) * 1000) / 1000));
}

/** A view as the JSON compared with its committed snapshot (numbers are rounded by the views). */
export function snapshotOf(view: View): string {
  return JSON.stringify({ title: view.title, text: view.text, figures: view.figures, tables: view.tables }, null, 1) + "\n";
}

/** The fixture path of a snapshot, relative to the test file. */
export const fixture = (name: string): string => `../fixtures/display/${name}.json`;

/** Sinusoidal positional encodings, from the formula (the test's own reference). */
export function sinusoids(T: number, D: number): number[][] {
  return Array.from({ length: T }, (_, pos) =>
    Array.from({ length: D }, (_, j) => {
      const angle = pos / 10000 ** ((2 * Math.floor(j / 2)) / D);
      return j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }),
  );
}

/** Tiny word vectors with a built-in analogy: [royal, female, fruit, person]. */
export const WORDS = ["king", "queen", "man", "woman", "apple", "orange"];
export const VECTORS = [
  [1, 0, 0, 0.9],
  [1, 1, 0, 0.9],
  [0, 0, 0, 1],
  [0, 1, 0, 1],
  [0, 0, 1, 0.1],
  [0, 0.1, 0.9, 0.1],
];
