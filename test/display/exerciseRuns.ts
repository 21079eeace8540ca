// One vitest `it` per exercise: the worked solution leaks no tensors and (where a hand value
// exists) computes it; the learner's form of its answer passes; a typical wrong answer fails with
// the expected difference named in the message.
import { expect, it } from "vitest";
import { tf } from "@embedlab/core";
import { check } from "@embedlab/display";
import { expectedAnswer } from "../../packages/display/src/exercises/check";
import type { ExerciseCase } from "./exercisesCases";

/** `hand` with its non-integer numbers replaced by `expect.closeTo` (float32 answers). */
function approximately(hand: unknown): unknown {
  if (typeof hand === "number" && !Number.isInteger(hand)) return expect.closeTo(hand, 6);
  if (Array.isArray(hand)) return hand.map(approximately);
  if (hand !== null && typeof hand === "object") return Object.fromEntries(Object.entries(hand).map(([k, v]) => [k, approximately(v)]));
  return hand;
}

export function itChecks(c: ExerciseCase, timeout = 60_000): void {
  it(`check("${c.id}") passes the worked solution's answer and names the ${c.differs.kind} that differs in a typical wrong one`, async () => {
    const before = tf.memory().numTensors;
    const expected = await expectedAnswer(c.id);
    expect(tf.memory().numTensors, "the solution leaks no tensors").toBe(before);
    if (c.hand !== undefined) expect(expected).toEqual(approximately(c.hand));

    const answer = c.learner ? c.learner(expected) : expected;
    const right = await check(c.id, answer);
    if (answer instanceof tf.Tensor) answer.dispose();
    expect(right.differences).toEqual([]);
    expect([right.ok, right.id, right.message]).toEqual([true, c.id, `✓ ${c.id}: right.`]);

    const wrong = await check(c.id, c.wrong(expected));
    expect(wrong.ok).toBe(false);
    expect(wrong.differences[0]).toMatchObject(c.differs);
    expect(wrong.message).toMatch(new RegExp(`^✗ ${c.id.replace(".", "\\.")}: not yet — \\d+ differences? from the worked solution's answer:$`));
    expect(wrong.text.split("\n")[1]).toContain(c.differs.path === "" ? "the answer" : c.differs.path);
    expect(tf.memory().numTensors).toBe(before);
  }, timeout);
}
