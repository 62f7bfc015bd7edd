import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {readArrowFile, writeArrowFile} from "../results/arrowFile.ts";
import {buildTable, readTable} from "../results/columns.ts";
import {TlrError} from "../util/errors.ts";
import type {LabelRow} from "./collectLabels.ts";
import {LABEL_COLUMNS} from "./labelFile.ts";

/** What one question of a collection gave: its rows, the continuations it ran, or the error it was recorded with. */
export interface QuestionLabels {
  index: number;
  id: string;
  rows: LabelRow[];
  continuations: number;
  continuationTokens: number;
  /** Why the question has no rows (a remote model that failed after its retries), else null. */
  error: string | null;
}

/** A question as a part records it (its rows are the part's table). */
export type QuestionRecord = Omit<QuestionLabels, "rows"> & {rows: number};

const PART_KEY = "tlr.label-part";
const STATE_FILE = "collect.json";

/**
 * A labels collection in progress, beside the file it will write: `<out>.parts/` holds
 * `collect.json` (the key of what is being collected: another collection into the same file is
 * refused) and one Arrow part per flush, the label rows of a few finished questions with, in its
 * metadata, each question's counters or error. Each part is written atomically (arrowFile.ts), so
 * a killed collection leaves only whole parts and a rerun of the same command skips their
 * questions; at the end the parts become the labels file and the folder is removed.
 */
export class LabelStore {
  private constructor(
    readonly dir: string,
    private serial: number,
  ) {}

  /** Creates `<out>.parts/` (and `out`'s folder) for collection `key`, or reopens it for the same key. */
  static claim(out: string, key: string): LabelStore {
    const dir = `${out}.parts`;
    try {
      mkdirSync(dir, {recursive: true});
    } catch (error) {
      throw new TlrError(`cannot create ${dir} (beside --out ${out}): ${(error as Error).message}`, {cause: error});
    }
    const file = join(dir, STATE_FILE);
    if (existsSync(file)) {
      const held = (JSON.parse(readFileSync(file, "utf8")) as {key?: string}).key;
      if (held !== key) throw new TlrError(`${dir} holds an unfinished collection with other options; rerun that command to finish it, or delete ${dir}`);
    } else {
      writeFileSync(file, JSON.stringify({key}) + "\n");
    }
    return new LabelStore(dir, partFiles(dir).length);
  }

  /** The questions already collected (with rows or with their error), by index. */
  finished(): Map<number, QuestionRecord> {
    const done = new Map<number, QuestionRecord>();
    for (const f of partFiles(this.dir)) for (const q of readPartMeta(join(this.dir, f))) done.set(q.index, q);
    return done;
  }

  /** Writes finished questions as one part. */
  write(questions: readonly QuestionLabels[]): void {
    if (questions.length === 0) return;
    const meta = questions.map(({rows, ...q}) => ({...q, rows: rows.length}));
    const name = `q${String(questions[0]!.index).padStart(6, "0")}-${process.pid}-${String(this.serial++).padStart(4, "0")}.arrow`;
    writeArrowFile(join(this.dir, name), buildTable(LABEL_COLUMNS, questions.flatMap((q) => q.rows), new Map([[PART_KEY, JSON.stringify(meta)]])));
  }

  /** Every collected question and row, in question order (rows by step within a question). */
  read(): {questions: QuestionRecord[]; rows: LabelRow[]} {
    const questions: QuestionRecord[] = [];
    const rows: LabelRow[] = [];
    for (const f of partFiles(this.dir)) {
      const path = join(this.dir, f);
      const table = readArrowFile(path);
      questions.push(...readPartMeta(path, table.schema.metadata.get(PART_KEY)));
      rows.push(...readTable(LABEL_COLUMNS, table, path));
    }
    questions.sort((a, b) => a.index - b.index);
    rows.sort((a, b) => a.questionIndex - b.questionIndex || a.step - b.step);
    return {questions, rows};
  }

  /** Removes the parts folder once the labels file holds everything. */
  remove(): void {
    rmSync(this.dir, {recursive: true, force: true});
  }
}

/** Where `LabelStore.claim` keeps the parts of a collection into `out`. */
export function labelPartsDir(out: string): string {
  return `${out}.parts`;
}

function partFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => /^q\d+-.*\.arrow$/.test(f)).sort();
}

function readPartMeta(path: string, raw = readArrowFile(path).schema.metadata.get(PART_KEY)): QuestionRecord[] {
  if (!raw) throw new TlrError(`${path} is not a labels part (no ${PART_KEY} metadata): delete ${dirname(path)} and collect again`);
  return JSON.parse(raw) as QuestionRecord[];
}
