/**
 * Stanford GloVe vectors: a real download (resumable, size and checksum checked, an HTML error
 * page recognised as such), streaming zip extraction, and a binary cache for fast reloads.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, promises as fsp } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { homedir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { checkInt, checkKeys, checkOneOf, typeError } from "../validate";
import { extractZipEntry } from "./extractZipEntry";
import { loadVectors, type LoadVectorsOptions } from "./loadVectors";
import { saveVectors } from "./saveVectors";
import type { WordVectors } from "./WordVectors";

/** The GloVe releases: zip name and the dimensions it holds. */
export const GLOVE_RELEASES = {
  "6B": { zip: "glove.6B.zip", dims: [50, 100, 200, 300], member: (d: number) => `glove.6B.${d}d.txt` },
  "42B": { zip: "glove.42B.300d.zip", dims: [300], member: () => "glove.42B.300d.txt" },
  "840B": { zip: "glove.840B.300d.zip", dims: [300], member: () => "glove.840B.300d.txt" },
  "twitter.27B": { zip: "glove.twitter.27B.zip", dims: [25, 50, 100, 200], member: (d: number) => `glove.twitter.27B.${d}d.txt` },
} as const;
export type GloveName = keyof typeof GLOVE_RELEASES;

/** Options of `downloadGlove`. */
export interface DownloadGloveOptions {
  /** Which release. Defaults to `"6B"` (Wikipedia 2014 + Gigaword 5, 400k words). */
  name?: GloveName;
  /** Vector size; must be one the release has. Defaults to `100` (`300` for 42B / 840B). */
  dim?: number;
  /** Where the zip and the extracted `.txt` go. Defaults to `$EMBEDLAB_CACHE/glove` or `~/.cache/embedlab/glove`. */
  cacheDir?: string;
  /** Where the zips are served. Defaults to `"https://nlp.stanford.edu/data/"`. */
  baseUrl?: string;
  /** Expected zip size in bytes (checked after the download). Defaults to the server's Content-Length. */
  size?: number;
  /** Expected SHA-256 of the zip, hex (checked after the download). Defaults to no check. */
  sha256?: string;
  /** Keep the zip after extracting (other dims of the same release extract without a download). Defaults to `true`. */
  keepZip?: boolean;
  /** Download and extraction progress: `(bytes, total, phase)`. */
  onProgress?: (bytes: number, total: number | undefined, phase: "download" | "extract") => void;
  /** Give up when the server is silent this long (ms). Defaults to `60000`. */
  timeoutMs?: number;
}

const DEFAULT_BASE = "https://nlp.stanford.edu/data/";
const MAX_REDIRECTS = 5;

interface Resolved {
  name: GloveName;
  dim: number;
  cacheDir: string;
  url: string;
  zipPath: string;
  txtPath: string;
  member: string;
}

function resolve(fn: string, options: DownloadGloveOptions, extraKeys: readonly string[] = []): Resolved {
  checkKeys(fn, options, ["name", "dim", "cacheDir", "baseUrl", "size", "sha256", "keepZip", "onProgress", "timeoutMs", ...extraKeys]);
  const name = options.name === undefined ? "6B" : checkOneOf(fn, "options.name", options.name, Object.keys(GLOVE_RELEASES) as GloveName[]);
  const release = GLOVE_RELEASES[name];
  const dim = options.dim === undefined ? (release.dims.includes(100 as never) ? 100 : release.dims[0]) : checkOneOf(fn, "options.dim", options.dim, release.dims as readonly number[]);
  const cacheDir = options.cacheDir ?? join(process.env.EMBEDLAB_CACHE || join(homedir(), ".cache", "embedlab"), "glove");
  if (typeof cacheDir !== "string" || cacheDir === "") throw typeError(fn, "options.cacheDir", "a directory path", cacheDir);
  const base = options.baseUrl ?? DEFAULT_BASE;
  if (typeof base !== "string" || !/^https?:\/\//.test(base)) throw typeError(fn, "options.baseUrl", "an http(s) URL", base);
  const member = release.member(dim);
  return { name, dim, cacheDir, url: new URL(release.zip, base.endsWith("/") ? base : base + "/").href, zipPath: join(cacheDir, release.zip), txtPath: join(cacheDir, member), member };
}

/** One GET, redirects followed, with an optional byte range. */
function get(url: string, headers: Record<string, string>, timeoutMs: number, redirects = 0): Promise<http.IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    const lib = url.startsWith("https:") ? https : http;
    const req = lib.get(url, { headers: { "user-agent": "embedlab", ...headers } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new Error(`too many redirects from ${url}`));
        return get(new URL(res.headers.location, url).href, headers, timeoutMs, redirects + 1).then(resolvePromise, reject);
      }
      resolvePromise(res);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url} for ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

/** Up to `limit` bytes of a response body as text (for error messages). */
async function bodyText(res: http.IncomingMessage, first: Buffer = Buffer.alloc(0), limit = 2048): Promise<string> {
  const parts = [first];
  let n = first.length;
  for await (const chunk of res) {
    parts.push(chunk as Buffer);
    n += (chunk as Buffer).length;
    if (n >= limit) break;
  }
  res.destroy();
  return Buffer.concat(parts).subarray(0, limit).toString("utf8");
}

function htmlError(fn: string, url: string, status: number, type: string, text: string): Error {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const snippet = (title ?? text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim()).slice(0, 120);
  return new Error(`${fn}: ${url} answered an HTML page instead of a zip (HTTP ${status}, ${type || "no content type"}): ${JSON.stringify(snippet)}. Check the URL, or download the zip by hand into the cache directory.`);
}

/**
 * Downloads `url` into `zipPath`, resuming a `.part` file left by an interrupted transfer.
 * Resolves when the whole file is there and checked.
 */
async function downloadZip(fn: string, url: string, zipPath: string, o: DownloadGloveOptions): Promise<void> {
  const part = zipPath + ".part";
  const timeoutMs = o.timeoutMs ?? 60000;
  let have = existsSync(part) ? (await fsp.stat(part)).size : 0;
  let res = await get(url, have > 0 ? { range: `bytes=${have}-` } : {}, timeoutMs);
  let status = res.statusCode ?? 0;
  if (status === 416 && have > 0) {
    // the range starts at the end: the .part may already be complete
    const total = Number(/\/(\d+)/.exec(String(res.headers["content-range"] ?? ""))?.[1]);
    res.resume();
    if (total === have) return finish(fn, part, zipPath, have, o);
    await fsp.rm(part, { force: true });
    have = 0;
    res = await get(url, {}, timeoutMs);
    status = res.statusCode ?? 0;
  }
  const type = String(res.headers["content-type"] ?? "");
  if (status !== 200 && status !== 206) {
    const text = await bodyText(res);
    if (/html/i.test(type) || /^\s*</.test(text)) throw htmlError(fn, url, status, type, text);
    throw new Error(`${fn}: ${url} answered HTTP ${status} ${res.statusMessage ?? ""}`.trim());
  }
  let offset = 0;
  let total: number | undefined;
  if (status === 206) {
    const m = /bytes (\d+)-(\d+)\/(\d+|\*)/.exec(String(res.headers["content-range"] ?? ""));
    if (!m || Number(m[1]) !== have) {
      res.destroy();
      throw new Error(`${fn}: ${url} answered a range that does not continue the partial download (${res.headers["content-range"]})`);
    }
    offset = have;
    total = m[3] === "*" ? undefined : Number(m[3]);
  } else {
    const len = res.headers["content-length"];
    total = len !== undefined ? Number(len) : undefined;
  }
  // the first bytes tell a zip ("PK\3\4") from an error page served with status 200
  const it = res[Symbol.asyncIterator]();
  let first = Buffer.alloc(0);
  while (first.length < 4) {
    const r = await it.next();
    if (r.done) break;
    first = Buffer.concat([first, r.value as Buffer]);
  }
  if (offset === 0 && !(first.length >= 4 && first.readUInt32LE(0) === 0x04034b50)) {
    const text = first.toString("utf8") + (await bodyText(res, Buffer.alloc(0), 2048 - first.length));
    if (/html/i.test(type) || /^\s*</.test(text)) throw htmlError(fn, url, status, type, text);
    throw new Error(`${fn}: ${url} did not answer a zip file (HTTP ${status}, ${type || "no content type"}), it starts with ${JSON.stringify(text.slice(0, 40))}`);
  }
  const out = createWriteStream(part, { flags: offset > 0 ? "a" : "w" });
  let received = offset;
  const report = () => o.onProgress?.(received, total, "download");
  const write = async (chunk: Buffer) => {
    received += chunk.length;
    report();
    if (!out.write(chunk)) await once(out, "drain");
  };
  try {
    await write(first);
    for (let r = await it.next(); !r.done; r = await it.next()) await write(r.value as Buffer);
  } catch (e) {
    res.destroy();
    await new Promise<void>((r) => out.end(r));
    throw new Error(`${fn}: the download of ${url} stopped at ${received}${total !== undefined ? ` of ${total}` : ""} bytes (${(e as Error).message}); call again to resume`);
  }
  await new Promise<void>((r, reject) => out.end(() => r()).on("error", reject));
  if (total !== undefined && received !== total) {
    throw new Error(`${fn}: the download of ${url} was cut off at ${received} of ${total} bytes; call again to resume`);
  }
  return finish(fn, part, zipPath, received, o);
}

/** Size and checksum checks, then the `.part` becomes the zip. */
async function finish(fn: string, part: string, zipPath: string, size: number, o: DownloadGloveOptions): Promise<void> {
  if (o.size !== undefined && size !== o.size) {
    await fsp.rm(part, { force: true });
    throw new Error(`${fn}: the downloaded zip has ${size} bytes, expected ${o.size}; the partial file was removed, call again to download it anew`);
  }
  if (o.sha256 !== undefined) {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(part, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
    const digest = hash.digest("hex");
    if (digest !== o.sha256.toLowerCase()) {
      await fsp.rm(part, { force: true });
      throw new Error(`${fn}: the downloaded zip has SHA-256 ${digest}, expected ${o.sha256}; the partial file was removed, call again to download it anew`);
    }
  }
  await fsp.rename(part, zipPath);
}

/**
 * Downloads a Stanford GloVe release (once) and extracts the file of one dimension; resolves to
 * the `.txt` path. An interrupted download resumes where it stopped on the next call; the zip is
 * checked (size, optional SHA-256, each member's CRC-32); a server answering an HTML page (a
 * proxy login, a moved file) gives an error saying so.
 *
 * @example
 * const path = await downloadGlove({ name: "6B", dim: 100 });   // ~/.cache/embedlab/glove/glove.6B.100d.txt
 * const wv = await loadVectors(path);
 */
export async function downloadGlove(options: DownloadGloveOptions = {}): Promise<string> {
  const fn = "downloadGlove";
  const r = resolve(fn, options);
  validateCommon(fn, options);
  if (existsSync(r.txtPath)) return r.txtPath;
  await fsp.mkdir(r.cacheDir, { recursive: true });
  if (!existsSync(r.zipPath)) await downloadZip(fn, r.url, r.zipPath, options);
  try {
    await extractZipEntry(r.zipPath, r.member, r.txtPath, options.onProgress ? (b, t) => options.onProgress?.(b, t, "extract") : undefined);
  } catch (e) {
    throw new Error(`${fn}: cannot extract ${r.member} from ${r.zipPath}: ${(e as Error).message}`);
  }
  if (options.keepZip === false) await fsp.rm(r.zipPath, { force: true });
  return r.txtPath;
}

function validateCommon(fn: string, o: DownloadGloveOptions): void {
  if (o.size !== undefined) checkInt(fn, "options.size", o.size, 0);
  if (o.sha256 !== undefined && (typeof o.sha256 !== "string" || !/^[0-9a-f]{64}$/i.test(o.sha256))) throw typeError(fn, "options.sha256", "a 64-digit hex string", o.sha256);
  if (o.timeoutMs !== undefined) checkInt(fn, "options.timeoutMs", o.timeoutMs, 1);
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") throw typeError(fn, "options.onProgress", "a function", o.onProgress);
  if (o.keepZip !== undefined && typeof o.keepZip !== "boolean") throw typeError(fn, "options.keepZip", "a boolean", o.keepZip);
}

/**
 * `downloadGlove` + `loadVectors`, with a binary cache next to the `.txt`: the first call parses
 * the text (seconds) and writes `<name>.evec`; later calls reload that (a fraction of a second).
 * `limit` / `vocab` / `lower` loads are filtered from the cache.
 *
 * @example
 * const glove = await loadGlove({ name: "6B", dim: 100 });
 * glove.get("apple"); // Float32Array(100)
 */
export async function loadGlove(options: DownloadGloveOptions & Pick<LoadVectorsOptions, "limit" | "vocab" | "lower"> = {}): Promise<WordVectors> {
  const fn = "loadGlove";
  const { limit, vocab, lower, ...download } = options;
  resolve(fn, options, ["limit", "vocab", "lower"]);
  const txt = await downloadGlove(download);
  const cache = txt.replace(/\.txt$/, "") + ".evec";
  const filters = { ...(limit !== undefined ? { limit } : {}), ...(vocab !== undefined ? { vocab } : {}), ...(lower !== undefined ? { lower } : {}) };
  if (existsSync(cache)) return loadVectors(cache, filters);
  const full = await loadVectors(txt, { format: "glove" });
  await saveVectors(full, cache);
  return Object.keys(filters).length === 0 ? full : loadVectors(cache, filters);
}
