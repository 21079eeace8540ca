/**
 * `check(exerciseId, answer)`: says whether a learner's answer to a walkthrough exercise is right
 * and, when not, what differs — computed by running the exercise's worked solution, not from a
 * stored answer.
 */
import { inspect } from "node:util";
import { validate } from "@embedlab/core";
import { tr } from "../lang";
import { CheckResult } from "./CheckResult";
import { compareAnswer } from "./compareAnswer";
import type { Exercise } from "./exercise";
import { EXERCISES } from "./registry";

const { typeError } = validate;

/** The expected answers computed so far in this process (each solution runs once). */
const expected = new Map<string, Promise<unknown>>();

/** The ids of every exercise `check` knows, in order: `["01.1", "01.2", …, "07.4"]`. */
export function exerciseIds(): string[] {
  return EXERCISES.map((e) => e.id);
}

function unknownId(fn: string, id: unknown): RangeError {
  const ids = exerciseIds();
  return new RangeError(`${fn}: expected exerciseId to be one of ${ids.map((i) => JSON.stringify(i)).join(", ")}, but got ${JSON.stringify(id)}`);
}

/**
 * Checks an answer to exercise `exerciseId` of a walkthrough. Runs the exercise's worked solution
 * (once per process; later checks reuse its answer) and compares: numbers with
 * `|answer − expected| <= atol + rtol·|expected|`, by default `atol = 1e-6`, `rtol = 1e-5`
 * (float32 keeps about 7 significant digits; an exercise may say otherwise in its text); strings,
 * booleans and integers-as-ids exactly; arrays by shape, then item by item (or as sets where the
 * exercise says the order does not matter); objects key by key. Tensors, typed arrays and Sets
 * are read as arrays. A solution that trains something calls `seed()`, which resets the seeded
 * random streams of the session.
 *
 * **Returns** a {@link CheckResult} `{ ok, id, message, differences }`: as a cell's last value it
 * renders as a box listing what differs (shape, the value at an index, a sign, a missing or extra
 * item, the type); printed, it is a few lines of text. Messages follow `lang()`.
 *
 * @example
 * import { check } from "@embedlab/display";
 * await check("01.1", { shape: t.shape, position: [1, 0, 2] })   // ✓ 01.1: right.
 * await check("02.3", row)                                        // ✗ 02.3: not yet — [3]: expected …
 */
export function check(exerciseId: string, answer: unknown): Promise<CheckResult> {
  const run = async (): Promise<CheckResult> => {
    const exercise = exerciseOf("check", exerciseId);
    const want = structuredClone(await expectedAnswer(exercise.id)); // differences may hand out parts of it: the cached answer stays intact
    return new CheckResult(exercise.id, compareAnswer(want, answer, exercise.compare));
  };
  return new PendingCheck((resolve, reject) => {
    run().then(resolve, reject);
  });
}

/**
 * The promise `check` returns. A cell whose last value is `check(…)` without `await` would print
 * `Promise { <pending> }`; this one says what to write instead.
 */
class PendingCheck extends Promise<CheckResult> {
  [inspect.custom](): string {
    return tr("check(…) runs asynchronously: write `await check(…)` to see the verdict.", "check(…) 是异步的：请写 `await check(…)` 来查看结果。");
  }
}

function exerciseOf(fn: string, exerciseId: unknown): Exercise {
  if (typeof exerciseId !== "string") throw typeError(fn, "exerciseId", `an exercise id like "01.1" (${exerciseIds().length} exercises)`, exerciseId);
  const exercise = EXERCISES.find((e) => e.id === exerciseId.trim());
  if (!exercise) throw unknownId(fn, exerciseId);
  return exercise;
}

/**
 * The answer exercise `exerciseId`'s worked solution computes (run once per process, then
 * reused). Not re-exported: learners get it through `check`, tests through this module.
 */
export function expectedAnswer(exerciseId: string): Promise<unknown> {
  const exercise = exerciseOf("expectedAnswer", exerciseId);
  let pending = expected.get(exercise.id);
  if (!pending) {
    pending = exercise.solve();
    expected.set(exercise.id, pending);
    pending.catch(() => expected.delete(exercise.id)); // a failed solution runs again next time
  }
  return pending;
}
