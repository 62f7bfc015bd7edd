import {spawn} from "node:child_process";
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {cgroupCpuQuota, cpusFromEnv, physicalCores} from "../../src/util/cpu.ts";
import {readResults, type Results} from "../../src/index.ts";
import {planWorkers} from "../../src/sweep/workerPlan.ts";
import {repoRoot} from "../support/helpers.ts";
import {whenParts} from "../support/parts.ts";
import {tlr} from "../support/run.ts";

describe("planWorkers sizes workers from the cores and the models", () => {
  const toy = {small: {parameters: 129_000}, large: {parameters: 2_700_000}};
  const qwen05 = {small: {parameters: 494_000_000}, large: {parameters: 2_700_000}};
  it("tiny models take one thread each: a worker per core", () => {
    expect(planWorkers(toy, {cores: 2, questions: 200})).toMatchObject({workers: 2, threads: {small: 1, large: 1}});
    expect(planWorkers(toy, {cores: 16, questions: 200})).toMatchObject({workers: 16, threads: {small: 1, large: 1}});
    expect(planWorkers(toy, {cores: 16, questions: 3}).workers).toBe(3); // never more workers than questions
  });
  it("a model that wants every core gets one worker; asked for more, models share the cores", () => {
    expect(planWorkers(qwen05, {cores: 2, questions: 200})).toMatchObject({workers: 1, threads: {small: 2, large: 1}});
    expect(planWorkers(qwen05, {cores: 8, questions: 200, requested: 4})).toMatchObject({workers: 4, threads: {small: 2, large: 1}});
    expect(planWorkers({small: {parameters: 494_000_000, threads: 3}}, {cores: 8, questions: 200})).toMatchObject({workers: 2, threads: {small: 3}});
  });
  it("counts a container's CPU quota, not the host's CPUs (cgroup v2 and v1)", () => {
    const files = (f: Record<string, string>) => (path: string) => f[path];
    expect(cgroupCpuQuota(files({"/sys/fs/cgroup/cpu.max": "200000 100000\n"}))).toBe(2);
    expect(cgroupCpuQuota(files({"/sys/fs/cgroup/cpu.max": "150000 100000\n"}))).toBe(1);
    expect(cgroupCpuQuota(files({"/sys/fs/cgroup/cpu.max": "max 100000\n"}))).toBeUndefined();
    expect(cgroupCpuQuota(files({"/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "400000\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n"}))).toBe(4);
    expect(cgroupCpuQuota(files({"/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n"}))).toBeUndefined();
    expect(cgroupCpuQuota(files({}))).toBeUndefined();
  });
  it("TLR_CPUS caps the cores on a shared machine (the test command sets 1); a bad value is one line", () => {
    expect(process.env.TLR_CPUS).toBe("1"); // vitest.config.ts
    expect(physicalCores()).toBe(1);
    expect(cpusFromEnv(undefined)).toBeUndefined();
    expect(cpusFromEnv(" ")).toBeUndefined();
    expect(cpusFromEnv("3")).toBe(3);
    for (const bad of ["0", "-2", "1.5", "two"]) expect(() => cpusFromEnv(bad)).toThrow(`TLR_CPUS must be a positive whole number of cores, got "${bad}"`);
  });
  it("a remote large model costs the worker no threads; a GPU gets one worker", () => {
    expect(planWorkers({small: {parameters: 129_000}}, {cores: 4, questions: 200})).toMatchObject({workers: 4, threads: {small: 1, large: undefined}});
    expect(planWorkers(toy, {cores: 16, questions: 200, gpu: true}).workers).toBe(1);
  });
});

const QUESTIONS = 8;
const config = {
  name: "workers-test",
  datasets: [{name: "toy_arith", split: "eval", limit: QUESTIONS, seed: 11}],
  pairs: [{preset: "toy-arith"}],
  // Targets make one worker calibrate and hand its thresholds to the others.
  routers: [{kind: "max-prob", thresholds: [0.8, 0.99]}, {kind: "random", seed: 2, targets: [0.05]}],
  calibration: {limit: 4, seed: 1},
  maxTokens: 200,
};
const TIMED = new Set(["ttftMs", "tbtMs", "smallMs", "largeMs", "routerMs", "totalMs", "wallMs", "commLargeMs", "probeMs", "tMs", "netMs"]);
const untimed = <R extends object>(rows: R[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !TIMED.has(k))));

const root = mkdtempSync(join(tmpdir(), "tlr-workers-"));
const configFile = join(root, "exp.json");
let one: Results;

beforeAll(async () => {
  writeFileSync(configFile, JSON.stringify(config));
  const run = await tlr(["sweep", configFile, "--out", join(root, "one"), "--workers", "1"]);
  expect(run.code, run.stderr).toBe(0);
  one = readResults(join(root, "one"), {tokens: true});
}, 600_000); // whole sweeps: minutes on a busy 2-core machine
afterAll(() => rmSync(root, {recursive: true, force: true}));

/** The pids of a process's children (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        // Fields after the command name (which may hold spaces): state, ppid, …
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid ? [Number(d)] : [];
      } catch {
        return []; // exited meanwhile
      }
    });
}

describe("a sweep spread over worker processes", () => {
  it("gives the same files as one worker, timings aside, calibration included", async () => {
    const run = await tlr(["sweep", configFile, "--out", join(root, "three"), "--workers", "3"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("toy-arith: 3 workers × 1 thread as requested");
    expect(run.stderr.match(/calibrated random\(seed=2\)/g)).toHaveLength(1);
    const three = readResults(join(root, "three"), {tokens: true});
    expect(untimed(three.summary)).toEqual(untimed(one.summary));
    expect(untimed(three.questions)).toEqual(untimed(one.questions));
    expect(untimed(three.tokens)).toEqual(untimed(one.tokens));
    expect(three.metadata.calibration).toEqual(one.metadata.calibration);
    expect(three.metadata.models).toEqual(one.metadata.models);
  }, 600_000);

  it("a worker killed midway fails only the question it held, recorded with why; one killed while opening stops the sweep with one line", async () => {
    const out = join(root, "killed");
    const child = spawn(process.execPath, [resolve(repoRoot, "bin/tlr.js"), "sweep", configFile, "--out", out, "--workers", "2", "--flush-every", "1"], {stdio: ["ignore", "pipe", "pipe"]});
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once("exit", r));
    await whenParts(out, 2, exited); // both workers are running questions now
    const before = childrenOf(child.pid!);
    expect(before).toHaveLength(2);
    // bin/tlr.js runs the compiled CLI, and its workers the same build's sweepWorker.js (bin/compiledCli.js).
    for (const pid of before) expect(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")).toContainEqual(expect.stringMatching(/\/node_modules\/\.cache\/tlr-cli\/[0-9a-f]+\/sweepWorker\.js$/));
    process.kill(before[0]!, "SIGKILL");
    // The sweep records the question and starts a new worker for the next one: kill that one as it opens.
    let replacement: number | undefined;
    for (const started = Date.now(); replacement === undefined && Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 20))) {
      replacement = childrenOf(child.pid!).find((p) => !before.includes(p));
    }
    expect(replacement).toBeDefined();
    process.kill(replacement!, "SIGKILL");
    expect(await exited).toBe(2);
    expect(stderr.trim().split("\n").at(-1)).toMatch(/^tlr: error: worker \d of 2 \(process \d+\) killed by SIGKILL while opening the pair$/);
    // Resumed with one worker, the folder finishes: the killed question stays recorded with its error.
    const resumed = await tlr(["sweep", configFile, "--out", out, "--workers", "1"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const results = readResults(out, {tokens: true});
    const failed = results.questions.filter((q) => q.error !== null);
    const runsPerQuestion = one.questions.length / QUESTIONS;
    expect(failed).toHaveLength(runsPerQuestion);
    expect(new Set(failed.map((q) => q.questionIndex)).size).toBe(1);
    for (const q of failed) expect(q).toMatchObject({stopReason: "error", correct: false, generated: 0, error: "worker process killed by SIGKILL while running this question"});
    expect(failed[0]!.promptTokens).toBe(one.questions.find((q) => q.questionIndex === failed[0]!.questionIndex)!.promptTokens);
    const rest = (r: Results) => untimed(r.questions.filter((q) => q.questionIndex !== failed[0]!.questionIndex));
    expect(rest(results)).toEqual(rest(one));
    expect(results.summary.find((s) => s.router === "small-only")!.errors).toBe(1);
  }, 600_000);
});
