import {existsSync, rmSync} from "node:fs";
import {join} from "node:path";
import type {Table} from "apache-arrow";
import {readArrowFile} from "./arrowFile.ts";
import {readRunRows} from "./readRunRows.ts";
import {parseMetadata} from "./resultsFolder.ts";
import {QUESTION_COLUMNS, RESULT_FILES, type QuestionRow} from "./schema.ts";
import {PARTS_DIR, partNames, readPart, readPartTokens} from "./parts.ts";

/** Where finished rows came from: the code, machines and shards that ran them, and what they recorded. */
export interface Provenance {
  code: unknown[];
  machines: unknown[];
  shards: unknown[];
  models: Record<string, unknown>;
  calibration: Record<string, unknown>;
}

/** One question's token rows (a zero-copy slice of a part's or results file's table). */
export interface TokenRun {
  pair: string;
  dataset: string;
  questionIndex: number;
  rows: Table;
}

export interface Finished {
  questions: QuestionRow[];
  /** Questions with at least one run recorded with an error (by `questionKey`). */
  errored: Set<string>;
  tokenRuns: TokenRun[];
  provenance: Provenance[];
  /** Part files read (folded into the results files, then deleted by `consolidate`). */
  partFiles: string[];
  /** Questions found in more than one source (after a crash between writing results and deleting parts, or an overlapping merge); the first is kept. */
  duplicates: number;
}

export const questionKey = (r: {pair: string; dataset: string; questionIndex: number}) => `${r.pair}|${r.dataset}|${r.questionIndex}`;

/**
 * Every finished question of a sweep folder: the results files (all questions of the last
 * consolidation) and then the parts written since, each question taken from the first source
 * that has it; except a part written by `tlr sweep --retry-errors`, whose questions replace the
 * rows (and token rows) found before it. Token rows are read as Arrow tables only when `tokens`
 * is set.
 */
export function readFinished(dir: string, options: {tokens: boolean}): Finished {
  const out: Finished = {questions: [], errored: new Set(), tokenRuns: [], provenance: [], partFiles: [], duplicates: 0};
  const taken = new Set<string>();
  const add = (questions: QuestionRow[], tokens: () => Table, provenance: Provenance, replaces = false) => {
    if (replaces) {
      const again = new Set(questions.map(questionKey).filter((k) => taken.has(k)));
      out.questions = out.questions.filter((q) => !again.has(questionKey(q)));
      out.tokenRuns = out.tokenRuns.filter((r) => !again.has(questionKey(r)));
      for (const k of again) {
        taken.delete(k);
        out.errored.delete(k);
      }
    }
    const fresh = new Set<string>();
    for (const q of questions) {
      const k = questionKey(q);
      if (taken.has(k) && !fresh.has(k)) continue;
      if (q.error !== null) out.errored.add(k);
      if (!fresh.has(k)) fresh.add(k);
      out.questions.push(q);
    }
    out.duplicates += new Set(questions.map(questionKey)).size - fresh.size;
    if (options.tokens) out.tokenRuns.push(...questionRuns(tokens()).filter((r) => fresh.has(questionKey(r))));
    for (const k of fresh) taken.add(k);
    out.provenance.push(provenance);
  };
  const file = (name: string) => join(dir, name);
  if (Object.values(RESULT_FILES).every((f) => existsSync(file(f)))) {
    const q = readArrowFile(file(RESULT_FILES.questions));
    const meta = parseMetadata(q.schema.metadata, file(RESULT_FILES.questions));
    add(readRunRows(QUESTION_COLUMNS, q, file(RESULT_FILES.questions)), () => readArrowFile(file(RESULT_FILES.tokens)), {
      code: meta.code,
      machines: meta.machines,
      shards: meta.shards,
      models: meta.models as Record<string, unknown>,
      calibration: meta.calibration as Record<string, unknown>,
    });
  }
  for (const name of partNames(dir)) {
    const part = readPart(dir, name, false);
    add(part.questions, () => readPartTokens(dir, name), partProvenance(part.metadata), partReplaces(part.metadata));
    out.partFiles.push(join(dir, PARTS_DIR, `${name}.questions.arrow`), join(dir, PARTS_DIR, `${name}.tokens.arrow`));
  }
  return out;
}

/** A part's provenance: written by a sweep ("tlr.part"), or a results file copied in by a merge. */
function partProvenance(meta: Map<string, string>): Provenance {
  const part = meta.get("tlr.part");
  if (part) {
    const p = JSON.parse(part) as {code: unknown; machine: unknown; shard: unknown; models: Record<string, unknown>; calibration: Record<string, unknown>};
    return {code: [p.code], machines: [p.machine], shards: [p.shard], models: p.models, calibration: p.calibration};
  }
  const m = parseMetadata(meta, "a merged results file");
  return {code: m.code, machines: m.machines, shards: m.shards, models: m.models as Record<string, unknown>, calibration: m.calibration as Record<string, unknown>};
}

/** Whether a part was written by a rerun of errored questions (`tlr sweep --retry-errors`): its rows replace earlier ones. */
function partReplaces(meta: Map<string, string>): boolean {
  const part = meta.get("tlr.part");
  return part !== undefined && (JSON.parse(part) as {replaces?: boolean}).replaces === true;
}

/** Splits a token table into per-question slices (zero-copy): a question's rows are written together. */
function questionRuns(table: Table): TokenRun[] {
  const pair = table.getChild("pair")!;
  const dataset = table.getChild("dataset")!;
  const question = table.getChild("question_index")!;
  const runs: TokenRun[] = [];
  let start = 0;
  for (let i = 1; i <= table.numRows; i++) {
    if (i === table.numRows || question.get(i) !== question.get(start) || pair.get(i) !== pair.get(start) || dataset.get(i) !== dataset.get(start)) {
      runs.push({pair: pair.get(start), dataset: dataset.get(start), questionIndex: question.get(start), rows: table.slice(start, i)});
      start = i;
    }
  }
  return runs;
}

/** Deletes part files once the results files include them. */
export function removeParts(files: readonly string[]): void {
  for (const f of files) rmSync(f, {force: true});
}
