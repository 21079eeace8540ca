// Shared by the tests of the positions beyond the sinusoid: fixtures of make_position_fixtures.py.
import { readFileSync } from "node:fs";
import { expect } from "vitest";

/** Parsed JSON from test/fixtures/positions/<name>. */
export function positionsFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/positions/${name}`, import.meta.url), "utf8")) as T;
}

/** Largest |a - b| (null in a fixture stands for -Infinity; both must agree on it). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number | null>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = b[i] === null ? -Infinity : (b[i] as number);
    if (e === -Infinity || a[i] === -Infinity) {
      expect(a[i]).toBe(e);
      continue;
    }
    m = Math.max(m, Math.abs(a[i] - e));
  }
  return m;
}
