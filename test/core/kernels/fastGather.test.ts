// tfjs's GatherV2 with our row-copy fast path (model.fit's batch slicing), and the padding-mask
// kernel: the same results as tfjs's own kernels, and tfjs's own errors.
import { beforeAll, describe, expect, it } from "vitest";
import { tf, ready, transformerInput } from "@embedlab/core";

for (const backend of ["cpu", "wasm"] as const) {
  describe(`gather and padding mask on ${backend}`, () => {
    beforeAll(async () => {
      await ready({ backend, quiet: true });
    });

    it("tf.gather along axis 0 copies whole rows (float32 and int32, 1-D to 3-D, repeated indices)", () => {
      const f = tf.tensor3d(Array.from({ length: 5 * 3 * 2 }, (_, i) => i * 0.5 - 3), [5, 3, 2]);
      const g = tf.gather(f, tf.tensor1d([4, 0, 4, 2], "int32"));
      expect(g.shape).toEqual([4, 3, 2]);
      const fv = f.arraySync() as number[][][];
      expect(g.arraySync()).toEqual([fv[4], fv[0], fv[4], fv[2]]);
      const i = tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], "int32");
      const gi = tf.gather(i, tf.tensor2d([[2, 0], [1, 1]], [2, 2], "int32"));
      expect(gi.dtype).toBe("int32");
      expect(gi.arraySync()).toEqual([[[5, 6], [1, 2]], [[3, 4], [3, 4]]]);
      const v = tf.gather(tf.tensor1d([7, 8, 9]), tf.tensor1d([2, 2, 0], "int32"));
      expect(Array.from(v.dataSync())).toEqual([9, 9, 7]);
      expect(tf.gather(f, tf.tensor1d([], "int32")).shape).toEqual([0, 3, 2]);
      tf.dispose([f, g, i, gi, v]);
    });

    it("tf.gather on other axes, with batchDims and on bool is tfjs's own kernel", () => {
      const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
      expect(tf.gather(x, tf.tensor1d([2, 0], "int32"), 1).arraySync()).toEqual([[3, 1], [6, 4]]);
      // batchDims: tfjs-wasm 4.22's own kernel returns garbage for the second row, so only cpu is checked
      if (backend === "cpu") expect(tf.gather(x, tf.tensor2d([[1], [0]], [2, 1], "int32"), 1, 1).arraySync()).toEqual([[2], [4]]);
      expect(tf.gather(tf.tensor1d([1, 0, 1], "bool"), tf.tensor1d([1, 2], "int32")).arraySync()).toEqual([0, 1]);
    });

    it("an out-of-range index gets tfjs's own error and leaks nothing", () => {
      const x = tf.tensor2d([[1, 2], [3, 4]]);
      const before = tf.memory().numTensors;
      const ids = tf.tensor1d([0, 5], "int32");
      expect(() => tf.gather(x, ids)).toThrow(/GatherV2: the index value 5 is not in \[0, 1\]/);
      ids.dispose();
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    });

    it("transformerInput's padding mask (one kernel) equals tf.notEqual(ids, paddingIdx), for int32 and float32 ids", () => {
      const layer = transformerInput({ vocabSize: 9, dModel: 4, maxSeqLen: 3, paddingIdx: 0 });
      const ids = tf.tensor2d([[1, 2, 0], [3, 0, 0], [4, 5, 6], [7, 8, 0]], [4, 3], "int32");
      const mask = layer.computeMask(ids) as tf.Tensor;
      expect(mask.dtype).toBe("bool");
      expect(mask.arraySync()).toEqual(tf.notEqual(ids, tf.scalar(0, "int32")).arraySync());
      const fmask = layer.computeMask(tf.cast(ids, "float32")) as tf.Tensor;
      expect(fmask.arraySync()).toEqual(mask.arraySync());
      tf.dispose([ids, mask, fmask]);
      layer.dispose();
    });
  });
}
