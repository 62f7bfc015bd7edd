import {existsSync, mkdirSync, readdirSync, rmdirSync, rmSync} from "node:fs";
import {join} from "node:path";
import type {Table} from "apache-arrow";
import {buildTable, readTable} from "./columns.ts";
import {COMPRESSED, readArrowFile, writeArrowFile} from "./arrowFile.ts";
import {readRunRows} from "./readRunRows.ts";
import {QUESTION_COLUMNS, TOKEN_COLUMNS, type QuestionRow, type TokenRow} from "./schema.ts";

/**
 * Finished questions are written to `DIR/parts/` as they complete, a few questions per part:
 * first the part's token rows, then its question rows, each atomically, so a part's questions
 * file exists only when both are complete. They are the checkpoint a killed sweep resumes from
 * and what `tlr merge` joins; the results files are rebuilt from them.
 */
export const PARTS_DIR = "parts";

export interface Part {
  questions: QuestionRow[];
  tokens: TokenRow[];
  /** Provenance of the process that wrote it (machine, code), kept for merges. */
  metadata: Map<string, string>;
}

/** Writes a part, compressed as the results files are (`loadZstd()` must have finished). */
export function writePart(dir: string, name: string, part: Part): void {
  const parts = join(dir, PARTS_DIR);
  mkdirSync(parts, {recursive: true});
  const tokens = join(parts, `${name}.tokens.arrow`);
  writeArrowFile(tokens, buildTable(TOKEN_COLUMNS, part.tokens, part.metadata), COMPRESSED);
  try {
    writeArrowFile(join(parts, `${name}.questions.arrow`), buildTable(QUESTION_COLUMNS, part.questions, part.metadata), COMPRESSED);
  } catch (error) {
    rmSync(tokens, {force: true}); // a part is both files or neither
    throw error;
  }
}

/** Removes `DIR/parts/` once it holds nothing: a finished folder is sweep.json and the three results files. */
export function removeEmptyPartsDir(dir: string): void {
  try {
    rmdirSync(join(dir, PARTS_DIR));
  } catch {
    // absent, or still holding parts
  }
}

/** Names of the complete parts in `dir` (sorted). */
export function partNames(dir: string): string[] {
  const parts = join(dir, PARTS_DIR);
  if (!existsSync(parts)) return [];
  return readdirSync(parts)
    .filter((f) => f.endsWith(".questions.arrow"))
    .map((f) => f.slice(0, -".questions.arrow".length))
    .sort();
}

/** A part's token rows as an Arrow table (not as objects: they are most of a sweep's data). */
export function readPartTokens(dir: string, name: string): Table {
  return readArrowFile(join(dir, PARTS_DIR, `${name}.tokens.arrow`));
}

export function readPart(dir: string, name: string, withTokens = true): Part {
  const qFile = join(dir, PARTS_DIR, `${name}.questions.arrow`);
  const q = readArrowFile(qFile);
  const tFile = join(dir, PARTS_DIR, `${name}.tokens.arrow`);
  return {
    questions: readRunRows(QUESTION_COLUMNS, q, qFile),
    tokens: withTokens ? readTable(TOKEN_COLUMNS, readArrowFile(tFile), tFile) : [],
    metadata: q.schema.metadata,
  };
}
