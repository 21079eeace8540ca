/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, fused; the numbers of
 * `torch.optim.AdamW`.
 */
import * as tf from "../tf";
import { FusedOptimizer, type RangeUpdate } from "./FusedOptimizer";
import { type AdamOptions, adamUpdater, checkAdamArgs } from "./adam";
import { checkNumber } from "../validate";

/** Options of {@link adamw}. */
export interface AdamWOptions extends AdamOptions {
  /**
   * Decoupled weight decay λ: every update first multiplies the weights by `1 - learningRate·λ`
   * (with `sparse: true`, only the touched rows of an embedding table). Defaults to 0.01 (PyTorch's).
   */
  weightDecay?: number;
}

/** Fused AdamW; registered for serialization as `EmbedlabAdamW`. */
export class FusedAdamW extends FusedOptimizer {
  static className = "EmbedlabAdamW";
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;

  constructor(learningRate = 1e-3, options: AdamWOptions = {}) {
    const h = checkAdamArgs("adamw", learningRate, options, ["weightDecay"]);
    const weightDecay = checkNumber("adamw", "options.weightDecay", options.weightDecay ?? 0.01, { min: 0 });
    super(h.learningRate, h.sparse);
    this.beta1 = h.beta1;
    this.beta2 = h.beta2;
    this.epsilon = h.epsilon;
    this.weightDecay = weightDecay;
  }

  protected override fnName(): string {
    return "adamw";
  }

  protected override updatesInWasmMemory(): boolean {
    return true; // the f32x4 kernels of adamSimd.ts
  }

  protected override slotSuffixes(): readonly string[] {
    return ["m", "v"];
  }

  protected override updater(step: number, lazy: boolean, memory: object | null): RangeUpdate {
    const h = { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, sparse: this.sparse, decay: this.weightDecay };
    return adamUpdater(h, step, lazy, memory);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, weightDecay: this.weightDecay, sparse: this.sparse };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    const { learningRate, ...options } = config as unknown as { learningRate: number } & AdamWOptions;
    return new (cls as unknown as new (lr: number, o: AdamWOptions) => T)(learningRate, options);
  }
}
tf.serialization.registerClass(FusedAdamW);

/**
 * Creates a fused {@link FusedAdamW} optimizer (`torch.optim.AdamW` numbers, one pass per variable).
 *
 * Defaults: `learningRate = 1e-3`, `beta1 = 0.9`, `beta2 = 0.999`, `epsilon = 1e-8`,
 * `weightDecay = 0.01`, `sparse = false`.
 * @example
 * model.compile({ optimizer: adamw(1e-3, { weightDecay: 0.05 }), loss: "binaryCrossentropy" });
 */
export function adamw(learningRate = 1e-3, options: AdamWOptions = {}): FusedAdamW {
  return new FusedAdamW(learningRate, options);
}
