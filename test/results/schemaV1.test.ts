import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {readFileSync} from "node:fs";
import {Dictionary, Utf8} from "apache-arrow";
import pl from "nodejs-polars";
import {buildTable, type Column} from "../../src/results/columns.ts";
import {compareAtUpload, formatSummary, paperTable1, plotRows, QUESTION_COLUMNS, readResults, ResultsStore, RESULT_FILES, roleOfKind, RESULTS_SCHEMA_VERSION, SUMMARY_COLUMNS, TOKEN_COLUMNS, type QuestionRow, type SummaryRow, type TokenRow} from "../../src/index.ts";
import {readArrowFile, writeArrowFile} from "../../src/results/arrowFile.ts";
import {metadataMap} from "../../src/results/resultsFolder.ts";
import {BEFORE_POLICIES_QUESTION, BEFORE_POLICIES_TOKEN, POLICY_COLUMN_NAMES} from "../../src/results/schema.ts";
import {tempDir} from "../support/tempDir.ts";

/** A question row of a run; `routerRole` left out, as schema 1 had no such column. */
function question(router: string, routerKind: string, threshold: number, correct: boolean, largeTokens: number): Omit<QuestionRow, "routerRole"> {
  return {
    dataset: "toy_arith", split: "eval", task: "toy_arith:toy", pair: "toy-arith", router, routerKind, threshold, target: null,
    questionIndex: 0, questionId: "q0", prompt: null, promptTokens: 5, generatedIds: [1, 2, 3, 4], output: "x", extracted: "A", extractionRule: "r", gold: "A", correct,
    generated: 4, largeTokens, uploadFraction: largeTokens / 4, largeCalls: largeTokens, probes: 0, bytesUp: 10 * largeTokens, bytesDown: 0,
    ttftMs: 1, tbtMs: 1, smallMs: 4, largeMs: largeTokens, networkMs: 170 * largeTokens, routerMs: 0, totalMs: 4 + 171 * largeTokens, wallMs: 4,
    smallEvaluated: 8, largeEvaluated: largeTokens, stopReason: "eos", error: null,
    ...BEFORE_POLICIES_QUESTION,
  };
}

/** A generated token of a run, as schemas 1 to 3 all store it. */
function token(router: string, threshold: number, questionIndex: number, step: number): TokenRow {
  return {
    dataset: "toy_arith", pair: "toy-arith", router, threshold, questionIndex, step, tokenId: step, piece: ["7", " +", " 5", "\n"][step]!, source: step === 1 && router !== "small-only" ? "large" : "small",
    score: 0.5, smallToken: step, smallMaxProb: 0.5, smallMargin: 0.25, smallEntropy: 1, smallTopIds: [step, 9], smallTopLogprobs: [-0.5, -1], largeToken: null, largeMaxProb: null,
    smallEvaluated: 1, largeEvaluated: 0, smallMs: 1, largeMs: 0, probeMs: 0, routerMs: 0, netMs: 0, bytesUp: 0, bytesDown: 0, tMs: step, smallPadded: null, largePadded: null, ...BEFORE_POLICIES_TOKEN,
  };
}
const tokensOf = (qs: readonly {router: string; threshold: number; questionIndex: number}[]) => qs.flatMap((q) => [0, 1, 2, 3].map((step) => token(q.router, q.threshold, q.questionIndex, step)));

/** Schemas 1 and 2 stored every string plain (schema 3 dictionary-encodes the repeated ones). */
const plain = <R>(columns: readonly Column<R>[]): Column<R>[] => columns.map((c) => ({...c, type: c.type === "dict" ? "utf8" : c.type === "dict?" ? "utf8?" : c.type}));

/** Writes a results folder exactly as schema 1 did: no router_role column, plain strings, uncompressed, schema_version "1". */
function writeV1Folder(dir: string, questions: Omit<QuestionRow, "routerRole">[], tokens: TokenRow[] = []): void {
  const v1 = <R>(columns: readonly {name: string}[]) => plain(columns as readonly Column<unknown>[]).filter((c) => c.name !== "router_role" && !POLICY_COLUMN_NAMES.has(c.name)) as never as R;
  const meta = metadataMap({schemaVersion: "1", config: {name: "old"}, models: {}, datasets: [], calibration: {}, code: [], machines: [], shards: [], created: "2025-01-01T00:00:00Z"});
  const summary = questions.map((q) => ({...q, questions: 1, errors: 0, correct: Number(q.correct), accuracy: Number(q.correct), accuracyLow: 0, accuracyHigh: 1,
    generatedPerQuestion: 4, largeCallsPerQuestion: q.largeCalls, bytesUpPerQuestion: q.bytesUp, bytesDownPerQuestion: 0, commLargeMs: q.networkMs + q.largeMs}));
  writeArrowFile(join(dir, RESULT_FILES.tokens), buildTable(v1<typeof TOKEN_COLUMNS>(TOKEN_COLUMNS), tokens, meta));
  writeArrowFile(join(dir, RESULT_FILES.questions), buildTable(v1<typeof QUESTION_COLUMNS>(QUESTION_COLUMNS), questions as QuestionRow[], meta));
  writeArrowFile(join(dir, RESULT_FILES.summary), buildTable(v1<typeof SUMMARY_COLUMNS>(SUMMARY_COLUMNS), summary as unknown as SummaryRow[], meta));
}

describe("results written as schemas 1 (before router_role) and 2 (plain strings, uncompressed)", () => {
  const runs = [
    question("small-only", "always-small", 0, false, 0),
    question("large-only", "always-large", 0, true, 4),
    question("max-prob", "max-prob", 0.9, true, 1),
    question("oracle", "oracle", 0.5, true, 1),
  ];

  it("are read with each run's role derived from its kind, and tables, plots and comparisons go by it", () => {
    expect(RESULTS_SCHEMA_VERSION).toBe("3");
    const dir = tempDir();
    writeV1Folder(dir, runs);
    const results = readResults(dir);
    expect(results.metadata.schemaVersion).toBe("1");
    expect(results.summary.map((s) => s.routerRole)).toEqual(["baseline-small", "baseline-large", "router", "oracle"]);
    expect(results.questions.map((q) => q.routerRole)).toEqual(["baseline-small", "baseline-large", "router", "oracle"]);
    expect(plotRows([results]).map((r) => [r.role, r.tau])).toEqual([["baseline-small", "—"], ["baseline-large", "—"], ["router", "0.9"], ["oracle", "0.5"]]);
    expect(compareAtUpload(results.summary, [0.25]).map((r) => r.router)).toEqual(["max-prob"]);
    expect(paperTable1(results.questions).router).toBe("max-prob");
    const table = formatSummary(results.summary);
    expect(table).toMatch(/small-only\s+│\s+—/);
    expect(table).toMatch(/max-prob\s+│\s+0\.9/);
  });

  it("a sweep folder of schema 1 takes new parts and is consolidated to schema 3, old rows given their roles and old plain-string tokens joined to the new dictionaries", async () => {
    const dir = tempDir();
    const store = await ResultsStore.claim(dir, {configHash: "h", configFile: "old.json", shard: null, config: {name: "old"}, pairs: ["toy-arith"], datasets: [{name: "toy_arith", split: "eval", task: "toy_arith:toy", questions: 2, provenance: {}}]});
    writeV1Folder(dir, runs, tokensOf(runs));
    const next = runs.map((q) => ({...q, questionIndex: 1, questionId: "q1", routerRole: roleOfKind(q.routerKind)}));
    store.writePart("new", {questions: next, tokens: tokensOf(next)}, {models: {}, calibration: {}});
    const summary = await store.consolidate();
    expect(summary.map((s) => [s.router, s.routerRole, s.questions])).toEqual([["small-only", "baseline-small", 2], ["large-only", "baseline-large", 2], ["max-prob", "router", 2], ["oracle", "oracle", 2]]);
    const results = readResults(dir, {tokens: true});
    expect(results.metadata.schemaVersion).toBe("3");
    const expected = [...tokensOf(runs), ...tokensOf(next)];
    expect(results.tokens).toEqual(expected.map((t) => ({...t, smallTopLogprobs: t.smallTopLogprobs.map(Math.fround)})));
    // One file, one dictionary per string column, whatever the sources stored; polars reads it.
    const tokens = readArrowFile(join(dir, RESULT_FILES.tokens));
    expect(tokens.schema.fields.find((f) => f.name === "piece")!.type).toBeInstanceOf(Dictionary);
    expect(new Set(tokens.batches.map((b) => b.getChild("piece")!.data[0]!.dictionary)).size).toBe(1);
    expect(pl.readIPC(readFileSync(join(dir, RESULT_FILES.tokens))).getColumn("source").toArray()).toEqual(expected.map((t) => t.source));
  });

  it("schema 2 rows keep their stored role, whatever the kind's name says", () => {
    const dir = tempDir();
    // A run whose stored role is what counts: a custom router kind named like a baseline is still a router.
    const rows = [{...question("always-small-ish", "always-small", 0.5, true, 1), routerRole: "router" as const}];
    const meta = metadataMap({schemaVersion: "2", config: {}, models: {}, datasets: [], calibration: {}, code: [], machines: [], shards: [], created: ""});
    writeArrowFile(join(dir, RESULT_FILES.tokens), buildTable(plain(TOKEN_COLUMNS), [], meta));
    writeArrowFile(join(dir, RESULT_FILES.questions), buildTable(plain(QUESTION_COLUMNS), rows, meta));
    writeArrowFile(join(dir, RESULT_FILES.summary), buildTable(plain(SUMMARY_COLUMNS), [], meta));
    expect(readArrowFile(join(dir, RESULT_FILES.questions)).schema.fields.find((f) => f.name === "router")!.type).toBeInstanceOf(Utf8);
    expect(readResults(dir).questions[0]!.routerRole).toBe("router");
  });
});
