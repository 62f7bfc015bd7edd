import type {RowContext, RowResult} from "./rows.ts";
import type {Example} from "./types.ts";

/** One published file of a split, read and checked against the manifest. */
export interface SplitFile {
  /** Relative to the data directory (as the manifest names it). */
  path: string;
  text: string;
}

/**
 * A benchmark's code: how its published files and the rows of its Hub parquet conversion become
 * examples. The facts about it (files, checksums, rows per split, Hub repo) live in its manifest,
 * datasets/NAME.json.
 */
export interface DatasetSpec {
  readonly name: string;
  /** Which prompt formats apply: multiple choice (CITER, letter) or a number to compute (GSM8K). */
  readonly kind: "multiple-choice" | "numeric";
  /** The task format `createTask(name)` picks when none is named. */
  readonly defaultFormat: string;
  /** Examples from one split's published files (all of them, in manifest order). */
  fromFiles?(files: readonly SplitFile[], ctx: Omit<RowContext, "file">): Example[];
  /**
   * One row of the Hub's parquet conversion → an example, or why not. `index` counts rows across
   * the split's files (for ids where the dataset has none), `row` within this file.
   */
  fromHubRow?(record: Record<string, unknown>, at: {index: number; row: number}, ctx: RowContext): RowResult<Example>;
}
