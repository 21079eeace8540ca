/**
 * The words of a binary vector cache, left as the bytes the file holds until someone asks for
 * them. Making 2M JavaScript strings costs about a second and keeps the garbage collector busy
 * afterwards; a lookup or a query answer needs only a handful, so a reload decodes none.
 */

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
 * UTF-16 code units and comparisons need no decoding.
 */
export class CacheWords implements WordList {
  readonly length: number;

  constructor(private readonly block: Buffer, private readonly offsets: Uint32Array, private readonly ascii: boolean) {
    this.length = offsets.length - 1;
  }

  at(i: number): string {
    return this.block.toString(this.ascii ? "latin1" : "utf8", this.offsets[i], this.offsets[i + 1]);
  }

  /** Whether word `i` is `word`: a byte comparison for ASCII blocks, no string made. */
  equals(i: number, word: string): boolean {
    if (!this.ascii) return this.at(i) === word;
    const s = this.offsets[i];
    const n = this.offsets[i + 1] - s;
    if (word.length !== n) return false;
    const block = this.block;
    for (let k = 0; k < n; k++) if (word.charCodeAt(k) !== block[s + k]) return false;
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
