import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {readResults} from "../../src/index.ts";
import {thresholdsForTargets} from "../../src/sweep/calibrate.ts";
import {tlr} from "../support/run.ts";

const root = mkdtempSync(join(tmpdir(), "tlr-calibration-"));
afterAll(() => rmSync(root, {recursive: true, force: true}));

describe("thresholds calibrated to target upload fractions", () => {
  it("picks τ at the score quantile so that `score < τ` holds for the target fraction", () => {
    const scores = Array.from({length: 1000}, (_, i) => i / 1000);
    const [t0, t5, t20, t100] = thresholdsForTargets(scores, [0, 0.05, 0.2, 1]);
    expect(t0).toBe(0); // nothing below the smallest score: routes nothing
    expect(scores.filter((s) => s < t5!).length).toBe(50);
    expect(scores.filter((s) => s < t20!).length).toBe(200);
    expect(t100).toBe(Number.POSITIVE_INFINITY);
  });

  it("a sweep with targets calibrates on other questions of the split and lands near them; concurrency 2 gives the same results", async () => {
    const config = {
      name: "calibrated",
      datasets: [{name: "toy_arith", split: "eval", limit: 30}],
      pairs: [{preset: "toy-arith"}],
      routers: [{kind: "max-prob", targets: [0.02, 0.05, 0.1]}, {kind: "random", seed: 3, targets: [0.05]}],
      maxTokens: 200,
      calibration: {limit: 20, seed: 1},
    };
    const file = join(root, "cal.json");
    writeFileSync(file, JSON.stringify(config));
    const run = await tlr(["sweep", file, "--out", join(root, "one")]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/calibrated max-prob on 20 questions \(\d+ scores\): 0\.02 → τ=/);
    const results = readResults(join(root, "one"), {tokens: false});
    const maxProb = results.summary.filter((s) => s.router === "max-prob");
    expect(maxProb.map((s) => s.target)).toEqual([0.02, 0.05, 0.1]);
    for (let i = 1; i < maxProb.length; i++) expect(maxProb[i]!.threshold).toBeGreaterThan(maxProb[i - 1]!.threshold);
    // Routing changes the trajectories, so the achieved fractions only approximate the targets.
    for (const s of maxProb) expect(Math.abs(s.uploadFraction - s.target!)).toBeLessThan(0.5 * s.target! + 0.01);
    expect(results.summary.find((s) => s.routerKind === "random")).toMatchObject({threshold: 0.05, target: 0.05});
    // The calibration questions are recorded and are not among the evaluated ones.
    const cal = (results.metadata.calibration as Record<string, {questions: string[]; thresholds: number[]}[]>)["toy-arith|toy_arith"]!;
    expect(cal[0]!.questions).toHaveLength(20);
    const evaluated = new Set(results.questions.map((q) => q.questionId));
    expect(cal[0]!.questions.some((id) => evaluated.has(id))).toBe(false);
    expect(cal[0]!.thresholds).toEqual(maxProb.map((s) => s.threshold));

    writeFileSync(file, JSON.stringify({...config, concurrency: 2}));
    const parallel = await tlr(["sweep", file, "--out", join(root, "two")]);
    expect(parallel.code, parallel.stderr).toBe(0);
    const two = readResults(join(root, "two"), {tokens: false});
    const untimed = (rows: object[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !/Ms$/.test(k))));
    expect(untimed(two.questions)).toEqual(untimed(results.questions));
  });
});
