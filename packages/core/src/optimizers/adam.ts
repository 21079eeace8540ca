/**
 * Adam (Kingma & Ba, 2015) as one fused pass per variable: the numbers of `torch.optim.Adam`
 * (and, with `sparse: true`, of `torch.optim.SparseAdam` on embedding tables).
 */
import * as tf from "../tf";
import { FusedOptimizer, type FusedOptimizerOptions, type RangeUpdate } from "./FusedOptimizer";
import { adamKernels, adamThroughScratch } from "./adamSimd";
import { checkBool, checkKeys, checkNumber, rangeError } from "../validate";

/** Options of {@link adam}. */
export interface AdamOptions extends FusedOptimizerOptions {
  /** Decay of the first moment. Defaults to 0.9. */
  beta1?: number;
  /** Decay of the second moment. Defaults to 0.999. */
  beta2?: number;
  /**
   * Added to `sqrt(v̂)` in the denominator. Defaults to 1e-8 (PyTorch's; tfjs's Adam uses 1e-7, added
   * at the same place: `m̂ / (sqrt(v̂) + ε)`).
   */
  epsilon?: number;
}

const ADAM_KEYS = ["beta1", "beta2", "epsilon", "sparse"];

/** Checked Adam hyper-parameters. */
export interface AdamHyper {
  beta1: number;
  beta2: number;
  epsilon: number;
  sparse: boolean;
}

/** Validates Adam's learning rate and options (shared with AdamW). */
export function checkAdamArgs(fn: string, learningRate: unknown, options: object, extraKeys: string[] = []): { learningRate: number } & AdamHyper {
  checkKeys(fn, options, [...ADAM_KEYS, ...extraKeys]);
  const o = options as AdamOptions;
  const lr = checkNumber(fn, "learningRate", learningRate, { min: 0 });
  const beta1 = checkNumber(fn, "options.beta1", o.beta1 ?? 0.9, { min: 0 });
  const beta2 = checkNumber(fn, "options.beta2", o.beta2 ?? 0.999, { min: 0 });
  if (beta1 >= 1) throw rangeError(fn, "options.beta1", "a number in [0, 1)", beta1);
  if (beta2 >= 1) throw rangeError(fn, "options.beta2", "a number in [0, 1)", beta2);
  const epsilon = checkNumber(fn, "options.epsilon", o.epsilon ?? 1e-8, { min: 0 });
  return { learningRate: lr, beta1, beta2, epsilon, sparse: checkBool(fn, "options.sparse", o.sparse ?? false) };
}

const fr = Math.fround;

/**
 * The Adam update for one variable at `step`, rounding to float32 where PyTorch's float32 kernels
 * round. Dense (`torch.optim.Adam`, `_single_tensor_adam`):
 *   m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;  p -= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + ε)
 * Lazy (`torch.optim.SparseAdam`, rows of a sparse gradient):
 *   m += (1-β1)(g - m);   v += (1-β2)(g² - v);   p -= (lr · sqrt(bc2) / bc1) · m / (sqrt(v) + ε)
 * with bc1 = 1 - β1^step, bc2 = 1 - β2^step. `decay` (AdamW's λ) first multiplies p by 1 - lr·λ.
 */
export function adamUpdater(h: AdamHyper & { learningRate: number; decay: number }, step: number, lazy: boolean, memory: object | null): RangeUpdate {
  const b1 = fr(h.beta1), a1 = fr(1 - h.beta1), b2 = fr(h.beta2), a2 = fr(1 - h.beta2), eps = fr(h.epsilon);
  const bc1 = 1 - h.beta1 ** step;
  const bc2 = 1 - h.beta2 ** step;
  const keep = fr(1 - h.learningRate * h.decay);
  const decay = h.decay !== 0;
  const js = adamJs(b1, a1, b2, a2, eps, bc1, bc2, keep, decay, h.learningRate, lazy);
  const negStep = lazy ? fr(-(h.learningRate * Math.sqrt(bc2)) / bc1) : fr(-h.learningRate / bc1);
  const bc2Sqrt = fr(Math.sqrt(bc2));
  if (memory === null) {
    if (lazy) return js; // a few touched rows: not worth copying
    const args: [number, number, number, number, number, number, number, number] = [b1, a1, b2, a2, eps, negStep, bc2Sqrt, keep];
    return (p, g, slots, start, end) => {
      if (!adamThroughScratch(p, g, slots[0], slots[1], start, end, args)) js(p, g, slots, start, end);
    };
  }
  const simd = adamKernels(memory);
  if (simd === null) return js;
  const kernel = lazy ? simd.lazyAdam : simd.adam;
  return (p, g, slots, start, end) => {
    const body = (end - start) & ~3; // whole f32x4 groups; the JS loop does the rest
    const at = (a: Float32Array) => a.byteOffset + 4 * start;
    kernel(at(p), at(g), at(slots[0]), at(slots[1]), 4 * body, b1, a1, b2, a2, eps, negStep, bc2Sqrt, keep);
    if (start + body < end) js(p, g, slots, start + body, end);
  };
}

function adamJs(b1: number, a1: number, b2: number, a2: number, eps: number, bc1: number, bc2: number, keep: number, decay: boolean, learningRate: number, lazy: boolean): RangeUpdate {
  if (lazy) {
    const negStep = fr(-(learningRate * Math.sqrt(bc2)) / bc1);
    return (p, g, [m, v], start, end) => {
      for (let i = start; i < end; i++) {
        const gi = g[i];
        if (decay) p[i] = fr(p[i] * keep);
        const m0 = m[i], v0 = v[i];
        const um = fr(fr(gi - m0) * a1);
        const uv = fr(fr(fr(gi * gi) - v0) * a2);
        const mi = fr(um + m0);
        const vi = fr(uv + v0);
        m[i] = mi;
        v[i] = vi;
        p[i] = fr(p[i] + fr(negStep * fr(mi / fr(fr(Math.sqrt(vi)) + eps))));
      }
    };
  }
  const negStep = fr(-learningRate / bc1);
  const bc2Sqrt = fr(Math.sqrt(bc2));
  return (p, g, [m, v], start, end) => {
    for (let i = start; i < end; i++) {
      const gi = g[i];
      if (decay) p[i] = fr(p[i] * keep);
      const mi = fr(fr(m[i] * b1) + a1 * gi); // add_(g, alpha): one rounding, like the fused multiply-add
      const vi = fr(fr(v[i] * b2) + fr(a2 * gi) * gi);
      m[i] = mi;
      v[i] = vi;
      const denom = fr(fr(fr(Math.sqrt(vi)) / bc2Sqrt) + eps);
      p[i] = fr(p[i] + fr(fr(negStep * mi) / denom));
    }
  };
}

/**
 * Fused Adam: a `tf.Optimizer` (use it in `model.compile`, `optimizer.minimize`) that updates
 * each variable in one in-place pass. Registered for serialization as `EmbedlabAdam`.
 */
export class FusedAdam extends FusedOptimizer {
  static className = "EmbedlabAdam";
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(learningRate = 1e-3, options: AdamOptions = {}) {
    const h = checkAdamArgs("adam", learningRate, options);
    super(h.learningRate, h.sparse);
    this.beta1 = h.beta1;
    this.beta2 = h.beta2;
    this.epsilon = h.epsilon;
  }

  protected override fnName(): string {
    return "adam";
  }

  protected override updatesInWasmMemory(): boolean {
    return true; // the f32x4 kernels of adamSimd.ts
  }

  protected override slotSuffixes(): readonly string[] {
    return ["m", "v"];
  }

  protected override updater(step: number, lazy: boolean, memory: object | null): RangeUpdate {
    return adamUpdater({ learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, sparse: this.sparse, decay: 0 }, step, lazy, memory);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, sparse: this.sparse };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    const { learningRate, ...options } = config as unknown as { learningRate: number } & AdamOptions;
    return new (cls as unknown as new (lr: number, o: AdamOptions) => T)(learningRate, options);
  }
}
tf.serialization.registerClass(FusedAdam);

/**
 * Creates a fused {@link FusedAdam} optimizer: PyTorch's `torch.optim.Adam` numbers, one pass per
 * variable, no per-op tensors. With `sparse: true`, embedding tables get `SparseAdam`'s lazy
 * row updates (see {@link FusedOptimizerOptions.sparse}).
 *
 * Defaults: `learningRate = 1e-3`, `beta1 = 0.9`, `beta2 = 0.999`, `epsilon = 1e-8`, `sparse = false`.
 * @example
 * model.compile({ optimizer: adam(1e-3), loss: "categoricalCrossentropy" });
 * const lazy = adam(1e-2, { sparse: true });            // only the rows a batch used move
 */
export function adam(learningRate = 1e-3, options: AdamOptions = {}): FusedAdam {
  return new FusedAdam(learningRate, options);
}
