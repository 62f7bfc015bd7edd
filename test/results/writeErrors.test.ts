import {mkdirSync, readdirSync, symlinkSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {readResults, ResultsStore, TlrError, type QuestionRow, type SweepState, type TokenRow} from "../../src/index.ts";
import {oneLineError, runMain} from "../support/inProcess.ts";
import {tempDir} from "../support/tempDir.ts";
import {BEFORE_POLICIES_QUESTION, BEFORE_POLICIES_TOKEN} from "../../src/results/schema.ts";

/*
 * A full disk, for real: the kernel's /dev/full answers every write with ENOSPC. Pointing the
 * temporary file an atomic write uses (`FILE.tmp-<pid>`, this process) at it makes exactly that
 * write fail as it would on a full file system, with no root, mount or injected fault.
 */
const fullDisk = (file: string) => symlinkSync("/dev/full", `${file}.tmp-${process.pid}`);
const leftovers = (dir: string): string[] => readdirSync(dir, {recursive: true}).map(String).filter((f) => /\.tmp-\d+$/.test(f));

const state: SweepState = {configHash: "abc", configFile: "exp.json", shard: null, config: {name: "exp"}, pairs: ["p"], datasets: [{name: "d", split: "test", task: "d:letter", questions: 3, provenance: {}}]};
const question = (i: number): QuestionRow => ({
  dataset: "d", split: "test", task: "d:letter", pair: "p", router: "small-only", routerKind: "always-small", routerRole: "baseline-small", threshold: 0, target: null,
  questionIndex: i, questionId: `q${i}`, promptTokens: 3, generatedIds: [7], output: "A", extracted: "A", extractionRule: "r", gold: "A", correct: true, generated: 1,
  largeTokens: 0, uploadFraction: 0, largeCalls: 0, probes: 0, bytesUp: 0, bytesDown: 0, ttftMs: 1, tbtMs: 0, smallMs: 1, largeMs: 0, networkMs: 0, routerMs: 0,
  totalMs: 1, wallMs: 1, smallEvaluated: 3, largeEvaluated: 0, stopReason: "eos", error: null, prompt: null, ...BEFORE_POLICIES_QUESTION,
});
const token = (i: number): TokenRow => ({
  dataset: "d", pair: "p", router: "small-only", threshold: 0, questionIndex: i, step: 0, tokenId: 7, piece: "A", source: "small", score: 1, smallToken: 7,
  smallMaxProb: 0.9, smallMargin: 0.5, smallEntropy: 0.1, smallTopIds: [7], smallTopLogprobs: [-0.1], largeToken: null, largeMaxProb: null, smallEvaluated: 3,
  largeEvaluated: 0, smallMs: 1, largeMs: 0, probeMs: 0, routerMs: 0, netMs: 0, bytesUp: 0, bytesDown: 0, tMs: 1, smallPadded: null, largePadded: null, ...BEFORE_POLICIES_TOKEN,
});
const provenance = {models: {}, calibration: {}};

/** A sweep folder holding 3 finished questions in parts. */
async function folderWithParts(): Promise<{dir: string; store: ResultsStore}> {
  const dir = join(tempDir(), "out");
  const store = await ResultsStore.claim(dir, state);
  for (const i of [0, 1, 2]) store.writePart(`q${i}`, {questions: [question(i)], tokens: [token(i)]}, provenance);
  return {dir, store};
}

describe("a full disk (ENOSPC) or any write error: one line naming the file, no temporary file left, finished work kept", () => {
  it("while the results files are written (streamed): the parts stay, and a run with space finishes them", async () => {
    const {dir, store} = await folderWithParts();
    fullDisk(join(dir, "tokens.arrow"));
    const attempt = store.consolidate();
    await expect(attempt).rejects.toThrow(TlrError);
    await expect(attempt).rejects.toThrow(`cannot write ${join(dir, "tokens.arrow")}: no space left on the device (ENOSPC); free some space and run again`);
    expect(leftovers(dir)).toEqual([]);
    expect(readdirSync(join(dir, "parts"))).toHaveLength(6); // the 3 finished questions are still there
    const summary = await store.consolidate(); // space again
    expect(summary[0]!.questions).toBe(3);
    expect(readResults(dir).questions).toHaveLength(3);
  });

  it("while a part is written: neither half of the part, nor a temporary file, is left", async () => {
    const {dir, store} = await folderWithParts();
    fullDisk(join(dir, "parts", "q3.questions.arrow"));
    expect(() => store.writePart("q3", {questions: [question(3)], tokens: [token(3)]}, provenance)).toThrow(/^cannot write .*q3\.questions\.arrow: no space left on the device \(ENOSPC\)/);
    expect(leftovers(dir)).toEqual([]);
    expect(readdirSync(join(dir, "parts")).filter((f) => f.startsWith("q3"))).toEqual([]);
    expect(store.finished().count).toBe(3);
  });

  it("tlr merge onto a full disk: exit 2, one line naming the file (was: internal error: ENOSPC, exit 1, *.tmp-<pid> left)", async () => {
    const {dir} = await folderWithParts();
    const out = join(tempDir(), "merged");
    mkdirSync(out);
    fullDisk(join(out, "questions.arrow"));
    const line = oneLineError(await runMain(["merge", dir, "--out", out]));
    expect(line).toBe(`tlr: error: cannot write ${join(out, "questions.arrow")}: no space left on the device (ENOSPC); free some space and run again`);
    expect(leftovers(out)).toEqual([]);
  });

  it("a write the system refuses (a folder where the file goes): one line too, and no temporary file", async () => {
    const {dir, store} = await folderWithParts();
    mkdirSync(join(dir, "parts", "q4.tokens.arrow"));
    writeFileSync(join(dir, "parts", "q4.tokens.arrow", "x"), "");
    expect(() => store.writePart("q4", {questions: [question(4)], tokens: [token(4)]}, provenance)).toThrow(/^cannot write .*q4\.tokens\.arrow: it is a folder \(EISDIR\)/);
    expect(leftovers(dir)).toEqual([]);
  });
});
