/**
 * MurmurHash3 x86 32-bit (Austin Appleby, public domain), over the UTF-8 bytes of a string: the
 * hash scikit-learn's `FeatureHasher` and `murmurhash3_32` use.
 */
import { checkInt, typeError } from "../validate";

const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

// A lone surrogate has no UTF-8 form: Python's str.encode("utf-8") raises on it, TextEncoder would
// silently hash U+FFFD instead. We raise too.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** UTF-8 bytes of `str` in a reused buffer (valid until the next call). @internal */
export function utf8(fn: string, arg: string, str: string): Uint8Array {
  if (LONE_SURROGATE.test(str)) throw typeError(fn, arg, "a well-formed string (no lone UTF-16 surrogate)", str);
  // 3 bytes per UTF-16 code unit is the worst case (a surrogate pair is 2 units -> 4 bytes).
  if (scratch.length < str.length * 3) scratch = new Uint8Array(str.length * 3);
  const { written } = encoder.encodeInto(str, scratch);
  return scratch.subarray(0, written);
}

/** MurmurHash3_x86_32 of `bytes` as a signed int32. @internal */
export function murmurhash3Bytes(bytes: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const len = bytes.length;
  const blocks = len & ~3;
  let h = seed | 0;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24); // little-endian block
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = len & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2] << 16;
    if (tail >= 2) k ^= bytes[blocks + 1] << 8;
    k ^= bytes[blocks];
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= len;
  h ^= h >>> 16; // fmix32: every input bit affects every output bit
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * Signed 32-bit MurmurHash3 (x86 variant) of a string's UTF-8 bytes; equals scikit-learn's
 * `murmurhash3_32(str, seed, positive=False)`.
 *
 * **Input:** a string (no lone surrogates), an integer seed in `[-2^31, 2^32)`.
 * **Output:** an integer in `[-2^31, 2^31)`.
 *
 * @param seed defaults to `0`.
 * @example
 * murmurhash3_32("hello");      // 613153351
 * murmurhash3_32("猫");         // a signed int32
 */
export function murmurhash3_32(str: string, seed = 0): number {
  const fn = "murmurhash3_32";
  if (typeof str !== "string") throw typeError(fn, "str", "a string", str);
  checkInt(fn, "seed", seed, -(2 ** 31), 2 ** 32 - 1);
  return murmurhash3Bytes(utf8(fn, "str", str), seed);
}
