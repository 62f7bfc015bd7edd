import {loadDataset, type Dataset, type LoadDatasetOptions} from "./loadDataset.ts";
import {subset, type SubsetOptions} from "./subset.ts";
import type {Example} from "./types.ts";

/** A dataset split and the questions chosen from it. */
export interface Selected {
  dataset: Dataset;
  /** The chosen examples, in run order (question_index = position here). */
  examples: Example[];
}

/**
 * The questions a sweep or a label collection runs: the split as `loadDataset` gives it (a
 * generated dataset's `seed`/`count` in `load` regenerate it), then the first `limit`, or with
 * `selection.seed` exactly Python's `random.Random(seed).sample(examples, limit)` (see `subset`).
 * One rule for every command, so a config and a collection that name the same limit and seed run
 * the same questions.
 */
export async function selectExamples(name: string, selection: SubsetOptions, load: LoadDatasetOptions = {}): Promise<Selected> {
  const dataset = await loadDataset(name, load);
  return {dataset, examples: subset(dataset.examples, selection)};
}
