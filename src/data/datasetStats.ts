import {DataUnavailableError} from "../util/errors.ts";
import {loadDataset, type LoadDatasetOptions} from "./loadDataset.ts";
import {readManifest} from "./manifest.ts";
import {isLocalFileName} from "./registry.ts";

export interface SplitStats {
  split: string;
  /** Examples loaded; undefined when the split could not be read from this source (see `error`). */
  rows?: number;
  skipped?: number;
  /** Examples with a gold answer. */
  labelled?: number;
  /** How many examples have each gold answer ("A": 239, …; numbers are not tallied). */
  answers?: Record<string, number>;
  source?: string;
  /** Why this source does not hold the split (other errors are thrown). */
  unavailable?: string;
}

/**
 * Rows per split from the chosen source: every split of the manifest is loaded (and checked) in
 * turn; a split this source does not hold is listed as unavailable, any other error is thrown.
 */
export async function datasetStats(name: string, options: Omit<LoadDatasetOptions, "split"> = {}): Promise<SplitStats[]> {
  const splits = isLocalFileName(name) ? [undefined] : Object.keys(readManifest(name).splits);
  const out: SplitStats[] = [];
  for (const split of splits) {
    try {
      const d = await loadDataset(name, {...options, split});
      const answers: Record<string, number> = {};
      for (const e of d.examples) if (e.answer !== null && e.choices.length > 0) answers[e.answer] = (answers[e.answer] ?? 0) + 1;
      const labelled = d.examples.filter((e) => e.answer !== null).length;
      out.push({split: d.split, rows: d.examples.length, skipped: d.skipped, labelled, answers, source: d.provenance.source});
    } catch (error) {
      if (!(error instanceof DataUnavailableError)) throw error;
      out.push({split: split!, unavailable: error.message});
    }
  }
  return out;
}
