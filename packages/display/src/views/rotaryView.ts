/**
 * `rotaryView()`: rotary position embeddings (RoPE) drawn: how one feature pair turns as the
 * position grows, and what the query–key score does with the distance, next to the sinusoid.
 */
import { validate } from "@embedlab/core";
import { round } from "../matrix";
import { View } from "../View";
import { tr } from "../lang";

const { checkInt, checkKeys, checkNumber, checkString, typeError, rangeError } = validate;

/** Options of {@link rotaryView}. */
export interface RotaryViewOptions {
  /** The rotated width D (a head's dimension), even. Defaults to `32`. */
  headDim?: number;
  /** RoPE's wavelength base. Defaults to `10000`. */
  base?: number;
  /** Positions drawn on the circle (0 … positions − 1). Defaults to `32`. */
  positions?: number;
  /** Distances drawn in the score plot (−maxDistance … maxDistance). Defaults to `64`. */
  maxDistance?: number;
  /** The pairs whose rotation is drawn. Defaults to `[0, 1, D/4, D/2 − 1]` (the fastest to the slowest). */
  pairs?: number[];
  /** A query and a key (length D) for a content-dependent RoPE curve. Defaults to none (all-ones only). */
  q?: number[];
  /** See `q`. */
  k?: number[];
  /** A title. Defaults to `"Rotary position embedding"`. */
  title?: string;
}

function vectorOption(fn: string, arg: string, v: unknown, D: number): number[] {
  if (!Array.isArray(v)) throw typeError(fn, arg, `an array of ${D} numbers`, v);
  if (v.length !== D) throw rangeError(fn, `${arg}.length`, `headDim ${D}`, v.length);
  v.forEach((x, i) => checkNumber(fn, `${arg}[${i}]`, x));
  return v as number[];
}

/**
 * Two pictures of RoPE (Su et al., 2021) with `θᵢ = base^(−2i/D)`:
 * 1. the unit vector `(1, 0)` of chosen pairs rotated to `(cos pθᵢ, sin pθᵢ)` for `p = 0 … positions − 1`:
 *    pair 0 turns a radian per position, the last pair barely moves;
 * 2. the score `rot(q, m) · rot(k, n)` against the distance `m − n`, normalised by its value at 0:
 *    for `q = k = 1` it is `Σᵢ cos((m − n)θᵢ) / (D/2)`, exactly the sinusoid's `PE(m) · PE(n) / (D/2)`
 *    (drawn beside it); a given `q`, `k` adds a content-dependent curve, which is not symmetric.
 *
 * **Output:** a {@link View} with two figures. Pure: the formulas in float64, no tensors.
 *
 * @example
 * rotaryView({ headDim: 32, maxDistance: 128 });
 * rotaryView({ headDim: 8, q: [1, 0, 2, 0, 0, 1, 0, 0], k: [0, 1, 1, 0, 1, 0, 0, 2] });
 */
export function rotaryView(options: RotaryViewOptions = {}): View {
  const fn = "rotaryView";
  checkKeys(fn, options, ["headDim", "base", "positions", "maxDistance", "pairs", "q", "k", "title"]);
  const D = checkInt(fn, "options.headDim", options.headDim ?? 32, 2);
  if (D % 2 !== 0) throw rangeError(fn, "options.headDim", "an even integer (features rotate in pairs)", D);
  const base = checkNumber(fn, "options.base", options.base ?? 10000, { positive: true });
  const P = checkInt(fn, "options.positions", options.positions ?? 32, 1, 1000);
  const maxDistance = checkInt(fn, "options.maxDistance", options.maxDistance ?? 64, 1, 10000);
  const half = D / 2;
  let pairs: number[];
  if (options.pairs === undefined) pairs = [...new Set([0, 1, Math.floor(D / 4), half - 1])].filter((i) => i < half);
  else {
    if (!Array.isArray(options.pairs)) throw typeError(fn, "options.pairs", "an array of pair indices", options.pairs);
    pairs = options.pairs.map((p, i) => checkInt(fn, `options.pairs[${i}]`, p, 0, half - 1));
  }
  if ((options.q === undefined) !== (options.k === undefined)) throw typeError(fn, options.q === undefined ? "options.q" : "options.k", "given together with the other (q and k)", undefined);
  const q = options.q === undefined ? null : vectorOption(fn, "options.q", options.q, D);
  const k = options.k === undefined ? null : vectorOption(fn, "options.k", options.k, D);
  const title = options.title === undefined ? tr("Rotary position embedding", "旋转位置编码") : checkString(fn, "options.title", options.title);
  const theta = Array.from({ length: half }, (_, i) => Math.pow(base, (-2 * i) / D)); // θᵢ
  const positions = Array.from({ length: P }, (_, p) => p);
  const circle = pairs.map((i) => ({
    type: "scatter",
    mode: "lines+markers",
    name: tr(`pair ${i} (θ = ${theta[i].toPrecision(3)} rad/position)`, `第 ${i} 对（θ = ${theta[i].toPrecision(3)} rad/位置）`),
    x: positions.map((p) => round(Math.cos(p * theta[i]), 4)),
    y: positions.map((p) => round(Math.sin(p * theta[i]), 4)),
    text: positions.map((p) => tr(`position ${p}`, `位置 ${p}`)),
    hovertemplate: "%{text}: (%{x}, %{y})<extra></extra>",
    marker: { size: 5 },
  }));
  const distances = Array.from({ length: 2 * maxDistance + 1 }, (_, j) => j - maxDistance);
  const cosSum = (d: number) => theta.reduce((a, t) => a + Math.cos(d * t), 0) / half; // Σ cos(dθᵢ) / (D/2)
  // rot(q, m) · rot(k, n) = Σᵢ (qₐkₐ + q_b k_b) cos((m−n)θᵢ) + (qₐk_b − q_b kₐ) sin((m−n)θᵢ), pairs (i, i + D/2)
  const ropeScore = (d: number) => {
    if (!q || !k) return 0;
    let s = 0;
    for (let i = 0; i < half; i++) {
      const [qa, qb, ka, kb] = [q[i], q[i + half], k[i], k[i + half]];
      s += (qa * ka + qb * kb) * Math.cos(d * theta[i]) + (qa * kb - qb * ka) * Math.sin(d * theta[i]);
    }
    return s;
  };
  const sinusoid = distances.map((d) => round(cosSum(d), 4));
  const curves: Record<string, unknown>[] = [
    { type: "scatter", mode: "lines", name: tr("sinusoid: PE(m)·PE(n) / (D/2)", "正弦编码：PE(m)·PE(n) / (D/2)"), x: distances, y: sinusoid, line: { width: 4, color: "#bbbbbb" } },
    { type: "scatter", mode: "lines", name: tr("RoPE, q = k = 1: rot(q,m)·rot(k,n) / D", "RoPE，q = k = 1：rot(q,m)·rot(k,n) / D"), x: distances, y: sinusoid, line: { dash: "dot", color: "#d62728" } },
  ];
  let contentNote = "";
  if (q && k) {
    const at0 = ropeScore(0);
    const scale = Math.abs(at0) > 1e-12 ? at0 : 1;
    curves.push({ type: "scatter", mode: "lines", name: tr(`RoPE, given q and k (÷ q·k = ${round(at0, 4)})`, `RoPE，给定的 q 和 k（÷ q·k = ${round(at0, 4)}）`), x: distances, y: distances.map((d) => round(ropeScore(d) / scale, 4)), line: { color: "#1f77b4" } });
    contentNote = tr(`; given q, k: score at distance +1 ${round(ropeScore(1), 4)}, at −1 ${round(ropeScore(-1), 4)}`, `；给定 q、k：距离 +1 处得分 ${round(ropeScore(1), 4)}，−1 处 ${round(ropeScore(-1), 4)}`);
  }
  const far = distances[distances.length - 1];
  const turns = pairs.map((i) => theta[i].toPrecision(3)).join(", ");
  const scores = [0, 1, Math.min(8, far), far].map((d) => round(cosSum(d), 4)).join(", ");
  const text = tr(
    `${title}: headDim ${D}, base ${base}; pairs ${pairs.join(", ")} turn by ${turns} rad per position\n` +
    `normalised score at distance 0, 1, ${Math.min(8, far)}, ${far}: ${scores} (RoPE with q = k = 1 and the sinusoid alike)${contentNote}`,
    `${title}：headDim ${D}，base ${base}；第 ${pairs.join(", ")} 对每个位置分别转过 ${turns} rad\n` +
    `距离 0, 1, ${Math.min(8, far)}, ${far} 处的归一化得分：${scores}（q = k = 1 的 RoPE 与正弦编码相同）${contentNote}`,
  );
  return new View({
    title: `${title}: headDim ${D}, base ${base}`,
    parts: [
      {
        kind: "plotly",
        figure: {
          data: circle,
          layout: {
            title: { text: tr(`A pair rotating over positions 0 … ${P - 1}: (1, 0) → (cos pθᵢ, sin pθᵢ)`, `一个特征对在位置 0 … ${P - 1} 上的旋转：(1, 0) → (cos pθᵢ, sin pθᵢ)`) },
            height: 420,
            margin: { l: 50, r: 20, t: 40, b: 50 },
            xaxis: { title: { text: tr("first feature of the pair", "特征对的第一个分量") }, range: [-1.15, 1.15], zeroline: true },
            yaxis: { title: { text: tr("second feature", "第二个分量") }, range: [-1.15, 1.15], scaleanchor: "x" },
          },
        },
      },
      {
        kind: "plotly",
        figure: {
          data: curves,
          layout: {
            title: { text: tr("Query·key score against the distance m − n (normalised at 0)", "查询·键得分随距离 m − n 的变化（以距离 0 处归一化）") },
            height: 360,
            margin: { l: 50, r: 20, t: 40, b: 50 },
            xaxis: { title: { text: tr("distance m − n", "距离 m − n") } },
            yaxis: { title: { text: tr("score / score at 0", "得分 / 距离 0 处的得分") } },
          },
        },
      },
    ],
    text,
  });
}
