/**
 * Word → row lookup. Tables parsed from text use a `Map`; the binary cache stores an
 * open-addressing hash table instead, so a reload does not rebuild 400k map entries.
 */

/** What `WordVectors` needs from its index. */
export interface WordIndex {
  get(word: string): number | undefined;
  has(word: string): boolean;
}

/** FNV-1a (32-bit) over UTF-16 code units. */
export function hashWord(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Slots for `count` words: a power of two ≥ 2 × count (load factor ≤ 0.5 keeps probes short). */
export function tableSize(count: number): number {
  let n = 2;
  while (n < count * 2) n *= 2;
  return n;
}

/** Builds the slot array: slot value = row + 1, 0 = empty; linear probing. */
export function buildSlots(words: readonly string[]): Uint32Array {
  const slots = new Uint32Array(tableSize(words.length));
  const mask = slots.length - 1;
  for (let i = 0; i < words.length; i++) {
    let p = hashWord(words[i]) & mask;
    while (slots[p] !== 0) p = (p + 1) & mask;
    slots[p] = i + 1;
  }
  return slots;
}

/**
 * What `HashIndex` asks of the words: `key` prepares a lookup of `word` once (a matcher may encode
 * it) and returns a number, or `undefined` for a word no row can hold; `equals(i, key, word)` then
 * says, for each probed slot, whether row `i` holds `word` (the word of that last `key` call). No
 * row's string needs to exist.
 */
export interface WordMatcher {
  key(word: string): number | undefined;
  equals(i: number, key: number, word: string): boolean;
}

/** A read-only index over distinct words using slots from `buildSlots`. */
export class HashIndex implements WordIndex {
  private readonly mask: number;
  constructor(private readonly words: WordMatcher, private readonly slots: Uint32Array) {
    this.mask = slots.length - 1;
  }

  get(word: string): number | undefined {
    const { slots, words, mask } = this;
    let p = hashWord(word) & mask;
    if (slots[p] === 0) return undefined; // a miss on an empty slot costs no key
    const key = words.key(word);
    if (key === undefined) return undefined;
    for (; ; p = (p + 1) & mask) {
      const s = slots[p];
      if (s === 0) return undefined;
      if (words.equals(s - 1, key, word)) return s - 1;
    }
  }

  has(word: string): boolean {
    return this.get(word) !== undefined;
  }
}
