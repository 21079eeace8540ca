import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests go through each package's public entry; pointing it at the sources means no rebuild
    // between an edit and a test run. test/notebooks checks the built packages through tslab.
    alias: {
      "@embedlab/core": src("./packages/core/src/index.ts"),
      "@embedlab/display": src("./packages/display/src/index.ts"),
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: notebook and browser tests start kernels and Chromium, so keep files in parallel low.
    maxWorkers: 2,
    server: { deps: { external: [/node_modules/] } },
  },
});
