/**
 * Worked solutions of walkthrough 02 (positional encoding); see exercises01.ts for the markers.
 */
import { positionalEncoding, positionalEncodingTable } from "@embedlab/core";
import type { Exercise } from "./exercise";

// #region solution 02.1
// en: Pair i's wavelength 2π·base^{2i/64} first passes 100 at i = 10 with base 10000 and only at i = 20 with base 100; every pair to the right turns less than once in 100 positions.
// zh: 第 i 对的波长 2π·base^{2i/64} 在 base 为 10000 时从 i = 10 起超过 100，base 为 100 时要到 i = 20；其右边的每一对在 100 个位置内转不满一圈。
async function solve02_1() {
  const dModel = 64;
  const firstPairOver100 = (base: number) => {
    let i = 0;
    while (2 * Math.PI * Math.pow(base, (2 * i) / dModel) <= 100) i++;      // wavelength of column pair i
    return i;
  };
  return { base10000: firstPairOver100(10000), base100: firstPairOver100(100) };
}
// #endregion

// #region solution 02.2
// en: With d = 8 the few columns repeat soon, so some far position comes back close to 1 (almost position 0 itself); with d = 256 the slow columns keep every far position clearly lower.
// zh: d = 8 时列太少、很快就会重复，某个远处位置的相似度回升到接近 1，几乎和位置 0 分不开；d = 256 时变化缓慢的列让所有远处位置都明显更低。
async function solve02_2() {
  const largestFar = (d: number) => {
    const pe = positionalEncodingTable(61, d);                              // Float32Array, row-major [61, d]
    const similarity = (k: number) => {
      let s = 0;
      for (let c = 0; c < d; c++) s += pe[c] * pe[k * d + c];               // PE(0) · PE(k)
      return s / (d / 2);                                                   // 1 at k = 0
    };
    return Math.max(...Array.from({ length: 41 }, (_, j) => similarity(20 + j)));   // k = 20 … 60
  };
  const d8 = largestFar(8);
  const d256 = largestFar(256);
  return { d8, d256, looksLikeZero: d8 > d256 ? 8 : 256 };
}
// #endregion

// #region solution 02.3
// en: `startIndex: 5` starts the table at position 5, so its row 0 is the default table's row 5 (same numbers, to float32 precision).
// zh: `startIndex: 5` 让表从位置 5 开始，因此它的第 0 行就是默认表的第 5 行（在 float32 精度内完全相同）。
async function solve02_3() {
  const shifted = positionalEncoding(10, 16, { startIndex: 5 });            // [10, 16]: positions 5 … 14
  const row0 = (shifted.arraySync() as number[][])[0];
  shifted.dispose();
  return row0;
}
// #endregion

// #region solution 02.4
// en: Each 2 × 2 block of M₋₅ is the block of M₅ turned the other way, i.e. its transpose, and a rotation times its transpose is the identity.
// zh: M₋₅ 的每个 2 × 2 块都是 M₅ 对应块的反向旋转，也就是它的转置；旋转矩阵乘以自己的转置得到单位矩阵：后退 5 步抵消前进 5 步。
async function solve02_4() {
  function shiftMatrix(k: number, dModel: number): number[][] {            // the walkthrough's M_k
    const M = [...Array(dModel)].map(() => new Array<number>(dModel).fill(0));
    for (let i = 0; 2 * i + 1 < dModel; i++) {
      const a = k / Math.pow(10000, (2 * i) / dModel);
      M[2 * i][2 * i] = Math.cos(a);      M[2 * i][2 * i + 1] = Math.sin(a);
      M[2 * i + 1][2 * i] = -Math.sin(a); M[2 * i + 1][2 * i + 1] = Math.cos(a);
    }
    return M;
  }
  const forward = shiftMatrix(5, 16);
  const back = shiftMatrix(-5, 16);
  const transposeOf5 = forward[0].map((_, j) => forward.map((row) => row[j]));            // M₅ᵀ
  const product = back.map((row) => forward[0].map((_, j) => row.reduce((s, x, l) => s + x * forward[l][j], 0)));   // M₋₅ · M₅
  return { transposeOf5, product };
}
// #endregion

/** The exercises of walkthrough 02. */
export const EXERCISES_02: Exercise[] = [
  { id: "02.1", solve: solve02_1 },
  { id: "02.2", solve: solve02_2 },
  { id: "02.3", solve: solve02_3 },
  { id: "02.4", solve: solve02_4 },
];
