/**
 * `labelEncodingView(encoder, values?)`: the class → code table of a fitted label encoder.
 */
import { validate } from "@embedlab/core";
import { htmlTable, textTable, type Cell } from "../html";
import { View } from "../View";
import { tr } from "../lang";

const { checkKeys, typeError } = validate;

/** What the view needs of a label encoder (core's `LabelEncoder` fits): its sorted classes. */
export interface LabelEncoderLike {
  readonly classes: readonly (string | number)[] | (() => readonly (string | number)[]);
}

/** Options of {@link labelEncodingView}. */
export interface LabelEncodingViewOptions {
  /** A title. Defaults to `"Label encoding"`. */
  title?: string;
}

function classesOf(fn: string, encoder: unknown): (string | number)[] {
  const c = encoder !== null && typeof encoder === "object" ? (encoder as { classes?: unknown }).classes : undefined;
  const classes = typeof c === "function" ? (c as () => unknown).call(encoder) : c;
  if (!Array.isArray(classes)) throw typeError(fn, "encoder", "a fitted label encoder (with a classes array)", encoder);
  return classes as (string | number)[];
}

/**
 * A fitted label encoder as tables: every class with its code and, when `values` are given, each
 * value with the code it gets (unseen values marked). The note says what label encoding implies:
 * an order (0 < 1 < 2) the categories don't have.
 *
 * **Input:** an encoder with `classes`, optional `values` `[N]`. **Output:** a {@link View} (tables).
 *
 * @example
 * const enc = new LabelEncoder().fit(["red", "blue", "green"]);
 * labelEncodingView(enc, ["red", "red", "blue"]);
 */
export function labelEncodingView(encoder: LabelEncoderLike, values?: readonly (string | number)[], options: LabelEncodingViewOptions = {}): View {
  const fn = "labelEncodingView";
  checkKeys(fn, options, ["title"]);
  const classes = classesOf(fn, encoder);
  if (values !== undefined && !Array.isArray(values)) throw typeError(fn, "values", "an array of labels", values);
  const title = options.title ?? tr("Label encoding", "标签编码");
  const code = new Map<string, number>(classes.map((c, i) => [`${typeof c}:${c}`, i]));
  const parts = [
    { kind: "html" as const, html: `<div class="embedlab-note">${tr(`${classes.length} classes, codes 0…${classes.length - 1} in sorted order. The codes imply an order the categories may not have.`, `${classes.length} 个类别，按排序后的顺序编码为 0…${classes.length - 1}。编码暗含一种大小顺序，而类别本身未必有这种顺序。`)}</div>` },
    { kind: "html" as const, html: htmlTable([tr("class", "类别"), tr("code", "编码")], classes.map((c, i) => [{ text: String(c), cls: "el-text" }, i])) },
  ];
  const textParts = [tr(`${title}: ${classes.length} classes`, `${title}：${classes.length} 个类别`), textTable([tr("class", "类别"), tr("code", "编码")], classes.map((c, i) => [String(c), i]))];
  if (values) {
    let unseen = 0;
    const rows: Cell[][] = values.map((v) => {
      const k = code.get(`${typeof v}:${v}`);
      if (k === undefined) unseen++;
      return [{ text: String(v), cls: "el-text" }, k === undefined ? { text: tr("unseen", "未见过"), cls: "el-collision", title: tr("not among the classes", "不在已知类别中") } : { text: String(k) }];
    });
    parts.push({ kind: "html", html: htmlTable([tr("value", "值"), tr("code", "编码")], rows, { caption: tr(`${values.length} values${unseen ? `, ${unseen} unseen` : ""}`, `${values.length} 个值${unseen ? `，其中 ${unseen} 个未见过` : ""}`) }) });
    textParts.push(textTable([tr("value", "值"), tr("code", "编码")], values.map((v) => [String(v), code.get(`${typeof v}:${v}`) ?? tr("unseen", "未见过")])));
  }
  return new View({ title: tr(`${title}: ${classes.length} classes`, `${title}：${classes.length} 个类别`), parts, text: textParts.join("\n\n") });
}
