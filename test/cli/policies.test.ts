import {describe, expect, it} from "vitest";
import {toy} from "../support/helpers.ts";
import {tlr} from "../support/run.ts";

const PROMPT = "Question: What is 47 + 385?\nChoices:\nA. 432\nB. 422\nC. 532\nD. 431\nE. 442\nAnswer:";
const args = () => ["generate", "--small", toy.small(), "--large", toy.large(), "--max-tokens", "200", "--prompt", PROMPT];

describe("tlr generate --policy", () => {
  it("span:4 names its policy and counts one request per turn; its tokens and requests are in --json", async () => {
    const run = await tlr([...args(), "--router", "max-prob", "--threshold", "0.999", "--policy", "span:4", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.run.policy).toBe("span:4");
    const calls = new Set(doc.records.filter((r: {call?: number}) => r.call !== undefined).map((r: {call: number}) => r.call));
    expect(doc.stats.largeCalls).toBe(calls.size);
    expect(doc.stats.largeTokens).toBeGreaterThan(doc.stats.largeCalls); // some turn wrote more than one token
    expect(doc.events.filter((e: {type: string}) => e.type === "request")).toHaveLength(doc.stats.largeCalls);
  });

  it("speculative:2 needs no threshold and writes the large model's text; --profile prints the paper's speeds", async () => {
    const [spec, large] = await Promise.all([
      tlr([...args(), "--policy", "speculative:2", "--profile", "paper"]),
      tlr([...args(), "--router", "always-large", "--plain"]),
    ]);
    expect(spec.code, spec.stderr).toBe(0);
    expect(large.code, large.stderr).toBe(0);
    const text = spec.stdout.split("\n\n")[0]!.replace(/[[\]]/g, "");
    expect(`${text}\n`).toBe(large.stdout);
    expect(spec.stdout).toMatch(/policy speculative:2 · tokens \d+/);
    expect(spec.stdout).toMatch(/verified drafts \d+, rejected \d+/);
    expect(spec.stdout).toMatch(/on the paper device profile: TTFT .* overall \d+\.\d\d s/);
  });

  it("refuses a malformed policy in one line, exit code 2", async () => {
    const run = await tlr([...args(), "--router", "max-prob", "--threshold", "0.9", "--policy", "span:0"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split("\n")).toEqual(['tlr: error: policy "span:0": k must be a positive integer, got "0" (use token, span:K, stitch, stitch:σ:cap, speculative:γ, optionally with +optimistic)']);
  });
});

describe("tlr slowlink", () => {
  it("refuses a target that is not host:port in one line", async () => {
    const run = await tlr(["slowlink", "--target", "nowhere"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd()).toBe('tlr: error: --target must be host:port (or a URL with a port), got "nowhere"');
  });
});
