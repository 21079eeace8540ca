/**
 * A small Unicode-aware word tokenizer, enough to build a vocabulary from real text.
 */
import { checkKeys, typeError } from "../validate";

/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /** Lower-case the text first (`toLowerCase`, locale-independent). Defaults to `true`. */
  lower?: boolean;
}

// One token is, in order of preference:
// - a CJK ideograph or kana, alone (Chinese and Japanese write no spaces between words);
// - an emoji with its modifiers, variation selectors and zero-width-joined parts ("👍🏽", "👩‍💻");
// - a run of letters, marks and digits in any script ("naïve", "Straße", "2024", "слово");
// - any other single non-space character (punctuation, symbols).
const CJK = String.raw`\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}`;
const EMOJI = String.raw`\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\uFE0F|\u200D\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\uFE0F)?)*`;
const WORD = String.raw`(?:(?!${CJK})[\p{L}\p{M}\p{N}])+`;
const TOKEN = new RegExp(`${CJK}|${EMOJI}|${WORD}|[^\\s]`, "gu");

/**
 * Splits text into word tokens: runs of letters/digits, single punctuation marks and symbols,
 * CJK characters one per token, emoji (with their modifiers) one per token.
 *
 * **Input:** a string. **Output:** `string[]` tokens.
 *
 * @param options `lower` defaults to `true`.
 * @example
 * tokenize("The cat's naïve, 2 猫!");   // ["the", "cat", "'", "s", "naïve", ",", "2", "猫", "!"]
 * tokenize("Hi 👋🏽", { lower: false });  // ["Hi", "👋🏽"]
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const fn = "tokenize";
  if (typeof text !== "string") throw typeError(fn, "text", "a string", text);
  checkKeys(fn, options, ["lower"]);
  const lower = options.lower ?? true;
  if (typeof lower !== "boolean") throw typeError(fn, "options.lower", "a boolean", lower);
  return (lower ? text.toLowerCase() : text).match(TOKEN) ?? [];
}
