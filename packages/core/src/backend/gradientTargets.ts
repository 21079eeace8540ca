/**
 * Which tensors the active gradient tape will differentiate. tfjs does not say: `engine.gradients(f,
 * xs)` (behind `tf.grad`, `tf.variableGrads`, `optimizer.minimize`, `model.fit`) runs `f` under a
 * tape with only a depth counter in the engine's state; `xs` stays a local until the backward pass,
 * which then prunes the tape to the paths from `xs` (tfjs-core `tape.ts`, `getFilteredNodesXToY`):
 * an input that is not a function of `xs` never has its gradient function called. So the engine's
 * `gradients` method is wrapped once (on the shared engine instance) to keep a stack of the `xs`
 * of the calls in progress.
 *
 * The portable fallbacks (backends without our kernels) rely on the same pruning through
 * {@link customGradByInput}: unlike `tf.customGrad`, it makes only the gradients of the inputs the
 * tape differentiates.
 */
import * as tf from "../tf";

/** `engine.gradients` as tfjs 4.22 declares it. */
type Gradients = (f: () => tf.Tensor, xs: tf.Tensor[], dy?: tf.Tensor, allowNoGradients?: boolean) => unknown;
interface TrackedEngine {
  gradients: Gradients;
  state?: { gradientDepth?: number; activeTape?: { saved?: tf.Tensor[] }[] | null };
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
    } catch (e) {
      releaseTape(engine);
      throw e;
    } finally {
      stack.pop();
    }
  } as Gradients;
}

/**
 * After a `gradients` call threw (a refusal in the forward or backward pass): frees the tensors
 * the tape kept for its backward pass, as tfjs does only when the call succeeds — else every op
 * recorded before the throw (a `sigmoid` before a refused lookup) would leak what it saved. Only
 * for the outermost call: an enclosing one still needs the tape.
 */
function releaseTape(engine: TrackedEngine): void {
  const state = engine.state;
  if (!state || (state.gradientDepth ?? 0) !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
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

/** The gradient of one input of {@link customGradByInput}: made only when the backward pass calls it. */
export type InputGradient = () => tf.Tensor;

/**
 * tfjs-core 4.22's `Engine.runKernelFunc` (private there): every op runs through it, `tf.customGrad`
 * included, and it records the op's gradient functions, one per input, on the tape.
 */
interface CustomOpEngine {
  runKernelFunc(params: {
    forwardFunc: (backend: tf.KernelBackend, save: tf.GradSaveFunc) => tf.Tensor;
    backwardsFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => Record<string, InputGradient>;
    inputs: tf.NamedTensorMap;
  }): tf.Tensor;
}

/**
 * `tf.customGrad` with one gradient function per input, which the backward pass calls only for
 * the inputs it differentiates, as it does for a registered kernel's gradient. `tf.customGrad`
 * makes every input's gradient at once: an op with a big input the tape leaves out (a frozen
 * `[V, D]` table) and a small one it differentiates (per-sample weights) would still make the big
 * one, or be refused for it. Recorded as `tf.customGrad` records: `save` keeps tensors only under a
 * tape.
 *
 * **Output:** what `forward` returns.
 * @param inputs the tensors the op reads, in the order of `backward`'s gradient functions.
 * @param forward makes the output; `save(tensors)` keeps tensors for `backward`.
 * @param backward from `dy` and the saved tensors, one gradient function per input.
 * @example
 * const mul = (a: tf.Tensor, b: tf.Tensor) => customGradByInput([a, b], (save) => { save([a, b]); return tf.mul(a, b); },
 *   (dy, [sa, sb]) => [() => tf.mul(dy, sb), () => tf.mul(dy, sa)]);
 * tf.grad((x) => mul(x, b))(a); // calls the first gradient function only
 */
export function customGradByInput(inputs: tf.Tensor[], forward: (save: tf.GradSaveFunc) => tf.Tensor, backward: (dy: tf.Tensor, saved: tf.Tensor[]) => InputGradient[]): tf.Tensor {
  const byName: tf.NamedTensorMap = {};
  inputs.forEach((t, i) => (byName[i] = t)); // named "0", "1", … as tf.customGrad names them
  return (tf.engine() as unknown as CustomOpEngine).runKernelFunc({
    forwardFunc: (_backend, save) => forward(save),
    backwardsFunc: (dy, saved) => {
      const grads: Record<string, InputGradient> = {};
      backward(dy, saved).forEach((g, i) => (grads[i] = g));
      return grads;
    },
    inputs: byName,
  });
}
