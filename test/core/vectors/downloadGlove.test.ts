import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { downloadGlove, extractZipEntry, loadGlove, loadVectors, saveVectors, WordVectors } from "@embedlab/core";
import { makeZip, randomTable, tempDir } from "./helpers";

let dir: string;
let cleanup: () => void;
let server: Server;
let base: string;
/** Every request the server saw: path and Range header. */
const requests: { url: string; range: string | undefined }[] = [];
let zip: Buffer;
let ddZip: Buffer;
const tables: Record<number, WordVectors> = {};
/** Bytes the next /trunc/ full response stops after. */
let truncateOnce = true;

const glove = async (dim: number) => {
  const { words, rows } = randomTable(30, dim, dim);
  tables[dim] = new WordVectors(words, rows);
  const p = join(dir, `src-${dim}.txt`);
  await saveVectors(tables[dim], p, { format: "glove" });
  return readFileSync(p);
};

function serveZip(body: Buffer, req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, truncate = false) {
  const range = /bytes=(\d+)-/.exec(req.headers.range ?? "");
  if (range) {
    const start = Number(range[1]);
    if (start >= body.length) {
      res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
      return;
    }
    res.writeHead(206, { "content-type": "application/zip", "content-length": body.length - start, "content-range": `bytes ${start}-${body.length - 1}/${body.length}` });
    res.end(body.subarray(start));
    return;
  }
  res.writeHead(200, { "content-type": "application/zip", "content-length": body.length });
  if (truncate) {
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
    return;
  }
  res.end(body);
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  const files = [
    { name: "glove.6B.50d.txt", data: await glove(50) },
    { name: "glove.6B.100d.txt", data: await glove(100) },
  ];
  zip = makeZip(files);
  ddZip = makeZip([{ name: "readme.txt", data: Buffer.from("stored entry"), method: 0 }, ...files], { dataDescriptor: true });
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", range: req.headers.range });
    const url = req.url ?? "";
    if (url.startsWith("/ok/")) return serveZip(zip, req, res);
    if (url.startsWith("/dd/")) return serveZip(ddZip, req, res);
    if (url.startsWith("/trunc/")) {
      const cut = truncateOnce && !req.headers.range;
      truncateOnce = false;
      return serveZip(zip, req, res, cut);
    }
    if (url.startsWith("/redirect/")) return res.writeHead(302, { location: url.replace("/redirect/", "/ok/") }).end();
    if (url.startsWith("/html/")) return res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!DOCTYPE html><html><head><title>Login required</title></head><body>Sign in</body></html>");
    if (url.startsWith("/lying/")) return res.writeHead(200, { "content-type": "application/zip" }).end("<html><body>Service unavailable</body></html>");
    res.writeHead(404, { "content-type": "text/html" }).end("<html><head><title>404 Not Found</title></head></html>");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  cleanup();
});

const cacheDir = (name: string) => join(dir, "cache-" + name);
const count = (prefix: string) => requests.filter((r) => r.url.startsWith(prefix)).length;

describe("downloadGlove (local HTTP server on 127.0.0.1)", () => {
  it("downloads the zip once, extracts the asked dimension, and reuses both afterwards", async () => {
    const progress: string[] = [];
    const p = await downloadGlove({ name: "6B", dim: 100, cacheDir: cacheDir("ok"), baseUrl: `${base}/ok/`, onProgress: (_b, _t, phase) => progress.push(phase) });
    expect(p).toBe(join(cacheDir("ok"), "glove.6B.100d.txt"));
    const wv = await loadVectors(p);
    expect(wv.words).toEqual(tables[100].words);
    expect(wv.data).toEqual(tables[100].data);
    expect(progress).toContain("download");
    expect(progress).toContain("extract");
    expect(count("/ok/")).toBe(1);
    await downloadGlove({ dim: 100, cacheDir: cacheDir("ok"), baseUrl: `${base}/ok/` });
    const p50 = await downloadGlove({ dim: 50, cacheDir: cacheDir("ok"), baseUrl: `${base}/ok/` });
    expect((await loadVectors(p50)).data).toEqual(tables[50].data);
    expect(count("/ok/")).toBe(1); // the kept zip served the second dimension
    expect(readdirSync(cacheDir("ok")).sort()).toEqual(["glove.6B.100d.txt", "glove.6B.50d.txt", "glove.6B.zip"]);
  });

  it("a transfer cut off halfway fails with a clear message, and the next call resumes with a Range request", async () => {
    const options = { dim: 50, cacheDir: cacheDir("trunc"), baseUrl: `${base}/trunc/` };
    await expect(downloadGlove(options)).rejects.toThrow(/^downloadGlove: the download of http:\/\/127\.0\.0\.1:\d+\/trunc\/glove\.6B\.zip stopped at \d+ of \d+ bytes \(.*\); call again to resume$/);
    const part = join(cacheDir("trunc"), "glove.6B.zip.part");
    const have = statSync(part).size;
    expect(have).toBeGreaterThan(0);
    expect(have).toBeLessThan(zip.length);
    const p = await downloadGlove(options);
    expect(requests.filter((r) => r.url.startsWith("/trunc/")).map((r) => r.range)).toEqual([undefined, `bytes=${have}-`]);
    expect(readFileSync(join(cacheDir("trunc"), "glove.6B.zip"))).toEqual(zip);
    expect((await loadVectors(p)).data).toEqual(tables[50].data);
    expect(existsSync(part)).toBe(false);
  });

  it("a .part that is already complete is finished without downloading again (416)", async () => {
    const dirName = cacheDir("complete-part");
    mkdirSync(dirName, { recursive: true });
    writeFileSync(join(dirName, "glove.6B.zip.part"), zip);
    const before = count("/ok/");
    await downloadGlove({ dim: 50, cacheDir: dirName, baseUrl: `${base}/ok/` });
    expect(requests.slice(-1)[0].range).toBe(`bytes=${zip.length}-`);
    expect(count("/ok/")).toBe(before + 1);
  });

  it("an HTML page instead of the zip is an error that says so (status 200, 404, or a lying content type)", async () => {
    await expect(downloadGlove({ cacheDir: cacheDir("html"), baseUrl: `${base}/html/` })).rejects.toThrow(
      /^downloadGlove: http:\/\/127\.0\.0\.1:\d+\/html\/glove\.6B\.zip answered an HTML page instead of a zip \(HTTP 200, text\/html; charset=utf-8\): "Login required"\. Check the URL/,
    );
    await expect(downloadGlove({ cacheDir: cacheDir("404"), baseUrl: `${base}/missing/` })).rejects.toThrow(/answered an HTML page instead of a zip \(HTTP 404, text\/html\): "404 Not Found"/);
    await expect(downloadGlove({ cacheDir: cacheDir("lying"), baseUrl: `${base}/lying/` })).rejects.toThrow(/answered an HTML page instead of a zip \(HTTP 200, application\/zip\): "Service unavailable"/);
    for (const d of ["html", "404", "lying"]) expect(readdirSync(cacheDir(d))).toEqual([]);
  });

  it("follows redirects, checks sha256 and size", async () => {
    const sha = createHash("sha256").update(zip).digest("hex");
    await expect(downloadGlove({ cacheDir: cacheDir("badsha"), baseUrl: `${base}/redirect/`, sha256: "0".repeat(64) })).rejects.toThrow(
      new RegExp(`^downloadGlove: the downloaded zip has SHA-256 ${sha}, expected 0{64}; the partial file was removed, call again to download it anew$`),
    );
    expect(readdirSync(cacheDir("badsha"))).toEqual([]);
    await expect(downloadGlove({ cacheDir: cacheDir("badsize"), baseUrl: `${base}/ok/`, size: 12 })).rejects.toThrow(/^downloadGlove: the downloaded zip has \d+ bytes, expected 12;/);
    const p = await downloadGlove({ cacheDir: cacheDir("sha"), baseUrl: `${base}/redirect/`, sha256: sha.toUpperCase(), size: zip.length });
    expect(existsSync(p)).toBe(true);
  });

  it("loadGlove() parses once, writes the binary cache, then reloads from it", async () => {
    const options = { dim: 50, cacheDir: cacheDir("load"), baseUrl: `${base}/ok/` };
    const first = await loadGlove(options);
    expect(first.report?.format).toBe("glove");
    expect(existsSync(join(cacheDir("load"), "glove.6B.50d.evec"))).toBe(true);
    const second = await loadGlove(options);
    expect(second.report?.format).toBe("embedlab");
    expect(second.data).toEqual(first.data);
    const some = await loadGlove({ ...options, vocab: ["w3", "w1", "nope"] });
    expect(some.words).toEqual(["w1", "w3"]);
  });

  it("checks its arguments", async () => {
    await expect(downloadGlove({ dim: 64 })).rejects.toThrow(/^downloadGlove: expected options\.dim to be one of 50, 100, 200, 300, but got 64$/);
    await expect(downloadGlove({ name: "7B" as never })).rejects.toThrow(/^downloadGlove: expected options\.name to be one of "6B", "42B", "840B", "twitter\.27B", but got "7B"$/);
    await expect(downloadGlove({ baseUrl: "ftp://x/" })).rejects.toThrow(/^downloadGlove: expected options\.baseUrl to be an http\(s\) URL, but got "ftp:\/\/x\/"$/);
    await expect(downloadGlove({ sha256: "abc" })).rejects.toThrow(/^downloadGlove: expected options\.sha256 to be a 64-digit hex string, but got "abc"$/);
    await expect(downloadGlove({ mirror: "x" } as never)).rejects.toThrow(/^downloadGlove: unknown option "mirror"; allowed options are name, dim, cacheDir/);
  });
});

describe("extractZipEntry", () => {
  it("extracts deflated and stored members of a zip written with data descriptors", async () => {
    const z = join(dir, "dd.zip");
    writeFileSync(z, ddZip);
    await extractZipEntry(z, "readme.txt", join(dir, "readme.txt"));
    expect(readFileSync(join(dir, "readme.txt"), "utf8")).toBe("stored entry");
    await extractZipEntry(z, "glove.6B.100d.txt", join(dir, "dd100.txt"));
    expect((await loadVectors(join(dir, "dd100.txt"))).data).toEqual(tables[100].data);
  });

  it("names the members when the asked one is missing, and rejects corrupt data by CRC", async () => {
    const z = join(dir, "plain.zip");
    writeFileSync(z, zip);
    await expect(extractZipEntry(z, "glove.6B.300d.txt", join(dir, "x.txt"))).rejects.toThrow(/^the zip has no member "glove\.6B\.300d\.txt"; it holds "glove\.6B\.50d\.txt", "glove\.6B\.100d\.txt"$/);
    const stored = makeZip([{ name: "a.txt", data: Buffer.from("hello vectors"), method: 0 }]);
    stored[30 + 5 + 2] ^= 0xff; // flip a byte of the stored data
    writeFileSync(join(dir, "bad.zip"), stored);
    await expect(extractZipEntry(join(dir, "bad.zip"), "a.txt", join(dir, "a.txt"))).rejects.toThrow(/^member "a\.txt" fails its CRC-32 check \(corrupt zip\)$/);
    expect(existsSync(join(dir, "a.txt"))).toBe(false);
    writeFileSync(join(dir, "cut.zip"), zip.subarray(0, 200));
    await expect(extractZipEntry(join(dir, "cut.zip"), "glove.6B.50d.txt", join(dir, "c.txt"))).rejects.toThrow(/^entry "glove\.6B\.50d\.txt" is cut off \(the zip file is truncated\)$/);
  });
});
