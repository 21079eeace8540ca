// For every walkthrough exercise: the answer a learner would pass (built from the worked solution's
// answer, often in another form: a tensor, a typed array, another order) and a typical wrong answer
// with the difference check() must name. Shared by exercises.test.ts and exercisesData.test.ts.
import { tf } from "@embedlab/core";
import type { DifferenceKind } from "@embedlab/display";

type Plain = Record<string, unknown>;

export interface ExerciseCase {
  id: string;
  /** What a worked solution must compute, checked by hand (where a hand value exists). */
  hand?: unknown;
  /** The right answer in a learner's form (defaults to the expected answer itself). */
  learner?: (expected: any) => unknown;
  /** A typical wrong answer. */
  wrong: (expected: any) => unknown;
  /** The first difference check() must report for it. */
  differs: { kind: DifferenceKind; path: string };
}

const reversed = <T>(xs: readonly T[]): T[] => [...xs].reverse();

export const CASES: ExerciseCase[] = [
  {
    id: "01.1",
    hand: { shape: [2, 2, 3], position: [1, 0, 2] },
    learner: (e: Plain) => ({ shape: Int32Array.from(e.shape as number[]), position: e.position }),
    wrong: () => ({ shape: [2, 3], position: [1, 0, 2] }), // forgot that the input is 2-D
    differs: { kind: "shape", path: "shape" },
  },
  {
    id: "01.2",
    hand: { numbers: [2, 10, 33], strings: ["10", "2", "33"], codeOf10: [1, 0] },
    wrong: (e: Plain) => ({ ...e, codeOf10: [1, 1] }), // assumed strings sort like numbers
    differs: { kind: "value", path: "codeOf10[1]" },
  },
  { id: "01.3", hand: 5, wrong: () => 4, differs: { kind: "value", path: "" } },
  {
    id: "01.4",
    hand: { predicted: 500 * (1 - Math.exp(-499 / 1000)), measured: 165 },
    wrong: (e: Plain) => ({ ...e, predicted: 500 * (1 - Math.exp(-500 / 1000)) }), // m instead of m − 1
    differs: { kind: "value", path: "predicted" },
  },
  {
    id: "01.5",
    hand: { shared: ["bird", "fish", "cow", "duck"], cancelling: ["bird", "cow"] },
    learner: (e: { shared: string[]; cancelling: string[] }) => ({ shared: new Set(reversed(e.shared)), cancelling: reversed(e.cancelling) }),
    wrong: () => ({ shared: ["bird", "cow", "fish"], cancelling: ["bird", "cow"] }),
    differs: { kind: "missing", path: "shared" },
  },
  {
    id: "02.1",
    hand: { base10000: 10, base100: 20 },
    wrong: () => ({ base10000: 9, base100: 20 }), // the last pair below 100, not the first above
    differs: { kind: "value", path: "base10000" },
  },
  {
    id: "02.2",
    wrong: (e: { d8: number; d256: number }) => ({ d8: e.d8 * 4, d256: e.d256, looksLikeZero: 8 }), // forgot to divide by d/2
    differs: { kind: "value", path: "d8" },
  },
  {
    id: "02.3",
    learner: (e: number[]) => tf.tensor1d(e), // a tensor works as well (check reads it)
    wrong: (e: number[]) => [0, 1, ...e.slice(2)], // row 0 of the default table starts [sin 0, cos 0]
    differs: { kind: "value", path: "[0]" },
  },
  {
    id: "02.4",
    wrong: (e: { transposeOf5: number[][]; product: number[][] }) => ({ transposeOf5: e.transposeOf5[0].map((_, j) => e.transposeOf5.map((r) => r[j])), product: e.product }), // M₅ itself
    differs: { kind: "sign", path: "transposeOf5[0][1]" },
  },
  { id: "03.1", hand: 5, wrong: () => 0, differs: { kind: "value", path: "" } },
  {
    id: "03.2",
    learner: (e: number[]) => Float32Array.from(e),
    wrong: (e: number[]) => e.map((v) => 1.6 * v), // capped the L2 norm instead of the L1 norm
    differs: { kind: "value", path: "[0]" },
  },
  {
    id: "03.3",
    hand: { changed: [1, 2, 3, 4, 5], unchanged: [0] },
    learner: (e: { changed: number[]; unchanged: number[] }) => ({ changed: reversed(e.changed), unchanged: e.unchanged }),
    wrong: () => ({ changed: [1, 2, 4, 5], unchanged: [0, 3] }), // thought the shared row 3 cancels out
    differs: { kind: "missing", path: "changed" },
  },
  {
    id: "04.1",
    wrong: (e: { size: number; missing: string[] }) => ({ size: e.size + 2, missing: e.missing }), // counted <pad> and <unk>
    differs: { kind: "value", path: "size" },
  },
  {
    id: "04.2",
    wrong: (e: { window2: string[] }) => ({ window2: e.window2, window4: e.window2 }),
    differs: { kind: "missing", path: "window4" },
  },
  {
    id: "04.3",
    hand: { zeros: ["<pad>", "<unk>", "fish"], normal: ["<pad>"] },
    wrong: () => ({ zeros: ["<pad>"], normal: ["<pad>"] }),
    differs: { kind: "missing", path: "zeros" },
  },
  {
    id: "04.4",
    hand: { window2: 794, window5: 1970 }, // 2·w·n minus the neighbours cut off at both ends
    wrong: () => ({ window2: 800, window5: 2000 }), // forgot the ends of the e-mail
    differs: { kind: "value", path: "window2" },
  },
  {
    id: "04.5",
    wrong: (e: { every20: unknown; every5: { emails: number; spam: number } }) => ({ every20: e.every20, every5: { emails: e.every5.emails, spam: e.every5.spam + 1 } }),
    differs: { kind: "value", path: "every5.spam" },
  },
  {
    id: "04.6",
    hand: { vectors: ["1\t0", "0\t1", "0.5\t0.25"], metadata: ["cat", "dog", "fish"] },
    wrong: () => ({ vectors: ["1\t0", "0\t1", "0.5\t0.25"], metadata: ["word", "cat", "dog", "fish"] }), // expected a header
    differs: { kind: "shape", path: "metadata" },
  },
  {
    id: "05.1",
    wrong: (e: { sharing: number; formula: number }) => ({ sharing: e.sharing, formula: e.formula * 1018 / 1017 }),
    differs: { kind: "value", path: "formula" },
  },
  {
    id: "05.2",
    wrong: (e: { dim1: number; dim8: number }) => ({ dim1: e.dim1 - 2, dim8: e.dim8 - 9 }), // forgot the dense unit
    differs: { kind: "value", path: "dim1" },
  },
  {
    id: "05.3",
    wrong: (e: { unseen: number }) => ({ unseen: e.unseen, knownTld: e.unseen }),
    differs: { kind: "value", path: "knownTld" },
  },
  {
    id: "06.1",
    hand: { mean: 0, attention: 16 },
    wrong: () => ({ mean: 0, attention: 17 }), // assumed a bias
    differs: { kind: "value", path: "attention" },
  },
  { id: "06.2", hand: 64 * 16, wrong: () => 64, differs: { kind: "value", path: "" } },
  { id: "06.3", wrong: (e: number) => e - 1, differs: { kind: "value", path: "" } },
  {
    id: "06.4",
    learner: (e: { sd: number; seeds: number }) => ({ sd: e.sd * (1 + 1e-7), seeds: e.seeds }), // within the tolerance
    wrong: (e: { sd: number; seeds: number }) => ({ sd: e.sd * Math.sqrt(4 / 5), seeds: e.seeds }), // divided by n, not n − 1
    differs: { kind: "value", path: "sd" },
  },
  {
    id: "07.1",
    hand: { alibi: [-0.25, -0.25], t5: [1, 17], cannotTell: "ALiBi" },
    wrong: (e: Plain) => ({ ...e, cannotTell: "T5" }),
    differs: { kind: "value", path: "cannotTell" },
  },
  {
    id: "07.2",
    hand: { slopes: [1 / 16, 1 / 256], penaltyAt31: [31 / 16, 31 / 256] },
    wrong: () => ({ slopes: [1 / 4, 1 / 16], penaltyAt31: [31 / 4, 31 / 16] }), // 4 heads' first slopes
    differs: { kind: "value", path: "slopes[0]" },
  },
  {
    id: "07.3",
    hand: { buckets: [1, 8, 15, 16, 16, 21, 21], firstShared: 16 },
    wrong: (e: Plain) => ({ ...e, firstShared: 15 }),
    differs: { kind: "value", path: "firstShared" },
  },
  {
    id: "07.4",
    hand: [0, 1, 2, 3, 4].map((p) => [0, 1, 2, 3, 4].map((k) => (k <= p ? 1 / (p + 1) : 0))),
    wrong: () => [0, 1, 2, 3, 4].map(() => [0.2, 0.2, 0.2, 0.2, 0.2]), // no causal mask
    differs: { kind: "value", path: "[0][0]" },
  },
];
