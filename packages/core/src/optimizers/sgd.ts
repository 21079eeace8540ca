/**
 * Stochastic gradient descent with optional momentum (heavy-ball or Nesterov) and L2 weight decay,
 * fused; the numbers of `torch.optim.SGD`.
 */
import * as tf from "../tf";
import { FusedOptimizer, type FusedOptimizerOptions, type RangeUpdate } from "./FusedOptimizer";
import { checkBool, checkKeys, checkNumber, rangeError } from "../validate";

/** Options of {@link sgd}. */
export interface SGDOptions extends FusedOptimizerOptions {
  /** Momentum factor μ; 0 turns momentum (and its slot) off. Defaults to 0. */
  momentum?: number;
  /** Dampening τ of the momentum: `buf = μ·buf + (1-τ)·g`. Defaults to 0. */
  dampening?: number;
  /** Nesterov momentum: step along `g + μ·buf` (needs momentum > 0 and dampening 0). Defaults to `false`. */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient: `g + λ·p`. Defaults to 0. */
  weightDecay?: number;
}

const FN = "sgd";
const fr = Math.fround;

/** Fused SGD; registered for serialization as `EmbedlabSGD`. */
export class FusedSGD extends FusedOptimizer {
  static className = "EmbedlabSGD";
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(learningRate = 1e-2, options: SGDOptions = {}) {
    checkKeys(FN, options, ["momentum", "dampening", "nesterov", "weightDecay", "sparse"]);
    const lr = checkNumber(FN, "learningRate", learningRate, { min: 0 });
    const momentum = checkNumber(FN, "options.momentum", options.momentum ?? 0, { min: 0 });
    const dampening = checkNumber(FN, "options.dampening", options.dampening ?? 0, { min: 0, max: 1 });
    const nesterov = checkBool(FN, "options.nesterov", options.nesterov ?? false);
    const weightDecay = checkNumber(FN, "options.weightDecay", options.weightDecay ?? 0, { min: 0 });
    const sparse = checkBool(FN, "options.sparse", options.sparse ?? false);
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw rangeError(FN, "options", "momentum > 0 and dampening 0 with nesterov", { momentum, dampening });
    }
    super(lr, sparse);
    this.momentum = momentum;
    this.dampening = dampening;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  protected override fnName(): string {
    return FN;
  }

  protected override slotSuffixes(): readonly string[] {
    return this.momentum > 0 ? ["momentum"] : [];
  }

  /**
   * PyTorch's `_single_tensor_sgd`: `d = g + λp`; with momentum, `buf = d` on the first step, then
   * `buf = μ·buf + (1-τ)·d`, and `d = buf` (or `d + μ·buf`, Nesterov); `p -= lr·d`. Lazily, only
   * touched rows, with the variable's step: a row first touched after step 1 starts from a zero
   * buffer (see {@link FusedOptimizerOptions.sparse}).
   */
  protected override updater(step: number, _lazy: boolean): RangeUpdate {
    const negLr = fr(-this.learningRate), wd = fr(this.weightDecay), mu = fr(this.momentum), damp = fr(1 - this.dampening);
    const hasDecay = this.weightDecay !== 0;
    if (this.momentum === 0) {
      return (p, g, _slots, start, end) => {
        for (let i = start; i < end; i++) {
          const d = hasDecay ? fr(g[i] + wd * p[i]) : g[i];
          p[i] = fr(p[i] + negLr * d);
        }
      };
    }
    const first = step === 1;
    const nesterov = this.nesterov;
    return (p, g, [buf], start, end) => {
      for (let i = start; i < end; i++) {
        let d = hasDecay ? fr(g[i] + wd * p[i]) : g[i];
        const b = first ? d : fr(fr(buf[i] * mu) + damp * d);
        buf[i] = b;
        d = nesterov ? fr(d + mu * b) : b;
        p[i] = fr(p[i] + negLr * d);
      }
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov, weightDecay: this.weightDecay, sparse: this.sparse };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    const { learningRate, ...options } = config as unknown as { learningRate: number } & SGDOptions;
    return new (cls as unknown as new (lr: number, o: SGDOptions) => T)(learningRate, options);
  }
}
tf.serialization.registerClass(FusedSGD);

/**
 * Creates a fused {@link FusedSGD} optimizer (`torch.optim.SGD` numbers, one pass per variable).
 *
 * Defaults: `learningRate = 0.01`, `momentum = 0`, `dampening = 0`, `nesterov = false`,
 * `weightDecay = 0`, `sparse = false`.
 * @example
 * model.compile({ optimizer: sgd(0.1, { momentum: 0.9, nesterov: true }), loss: "meanSquaredError" });
 */
export function sgd(learningRate = 1e-2, options: SGDOptions = {}): FusedSGD {
  return new FusedSGD(learningRate, options);
}
