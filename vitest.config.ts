import {defineConfig} from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Installs Debian's chromium and builds llama-server when missing, once, before any test.
    globalSetup: ["test/setup/globalSetup.ts"],
    // node-llama-cpp's native addon is safest in child processes, not worker threads.
    pool: "forks",
    maxWorkers: 2,
    // Two test processes share the cores: each tlr they start sizes its threads and workers from
    // one core, so busy-waiting ggml threads never outnumber the cores (README, Threads). Tests
    // of workers ask for their count explicitly.
    env: {TLR_CPUS: "1"},
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
