/** One labelled answer option of a multiple-choice question. */
export interface Choice {
  /** "A".."E" (CommonsenseQA), "A".."D" (MMLU, ARC, OpenBookQA), "A"/"B" (PIQA). */
  label: string;
  text: string;
}

/** Where an example came from, precisely enough to find it again. */
export interface ExampleSource {
  /** Registered dataset name, e.g. "commonsense_qa". */
  dataset: string;
  split: string;
  /** The file it was read from (a local path, or a Hub path inside the repo). */
  file?: string;
  /** 1-based line (JSONL/CSV) or 0-based row (parquet) in that file. */
  line?: number;
  row?: number;
  /** Further provenance: subject (MMLU), question concept (CommonsenseQA), Hub revision… */
  [key: string]: string | number | undefined;
}

/** A benchmark item, typed the same way for every dataset. */
export interface Example {
  /** The dataset's own id where it has one, else `${split}-${index}`; unique within a split. */
  id: string;
  /** The question text (CommonsenseQA's stem, GSM8K's problem, PIQA's goal…). */
  question: string;
  /** Labelled options; empty for open-ended tasks (GSM8K). */
  choices: Choice[];
  /** Gold answer: a choice label for multiple choice, the final number for GSM8K; null when the split has no labels. */
  answer: string | null;
  /** A gold reasoning or completion where the dataset has one (GSM8K solutions, toy-arith targets). */
  reference?: string;
  source: ExampleSource;
}
