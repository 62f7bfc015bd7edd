/**
 * Bytes per generated token of a results folder, as written (schema 3: dictionary-encoded
 * strings, ZSTD-compressed batches, a batch per question) and as schema 2 stored the same rows
 * (plain strings, uncompressed: the rows re-encoded here, so both figures come from one run).
 *
 *   npx tlr sweep experiments/quickstart.json --out results/quickstart
 *   npx tsx bench/results-size.ts results/quickstart
 *
 * "Generated tokens" counts every run's tokens (Σ questions.generated), the rows tokens.arrow holds.
 */
import {statSync} from "node:fs";
import {join} from "node:path";
import {tableToIPC} from "apache-arrow";
import {QUESTION_COLUMNS, readResults, RESULT_FILES, SUMMARY_COLUMNS, TOKEN_COLUMNS} from "../src/index.ts";
import {readArrowFile} from "../src/results/arrowFile.ts";
import {buildTable, type Column} from "../src/results/columns.ts";
import {record} from "./lib.ts";

const dir = process.argv[2];
if (!dir) throw new Error("usage: npx tsx bench/results-size.ts RESULTS_DIR");
const results = readResults(dir, {tokens: true});
const generated = results.questions.reduce((n, q) => n + q.generated, 0);
/** Schema 2's (and 1's) physical types: the same columns with plain strings. */
const plain = <R>(columns: readonly Column<R>[]): Column<R>[] => columns.map((c) => ({...c, type: c.type === "dict" ? "utf8" : c.type === "dict?" ? "utf8?" : c.type}));
const metadata = readArrowFile(join(dir, RESULT_FILES.summary)).schema.metadata;
// Schema 2 wrote the token file a batch per question too; the batch count changes its size by a few bytes.
const before = {
  summary: tableToIPC(buildTable(plain(SUMMARY_COLUMNS), results.summary, metadata), "file").byteLength,
  questions: tableToIPC(buildTable(plain(QUESTION_COLUMNS), results.questions, metadata), "file").byteLength,
  tokens: tableToIPC(buildTable(plain(TOKEN_COLUMNS), results.tokens, metadata), "file").byteLength,
};
const after = {
  summary: statSync(join(dir, RESULT_FILES.summary)).size,
  questions: statSync(join(dir, RESULT_FILES.questions)).size,
  tokens: statSync(join(dir, RESULT_FILES.tokens)).size,
};
const perToken = (bytes: Record<string, number>) => Object.fromEntries([...Object.entries(bytes), ["all", Object.values(bytes).reduce((a, b) => a + b, 0)]].map(([k, v]) => [k, +(Number(v) / generated).toFixed(2)]));
const figures = {dir, runs: results.questions.length, generated, bytes: {before, after}, bytesPerToken: {before: perToken(before), after: perToken(after)}};
const ratio = (k: string) => (figures.bytesPerToken.before[k]! / figures.bytesPerToken.after[k]!).toFixed(2);
for (const k of ["tokens", "questions", "summary", "all"]) console.log(`${k.padEnd(10)} ${String(figures.bytesPerToken.before[k]).padStart(8)} → ${String(figures.bytesPerToken.after[k]).padStart(7)} bytes per generated token (${ratio(k)}× fewer)`);
record("results-size", `npx tsx bench/results-size.ts ${dir}`, figures);
