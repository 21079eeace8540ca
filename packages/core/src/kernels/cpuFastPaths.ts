/**
 * The cpu backend's fast paths over tfjs-cpu's own kernels, installed together by `ready()`: each
 * gives tfjs's bits and leaves the cases it doesn't take to tfjs.
 */
import * as tf from "../tf";
import { installFastBroadcast } from "./fastBroadcast";
import { installGradientPool } from "./gradientPool";
import { installFastSum } from "./fastSum";
import { installFastSumGradient } from "./sumGradient";

/** Installs them once (call after the cpu backend is initialised). */
export function installCpuFastPaths(): void {
  installFastBroadcast(); // Multiply / Add / Sub / Tile: tfjs-cpu broadcasts element by element through index arithmetic
  installFastSum(); // Sum over the innermost axes
  installFastSumGradient(); // tf.sum's gradient without its ones tensor (same values)
  const cpu = tf.findBackend("cpu");
  if (cpu !== null) installGradientPool(cpu); // embedding gradients reuse disposed ones' arrays
}
