/**
 * The shared machinery of the fused optimizers (`adam`, `adamw`, `sgd`): a `tf.Optimizer` whose
 * update is one pass per variable over the variable's own storage, in place, with no tensor per
 * operation (tfjs's Adam runs ~13 separate elementwise ops per variable, each allocating).
 *
 * On the `cpu` and `wasm` backends the pass runs over the backend's memory directly (see
 * `kernels/heap.ts`); on any other backend it downloads the values, runs the same pass and uploads
 * the result (slower, same numbers).
 */
import * as tf from "../tf";
import { kernelBackendName, markWritten, view, wasmMemory } from "../kernels/heap";
import { touchedRows } from "../kernels/touchedRows";
import { claimPrivate, installGradientPool, isPrivate } from "../kernels/gradientPool";
import { cpuHome } from "./cpuHome";
import { formatShape, typeError } from "../validate";

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
}

/**
 * On cpu: gives `v` a fresh copy of its values unless they are private (claimed here and not read
 * or sliced since), so that the in-place update leaves every array handed out before unchanged.
 * `v` must be the only tensor on its storage (refCount 1).
 */
function ownStorage(backend: tf.KernelBackend, v: tf.Variable): void {
  const entry = (backend as unknown as CpuBackendLike).data.get(v.dataId);
  if (isPrivate(backend, entry.values)) return;
  const copy = (view(backend, v) as Float32Array).slice(); // a new buffer
  entry.values = copy;
  claimPrivate(backend, copy);
}

/** Options every fused optimizer accepts. */
export interface FusedOptimizerOptions {
  /**
   * Lazy (row-sparse) updates for embedding tables. A gradient that comes straight from one of our
   * embedding lookups (`embedding`, `categoryEmbedding`, `transformerInput`, `embeddingLookup`) knows
   * which rows the batch used; with `sparse: true` only those rows of the table *and of its
   * optimizer state* change, as with PyTorch's `sparse=True` embeddings + `torch.optim.SparseAdam`
   * or Keras's `LazyAdam`: a row no batch touches keeps its value and its moments, instead of
   * drifting on momentum. Every other variable (dense layers, a table used twice in one step, whose
   * gradients were summed) gets the ordinary dense update. Defaults to `false` (dense everywhere,
   * like `torch.optim.Adam`).
   *
   * Precisely: the state (Adam's moments, SGD's momentum buffer) is per row and only touched rows
   * update it; the step count is per variable, as in `SparseAdam` and `LazyAdam` — it drives Adam's
   * bias correction, and SGD's first step (the buffer is set to the gradient on the variable's first
   * update; a row first touched later starts from a zero buffer, `(1 - dampening)·g`, as that row
   * would in dense PyTorch). AdamW decays only the touched rows. Adam matches `torch.optim.SparseAdam`;
   * PyTorch has no lazy AdamW or momentum SGD (`torch.optim.SGD` accepts sparse gradients, but its
   * momentum buffer keeps every row ever touched moving: the dense result), so those are checked
   * against `torch.optim.AdamW`'s and `SGD`'s update functions run on the touched rows only
   * (`test/fixtures/make_optimizer_fixtures.py`).
   */
  sparse?: boolean;
}

/** A tensor with a name, as tfjs's optimizers take and give them (not exported by tfjs's index). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** An in-place update of elements `[start, end)` of the parameter `p` and its slots, given the gradient `g`. */
export type RangeUpdate = (p: Float32Array, g: Float32Array, slots: Float32Array[], start: number, end: number) => void;

/** One variable's optimizer state: slot variables (moments, momentum) and its own step count. */
interface VariableState {
  slots: tf.Variable[];
  /** How many updates this variable has had (PyTorch counts steps per parameter). */
  step: number;
}

/**
 * Base class: subclasses name their slots and implement `updateRange` (the elementwise update of
 * `[start, end)`), everything else — state, sparse rows, saving, backends — lives here.
 */
export abstract class FusedOptimizer extends tf.Optimizer {
  /** Learning rate; may be changed between steps (schedules, callbacks). */
  learningRate: number;
  /** See {@link FusedOptimizerOptions.sparse}. */
  readonly sparse: boolean;
  private readonly state = new Map<string, VariableState>();

  protected constructor(learningRate: number, sparse: boolean) {
    super();
    this.learningRate = learningRate;
    this.sparse = sparse;
  }

  /** Suffixes of the per-variable slots, e.g. `["m", "v"]` (saved as `<variable>/<suffix>`). */
  protected abstract slotSuffixes(): readonly string[];

  /**
   * The update for one variable at `step` (1 on its first update): a function applying it to
   * elements `[start, end)` in place. `lazy` is true when only touched rows are visited; `memory` is
   * the `WebAssembly.Memory` the arrays live in (wasm backend), for in-place SIMD kernels, else null.
   */
  protected abstract updater(step: number, lazy: boolean, memory: object | null): RangeUpdate;

  /** The function name used in error messages. */
  protected abstract fnName(): string;

  /**
   * Whether the update has an in-place kernel worth moving large variables into a private wasm
   * memory for on the cpu backend (see `cpuHome.ts`). Defaults to `false`.
   */
  protected updatesInWasmMemory(): boolean {
    return false;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const fn = this.fnName();
    const named: NamedTensor[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    // Check everything first, so a bad gradient leaves every variable and slot untouched.
    const work: { variable: tf.Variable; gradient: tf.Tensor }[] = [];
    for (const { name, tensor } of named) {
      if (tensor == null) continue;
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) throw typeError(fn, `the variable ${JSON.stringify(name)}`, "a registered tf.Variable", undefined);
      if (variable.dtype !== "float32") throw typeError(fn, `the variable ${JSON.stringify(name)}`, "float32", variable.dtype);
      if (!(tensor instanceof tf.Tensor) || tensor.dtype !== "float32") throw typeError(fn, `the gradient of ${JSON.stringify(name)}`, "a float32 tensor", tensor);
      if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
        throw new TypeError(`${fn}: expected the gradient of ${JSON.stringify(name)} to have the variable's shape ${formatShape(variable.shape)}, but got ${formatShape(tensor.shape)}`);
      }
      work.push({ variable, gradient: tensor });
    }
    for (const { variable, gradient } of work) this.updateVariable(variable, gradient);
    this.incrementIterations();
  }

  private stateOf(variable: tf.Variable): VariableState {
    let s = this.state.get(variable.name);
    if (s === undefined) {
      const slots = this.slotSuffixes().map(() => tf.tidy(() => tf.variable(tf.zeros(variable.shape, "float32"), false)));
      s = { slots, step: 0 };
      this.state.set(variable.name, s);
    }
    return s;
  }

  private updateVariable(variable: tf.Variable, gradient: tf.Tensor): void {
    const s = this.stateOf(variable);
    const backend = tf.backend();
    const fast = kernelBackendName(backend) !== null;
    if (fast && backend.refCount(variable.dataId) > 1) {
      // The variable shares storage with another tensor (tf.variable(x) keeps x's): give it its
      // own, so writing in place cannot change x.
      tf.tidy(() => variable.assign(tf.mul(variable, tf.scalar(1))));
    }
    const cpu = kernelBackendName(backend) === "cpu";
    if (cpu) installGradientPool(backend); // its escape tracking (once; ready() installs it too)
    const step = s.step + 1;
    const rows = this.sparse ? touchedRows(gradient) : null;
    const home = fast && this.updatesInWasmMemory() ? cpuHome(backend, s, variable, s.slots) : null;
    if (cpu && home === null) for (const v of [variable, ...s.slots]) ownStorage(backend, v);
    if (home !== null) {
      // cpu: the variable and its slots live in home.memory; the gradient is copied in (its rows, when lazy)
      const g = view(backend, gradient) as Float32Array;
      if (rows === null) home.g.set(g);
      else for (const r of rows.rows) home.g.set(g.subarray(r * rows.dim, (r + 1) * rows.dim), r * rows.dim);
    }
    // Views last: on wasm a view dies when the heap grows, and nothing below allocates on it.
    const p = home?.p ?? ((fast ? view(backend, variable) : variable.dataSync().slice()) as Float32Array);
    const g = home?.g ?? ((fast ? view(backend, gradient) : gradient.dataSync()) as Float32Array);
    const slots = home?.slots ?? s.slots.map((v) => (fast ? view(backend, v) : v.dataSync().slice()) as Float32Array);
    const update = this.updater(step, rows !== null, home?.memory ?? (fast ? wasmMemory(backend) : null));
    if (rows === null) {
      update(p, g, slots, 0, p.length);
    } else {
      const { dim } = rows;
      for (const r of rows.rows) update(p, g, slots, r * dim, (r + 1) * dim);
    }
    s.step = step;
    if (fast) markWritten(backend, variable); // tfjs-wasm caches packed weights per storage id
    if (!fast) {
      tf.tidy(() => {
        variable.assign(tf.tensor(p, variable.shape, "float32"));
        s.slots.forEach((v, i) => v.assign(tf.tensor(slots[i], v.shape, "float32")));
      });
    }
  }

  override dispose(): void {
    for (const s of this.state.values()) for (const v of s.slots) v.dispose();
    this.state.clear();
  }

  /** `[iterations, <variable>/<slot>…]`, the layout tfjs's optimizers use for `model.save`. */
  override async getWeights(): Promise<NamedTensor[]> {
    const suffixes = this.slotSuffixes();
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [name, s] of this.state) s.slots.forEach((v, i) => out.push({ name: `${name}/${suffixes[i]}`, tensor: v }));
    return out;
  }

  /** Restores what `getWeights` gave; every restored variable's step becomes `iterations`. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const suffixes = this.slotSuffixes();
    const byVariable = new Map<string, tf.Tensor[]>();
    for (const { name, tensor } of rest) {
      const cut = name.lastIndexOf("/");
      const k = suffixes.indexOf(name.slice(cut + 1));
      if (cut < 0 || k < 0) throw typeError(this.fnName(), "a weight name", `"<variable>/<${suffixes.join(" | ")}>"`, name);
      const list = byVariable.get(name.slice(0, cut)) ?? [];
      list[k] = tensor;
      byVariable.set(name.slice(0, cut), list);
    }
    this.dispose();
    for (const [name, tensors] of byVariable) {
      // A fresh copy of each value: the slots are written in place and must not alias the caller's tensors.
      const slots = suffixes.map((_, i) => tf.tidy(() => tf.variable(tf.mul(tensors[i], tf.scalar(1, "float32")), false)));
      this.state.set(name, { slots, step: this.iterations_ ?? 0 });
    }
  }
}
