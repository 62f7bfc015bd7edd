import {defineConfig} from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Installs Debian's chromium and builds llama-server when missing, once, before any test.
    globalSetup: ["test/setup/globalSetup.ts"],
    // node-llama-cpp's native addon is safest in child processes, not worker threads.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
