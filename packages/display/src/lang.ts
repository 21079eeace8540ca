/**
 * The language of a notebook's labels: figure titles, axis labels and printed tables.
 *
 * The walkthroughs come in two editions (English and 中文) that share every code cell; the code
 * writes each label as `tr("loss", "损失")`, and the kernel decides which one shows. The
 * "embedlab-zh" kernel (`embedlab kernel install` registers both) sets `EMBEDLAB_LANG=zh`;
 * `setLanguage()` changes it for the rest of a session.
 */
export type Language = "en" | "zh";

const LANGUAGES: readonly Language[] = ["en", "zh"];
let chosen: Language | undefined;

function fromEnvironment(): Language {
  const env = typeof process === "undefined" ? undefined : process.env?.EMBEDLAB_LANG;
  const code = (env ?? "").trim().toLowerCase().slice(0, 2);
  return code === "zh" ? "zh" : "en";
}

/** The language labels are shown in: `setLanguage()`'s choice, else `EMBEDLAB_LANG` ("zh…" → "zh"), else "en". */
export function lang(): Language {
  return chosen ?? fromEnvironment();
}

/** Shows labels in `language` from now on; `undefined` goes back to `EMBEDLAB_LANG`. */
export function setLanguage(language: Language | undefined): void {
  if (language !== undefined && !LANGUAGES.includes(language)) {
    throw new RangeError(`setLanguage: expected language to be one of ${LANGUAGES.map((l) => `"${l}"`).join(", ")}, but got ${JSON.stringify(language)}`);
  }
  chosen = language;
}

/** The label in the current language: `tr("loss", "损失")` is "损失" when `lang()` is "zh". */
export function tr(en: string, zh: string): string {
  if (typeof en !== "string" || typeof zh !== "string") {
    throw new TypeError(`tr: expected en and zh to be strings, but got ${typeof en} and ${typeof zh}`);
  }
  return lang() === "zh" ? zh : en;
}
