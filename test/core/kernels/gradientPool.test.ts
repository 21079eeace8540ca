// Embedding lookups and their gradients on the cpu backend reuse disposed outputs' arrays: a reused
// array holds exactly the new values (a gradient is zero outside its new rows), and an array anyone
// could still see (read with dataSync, shared by a slice) is never reused.
import { beforeAll, describe, expect, it } from "vitest";
import { tf, ready, embeddingLookup } from "@embedlab/core";

const V = 600;
const D = 12;

/** The storage tfjs-cpu keeps for `t` (peeked at without reading it through the backend, which would count as a read). */
function storage(t: tf.Tensor): Float32Array {
  return (tf.backend() as unknown as { data: { get(id: object): { values: Float32Array } } }).data.get(t.dataId).values;
}

/** d/dtable of sum(lookup(table, ids) * w): row k gets the sum of w's rows i with ids[i] = k. */
function reference(ids: number[], w: Float32Array): Float32Array {
  const out = new Float32Array(V * D);
  ids.forEach((k, i) => {
    for (let j = 0; j < D; j++) out[k * D + j] += w[i * D + j];
  });
  return out;
}

describe("embedding lookups and gradients on cpu reuse disposed outputs' arrays", () => {
  let table: tf.Variable;
  beforeAll(async () => {
    await ready({ backend: "cpu", quiet: true });
    table = tf.variable(tf.randomNormal([V, D], 0, 1, "float32", 1));
  });

  /** The gradient of sum(lookup(table, ids) * w) w.r.t. the table, and w's values. */
  const weights = (n: number, salt: number) => Float32Array.from({ length: n * D }, (_, i) => Math.sin(i * 0.37 + salt));
  function gradient(ids: number[], salt: number): { g: tf.Tensor; w: Float32Array } {
    const w = weights(ids.length, salt);
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.sum(tf.mul(embeddingLookup(table, tf.tensor1d(ids, "int32")), tf.tensor2d(w, [ids.length, D])))), [table]);
    value.dispose();
    return { g: grads[table.name], w };
  }

  it("the next gradient gets the disposed one's array, with only its own rows nonzero", () => {
    const before = tf.memory().numTensors;
    const first = gradient([3, 7, 7, 599, 0], 1);
    const array = storage(first.g);
    first.g.dispose();
    const ids = [5, 7, 12, 12, 300];
    const second = gradient(ids, 2);
    expect(storage(second.g)).toBe(array); // reused, not a fresh 4·V·D bytes
    expect(Array.from(second.g.dataSync())).toEqual(Array.from(reference(ids, second.w))); // rows 3, 599 and 0 are zero again
    second.g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("a gradient read with dataSync keeps its array: the values read stay what they were", () => {
    const first = gradient([1, 2, 3], 3);
    const read = first.g.dataSync();
    const copy = Array.from(read);
    first.g.dispose();
    const second = gradient([1, 4], 4);
    expect(storage(second.g)).not.toBe(read);
    expect(Array.from(read)).toEqual(copy);
    second.g.dispose();
  });

  it("a gradient shared by a slice keeps its array: the slice stays what it was", () => {
    const first = gradient([8, 9], 5);
    const array = storage(first.g);
    const row = tf.slice(first.g, [8, 0], [1, D]); // tfjs-cpu's contiguous slice shares the array
    first.g.dispose();
    const second = gradient([8, 10], 6);
    expect(storage(second.g)).not.toBe(array);
    expect(Array.from(row.dataSync())).toEqual(Array.from(reference([8, 9], weights(2, 5)).subarray(8 * D, 9 * D)));
    tf.dispose([row, second.g]);
  });

  it("a lookup's output reuses a disposed output's array and holds exactly the new rows; a read one is kept", () => {
    const before = tf.memory().numTensors;
    const firstIds = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32");
    const first = embeddingLookup(table, firstIds);
    const array = storage(first);
    tf.dispose([first, firstIds]);
    const ids = [[599, 0, 0], [7, 7, 300]];
    const idsTensor = tf.tensor2d(ids, [2, 3], "int32");
    const second = embeddingLookup(table, idsTensor);
    expect(storage(second)).toBe(array);
    const rows = table.arraySync() as number[][];
    expect(second.arraySync()).toEqual(ids.map((r) => r.map((k) => rows[k])));
    second.dispose(); // read above: its array is not reused
    const third = embeddingLookup(table, idsTensor);
    expect(storage(third)).not.toBe(array);
    tf.dispose([third, idsTensor]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("training by hand on reused gradients is exact step after step", () => {
    // two steps of plain SGD by hand: table -= 0.5 · grad, each grad from a reused array
    const start = table.arraySync() as number[][];
    const steps = [[1, 2, 2], [2, 3]];
    const expected = start.map((r) => r.slice());
    for (const [s, ids] of steps.entries()) {
      const { g, w } = gradient(ids, 10 + s);
      const ref = reference(ids, w);
      for (let k = 0; k < V; k++) for (let j = 0; j < D; j++) expected[k][j] = Math.fround(expected[k][j] - Math.fround(0.5 * ref[k * D + j]));
      const next = tf.tidy(() => tf.sub(table, tf.mul(g, 0.5)));
      table.assign(next);
      tf.dispose([next, g]);
    }
    expect(table.arraySync()).toEqual(expected);
  });
});
