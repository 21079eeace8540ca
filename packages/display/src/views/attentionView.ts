/**
 * `attentionView(weights)`: the attention probabilities of every head as query × key heatmaps,
 * with the position bias that shaped them (ALiBi's penalties, T5's buckets and learned bias).
 */
import { validate } from "@embedlab/core";
import { isTensorLike, checkLive, round, type TensorLike } from "../matrix";
import { View } from "../View";
import { tr } from "../lang";

const { checkInt, checkKeys, checkString, checkStrings, typeError, rangeError, formatShape } = validate;

/** A `[H, T, T]` stack (or `[T, T]` for `buckets`) as a tensor or nested arrays. */
export type CubeInput = TensorLike | number[][][] | number[][][][];

/** Options of {@link attentionView}. */
export interface AttentionViewOptions {
  /** For a `[B, H, T, T]` input: which example to draw. Defaults to `0`. */
  example?: number;
  /** One label per position (the tokens). Defaults to the position numbers. */
  tokens?: string[];
  /** The positional bias added to the scores, `[H, T, T]` (ALiBi: `alibiBias`; T5: the layer's `positionalBias(T)`). Defaults to none. */
  bias?: CubeInput;
  /** T5's bucket of every (query, key) pair, `[T, T]` (the layer's `buckets(T)`). Defaults to none. */
  buckets?: TensorLike | number[][];
  /** A title. Defaults to `"Attention"`. */
  title?: string;
}

interface Cube {
  shape: number[];
  data: Float64Array;
}

function readArray(fn: string, arg: string, x: unknown, rank: number[]): Cube {
  if (isTensorLike(x)) {
    checkLive(fn, arg, x);
    if (!rank.includes(x.shape.length)) throw rangeError(fn, arg, `a tensor of rank ${rank.join(" or ")}`, x);
    if (x.dtype === "string" || x.dtype === "complex64") throw typeError(fn, arg, "a numeric tensor", x);
    return { shape: [...x.shape], data: Float64Array.from(x.dataSync() as ArrayLike<number>) };
  }
  if (!Array.isArray(x)) throw typeError(fn, arg, `a tensor or nested arrays of rank ${rank.join(" or ")}`, x);
  const shape: number[] = [];
  for (let level: unknown = x; Array.isArray(level); level = level[0]) shape.push(level.length);
  if (!rank.includes(shape.length)) throw rangeError(fn, arg, `nested arrays of rank ${rank.join(" or ")}`, `shape ${formatShape(shape)}`);
  const flat = (x as unknown[]).flat(shape.length - 1) as unknown[];
  const size = shape.reduce((a, b) => a * b, 1);
  if (flat.length !== size) throw rangeError(fn, arg, `a rectangular array of shape ${formatShape(shape)}`, `${flat.length} numbers`);
  const data = new Float64Array(size);
  flat.forEach((v, i) => {
    if (typeof v !== "number" || Number.isNaN(v)) throw typeError(fn, `${arg} (flat index ${i})`, "a number", v);
    data[i] = v;
  });
  return { shape, data };
}

/** Slice `h` of a `[H, T, T]` block starting at `offset`, as `number[][]` rounded for plotly. */
function slab(c: Cube, offset: number, T: number, digits: number): (number | null)[][] {
  return Array.from({ length: T }, (_, i) =>
    Array.from({ length: T }, (_, j) => {
      const v = c.data[offset + i * T + j];
      return Number.isFinite(v) ? round(v, digits) : null; // -Infinity (a causal mask) draws as a gap
    }),
  );
}

/** One figure of H heatmaps side by side, sharing a colour scale. */
function headGrid(title: string, zs: (number | null)[][][], labels: string[], scale: Record<string, unknown>, hover: string): Record<string, unknown> {
  const H = zs.length;
  const data = zs.map((z, h) => ({
    type: "heatmap",
    z,
    x: labels,
    y: labels,
    xaxis: `x${h === 0 ? "" : h + 1}`,
    yaxis: `y${h === 0 ? "" : h + 1}`,
    showscale: h === H - 1,
    hovertemplate: tr(`head ${h}, query %{y}, key %{x}: ${hover}`, `头 ${h}，查询 %{y}，键 %{x}：${hover}`) + "<extra></extra>",
    ...scale,
  }));
  const layout: Record<string, unknown> = {
    title: { text: title },
    height: 360,
    margin: { l: 60, r: 20, t: 60, b: 60 },
    grid: { rows: 1, columns: H, pattern: "independent" },
    annotations: zs.map((_, h) => ({ text: tr(`head ${h}`, `头 ${h}`), showarrow: false, xref: `x${h === 0 ? "" : h + 1} domain`, yref: `y${h === 0 ? "" : h + 1} domain`, x: 0.5, y: 1.08 })),
  };
  for (let h = 0; h < H; h++) {
    const s = h === 0 ? "" : String(h + 1);
    layout[`xaxis${s}`] = { type: "category", title: { text: tr("key", "键") }, tickangle: -45 };
    layout[`yaxis${s}`] = { type: "category", autorange: "reversed", ...(h === 0 ? { title: { text: tr("query", "查询") } } : {}) };
  }
  return { data, layout };
}

/**
 * The attention of every head as a heatmap (rows: queries, columns: keys; each row sums to 1), and
 * when given, the positional bias of every head (ALiBi's `-m_h·|i − j|`, T5's learned bias; masked
 * entries are gaps) and T5's bucket of every (query, key) pair.
 *
 * **Input:** `[H, T, T]` or `[B, H, T, T]` probabilities (`layer.attentionWeights(x)`), tensor or arrays.
 * **Output:** a {@link View}: the heads, then the bias, then the buckets.
 *
 * @example
 * const w = mha.attentionWeights(x);                                   // [B, H, T, T]
 * attentionView(w, { tokens: ["the", "cat", "sat"], bias: mha.positionalBias(3) });
 */
export function attentionView(weights: CubeInput, options: AttentionViewOptions = {}): View {
  const fn = "attentionView";
  checkKeys(fn, options, ["example", "tokens", "bias", "buckets", "title"]);
  const w = readArray(fn, "weights", weights, [3, 4]);
  const [H, T, T2] = w.shape.slice(-3);
  if (T !== T2) throw rangeError(fn, "weights", "[H, T, T] or [B, H, T, T] (square per head)", `shape ${formatShape(w.shape)}`);
  const B = w.shape.length === 4 ? w.shape[0] : 1;
  const example = checkInt(fn, "options.example", options.example ?? 0, 0, B - 1);
  const labels = options.tokens === undefined ? Array.from({ length: T }, (_, i) => String(i)) : checkStrings(fn, "options.tokens", options.tokens, T).map((t, i) => `${i}:${t}`);
  const title = options.title === undefined ? tr("Attention", "注意力") : checkString(fn, "options.title", options.title);
  const heads = Array.from({ length: H }, (_, h) => slab(w, ((example * H + h) * T) * T, T, 3));
  const parts: View["parts"][number][] = [
    { kind: "plotly", figure: headGrid(tr(`${title}: ${H} heads × ${T} queries × ${T} keys`, `${title}：${H} 个头 × ${T} 个查询 × ${T} 个键`), heads, labels, { zmin: 0, zmax: 1, colorscale: "Blues" }, "%{z}") as never },
  ];
  const lines = [tr(`${title}: ${H} heads, ${T} positions${B > 1 ? ` (example ${example} of ${B})` : ""}`, `${title}：${H} 个头，${T} 个位置${B > 1 ? `（${B} 个样本中的第 ${example} 个）` : ""}`)];
  heads.forEach((z, h) => {
    const argmax = z.map((row) => row.reduce<number>((best, v, j) => ((v ?? -1) > (row[best] ?? -1) ? j : best), 0));
    const offsets = argmax.map((j, i) => j - i);
    const common = mode(offsets);
    const hits = offsets.filter((o) => o === common).length;
    lines.push(tr(`  head ${h}: most-attended key offset (key − query) ${common} for ${hits} of ${T} queries`, `  头 ${h}：${T} 个查询中有 ${hits} 个最关注的键偏移（键 − 查询）为 ${common}`));
  });
  if (options.bias !== undefined) {
    const b = readArray(fn, "options.bias", options.bias, [3]);
    if (b.shape[0] !== H || b.shape[1] !== T || b.shape[2] !== T) {
      throw new RangeError(`${fn}: expected options.bias to have shape [${H}, ${T}, ${T}] like the weights, but got shape ${formatShape(b.shape)}`);
    }
    const zs = Array.from({ length: H }, (_, h) => slab(b, h * T * T, T, 4));
    const finite = Array.from(b.data).filter(Number.isFinite);
    const lo = Math.min(...finite);
    parts.push({ kind: "plotly", figure: headGrid(tr("Positional bias added to the scores (gaps: masked)", "加到得分上的位置偏置（空白：被掩码）"), zs, labels, { zmin: lo, zmax: Math.max(0, ...finite), colorscale: "Reds", reversescale: true }, "%{z}") as never });
    const [range, atOne] = [`[${round(lo, 4)}, ${round(Math.max(...finite), 4)}]`, zs.map((z) => (T > 1 ? z[1][0] : 0)).join(", ")];
    lines.push(tr(`  bias: range ${range}; per head at distance 1: ${atOne}`, `  偏置：范围 ${range}；各头在距离 1 处：${atOne}`));
  }
  if (options.buckets !== undefined) {
    const k = readArray(fn, "options.buckets", options.buckets, [2]);
    if (k.shape[0] !== T || k.shape[1] !== T) throw new RangeError(`${fn}: expected options.buckets to have shape [${T}, ${T}], but got shape ${formatShape(k.shape)}`);
    const z = slab(k, 0, T, 0);
    parts.push({
      kind: "plotly",
      figure: {
        data: [{ type: "heatmap", z, x: labels, y: labels, colorscale: "Viridis", text: z.map((r) => r.map(String)), texttemplate: T <= 16 ? "%{text}" : "", hovertemplate: tr("query %{y}, key %{x}: bucket %{z}", "查询 %{y}，键 %{x}：桶 %{z}") + "<extra></extra>" }],
        layout: { title: { text: tr("T5 bucket of every (query, key) pair", "每个（查询，键）对的 T5 桶") }, height: 360, margin: { l: 60, r: 20, t: 40, b: 60 }, xaxis: { type: "category", title: { text: tr("key", "键") } }, yaxis: { type: "category", autorange: "reversed", title: { text: tr("query", "查询") } } },
      },
    });
    const distinct = new Set(Array.from(k.data)).size;
    lines.push(tr(`  buckets: ${distinct} distinct over ${T}×${T} pairs; row 0: ${z[0].join(" ")}`, `  桶：${T}×${T} 个对中共 ${distinct} 个不同的桶；第 0 行：${z[0].join(" ")}`));
  }
  return new View({ title: tr(`${title}: ${H} heads × ${T} positions`, `${title}：${H} 个头 × ${T} 个位置`), parts, text: lines.join("\n") });
}

/** The most frequent value (the smallest on a tie). */
function mode(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}
