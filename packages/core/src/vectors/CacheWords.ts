/**
 * The words of a binary vector cache, left as the bytes the file holds until someone asks for
 * them. Making 2M JavaScript strings costs about a second and keeps the garbage collector busy
 * afterwards; a lookup or a query answer needs only a handful, so a reload decodes none.
 */

import type { WordMatcher } from "./WordIndex";

/** A word list that decodes on demand (what `WordVectors` needs of it). */
export interface WordList {
  /** Number of words. */
  readonly length: number;
  /** Word `i`, decoded now. */
  at(i: number): string;
  /** Every word, decoded once (the caller keeps the array). */
  all(): string[];
}

/**
 * Words stored as one UTF-8 block and `count + 1` byte offsets (word `i` is
 * `block[offsets[i] … offsets[i + 1])`). `ascii`: every byte is < 128, so a word's bytes are its
 * UTF-16 code units and comparisons need no decoding; otherwise a lookup encodes its query to UTF-8
 * once and compares bytes.
 */
export class CacheWords implements WordList, WordMatcher {
  readonly length: number;
  /** The UTF-8 bytes of the last `key` call's word (non-ASCII blocks; grown as needed). */
  private scratch = new Uint8Array(64);

  constructor(private readonly block: Buffer, private readonly offsets: Uint32Array, private readonly ascii: boolean) {
    this.length = offsets.length - 1;
  }

  at(i: number): string {
    return this.block.toString(this.ascii ? "latin1" : "utf8", this.offsets[i], this.offsets[i + 1]);
  }

  /**
   * Prepares a lookup of `word` and returns its length in bytes, which `equals` takes: an ASCII
   * block compares `word`'s UTF-16 units directly; otherwise `word` is encoded to UTF-8 once, into
   * a scratch buffer (a lookup is synchronous, so one is enough). `undefined` when `word` holds a
   * lone surrogate: the block was encoded from strings by `Buffer`, which writes a lone surrogate
   * as U+FFFD, so no word read back from it can equal such a query (as a decoded comparison finds).
   * A number, not the bytes, keeps `HashIndex`'s call sites monomorphic (ASCII lookups measured as
   * fast as before the change).
   */
  key(word: string): number | undefined {
    if (this.ascii) return word.length;
    if (this.scratch.length < 3 * word.length) this.scratch = new Uint8Array(3 * word.length); // ≤ 3 bytes per UTF-16 unit
    const out = this.scratch;
    let n = 0;
    for (let k = 0; k < word.length; k++) {
      let c = word.charCodeAt(k);
      if (c < 0x80) {
        out[n++] = c;
      } else if (c < 0x800) {
        out[n++] = 0xc0 | (c >> 6);
        out[n++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        out[n++] = 0xe0 | (c >> 12);
        out[n++] = 0x80 | ((c >> 6) & 0x3f);
        out[n++] = 0x80 | (c & 0x3f);
      } else {
        const d = word.charCodeAt(k + 1); // NaN past the end
        if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return undefined;
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        k++;
        out[n++] = 0xf0 | (c >> 18);
        out[n++] = 0x80 | ((c >> 12) & 0x3f);
        out[n++] = 0x80 | ((c >> 6) & 0x3f);
        out[n++] = 0x80 | (c & 0x3f);
      }
    }
    return n;
  }

  /**
   * Whether word `i` is `word`, whose last `key` call returned `bytes`: its UTF-16 units against
   * an ASCII block, else its UTF-8 bytes from `key`. No string is made.
   */
  equals(i: number, bytes: number, word: string): boolean {
    const s = this.offsets[i];
    if (this.offsets[i + 1] - s !== bytes) return false;
    const block = this.block;
    if (this.ascii) {
      for (let k = 0; k < bytes; k++) if (word.charCodeAt(k) !== block[s + k]) return false;
    } else {
      const scratch = this.scratch;
      for (let k = 0; k < bytes; k++) if (scratch[k] !== block[s + k]) return false;
    }
    return true;
  }

  all(): string[] {
    const { offsets, length } = this;
    const words = new Array<string>(length);
    if (this.ascii) {
      // one decode of the whole block, then slices (V8 shares the characters)
      const text = this.block.toString("latin1", 0, offsets[length]);
      for (let i = 0; i < length; i++) words[i] = text.slice(offsets[i], offsets[i + 1]);
    } else {
      for (let i = 0; i < length; i++) words[i] = this.block.toString("utf8", offsets[i], offsets[i + 1]);
    }
    return words;
  }
}
