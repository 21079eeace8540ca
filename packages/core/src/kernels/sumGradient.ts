/**
 * `tf.sum`'s gradient on the cpu backend without its `ones` tensor. tfjs computes it as
 * `dy` reshaped to `[1, …, 1]` (the summed axes kept) times `ones(x.shape)`: a pass writing a
 * ones array the size of `x`, then a broadcasting multiply reading it. `dy · 1` is `dy` exactly, so
 * on cpu the same values come from broadcasting `dy` to `x.shape` (`tf.broadcastTo`, tfjs's `Tile`
 * kernel, fast on cpu through fastBroadcast.ts): one pass instead of two and no 4-byte-per-element
 * scratch array. Its own gradient is tfjs's `Tile` gradient, so higher-order gradients still work.
 * On every other backend, and for a `dy` that is not float32, tfjs's gradient runs unchanged.
 */
import * as tf from "../tf";

const SUM = "Sum";
let installed = false;

/** Replaces tfjs's `Sum` gradient once by one that differs only on cpu (call from `ready()`). */
export function installFastSumGradient(): void {
  if (installed) return;
  const original = tf.getGradient(SUM);
  if (original === undefined) return;
  installed = true;
  tf.registerGradient({
    ...original,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const [x] = saved;
      if (tf.getBackend() !== "cpu" || Array.isArray(dy) || dy.dtype !== "float32") return original.gradFunc(dy, saved, attrs);
      const expanded = x.shape.slice();
      for (const axis of tf.util.parseAxisParam(attrs.axis as number | number[], x.shape)) expanded[axis] = 1;
      const derX = tf.broadcastTo(tf.reshape(dy, expanded), x.shape); // [..1..] -> x.shape
      return { x: () => derX };
    },
  });
}
