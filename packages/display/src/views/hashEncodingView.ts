/**
 * `hashEncodingView(hasher, values)`: which column each value hashes to, collisions highlighted.
 */
import { validate } from "@embedlab/core";
import { htmlTable, textTable, type Cell } from "../html";
import { View } from "../View";

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
  const title = options.title ?? "Hash encoding";
  const distinct = [...new Set(values)];
  const cols = Array.from(hasher.indices(distinct));
  const signs = typeof hasher.signs === "function" ? Array.from(hasher.signs(distinct)) : distinct.map(() => 1);
  const byCol = new Map<number, (string | number)[]>();
  distinct.forEach((v, i) => byCol.set(cols[i], [...(byCol.get(cols[i]) ?? []), v]));
  const collided = [...byCol.entries()].filter(([, vs]) => vs.length > 1).sort((a, b) => a[0] - b[0]);
  const nCollide = collided.reduce((a, [, vs]) => a + vs.length, 0);
  const note = `${distinct.length} distinct values in ${hasher.nFeatures} columns: ${byCol.size} columns used, ${collided.length} shared by several values (${nCollide} values collide)`;
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
    title: `${title}: ${distinct.length} values → ${hasher.nFeatures} columns`,
    parts: [
      { kind: "html", html: `<div class="embedlab-note">${note}</div>` },
      { kind: "html", html: htmlTable(["value", "column", "sign", "collides with"], body) },
      {
        kind: "plotly",
        figure: {
          data: [{
            type: "bar",
            x: used.map(String),
            y: used.map((c) => (byCol.get(c) ?? []).length),
            text: used.map((c) => (byCol.get(c) ?? []).map(String).join(", ")),
            marker: { color: used.map((c) => ((byCol.get(c) ?? []).length > 1 ? "#ff7f0e" : "#1f77b4")) },
            hovertemplate: "column %{x}: %{text}<extra></extra>",
          }],
          layout: {
            title: { text: "Distinct values per used column (orange: collision)" },
            height: 300,
            margin: { l: 50, r: 20, t: 40, b: 50 },
            xaxis: { title: { text: "column" }, type: "category" },
            yaxis: { title: { text: "values" }, dtick: 1 },
          },
        },
      },
    ],
    text: `${title}: ${note}\n${textTable(["value", "column", "sign", "collides with"], order.map((i) => [String(distinct[i]), cols[i], signs[i] < 0 ? -1 : 1, (byCol.get(cols[i]) ?? []).filter((v) => v !== distinct[i]).join(", ")]))}`,
  });
}
