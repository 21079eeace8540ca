// Shared by the encoding tests: fixture loading and a leak check.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { tf } from "@embedlab/core";

/** Parsed JSON from test/fixtures/encoding/<name>. */
export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/encoding/${name}`, import.meta.url), "utf8")) as T;
}

/** Runs `fn`, disposes what it returns, and checks no tensor was left behind. */
export function noLeak<T>(fn: () => T, check?: (out: T) => void): void {
  const before = tf.memory().numTensors;
  const out = fn();
  try {
    check?.(out);
  } finally {
    if (out instanceof tf.Tensor) out.dispose();
  }
  expect(tf.memory().numTensors).toBe(before);
}

/** Checks `fn` throws `type` with a message matching `re`, and leaves no tensor behind. */
export function throwsClean(fn: () => unknown, type: ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor, re: RegExp): void {
  const before = tf.memory().numTensors;
  expect(fn).toThrow(type);
  expect(fn).toThrow(re);
  expect(tf.memory().numTensors).toBe(before);
}

export const BACKENDS = ["cpu", "wasm"] as const;
