import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {tiny, vocab} from "../support/helpers.ts";
import {tlr} from "../support/run.ts";

const pairArgs = () => ["--small", tiny.small(), "--large", tiny.large()];

/** A one-line error: exactly one line on stderr, starting "tlr: error:", no stack trace. */
function expectOneLineError(run: {code: number | null; stderr: string}, pattern: RegExp) {
  expect(run.code).toBe(2);
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tlr: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe("tlr generate", () => {
  it("prints the text with large tokens in brackets when piped, then the run's figures", async () => {
    const run = await tlr(["generate", ...pairArgs(), "--router", "random", "--threshold", "0.3", "--seed", "1", "--max-tokens", "40", "--prompt", "Lily wanted to"]);
    expect(run.code, run.stderr).toBe(0);
    const [text, , ...figures] = run.stdout.trimEnd().split("\n\n")[0]!.split("\n").length > 0 ? run.stdout.split("\n") : [];
    expect(text).toMatch(/\[[^\]]+\]/);
    expect(run.stdout).not.toContain("\x1b[");
    expect(figures.join("\n")).toMatch(/tokens 40 · from large \d+ \(\d+\.\d% uploaded\)/);
    expect(run.stdout).toMatch(/TTFT .* TBT .* network .* \(simulated, RTT 170 ms\)/);
  });

  it("colours the large tokens red when colour is on", async () => {
    const run = await tlr(["generate", ...pairArgs(), "--router", "always-large", "--max-tokens", "5", "--prompt", "Once"], {env: {FORCE_COLOR: "1"}});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("\x1b[31m");
  });

  it("--plain prints only the generated text, identical to --json's text", async () => {
    const args = ["generate", ...pairArgs(), "--router", "random", "--threshold", "0.5", "--max-tokens", "30", "--prompt", "The big dog"];
    const [plain, json] = await Promise.all([tlr([...args, "--plain"]), tlr([...args, "--json"])]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(plain.stdout).toBe(`${doc.text}\n`);
    expect(doc.records).toHaveLength(30);
    expect(doc.stats.generated).toBe(30);
    expect(doc.records[0]).toMatchObject({step: 0, source: expect.stringMatching(/small|large/), smallEvaluated: doc.run.promptIds.length});
    expect(doc.run.promptIds[0]).toBe(1); // BOS, which these models want
    expect(doc.run).toMatchObject({router: "random(seed=0)", threshold: 0.5, network: {rttMs: 170}});
  });

  it("--stop-token ID (repeatable) ends the run after that id, with stop reason stop-token", async () => {
    const args = ["generate", ...pairArgs(), "--router", "always-small", "--max-tokens", "12", "--prompt", "Once upon a time", "--json"];
    const free = JSON.parse((await tlr(args)).stdout) as {generated: number[]};
    const stopId = free.generated[4]!;
    const run = await tlr([...args, "--stop-token", "99999", "--stop-token", String(stopId)]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as {generated: number[]; stats: {stopReason: string}};
    expect(doc.generated).toEqual(free.generated.slice(0, free.generated.indexOf(stopId) + 1));
    expect(doc.stats.stopReason).toBe("stop-token");
    expectOneLineError(await tlr([...args, "--stop-token", "-3"]), /--stop-token.*"-3" is not a token id/);
  });

  it("reads the prompt from a file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tlr-"));
    writeFileSync(join(dir, "p.txt"), "Once upon a time");
    const run = await tlr(["generate", ...pairArgs(), "--router", "always-small", "--max-tokens", "3", "--prompt-file", join(dir, "p.txt"), "--plain"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(" time time time\n");
  });

  it("says when τ decides nothing: max-prob at τ 2 routes every token (a warning; it still runs)", async () => {
    const run = await tlr(["generate", ...pairArgs(), "--threshold", "2", "--max-tokens", "4", "--prompt", "Once", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("tlr: warning: --threshold τ = 2 routes every token for max-prob (its scores lie in [0, 1]): the large model alone (--router always-large); use τ in (0, 1] to route\n");
    expect(JSON.parse(run.stdout).records.map((r: {source: string}) => r.source)).toEqual(["large", "large", "large", "large"]);
  });

  describe("bad input: one line naming it, exit code 2", () => {
    it("a missing model file", async () => {
      const run = await tlr(["generate", "--small", "/nonexistent/small.gguf", "--large", tiny.large(), "--threshold", "0.5", "--prompt", "x"]);
      expectOneLineError(run, /not found: \/nonexistent\/small.gguf/);
    });

    it("a truncated model file", async () => {
      const dir = mkdtempSync(join(tmpdir(), "tlr-"));
      const cut = join(dir, "cut.gguf");
      writeFileSync(cut, readFileSync(tiny.large()).subarray(0, 900_000));
      const run = await tlr(["generate", "--small", tiny.small(), "--large", cut, "--threshold", "0.5", "--prompt", "x"]);
      expectOneLineError(run, new RegExp(`large model file ${cut}.*(truncated|not within the file bounds)`));
    });

    it("a file cut inside its header", async () => {
      const dir = mkdtempSync(join(tmpdir(), "tlr-"));
      const cut = join(dir, "head.gguf");
      writeFileSync(cut, readFileSync(tiny.large()).subarray(0, 10_000));
      const run = await tlr(["generate", "--small", tiny.small(), "--large", cut, "--threshold", "0.5", "--prompt", "x"]);
      expectOneLineError(run, new RegExp(`large model file ${cut} is truncated: 10000 bytes, but its header alone ends at byte \\d+`));
    });

    it("an incompatible pair", async () => {
      const run = await tlr(["generate", "--small", vocab.qwen2(), "--large", vocab.llamaSpm(), "--threshold", "0.5", "--prompt", "x"]);
      expectOneLineError(run, /incompatible vocabularies: .*ggml-vocab-qwen2.gguf and .*ggml-vocab-llama-spm.gguf differ in tokenizer type/);
    });

    it("a threshold that is not a number", async () => {
      const run = await tlr(["generate", ...pairArgs(), "--threshold", "high", "--prompt", "x"]);
      expectOneLineError({...run, stderr: run.stderr.replace(/^tlr: error: /, "tlr: error: ")}, /--threshold.*"high" is not a number/);
    });

    it("an unknown router", async () => {
      const run = await tlr(["generate", ...pairArgs(), "--router", "psychic", "--threshold", "0.5", "--prompt", "x"]);
      expectOneLineError(run, /unknown router "psychic": use one of max-prob, margin, neg-entropy, random, always-small, always-large, oracle/);
    });

    it("lean features with a router that reads the distribution", async () => {
      const run = await tlr(["generate", ...pairArgs(), "--router", "neg-entropy", "--threshold", "-1", "--features", "max-prob", "--prompt", "x"]);
      expectOneLineError(run, /router neg-entropy reads the small model's top-K, margin or entropy, which --features max-prob does not compute: use --features full/);
    });

    it("a router that needs a threshold without one", async () => {
      const run = await tlr(["generate", ...pairArgs(), "--router", "max-prob", "--prompt", "x"]);
      expectOneLineError(run, /router max-prob needs --threshold/);
    });

    it("an empty prompt file, or an empty --prompt", async () => {
      const dir = mkdtempSync(join(tmpdir(), "tlr-"));
      writeFileSync(join(dir, "empty.txt"), "");
      const run = await tlr(["generate", ...pairArgs(), "--threshold", "0.5", "--prompt-file", join(dir, "empty.txt")]);
      expectOneLineError(run, new RegExp(`prompt file ${join(dir, "empty.txt")} is empty: write the prompt into it`));
      expectOneLineError(await tlr(["generate", ...pairArgs(), "--threshold", "0.5", "--prompt", ""]), /--prompt is empty/);
    });

    it("shows the stack trace only with --verbose", async () => {
      const run = await tlr(["--verbose", "generate", "--small", "/nonexistent/small.gguf", "--large", tiny.large(), "--threshold", "0.5", "--prompt", "x"]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^tlr: error: small model file not found/);
      expect(run.stderr).toMatch(/\n\s+at /);
    });
  });
});
