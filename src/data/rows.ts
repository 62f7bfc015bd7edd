import type {z} from "zod";
import {TlrError} from "../util/errors.ts";
import {describeZodIssue} from "../util/zodIssue.ts";
import type {Example} from "./types.ts";

/** A row that could not become an example: where it is and why. */
export interface BadRow {
  /** The file as the user can find it (a path, or a Hub repo path). */
  file: string;
  /** "line 12" (JSONL, CSV: 1-based) or "row 7" (parquet: 0-based). */
  at: string;
  reason: string;
}

/** What a reader needs to know to turn rows into examples and to report the ones it cannot. */
export interface RowContext {
  dataset: string;
  split: string;
  /** Whether gold answers are expected (false for unlabelled test splits). */
  labelled: boolean;
  /** The file label used in `Example.source.file` and in messages. */
  file: string;
  issues: RowIssues;
}

/**
 * The bad-row policy of one load: throw a one-line TlrError at the first bad row (default), or
 * skip and collect them (`skipBadRows`).
 */
export class RowIssues {
  readonly bad: BadRow[] = [];
  constructor(private readonly skip: boolean) {}

  report(file: string, at: string, reason: string): void {
    if (!this.skip) throw new TlrError(`${file} ${at}: ${reason} (fix or remove that row, or pass --skip-bad-rows to skip bad rows)`);
    this.bad.push({file, at, reason});
  }
}

/** A reader's verdict on one row: an example, or why not. */
export type RowResult<T> = {ok: true; value: T} | {ok: false; reason: string};

export const bad = (reason: string): {ok: false; reason: string} => ({ok: false, reason});

/** Validates a row against a zod schema; the first issue becomes a short reason naming the field. */
export function checkRow<S extends z.ZodType>(schema: S, value: unknown): RowResult<z.infer<S>> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return {ok: true, value: parsed.data};
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join(".");
  if (issue.code === "invalid_type" && / received undefined$/.test(issue.message)) return bad(`missing ${field || "value"}`);
  if (issue.code === "invalid_union") return bad(`field ${describeZodIssue(issue, "value")}`);
  return bad(`${field ? `field ${field}: ` : ""}${issue.message.replace(/^Invalid input: /, "")}`);
}

const UTF8 = new TextDecoder("utf-8", {fatal: true});

/**
 * A data file's bytes as text. Bytes that are not UTF-8 make their line a bad row (never silently
 * replaced by U+FFFD): reported with its 1-based number, and with skipBadRows blanked, so that its
 * row is skipped and later lines keep their numbers.
 */
export function utf8Text(data: Uint8Array, file: string, issues: RowIssues): string {
  try {
    return UTF8.decode(data);
  } catch {
    // Find the lines at fault (the slow path, only for a damaged file).
  }
  const lines: string[] = [];
  for (let start = 0, line = 1; start <= data.length; line++) {
    const end = data.indexOf(0x0a, start);
    const bytes = data.subarray(start, end < 0 ? data.length : end);
    try {
      lines.push(UTF8.decode(bytes));
    } catch {
      issues.report(file, `line ${line}`, "not valid UTF-8 text (save the file as UTF-8)");
      lines.push("");
    }
    if (end < 0) break;
    start = end + 1;
  }
  return lines.join("\n");
}

/**
 * Keeps the first example of each id: a later one is a bad row naming where the id was first used
 * (a question id names one question: results, resumes and calibration key on it).
 */
export function uniqueIds(examples: readonly Example[], issues: RowIssues, fallbackFile: string): Example[] {
  const seen = new Map<string, Example>();
  const where = (e: Example) => (e.source.line !== undefined ? `line ${e.source.line}` : e.source.row !== undefined ? `row ${e.source.row}` : "an earlier row");
  return examples.filter((e) => {
    const first = seen.get(e.id);
    if (!first) {
      seen.set(e.id, e);
      return true;
    }
    const sameFile = first.source.file === e.source.file;
    issues.report(e.source.file ?? fallbackFile, where(e), `question id ${JSON.stringify(e.id)} is already used by ${sameFile ? "" : `${first.source.file ?? fallbackFile} `}${where(first)}`);
    return false;
  });
}

/** A text's lines, without the empty one after a final newline. */
export function textLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

export const lineCount = (text: string): number => textLines(text).length;

/** The lines of a JSONL text, parsed; blank lines are ignored, bad JSON is reported with its 1-based line. */
export function* jsonLines(text: string, ctx: RowContext): Generator<{line: number; value: unknown}> {
  const lines = textLines(text);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === "") continue;
    try {
      yield {line: i + 1, value: JSON.parse(raw)};
    } catch (error) {
      ctx.issues.report(ctx.file, `line ${i + 1}`, `not valid JSON (${(error as Error).message})`);
    }
  }
}

/** Examples from a JSONL text: each parsed line through `toExample`; bad lines are reported with their number. */
export function jsonlExamples(text: string, ctx: RowContext, toExample: (value: unknown, line: number) => RowResult<Example>): Example[] {
  const examples: Example[] = [];
  for (const {line, value} of jsonLines(text, ctx)) {
    const result = toExample(value, line);
    if (result.ok) examples.push(result.value);
    else ctx.issues.report(ctx.file, `line ${line}`, result.reason);
  }
  return examples;
}
