/**
 * The base of our embedding layers: a tfjs `Layer` whose weights exist from construction (as in
 * PyTorch), so it can be disposed before it is ever applied (internal to `layers/`).
 */
import type * as tf from "../tf";
import { FreezableLayer } from "./FreezableLayer";

/** A tfjs layer that builds its weights in its constructor (frozen ones frozen: {@link FreezableLayer}). */
export abstract class EagerLayer extends FreezableLayer {
  /** Disposes the weights. Our tables exist from construction, so a layer never applied can be disposed too. */
  override dispose(): ReturnType<tf.layers.Layer["dispose"]> {
    // tfjs starts counting references at the first apply and refuses to dispose a layer "not used
    // yet" (count null); a constructed, never-applied layer holds exactly one: its owner's.
    if (this._refCount === null) this._refCount = 1;
    return super.dispose();
  }
}
