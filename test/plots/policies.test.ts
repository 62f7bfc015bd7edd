import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {readResults, type Results} from "../../src/index.ts";
import {tlr} from "../support/run.ts";

// A real sweep of the toy pair under three policies (and speculative decoding as large-only's).
const config = {
  name: "plots-policies",
  datasets: [{name: "toy_arith", split: "eval", limit: 4, seed: 5}],
  pairs: [{preset: "toy-arith"}],
  routers: [{kind: "max-prob", thresholds: [0.9, 0.999]}],
  policies: ["token", "span:4", "token+optimistic", "speculative:2"],
  profile: "paper",
  maxTokens: 200,
};
const root = mkdtempSync(join(tmpdir(), "tlr-plots-policies-"));
const out = join(root, "out");
let results: Results;

beforeAll(async () => {
  writeFileSync(join(root, "exp.json"), JSON.stringify(config));
  const run = await tlr(["sweep", join(root, "exp.json"), "--out", out]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/│ router\s+│ policy\s+│\s+τ │/); // the summary table names each run's policy
  results = readResults(out, {tokens: false});
});
afterAll(() => rmSync(root, {recursive: true, force: true}));

/** The aria-labels of the items vega drew in a named mark (they carry each point's tooltip fields). */
const markLabels = (svg: string, mark: string): string[] =>
  [...svg.matchAll(new RegExp(`role-mark ${mark}_marks"[^>]*>([\\s\\S]*?)</g>`, "g"))].flatMap((group) => [...group[1]!.matchAll(/<(?:path|line)\b[^>]*aria-label="([^"]*)"/g)].map((m) => m[1]!));

describe("plots and tables of several policies", () => {
  it("accuracy against latency draws every run, coloured by policy", async () => {
    const run = await tlr(["plot", out, "--out", join(root, "svg")]);
    expect(run.code, run.stderr).toBe(0);
    const svg = readFileSync(join(root, "svg", "accuracy-latency.svg"), "utf8");
    const points = markLabels(svg, "policy_points");
    expect(points).toHaveLength(results.summary.length); // 2 baselines + large-only · speculative:2 + 2 τ × 3 policies
    expect(results.summary).toHaveLength(9);
    for (const policy of ["token", "span:4", "token+optimistic", "speculative:2"]) expect(points.some((p) => p.includes(`policy: ${policy}`)), policy).toBe(true);
  });

  it("tlr table1 prints one table per policy, and on the paper's device profile with --profile", async () => {
    const run = await tlr(["table1", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.match(/^Table 1 layout/gm)).toHaveLength(3);
    expect(run.stdout).toMatch(/policy span:4, means over 4 questions; seconds except routing number \(requests to the large model\)/);
    const profiled = await tlr(["table1", out, "--policy", "token", "--profile", "--json"]);
    expect(profiled.code, profiled.stderr).toBe(0);
    const t = JSON.parse(profiled.stdout) as {policy: string; profile: string; columns: {threshold: number; values: Record<string, number>}[]};
    expect(t).toMatchObject({policy: "token", profile: "paper"});
    const rows = results.questions.filter((q) => q.routerKind === "max-prob" && q.policy === "token" && q.threshold === t.columns[0]!.threshold);
    expect(t.columns[0]!.values.overall).toBeCloseTo(rows.reduce((s, q) => s + q.profileTotalMs!, 0) / rows.length / 1000, 9);
    const summary = await tlr(["summary", out, "--profile"]);
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout).toMatch(/latency on the paper device profile/);
  });
});
