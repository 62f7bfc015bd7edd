import type {Example} from "../data/types.ts";

/** What an answer extractor found in a model's output, and by which rule. */
export interface Extraction {
  /** A choice label ("A"…) or a number (GSM8K, as written); null when no rule matched. */
  answer: string | null;
  /** Which rule matched (e.g. "choice-text-after-therefore"), or "none". */
  rule: string;
}

/**
 * A benchmark task: prompt format + answer extractor + scorer. Small and declarative, so a
 * results file can name exactly what produced it (`name`).
 */
export interface Task {
  /** Registered name, e.g. "commonsense_qa:citer". */
  readonly name: string;
  /** The dataset it reads. */
  readonly dataset: string;
  /** The prompt format: "citer", "letter", "toy" (multiple choice) or "qa" (GSM8K). A chat template is applied on top by `loadChatTemplate`. */
  readonly format: string;
  /** The prompt text for an example (without BOS: `encodePrompt` adds it where the model wants one). */
  prompt(example: Example): string;
  /** Stop strings for generation, beyond EOS. */
  readonly stop: readonly string[];
  /** The predicted answer in the output. */
  extract(output: string, example: Example): Extraction;
  /** Whether a predicted answer is correct (false for null or unlabelled examples). */
  score(answer: string | null, example: Example): boolean;
}
