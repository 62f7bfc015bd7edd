import {join} from "node:path";
import {gzipSync} from "node:zlib";
import {readArrowFile} from "../results/arrowFile.ts";
import type {Results} from "../results/resultsFolder.ts";
import {RESULT_FILES, type QuestionRow} from "../results/schema.ts";
import {TlrError} from "../util/errors.ts";
import type {BrowserData, BrowserQuestion, BrowserRun} from "./browserTypes.ts";
import {needsWide, packRuns} from "./tokenBlob.ts";
import {readTokenRuns, runKey, type RunTokens} from "./tokenRuns.ts";

/**
 * The question browser's data for results folders read by `readResults` (questions included):
 * every question with each run's outcome, and its token rows from the folder's tokens.arrow,
 * packed per question so the page decodes only the question it shows.
 */
export function questionBrowserData(results: readonly Results[]): BrowserData {
  const runs: BrowserRun[] = [];
  const runIndex = new Map<string, number>();
  const questions: BrowserQuestion[] = [];
  const dictionary = {ids: [] as number[], pieces: [] as string[]};
  const entryOf = new Map<string, number>();
  const entry = (id: number, piece: string): number => {
    const k = `${id}\u0000${piece}`;
    let e = entryOf.get(k);
    if (e === undefined) {
      e = dictionary.ids.length;
      entryOf.set(k, e);
      dictionary.ids.push(id);
      dictionary.pieces.push(piece);
    }
    return e;
  };
  const perQuestion: {question: BrowserQuestion; tokens: (RunTokens | undefined)[]}[] = [];
  results.forEach((folder, f) => {
    const tokensFile = join(folder.dir, RESULT_FILES.tokens);
    const tokenRuns = readTokenRuns(readArrowFile(tokensFile), tokensFile);
    const byQuestion = new Map<string, QuestionRow[]>();
    for (const row of folder.questions) {
      const k = `${row.dataset}\u0000${row.pair}\u0000${row.questionIndex}`;
      const list = byQuestion.get(k);
      if (list) list.push(row);
      else byQuestion.set(k, [row]);
    }
    for (const rows of byQuestion.values()) {
      const first = rows[0]!;
      const question: BrowserQuestion = {
        folder: f,
        dataset: first.dataset,
        pair: first.pair,
        index: first.questionIndex,
        id: first.questionId,
        prompt: first.prompt,
        promptTokens: first.promptTokens,
        gold: first.gold,
        outcomes: [],
        blob: questions.length,
      };
      const tokens = rows.map((row) => {
        const runName = `${f}\u0000${row.dataset}\u0000${row.pair}\u0000${row.router}\u0000${row.threshold}`;
        let run = runIndex.get(runName);
        if (run === undefined) {
          run = runs.length;
          runIndex.set(runName, run);
          runs.push({folder: f, dataset: row.dataset, split: row.split, task: row.task, pair: row.pair, router: row.router, routerKind: row.routerKind, threshold: row.threshold, target: row.target});
        }
        const t = tokenRuns.get(runKey(row));
        if ((t?.ids.length ?? 0) !== row.generatedIds.length || (t && t.ids.some((id, i) => id !== row.generatedIds[i]))) {
          throw new TlrError(`${tokensFile}: the token rows of ${row.router} τ=${row.threshold} on question ${row.questionIndex} differ from questions.arrow's generated_ids: the folder's files do not belong together (re-run or re-merge the sweep)`);
        }
        question.outcomes.push({
          run,
          extracted: row.extracted,
          rule: row.extractionRule,
          correct: row.correct,
          error: row.error,
          tokens: t?.ids.length ?? 0,
          largeTokens: row.largeTokens,
          largeCalls: row.largeCalls,
          bytesUp: row.bytesUp,
          totalMs: row.totalMs,
          stopReason: row.stopReason,
        });
        return t;
      });
      questions.push(question);
      perQuestion.push({question, tokens});
    }
  });
  const packed = perQuestion.map(({tokens}) =>
    tokens.map((t) => ({entries: t ? t.pieces.map((p, i) => entry(t.ids[i]!, p)) : [], large: t?.large ?? [], scores: t?.scores ?? []})),
  );
  const wide = needsWide(dictionary.ids.length);
  const blobs = packed.map((runs) => gzipSync(packRuns(runs, wide), {level: 9}).toString("base64"));
  return {folders: results.map((r) => r.dir), runs, questions, dictionary, wide, blobs};
}
