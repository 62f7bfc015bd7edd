import {datasetSpec, isDatasetName, isLocalFileName} from "../data/registry.ts";
import type {Example} from "../data/types.ts";
import {TlrError} from "../util/errors.ts";
import {extractChoice} from "./extractChoice.ts";
import {extractNumber} from "./extractNumber.ts";
import {PROMPT_FORMATS, type PromptFormat} from "./promptFormats.ts";
import type {Extraction, Task} from "./Task.ts";

export const TASK_FORMATS: readonly string[] = PROMPT_FORMATS.map((f) => f.name);

/**
 * The task "dataset:format" (e.g. "commonsense_qa:citer", "toy_arith:toy", "gsm8k:qa"), or
 * "dataset" for its default format. The dataset is a registered name or the path of a JSONL file
 * in CommonsenseQA's format (multiple choice, default format citer). Multiple-choice formats
 * (citer, letter, toy) extract with CITER's rules; the numeric one (qa) with GSM8K's.
 */
export function createTask(name: string): Task {
  const colon = name.lastIndexOf(":");
  const named = colon > 0 && TASK_FORMATS.includes(name.slice(colon + 1));
  const dataset = named ? name.slice(0, colon) : name;
  if (colon > 0 && !named && isDatasetName(name.slice(0, colon))) {
    throw new TlrError(`unknown task format "${name.slice(colon + 1)}": use one of ${TASK_FORMATS.join(", ")}`);
  }
  const {kind, defaultFormat} = isLocalFileName(dataset) ? {kind: "multiple-choice", defaultFormat: "citer"} : datasetSpec(dataset);
  const formatName = named ? name.slice(colon + 1) : defaultFormat;
  const format = PROMPT_FORMATS.find((f) => f.name === formatName)!;
  if (format.kind !== kind) {
    const fitting = PROMPT_FORMATS.filter((f) => f.kind === kind).map((f) => f.name);
    throw new TlrError(`format "${format.name}" does not fit ${dataset} (a ${kind} dataset): use ${fitting.join(" or ")}`);
  }
  return makeTask(dataset, format);
}

function makeTask(dataset: string, format: PromptFormat): Task {
  const extract = format.kind === "numeric" ? (output: string): Extraction => extractNumber(output) : (output: string, example: Example) => extractChoice(output, example.choices);
  return {
    name: `${dataset}:${format.name}`,
    dataset,
    format: format.name,
    prompt: (example) => format.prompt(example),
    stop: format.stop,
    extract,
    // Both sides are canonical (a label, or canonicalNumber's form), so equality is the score.
    score: (answer, example) => answer !== null && example.answer !== null && answer === example.answer,
  };
}
