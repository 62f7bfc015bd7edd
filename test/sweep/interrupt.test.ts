import {spawn} from "node:child_process";
import {existsSync, readdirSync, writeFileSync} from "node:fs";
import {join, resolve} from "node:path";
import {describe, expect, it} from "vitest";
import {readResults, type Results} from "../../src/index.ts";
import {readFinished} from "../../src/results/readFinished.ts";
import {repoRoot} from "../support/helpers.ts";
import {partCount} from "../support/parts.ts";
import {tlr} from "../support/run.ts";
import {tempDir} from "../support/tempDir.ts";

/** The real binary, as a user runs it, with its output collected; `stdin` ignored so SIGINT reaches only it. */
function start(args: string[]) {
  const child = spawn(process.execPath, [resolve(repoRoot, "bin/tlr.js"), ...args], {cwd: repoRoot, env: {...process.env, NO_COLOR: "1"}, stdio: ["ignore", "pipe", "pipe"]});
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((done) => child.once("exit", (code, signal) => done(code ?? (signal ? -1 : null))));
  return {child, exited, out: () => ({stdout, stderr})};
}

/** Resolves once `check()` holds (polled every 50 ms); rejects if the process ends first. */
function when(check: () => boolean, exited: Promise<unknown>): Promise<void> {
  return new Promise((done, fail) => {
    const timer = setInterval(() => check() && (clearInterval(timer), done()), 50);
    void exited.then(() => (clearInterval(timer), fail(new Error("the process ended first"))));
  });
}

const TIMED = /Ms$/;
const untimed = (rows: object[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !TIMED.test(k))));
function expectSame(a: Results, b: Results) {
  expect(untimed(a.summary)).toEqual(untimed(b.summary));
  expect(untimed(a.questions)).toEqual(untimed(b.questions));
  expect(untimed(a.tokens)).toEqual(untimed(b.tokens));
}

// router collect's Ctrl-C (parts kept, exit 130, a rerun finishes): test/learn/collectResume.test.ts
describe("Ctrl-C (SIGINT) stops a long command cleanly", () => {
  it("a sweep: finished questions on disk, exit 130, where it stopped and how to resume; the rerun equals a clean run", async () => {
    const dir = tempDir();
    const config = join(dir, "exp.json");
    writeFileSync(config, JSON.stringify({name: "ctrl-c", datasets: [{name: "toy_arith", split: "eval", limit: 30, seed: 3, task: "toy"}], pairs: [{preset: "toy-arith"}], routers: [{kind: "max-prob", thresholds: [0.9, 0.99]}], maxTokens: 150}));
    const out = join(dir, "out");
    const run = start(["sweep", config, "--out", out, "--flush-every", "1"]);
    await when(() => partCount(out) >= 3, run.exited);
    run.child.kill("SIGINT");
    const code = await run.exited;
    const {stderr} = run.out();
    expect(code, stderr).toBe(130);
    const stopped = /tlr: stopped after (\d+) of 30 questions, all finished ones kept in (\S+)\/parts; tlr sweep (\S+) --out (\S+) --flush-every 1 resumes from there\n$/.exec(stderr);
    expect(stopped, stderr).not.toBeNull();
    expect(stderr).toContain("tlr: stopping after the questions in flight, keeping every finished one (Ctrl-C again to quit at once)…");
    const ran = Number(stopped![1]);
    expect(ran).toBeGreaterThanOrEqual(3);
    expect(ran).toBeLessThan(30);
    // Every question this process finished is on disk, in parts (nothing consolidated, nothing lost).
    expect(readFinished(out, {tokens: false}).questions.length).toBe(ran * 4);
    expect(existsSync(join(out, "summary.arrow"))).toBe(false);
    expect(readdirSync(out).filter((f) => /\.tmp-\d+$/.test(f))).toEqual([]);

    const resumed = await tlr(["sweep", config, "--out", out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming ${out}: ${ran} questions already done, ${30 - ran} to go`);
    const clean = await tlr(["sweep", config, "--out", join(dir, "clean")]);
    expect(clean.code, clean.stderr).toBe(0);
    expectSame(readResults(out, {tokens: true}), readResults(join(dir, "clean"), {tokens: true}));
  });
});
