/**
 * The base of our layers that hold weights: a tfjs `Layer` whose variables' own `trainable` flag
 * follows the layer's, so a frozen layer stays frozen under every way tfjs trains (internal to
 * `layers/`).
 */
import * as tf from "../tf";

/**
 * A tfjs layer whose weights are made with the layer's `trainable`. tfjs 4.22's `addWeight` makes
 * every `tf.Variable` trainable whatever the layer says, and only the layer's `trainableWeights`
 * leaves a frozen layer's weights out: `model.fit` honours that, but a bare
 * `optimizer.minimize(f)` or `tf.variableGrads(f)` differentiates every registered variable whose
 * own `trainable` is set, so it trained "frozen" tables (and made their dense gradients).
 * Setting `layer.trainable` later needs nothing here: tfjs's setter already writes it into every
 * weight's variable, both ways (as PyTorch's `weight.requires_grad = False / True`).
 */
export abstract class FreezableLayer extends tf.layers.Layer {
  protected override addWeight(...args: Parameters<tf.layers.Layer["addWeight"]>): tf.LayerVariable {
    const weight = super.addWeight(...args);
    // Still listed with the layer's trainable weights (tfjs's `trainable` setter toggles those), so
    // `layer.trainable = true` later makes it trainable again; only the flag changes.
    if (!this.trainable) weight.trainable = false;
    return weight;
  }
}
