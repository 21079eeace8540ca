/**
 * The TensorFlow.js namespace embedlab is built on: the `@tensorflow/tfjs` umbrella (core, layers,
 * the cpu backend, every gradient and the chained tensor methods; the plain `tfjs-core` node bundle
 * registers neither gradients nor chained ops). Import it from here
 * (`import { tf } from "@embedlab/core"`) so a notebook and the library share one engine, one
 * backend registry and one serialization registry.
 */
export * from "@tensorflow/tfjs";
