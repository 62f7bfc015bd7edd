import {spawn} from "node:child_process";
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import pl from "nodejs-polars";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {QUESTION_COLUMNS, readResults, SUMMARY_COLUMNS, TOKEN_COLUMNS, type Results} from "../../src/index.ts";
import {tlr} from "../support/run.ts";
import {repoRoot} from "../support/helpers.ts";
import {partCount, whenParts} from "../support/parts.ts";

const QUESTIONS = 20;
const config = {
  name: "sweep-test",
  datasets: [{name: "toy_arith", split: "eval", limit: QUESTIONS, seed: 7}],
  pairs: [{preset: "toy-arith"}],
  routers: [
    {kind: "max-prob", thresholds: [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]},
    {kind: "oracle"},
    {kind: "random", seed: 1, thresholds: [0.05]},
  ],
  maxTokens: 200,
};

const root = mkdtempSync(join(tmpdir(), "tlr-sweep-"));
const configFile = join(root, "exp.json");
let whole: Results;

beforeAll(async () => {
  writeFileSync(configFile, JSON.stringify(config));
  const run = await tlr(["sweep", configFile, "--out", join(root, "whole")]);
  expect(run.code, run.stderr).toBe(0);
  whole = readResults(join(root, "whole"), {tokens: true});
});
afterAll(() => rmSync(root, {recursive: true, force: true}));

const TIMED = new Set(["ttftMs", "tbtMs", "smallMs", "largeMs", "routerMs", "totalMs", "wallMs", "commLargeMs", "probeMs", "tMs"]);
const untimed = <R extends object>(rows: R[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !TIMED.has(k))));

function expectSameResults(a: Results, b: Results) {
  expect(untimed(a.summary)).toEqual(untimed(b.summary));
  expect(untimed(a.questions)).toEqual(untimed(b.questions));
  expect(untimed(a.tokens)).toEqual(untimed(b.tokens));
  expect(a.metadata.config).toEqual(b.metadata.config);
  expect(a.metadata.models).toEqual(b.metadata.models);
}

describe("tlr sweep on the toy pair", () => {
  it("writes summary, per-question and per-token Arrow files with baselines and every threshold", () => {
    const runs = whole.summary.map((s) => `${s.router}@${s.threshold}`);
    expect(runs).toEqual([
      "small-only@0", "large-only@0",
      ...config.routers[0]!.thresholds!.map((t) => `max-prob@${t}`),
      "oracle@0.5", "random(seed=1)@0.05",
    ]);
    for (const s of whole.summary) expect(s.questions).toBe(QUESTIONS);
    expect(whole.summary.map((s) => s.routerRole)).toEqual(["baseline-small", "baseline-large", ...config.routers[0]!.thresholds!.map(() => "router"), "oracle", "router"]);
    expect(whole.metadata.schemaVersion).toBe("3");
    expect(whole.questions).toHaveLength(QUESTIONS * runs.length);
    expect(whole.tokens).toHaveLength(whole.questions.reduce((n, q) => n + q.generated, 0));
    const small = whole.summary.find((s) => s.router === "small-only")!;
    const large = whole.summary.find((s) => s.router === "large-only")!;
    expect(small.accuracy).toBeLessThan(large.accuracy);
    expect(partCount(join(root, "whole"))).toBe(0); // folded into the results files
    expect(small.uploadFraction).toBe(0);
    expect(large.uploadFraction).toBe(1);
    const maxProb = whole.summary.filter((s) => s.router.includes("max-prob"));
    for (let i = 1; i < maxProb.length; i++) expect(maxProb[i]!.uploadFraction).toBeGreaterThanOrEqual(maxProb[i - 1]!.uploadFraction);
    // The oracle reproduces the large model's answers.
    expect(whole.summary.find((s) => s.router === "oracle")!.accuracy).toBe(large.accuracy);
  });

  it("records where the results came from in every file's metadata", () => {
    const m = whole.metadata;
    expect(m.config).toMatchObject({name: "sweep-test", maxTokens: 200});
    expect(m.models).toMatchObject({"toy-arith": {small: {sha256: "bfff9c5b19e6e8dd440f5960eb251ea13e4269c10462540238a72e1e9cc3e8a7"}, large: {sha256: "2a93438762999f5357b303eaf273029b71533579450cdebdfc84f0a8390f8c2a"}}});
    expect(m.code[0]).toMatchObject({package: "tlr", nodeLlamaCpp: "3.22.1"});
    expect(m.machines[0]).toMatchObject({physicalCores: expect.any(Number)});
    expect(m.datasets).toMatchObject([{name: "toy_arith", split: "eval", task: "toy_arith:toy", questions: QUESTIONS}]);
  });

  it("the Arrow files open in a second implementation (nodejs-polars) with equal values", () => {
    const files = [
      ["summary.arrow", SUMMARY_COLUMNS, whole.summary],
      ["questions.arrow", QUESTION_COLUMNS, whole.questions],
      ["tokens.arrow", TOKEN_COLUMNS, whole.tokens],
    ] as const;
    for (const [file, columns, rows] of files) {
      const df = pl.readIPC(readFileSync(join(root, "whole", file)));
      expect(df.height).toBe(rows.length);
      for (const c of columns) {
        const ours = (rows as unknown as readonly Record<string, unknown>[]).map((r) => r[c.key]);
        const theirs: unknown[] = df.getColumn(c.name).toArray().map((v: unknown) => (typeof v === "bigint" ? Number(v) : v && typeof v === "object" && "toArray" in v ? Array.from((v as {toArray(): number[]}).toArray()) : v));
        if (c.type === "list<f32>") {
          // float32 on disk: both readers see the same float32 values
          const f32 = (lists: unknown[]) => lists.map((l) => (l as number[]).map((x) => Math.fround(x)));
          expect(f32(theirs)).toEqual(f32(ours));
        } else expect(theirs, `${file}:${c.name}`).toEqual(ours);
      }
    }
  });

  it("a sweep killed with SIGKILL midway and resumed gives the same files, timings aside", async () => {
    const out = join(root, "killed");
    const child = spawn(process.execPath, [resolve(repoRoot, "bin/tlr.js"), "sweep", configFile, "--out", out, "--flush-every", "2"], {stdio: "ignore"});
    const exited = new Promise((r) => child.once("exit", r));
    await whenParts(out, 3, exited);
    child.kill("SIGKILL");
    await exited;
    expect(existsSync(join(out, "summary.arrow"))).toBe(false);
    expect(partCount(out)).toBeLessThan(QUESTIONS / 2);
    const resumed = await tlr(["sweep", configFile, "--out", out, "--flush-every", "2"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming .*: \d+ questions already done, \d+ to go/);
    expectSameResults(readResults(out, {tokens: true}), whole);
  });

  it("shards run apart and merge into the same files, timings aside", async () => {
    const [a, b] = await Promise.all([
      tlr(["sweep", configFile, "--out", join(root, "s1"), "--shard", "1/2"]),
      tlr(["sweep", configFile, "--out", join(root, "s2"), "--shard", "2/2"]),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(readResults(join(root, "s1")).summary[0]!.questions).toBe(QUESTIONS / 2);
    const merged = await tlr(["merge", join(root, "s1"), join(root, "s2"), "--out", join(root, "merged")]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toBe("");
    expectSameResults(readResults(join(root, "merged"), {tokens: true}), whole);
    const partial = await tlr(["merge", join(root, "s1"), "--out", join(root, "partial")]);
    expect(partial.stderr).toMatch(/shards 2\/2 are missing/);
  });

  it("parts left over after a crash between writing the results and deleting them are absorbed once", async () => {
    const dir = join(root, "leftover");
    await tlr(["merge", join(root, "whole"), "--out", dir]);
    // As if the process died after writing the results files but before deleting its parts.
    mkdirSync(join(dir, "parts"), {recursive: true});
    copyFileSync(join(dir, "tokens.arrow"), join(dir, "parts", "again.tokens.arrow"));
    copyFileSync(join(dir, "questions.arrow"), join(dir, "parts", "again.questions.arrow"));
    const rerun = await tlr(["sweep", configFile, "--out", dir]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/\(0 questions run, 20 resumed\)/);
    expectSameResults(readResults(dir, {tokens: true}), whole);
    expect(partCount(dir)).toBe(0);
  });

  it("a finished sweep run again rewrites nothing and prints the same tables", async () => {
    const dir = join(root, "finished");
    await tlr(["merge", join(root, "whole"), "--out", dir]);
    const stamp = () => ["summary.arrow", "questions.arrow", "tokens.arrow"].map((f) => statSync(join(dir, f)).mtimeMs);
    const before = stamp();
    const rerun = await tlr(["sweep", configFile, "--out", dir]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/\(0 questions run, 20 resumed\)/);
    expect(stamp()).toEqual(before);
    expectSameResults(readResults(dir, {tokens: true}), whole);
  });

  it("refuses to resume a folder with another config", async () => {
    const other = join(root, "other.json");
    writeFileSync(other, JSON.stringify({...config, maxTokens: 150}));
    const run = await tlr(["sweep", other, "--out", join(root, "whole")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/holds a sweep of another config/);
  });

  it("tlr summary prints the tables from the files alone; a missing or truncated file is one line, exit 2", async () => {
    const ok = await tlr(["summary", join(root, "whole")]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/toy_arith \(eval, toy_arith:toy\) · pair toy-arith/);
    expect(ok.stdout).toMatch(/small-only/);
    const broken = join(root, "broken");
    rmSync(broken, {recursive: true, force: true});
    await tlr(["merge", join(root, "whole"), "--out", broken]);
    const bytes = readFileSync(join(broken, "questions.arrow"));
    writeFileSync(join(broken, "questions.arrow"), bytes.subarray(0, bytes.length - 100));
    const cut = await tlr(["summary", broken]);
    expect(cut.code).toBe(2);
    expect(cut.stderr.trim()).toBe(`tlr: error: ${join(broken, "questions.arrow")} is not a complete Arrow IPC file (truncated or another format): re-run or re-merge the sweep that wrote it`);
    writeFileSync(join(broken, "questions.arrow"), bytes);
    expect((await tlr(["summary", broken])).code).toBe(0);
    rmSync(join(broken, "tokens.arrow"));
    const missing = await tlr(["summary", broken]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`tlr: error: results file not found: ${join(broken, "tokens.arrow")}`);
  });
});
