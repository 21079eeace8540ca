/**
 * What `check()` returns: a {@link View} (so it renders as a coloured box with a table of
 * differences when it is a cell's last value, and prints as lines of text elsewhere) that also
 * carries the verdict as plain fields.
 */
import { escapeHtml, htmlTable } from "../html";
import { tr } from "../lang";
import { View } from "../View";
import type { Difference, DifferenceKind } from "./compareAnswer";

/** The kinds of difference, as the Chinese table names them. */
const KIND_ZH: Record<DifferenceKind, string> = { type: "类型", shape: "形状", value: "数值", sign: "符号", missing: "缺少", extra: "多余" };

/**
 * The verdict on one answer. `ok` is true when the answer matches the worked solution's;
 * otherwise `differences` lists what differs (at most a handful, the first ones).
 *
 * @example
 * const r = await check("01.1", { shape: [2, 2, 3], position: [1, 0, 2] });
 * r.ok;              // true
 * r.message;         // "✓ 01.1: right."
 */
export class CheckResult extends View {
  /** Whether the answer is right. */
  readonly ok: boolean;
  /** The exercise id, like `"01.1"`. */
  readonly id: string;
  /** One line: the verdict, in the language of `lang()`. */
  readonly message: string;
  /** What differs from the expected answer; empty when `ok`. */
  readonly differences: readonly Difference[];

  constructor(id: string, differences: readonly Difference[]) {
    const ok = differences.length === 0;
    const n = differences.length;
    const message = ok
      ? tr(`✓ ${id}: right.`, `✓ ${id}：答对了。`)
      : tr(`✗ ${id}: not yet — ${n} difference${n === 1 ? "" : "s"} from the worked solution's answer:`, `✗ ${id}：还不对——与参考答案有 ${n} 处不同：`);
    const text = [message, ...differences.map((d) => `  - ${d.message}`)].join("\n");
    const colour = ok ? "#1a7f37" : "#b35900";
    const table = ok
      ? ""
      : htmlTable(
          [tr("where", "位置"), tr("what differs", "不同之处"), tr("kind", "差异")],
          differences.map((d) => [{ text: d.path === "" ? tr("(the answer)", "（答案本身）") : d.path, cls: "el-text" }, { text: d.message, cls: "el-text" }, { text: tr(d.kind, KIND_ZH[d.kind]), cls: "el-text" }]),
        );
    super({
      title: message,
      parts: [{ kind: "html", html: `<div class="embedlab-check" data-ok="${ok}" style="border-left:4px solid ${colour};padding:2px 8px">${table || `<div class="embedlab-note">${escapeHtml(tr("The answer matches the worked solution's.", "与参考答案一致。"))}</div>`}</div>` }],
      text,
    });
    this.ok = ok;
    this.id = id;
    this.message = message;
    this.differences = differences;
  }
}
