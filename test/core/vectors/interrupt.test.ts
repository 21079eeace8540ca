import { describe, it, expect, afterEach } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadVectors, saveVectors, WordVectors, requestInterrupt, clearInterrupt, InterruptedError, interruptRequested } from "@embedlab/core";
import { randomTable, tempDir } from "./helpers";

/** A GloVe text file of `n` rows of `dim` numbers (about 10 bytes each). */
function gloveFile(dir: string, n: number, dim: number): string {
  const { words, rows } = randomTable(n, dim, 3);
  const path = join(dir, `glove-${n}.txt`);
  writeFileSync(path, words.map((w, i) => `${w} ${rows[i].map((x) => x.toFixed(6)).join(" ")}`).join("\n") + "\n");
  return path;
}

describe("loadVectors and a kernel interrupt", () => {
  afterEach(() => clearInterrupt());

  it("loadVectors(text file) stops at the next chunk with InterruptedError naming the byte, consumes the request, and loads normally afterwards", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = gloveFile(dir, 20_000, 50); // ~8 MB: several 4 MB chunks
      const pending = loadVectors(path);
      requestInterrupt(); // arrives while the first chunk is being read
      const error = await pending.then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(InterruptedError);
      expect((error as Error).message).toMatch(/^loadVectors: interrupted at byte \d+ of \d+$/);
      expect(interruptRequested()).toBe(false);
      const wv = await loadVectors(path);
      expect(wv.size).toBe(20_000);
      expect(wv.dim).toBe(50);
    } finally {
      cleanup();
    }
  });

  it("loadVectors(binary cache) stops between reads of the table, and the next load is whole", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const { words, rows } = randomTable(5_000, 32, 4);
      const path = join(dir, "cache.embvec");
      await saveVectors(new WordVectors(words, rows), path);
      requestInterrupt();
      await expect(loadVectors(path)).rejects.toThrow(/^loadVectors: interrupted at byte \d+ of \d+$/);
      const wv = await loadVectors(path);
      expect(wv.size).toBe(5_000);
      expect(Array.from(wv.get(words[4_999]) as Float32Array)).toEqual(rows[4_999].map(Math.fround));
    } finally {
      cleanup();
    }
  });
});
