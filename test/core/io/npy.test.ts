import { describe, it, expect } from "vitest";
import { readFileSync, mkdtempSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tf, decodeNpy, encodeNpy, loadNpy, saveNpy } from "@embedlab/core";

const cases: { name: string; base64: string; shape: number[]; dtype: string; values: number[] }[] = JSON.parse(
  readFileSync(join(__dirname, "../../fixtures/layers/npy.json"), "utf8"),
).cases;
const byName = (n: string) => {
  const c = cases.find((x) => x.name === n);
  if (!c) throw new Error(`no fixture ${n}`);
  return { ...c, bytes: new Uint8Array(Buffer.from(c.base64, "base64")) };
};

describe(".npy files", () => {
  for (const name of ["float32 2-D", "float64 1-D", "int64 2-D", "int32 3-D", "bool", "uint8", "scalar float32", "empty float32", "version 2.0 float32"]) {
    it(`decodeNpy reads numpy's "${name}" file: shape, dtype and every value`, () => {
      const c = byName(name);
      const a = decodeNpy(c.bytes);
      expect(a.shape).toEqual(c.shape);
      expect(a.dtype).toBe(c.dtype);
      const expected = c.dtype === "<f4" ? c.values.map(Math.fround) : c.values.map((v) => (c.dtype === "|b1" ? Number(v) : v));
      expect(Array.from(a.data as ArrayLike<number>)).toEqual(expected);
    });
  }

  it("decodeNpy rejects Fortran order, big-endian data, int64 beyond int32 and truncated files with clear errors", () => {
    expect(() => decodeNpy(byName("fortran order").bytes)).toThrow(/^decodeNpy: input is in Fortran order; save it with numpy\.ascontiguousarray first$/);
    expect(() => decodeNpy(byName("big-endian float32").bytes)).toThrow(/^decodeNpy: input has dtype >f4; supported are <f4, <f8, <i4, <i8, \|u1, \|b1 \(little-endian\)$/);
    expect(() => decodeNpy(byName("int64 too big for int32").bytes)).toThrow(/^decodeNpy: input holds int64 value 2147483648 at flat index 0, which does not fit int32$/);
    const good = byName("float32 2-D").bytes;
    expect(() => decodeNpy(good.subarray(0, good.length - 4))).toThrow(/^decodeNpy: input is not a valid \.npy file: expected 48 data bytes for shape \(3, 4\) and dtype <f4, but the file has 44$/);
    expect(() => decodeNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toThrow(/^decodeNpy: input is not a valid \.npy file: missing the \\x93NUMPY magic$/);
  });

  it("encodeNpy writes the bytes numpy itself writes (float32 2-D, int32 3-D)", () => {
    for (const name of ["float32 2-D", "int32 3-D"]) {
      const c = byName(name);
      const t = tf.tensor(c.values, c.shape, c.dtype === "<f4" ? "float32" : "int32");
      expect(Buffer.from(encodeNpy(t)).equals(Buffer.from(c.bytes))).toBe(true);
      t.dispose();
    }
  });

  it("saveNpy / loadNpy round-trip a tensor bit-exactly and leave no temporary file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "embedlab-npy-"));
    const t = tf.tensor2d([[Math.PI, -0], [1e-38, 3.4e38]]);
    await saveNpy(join(dir, "t.npy"), t);
    const back = await loadNpy(join(dir, "t.npy"));
    expect(back.shape).toEqual([2, 2]);
    expect(Array.from(back.dataSync())).toEqual(Array.from(t.dataSync()));
    expect(readdirSync(dir)).toEqual(["t.npy"]);
    writeFileSync(join(dir, "bad.npy"), "not numpy");
    await expect(loadNpy(join(dir, "bad.npy"))).rejects.toThrow(/^decodeNpy: .*bad\.npy is not a valid \.npy file: missing the \\x93NUMPY magic$/);
    await expect(loadNpy(join(dir, "missing.npy"))).rejects.toThrow(/^loadNpy: cannot read .*missing\.npy: ENOENT/);
    await expect(saveNpy(join(dir, "no/such/dir/t.npy"), t)).rejects.toThrow(/^saveNpy: cannot write .*t\.npy: ENOENT/);
    expect(existsSync(join(dir, "no"))).toBe(false);
    tf.dispose([t, back]);
  });

  it("encodeNpy validates typed-array shapes", () => {
    expect(() => encodeNpy(new Float32Array(6), [4, 2])).toThrow(/^encodeNpy: expected shape to hold 6 values, but got \[4,2\]$/);
    expect(decodeNpy(encodeNpy(new Float64Array([1.5, 2]), [2, 1])).shape).toEqual([2, 1]);
  });
});
