import {existsSync, readdirSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {mergeSweeps, readResults, ResultsStore, TlrError, type QuestionRow, type SweepState, type TokenRow} from "../../src/index.ts";
import {BEFORE_POLICIES_QUESTION, BEFORE_POLICIES_TOKEN} from "../../src/results/schema.ts";
import {tempDir} from "../support/tempDir.ts";

const state = (shard: SweepState["shard"] = null): SweepState => ({
  configHash: "abc",
  configFile: "exp.json",
  shard,
  config: {name: "exp"},
  pairs: ["p"],
  datasets: [{name: "d", split: "test", task: "d:letter", questions: 3, provenance: {}}],
});

function question(i: number, router: string, correct: boolean): QuestionRow {
  return {
    dataset: "d", split: "test", task: "d:letter", pair: "p", router, routerKind: router === "small-only" ? "always-small" : "max-prob", routerRole: router === "small-only" ? "baseline-small" : "router",
    threshold: router === "small-only" ? 0 : 0.5, target: null, questionIndex: i, questionId: `q${i}`, prompt: null, promptTokens: 3, generatedIds: [7], output: "A", extracted: "A",
    extractionRule: "r", gold: "A", correct, generated: 1, largeTokens: 0, uploadFraction: 0, largeCalls: 0, probes: 0, bytesUp: 0, bytesDown: 0, ttftMs: 1, tbtMs: 0,
    smallMs: 1, largeMs: 0, networkMs: 0, routerMs: 0, totalMs: 1, wallMs: 1, smallEvaluated: 3, largeEvaluated: 0, stopReason: "eos", error: null,
    ...BEFORE_POLICIES_QUESTION,
  };
}

function token(i: number, router: string): TokenRow {
  return {
    dataset: "d", pair: "p", router, threshold: 0, questionIndex: i, step: 0, tokenId: 7, piece: "A", source: "small", score: 1, smallToken: 7, smallMaxProb: 0.9,
    smallMargin: 0.5, smallEntropy: 0.1, smallTopIds: [7], smallTopLogprobs: [-0.1], largeToken: null, largeMaxProb: null, smallPadded: false, largePadded: null, smallEvaluated: 3, largeEvaluated: 0,
    smallMs: 1, largeMs: 0, probeMs: 0, routerMs: 0, netMs: 0, bytesUp: 0, bytesDown: 0, tMs: 1,
    ...BEFORE_POLICIES_TOKEN,
  };
}

const rows = (i: number) => ({questions: [question(i, "small-only", i !== 1), question(i, "max-prob", true)], tokens: [token(i, "small-only"), token(i, "max-prob")]});
const provenance = {models: {p: {small: "s"}}, calibration: {}};

describe("ResultsStore: the one way a sweep touches its folder", () => {
  it("claims a folder, writes parts, knows what is finished, and consolidates them in question order", async () => {
    const dir = join(tempDir(), "out");
    const store = await ResultsStore.claim(dir, state());
    expect(store.finished().count).toBe(0);
    store.writePart("b", rows(2), provenance);
    store.writePart("a", rows(0), provenance);
    const done = store.finished();
    expect([done.count, done.has("p", "d", 0), done.has("p", "d", 1), done.has("p", "d", 2)]).toEqual([2, true, false, true]);
    // Resumed by another process: the same claim reopens it and sees the same parts.
    const again = await ResultsStore.claim(dir, state());
    again.writePart("c", rows(1), provenance);
    const summary = await again.consolidate();
    // A finished folder is sweep.json and the three results files: no empty parts/ left behind.
    expect(readdirSync(dir).sort()).toEqual(["questions.arrow", "summary.arrow", "sweep.json", "tokens.arrow"]);
    expect(summary.map((s) => [s.router, s.routerRole, s.questions, s.correct])).toEqual([["small-only", "baseline-small", 3, 2], ["max-prob", "router", 3, 3]]);
    const results = readResults(dir, {tokens: true});
    expect(results.questions.map((q) => `${q.questionIndex}:${q.router}`)).toEqual(["0:small-only", "0:max-prob", "1:small-only", "1:max-prob", "2:small-only", "2:max-prob"]);
    expect(results.tokens).toHaveLength(6);
    expect(results.metadata.schemaVersion).toBe("3");
    expect(results.metadata.models).toEqual({p: {small: "s"}});
    expect((results.metadata.code[0] as {package: string}).package).toBe("tlr");
    expect(ResultsStore.open(dir).finished().count).toBe(3);
  });

  it("refuses a folder of another config or shard", async () => {
    const dir = tempDir();
    await ResultsStore.claim(dir, state({index: 1, count: 2}));
    await expect(ResultsStore.claim(dir, {...state({index: 1, count: 2}), configHash: "other", configFile: "other.json"})).rejects.toThrow("holds a sweep of another config (exp.json)");
    await expect(ResultsStore.claim(dir, state({index: 2, count: 2}))).rejects.toThrow(TlrError);
    await expect(ResultsStore.claim(dir, state())).rejects.toThrow("holds shard 1/2 of this sweep, not the whole");
    expect(() => ResultsStore.open(join(dir, "nowhere"))).toThrow(/not a tlr sweep folder/);
  });

  it("merges the folders of shards into one", async () => {
    const root = tempDir();
    const one = await ResultsStore.claim(join(root, "s1"), state({index: 1, count: 2}));
    one.writePart("x", rows(0), provenance);
    await one.consolidate();
    const two = await ResultsStore.claim(join(root, "s2"), state({index: 2, count: 2}));
    two.writePart("y", rows(1), provenance); // left as a part: merged all the same
    const merged = await mergeSweeps([join(root, "s1"), join(root, "s2")], join(root, "all"));
    expect(merged.shards).toEqual(["1/2", "2/2"]);
    expect(merged.missing).toEqual([]);
    expect(merged.summary.map((s) => s.questions)).toEqual([2, 2]);
    expect(existsSync(join(root, "all", "sweep.json"))).toBe(true);
    expect(ResultsStore.open(join(root, "all")).state.shard).toBeNull();
  });
});
