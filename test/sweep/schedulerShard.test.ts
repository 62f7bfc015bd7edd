import {mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {readResults, shardFromScheduler, type Results} from "../../src/index.ts";
import {inShard} from "../../src/sweep/shard.ts";
import {tlr} from "../support/run.ts";

// What Slurm sets in each task of `sbatch --array=LO-HI[:STEP]` (job_array.html), and what a pod of
// a Kubernetes Indexed Job sees (JOB_COMPLETION_INDEX from the controller, TLR_SHARD_COUNT from
// the manifest, deploy/k8s/sweep-indexed-job.yaml).
const slurmTask = (id: number, min: number, max: number, step = 1): NodeJS.ProcessEnv => ({
  SLURM_JOB_ID: "4242",
  SLURM_ARRAY_JOB_ID: "4242",
  SLURM_ARRAY_TASK_ID: String(id),
  SLURM_ARRAY_TASK_MIN: String(min),
  SLURM_ARRAY_TASK_MAX: String(max),
  SLURM_ARRAY_TASK_STEP: String(step),
  SLURM_ARRAY_TASK_COUNT: String((max - min) / step + 1),
});
const kubernetesPod = (index: number, completions: number): NodeJS.ProcessEnv => ({
  JOB_COMPLETION_INDEX: String(index),
  TLR_SHARD_COUNT: String(completions),
  HOSTNAME: `tlr-sweep-${index}-x7k2p`,
});

describe("--shard auto reads the scheduler's job array", () => {
  it("maps every task of a Slurm array onto shards 1..n, whatever the range's start and step", () => {
    for (const [min, max, step] of [[0, 3, 1], [1, 4, 1], [0, 6, 2], [5, 5, 1]] as const) {
      const ids = Array.from({length: (max - min) / step + 1}, (_, i) => min + i * step);
      const shards = ids.map((id) => shardFromScheduler(slurmTask(id, min, max, step)));
      expect(shards.map((s) => s.index)).toEqual(ids.map((_, i) => i + 1));
      for (const s of shards) expect(s).toMatchObject({count: ids.length, scheduler: "slurm"});
    }
  });

  it("maps a Kubernetes Indexed Job's pods onto shards 1..n", () => {
    const shards = [0, 1, 2].map((i) => shardFromScheduler(kubernetesPod(i, 3)));
    expect(shards.map((s) => [s.index, s.count, s.scheduler])).toEqual([[1, 3, "kubernetes"], [2, 3, "kubernetes"], [3, 3, "kubernetes"]]);
  });

  it("refuses what it cannot map, saying what to do", () => {
    expect(() => shardFromScheduler({})).toThrow(/no job array in the environment .* give --shard i\/n/);
    // --array=1,3,8: three tasks, no regular step.
    expect(() => shardFromScheduler({...slurmTask(3, 1, 8), SLURM_ARRAY_TASK_COUNT: "3"})).toThrow(/not a regular range: submit a range such as --array=0-2/);
    expect(() => shardFromScheduler({JOB_COMPLETION_INDEX: "2"})).toThrow(/add env TLR_SHARD_COUNT \(equal to spec.completions\)/);
    expect(() => shardFromScheduler(kubernetesPod(3, 3))).toThrow(/JOB_COMPLETION_INDEX=3 is not below TLR_SHARD_COUNT=3/);
    expect(() => shardFromScheduler({...slurmTask(1, 0, 3), SLURM_ARRAY_TASK_MIN: undefined})).toThrow(/SLURM_ARRAY_TASK_MIN is not/);
    expect(() => shardFromScheduler({JOB_COMPLETION_INDEX: "x", TLR_SHARD_COUNT: "3"})).toThrow(/JOB_COMPLETION_INDEX="x" is not a non-negative integer/);
  });
});

describe("sweeps sharded by a scheduler merge into the unsharded results", () => {
  const QUESTIONS = 7; // not a multiple of either shard count
  const root = mkdtempSync(join(tmpdir(), "tlr-scheduler-"));
  afterAll(() => rmSync(root, {recursive: true, force: true}));
  const config = {
    name: "scheduled",
    datasets: [{name: "toy_arith", split: "eval", limit: QUESTIONS, seed: 3}],
    pairs: [{preset: "toy-arith"}],
    routers: [{kind: "max-prob", thresholds: [0.9, 0.99]}],
    maxTokens: 200,
  };
  const configFile = join(root, "scheduled.json");
  writeFileSync(configFile, JSON.stringify(config));
  const TIMED = new Set(["ttftMs", "tbtMs", "smallMs", "largeMs", "routerMs", "totalMs", "wallMs", "commLargeMs", "probeMs", "tMs", "netMs"]);
  const untimed = <R extends object>(rows: R[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !TIMED.has(k))));
  const same = (a: Results, b: Results) => {
    expect(untimed(a.summary)).toEqual(untimed(b.summary));
    expect(untimed(a.questions)).toEqual(untimed(b.questions));
    expect(untimed(a.tokens)).toEqual(untimed(b.tokens));
  };

  it.each([
    ["a Slurm array --array=1-3", "slurm", [1, 2, 3].map((id) => slurmTask(id, 1, 3))],
    ["a Kubernetes Indexed Job of 2 completions", "k8s", [0, 1].map((i) => kubernetesPod(i, 2))],
  ])("%s", async (_, name, tasks) => {
    const whole = join(root, "whole");
    if (!readdirSync(root).includes("whole")) {
      const run = await tlr(["sweep", configFile, "--out", whole]);
      expect(run.code, run.stderr).toBe(0);
    }
    // Each task runs in its own working directory, as on a cluster node, with the default folder.
    const cwd = join(root, name);
    mkdirSync(cwd);
    const runs = await Promise.all(tasks.map((env) => tlr(["sweep", configFile, "--shard", "auto"], {cwd, env})));
    for (const [i, run] of runs.entries()) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`tlr: shard ${i + 1}/${tasks.length} (`);
    }
    const folders = readdirSync(join(cwd, "results/scheduled")).sort();
    expect(folders).toEqual(tasks.map((_, i) => `shard-${i + 1}-of-${tasks.length}`));
    // The shards partition the questions: each holds exactly its own, none twice, none missing.
    const seen = folders.flatMap((f, i) => {
      const indices = [...new Set(readResults(join(cwd, "results/scheduled", f)).questions.map((q) => q.questionIndex))];
      for (const q of indices) expect(inShard(q, {index: i + 1, count: tasks.length})).toBe(true);
      return indices;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({length: QUESTIONS}, (_, i) => i));
    const merged = await tlr(["merge", ...folders.map((f) => join(cwd, "results/scheduled", f)), "--out", join(cwd, "results/scheduled")]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toBe("");
    same(readResults(join(cwd, "results/scheduled"), {tokens: true}), readResults(whole, {tokens: true}));
  }, 600_000); // several sweeps one after another: minutes on a busy 2-core machine
});
