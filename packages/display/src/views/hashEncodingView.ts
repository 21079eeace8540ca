/**
 * `hashEncodingView(hasher, values)`: which column each value hashes to, collisions highlighted.
 */
import { validate } from "@embedlab/core";
import { htmlTable, textTable, type Cell } from "../html";
import { View } from "../View";
import { tr } from "../lang";

const { checkKeys, typeError } = validate;

/** What the view needs of a feature hasher (core's `HashEncoder` fits). */
export interface HashEncoderLike {
  readonly nFeatures: number;
  readonly alternateSign?: boolean;
  /** The column of each value. */
  indices(values: readonly (string | number)[]): ArrayLike<number>;
  /** The sign (±1) of each value. */
  signs?(values: readonly (string | number)[]): ArrayLike<number>;
}

/** Options of {@link hashEncodingView}. */
export interface HashEncodingViewOptions {
  /** A title. Defaults to `"Hash encoding"`. */
  title?: string;
}

/**
 * Feature hashing as a table: each distinct value, its column (`abs(murmurhash3) % nFeatures`) and
 * sign; values that share a column (collisions) are highlighted and listed, with a bar chart of
 * how many distinct values fall in each used column.
 *
 * **Input:** a hasher with `nFeatures` and `indices()`, `values` `[N]`. **Output:** a {@link View}.
 *
 * @example
 * hashEncodingView(new HashEncoder({ nFeatures: 8 }), ["cat", "dog", "bird", "fish"]);
 */
export function hashEncodingView(hasher: HashEncoderLike, values: readonly (string | number)[], options: HashEncodingViewOptions = {}): View {
  const fn = "hashEncodingView";
  checkKeys(fn, options, ["title"]);
  if (hasher === null || typeof hasher !== "object" || typeof hasher.indices !== "function" || typeof hasher.nFeatures !== "number") {
    throw typeError(fn, "hasher", "a feature hasher with nFeatures and indices()", hasher);
  }
  if (!Array.isArray(values)) throw typeError(fn, "values", "an array of strings or numbers", values);
  const title = options.title ?? tr("Hash encoding", "哈希编码");
  const distinct = [...new Set(values)];
  const cols = Array.from(hasher.indices(distinct));
  const signs = typeof hasher.signs === "function" ? Array.from(hasher.signs(distinct)) : distinct.map(() => 1);
  const byCol = new Map<number, (string | number)[]>();
  distinct.forEach((v, i) => byCol.set(cols[i], [...(byCol.get(cols[i]) ?? []), v]));
  const collided = [...byCol.entries()].filter(([, vs]) => vs.length > 1).sort((a, b) => a[0] - b[0]);
  const nCollide = collided.reduce((a, [, vs]) => a + vs.length, 0);
  const note = tr(
    `${distinct.length} distinct values in ${hasher.nFeatures} columns: ${byCol.size} columns used, ${collided.length} shared by several values (${nCollide} values collide)`,
    `${distinct.length} 个不同的值放入 ${hasher.nFeatures} 列：用到 ${byCol.size} 列，其中 ${collided.length} 列被多个值共用（${nCollide} 个值发生冲突）`,
  );
  const header = [tr("value", "值"), tr("column", "列"), tr("sign", "符号"), tr("collides with", "与之冲突的值")];
  const order = distinct.map((_, i) => i).sort((a, b) => cols[a] - cols[b] || String(distinct[a]).localeCompare(String(distinct[b])));
  const body: Cell[][] = order.map((i) => {
    const shared = (byCol.get(cols[i]) ?? []).length > 1;
    const cls = shared ? "el-collision" : undefined;
    const others = (byCol.get(cols[i]) ?? []).filter((v) => v !== distinct[i]).map(String);
    return [
      { text: String(distinct[i]), cls: shared ? "el-collision el-text" : "el-text" },
      { text: String(cols[i]), cls },
      { text: signs[i] < 0 ? "−1" : "+1", cls },
      { text: others.join(", "), cls: shared ? "el-collision el-text" : "el-text" },
    ];
  });
  const used = [...byCol.keys()].sort((a, b) => a - b);
  return new View({
    title: tr(`${title}: ${distinct.length} values → ${hasher.nFeatures} columns`, `${title}：${distinct.length} 个值 → ${hasher.nFeatures} 列`),
    parts: [
      { kind: "html", html: `<div class="embedlab-note">${note}</div>` },
      { kind: "html", html: htmlTable(header, body) },
      {
        kind: "plotly",
        figure: {
          data: [{
            type: "bar",
            x: used.map(String),
            y: used.map((c) => (byCol.get(c) ?? []).length),
            text: used.map((c) => (byCol.get(c) ?? []).map(String).join(", ")),
            marker: { color: used.map((c) => ((byCol.get(c) ?? []).length > 1 ? "#ff7f0e" : "#1f77b4")) },
            hovertemplate: tr("column %{x}: %{text}", "第 %{x} 列：%{text}") + "<extra></extra>",
          }],
          layout: {
            title: { text: tr("Distinct values per used column (orange: collision)", "每个已用列中不同值的个数（橙色：冲突）") },
            height: 300,
            margin: { l: 50, r: 20, t: 40, b: 50 },
            xaxis: { title: { text: tr("column", "列") }, type: "category" },
            yaxis: { title: { text: tr("values", "值的个数") }, dtick: 1 },
          },
        },
      },
    ],
    text: `${title}${tr(": ", "：")}${note}\n${textTable(header, order.map((i) => [String(distinct[i]), cols[i], signs[i] < 0 ? -1 : 1, (byCol.get(cols[i]) ?? []).filter((v) => v !== distinct[i]).join(", ")]))}`,
  });
}
