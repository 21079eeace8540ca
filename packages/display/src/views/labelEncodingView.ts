/**
 * `labelEncodingView(encoder, values?)`: the class → code table of a fitted label encoder.
 */
import { validate } from "@embedlab/core";
import { htmlTable, textTable, type Cell } from "../html";
import { View } from "../View";

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
  const title = options.title ?? "Label encoding";
  const code = new Map<string, number>(classes.map((c, i) => [`${typeof c}:${c}`, i]));
  const parts = [
    { kind: "html" as const, html: `<div class="embedlab-note">${classes.length} classes, codes 0…${classes.length - 1} in sorted order. The codes imply an order the categories may not have.</div>` },
    { kind: "html" as const, html: htmlTable(["class", "code"], classes.map((c, i) => [{ text: String(c), cls: "el-text" }, i])) },
  ];
  const textParts = [`${title}: ${classes.length} classes`, textTable(["class", "code"], classes.map((c, i) => [String(c), i]))];
  if (values) {
    let unseen = 0;
    const rows: Cell[][] = values.map((v) => {
      const k = code.get(`${typeof v}:${v}`);
      if (k === undefined) unseen++;
      return [{ text: String(v), cls: "el-text" }, k === undefined ? { text: "unseen", cls: "el-collision", title: "not among the classes" } : { text: String(k) }];
    });
    parts.push({ kind: "html", html: htmlTable(["value", "code"], rows, { caption: `${values.length} values${unseen ? `, ${unseen} unseen` : ""}` }) });
    textParts.push(textTable(["value", "code"], values.map((v) => [String(v), code.get(`${typeof v}:${v}`) ?? "unseen"])));
  }
  return new View({ title: `${title}: ${classes.length} classes`, parts, text: textParts.join("\n\n") });
}
