import {existsSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it, vi} from "vitest";
import {tempDir} from "../support/tempDir.ts";
import {runMain} from "../support/inProcess.ts";

// Every model load goes through node-llama-cpp's getLlama (models/runtime.ts): spied, it shows
// that --plan loads no weights (reading GGUF headers, readGgufFileInfo, is allowed and needed).
const getLlama = vi.hoisted(() => vi.fn());
vi.mock("node-llama-cpp", async (original) => {
  const actual = await original<typeof import("node-llama-cpp")>();
  getLlama.mockImplementation(actual.getLlama);
  return {...actual, getLlama};
});

describe("tlr sweep CONFIG --plan", () => {
  it("checks everything and prints the plan in a few seconds, loading no weights and writing nothing", async () => {
    const dir = tempDir();
    const config = join(dir, "exp.json");
    writeFileSync(config, JSON.stringify({
      name: "planned",
      datasets: [{name: "toy_arith", split: "eval", limit: 40, seed: 0, task: "toy"}],
      pairs: [{preset: "toy-arith"}],
      routers: [{kind: "max-prob", thresholds: [0.5, 0.9, 0.99]}, {kind: "oracle"}, {kind: "margin", targets: [0.02, 0.05]}],
      maxTokens: 100,
      out: join(dir, "results"),
    }));
    const start = performance.now();
    const run = await runMain(["sweep", config, "--plan", "--shard", "2/4"]);
    expect(run.code, run.stderr).toBe(0);
    expect(performance.now() - start).toBeLessThan(15_000);
    expect(getLlama).not.toHaveBeenCalled();
    expect(existsSync(join(dir, "results"))).toBe(false);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`plan of ${config} → ${join(dir, "results", "shard-2-of-4")} (nothing loaded, nothing written)`);
    expect(run.stdout).toContain("  toy_arith (eval, toy_arith:toy, generated): 10 questions"); // shard 2 of 4
    expect(run.stdout).toMatch(/ {4}small .*toy-arith-small\.gguf \(\d+\.\d MB, ~\d+\.\d ms\/token on a CPU, rough\)/);
    expect(run.stdout).toContain("  max-prob: τ 0.5, 0.9, 0.99");
    expect(run.stdout).toContain("  oracle: τ 0.5");
    expect(run.stdout).toContain("  margin: targets 0.02, 0.05 (τ calibrated first)");
    expect(run.stdout).toContain("runs: 8 per question in 5 trajectory trees; 10 questions, 80 runs");
    expect(run.stdout).toContain("sharing: exact (every run equals an independent run)");
    expect(run.stdout).toContain("tokens: at most 8,000 generated (every run to maxTokens 100; runs stop at EOS sooner)");
    expect(lines.at(-1)).toMatch(/^time \(rough, CPU, from the model sizes\): the baselines alone ≤ \d+ s; every run alone, nothing shared, ≤ \d+ (s|min); the trees share/);
  });

  it("the spy sees a real sweep load its models (so the check above can fail)", async () => {
    const dir = tempDir();
    const config = join(dir, "exp.json");
    writeFileSync(config, JSON.stringify({name: "one", datasets: [{name: "toy_arith", split: "eval", limit: 1, task: "toy"}], pairs: [{preset: "toy-arith"}], routers: [{kind: "max-prob", thresholds: [0.9]}], maxTokens: 20}));
    const run = await runMain(["sweep", config, "--out", join(dir, "out")]);
    expect(run.code, run.stderr).toBe(0);
    expect(getLlama).toHaveBeenCalled();
  });

  it("a config error is still one line (the plan runs every check a sweep does)", async () => {
    const dir = tempDir();
    const config = join(dir, "exp.json");
    writeFileSync(config, JSON.stringify({name: "x", datasets: [{name: "toy_arith", limit: 2}], pairs: [{name: "p", small: "missing.gguf", large: "missing.gguf"}], routers: [{kind: "max-prob", thresholds: [0.5]}]}));
    const run = await runMain(["sweep", config, "--plan"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tlr: error: .*exp\.json: pairs\[0\]\.small: small model file not found/);
  });
});
