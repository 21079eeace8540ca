/**
 * Which tensors the active gradient tape will differentiate. tfjs does not say: `engine.gradients(f,
 * xs)` (behind `tf.grad`, `tf.variableGrads`, `optimizer.minimize`, `model.fit`) runs `f` under a
 * tape with only a depth counter in the engine's state; `xs` stays a local until the backward pass,
 * which then prunes the tape to the paths from `xs` (tfjs-core `tape.ts`, `getFilteredNodesXToY`):
 * an input that is not a function of `xs` never has its gradient function called. So the engine's
 * `gradients` method is wrapped once (on the shared engine instance) to keep a stack of the `xs`
 * of the calls in progress.
 */
import * as tf from "../tf";

/** `engine.gradients` as tfjs 4.22 declares it. */
type Gradients = (f: () => tf.Tensor, xs: tf.Tensor[], dy?: tf.Tensor, allowNoGradients?: boolean) => unknown;
interface TrackedEngine {
  gradients: Gradients;
  state?: { gradientDepth?: number };
  [TARGETS]?: Set<number>[];
}
/** Shared by every copy of this module that meets the same engine (one wrapper, one stack). */
const TARGETS = Symbol.for("embedlab.gradientTargets");

/** Installs the wrapper on tfjs's engine (once; later calls do nothing). */
export function trackGradientTargets(): void {
  const engine = tf.engine() as unknown as TrackedEngine;
  if (engine[TARGETS]) return;
  const stack: Set<number>[] = [];
  const original = engine.gradients;
  engine[TARGETS] = stack;
  engine.gradients = function (this: unknown, f, xs, dy, allowNoGradients) {
    stack.push(new Set(Array.isArray(xs) ? xs.map((x) => x.id) : []));
    try {
      return original.call(this, f, xs, dy, allowNoGradients);
    } finally {
      stack.pop();
    }
  } as Gradients;
}
trackGradientTargets();

/**
 * Whether a backward pass of the tape recording now will compute the gradient of `t`, a leaf
 * tensor (a variable, not made by an op under the tape):
 * - `false` outside any tape, or when no `gradients` call in progress differentiates `t` — then
 *   tfjs prunes `t` from the tape and never calls its gradient function;
 * - `true` when one does, or when a tape runs that did not come through `engine.gradients` (a
 *   direct `engine.startTape()`, or one begun before the wrapper was installed): what it will
 *   differentiate is unknown, and "yes" is the answer that cannot let a too-big gradient through.
 */
export function willDifferentiate(t: tf.Tensor): boolean {
  const engine = tf.engine() as unknown as TrackedEngine;
  const depth = engine.state?.gradientDepth ?? 0;
  if (depth === 0) return false;
  const stack = engine[TARGETS];
  // every tape comes from a `gradients` call (tfjs-core 4.22: the only caller of startTape), so
  // fewer stack entries than taping levels means a tape the wrapper did not see
  if (!stack || stack.length < depth) return true;
  return stack.some((xs) => xs.has(t.id));
}
