/**
 * Seeded stratified split: every class keeps its share in each part, and the same seed gives the
 * same split on every run.
 */
import { mulberry32 } from "../backend/seed";
import { checkInt, checkNumber, rangeError, typeError } from "../validate";

/** Index arrays of the three parts. */
export interface Split {
  train: number[];
  val: number[];
  test: number[];
}

/**
 * Splits `labels.length` examples into train / val / test index lists, class by class.
 *
 * Defaults to `val = 0.1`, `test = 0.2`, `seed = 0`. Each class's examples are shuffled with the
 * seed, then cut at `round(n * test)` and `round(n * val)`; indices within a part are sorted.
 * @example
 * const { train, val, test } = stratifiedSplit(labels, { val: 0.1, test: 0.2, seed: 0 });
 */
export function stratifiedSplit(labels: ArrayLike<string | number>, options: { val?: number; test?: number; seed?: number } = {}): Split {
  if (labels === null || typeof labels !== "object" || typeof labels.length !== "number") {
    throw typeError("stratifiedSplit", "labels", "an array of labels", labels);
  }
  const val = checkNumber("stratifiedSplit", "options.val", options.val ?? 0.1, { min: 0, max: 1 });
  const test = checkNumber("stratifiedSplit", "options.test", options.test ?? 0.2, { min: 0, max: 1 });
  if (val + test >= 1) throw rangeError("stratifiedSplit", "options.val + options.test", "< 1", val + test);
  const rand = mulberry32(checkInt("stratifiedSplit", "options.seed", options.seed ?? 0, 0, 2 ** 32 - 1));
  const byClass = new Map<string | number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const key = labels[i];
    let list = byClass.get(key);
    if (!list) byClass.set(key, (list = []));
    list.push(i);
  }
  const out: Split = { train: [], val: [], test: [] };
  const keys = [...byClass.keys()].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  for (const key of keys) {
    const idx = byClass.get(key) as number[];
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const nTest = Math.round(idx.length * test);
    const nVal = Math.round(idx.length * val);
    out.test.push(...idx.slice(0, nTest));
    out.val.push(...idx.slice(nTest, nTest + nVal));
    out.train.push(...idx.slice(nTest + nVal));
  }
  for (const part of [out.train, out.val, out.test]) part.sort((a, b) => a - b);
  return out;
}
