import {TlrError} from "../util/errors.ts";
import {arcChallenge, arcEasy} from "./arc.ts";
import {commonsenseQa} from "./commonsenseQa.ts";
import type {DatasetSpec} from "./DatasetSpec.ts";
import {gsm8k} from "./gsm8k.ts";
import {mmlu} from "./mmlu.ts";
import {openbookQa} from "./openbookQa.ts";
import {piqa} from "./piqa.ts";

/** The toy task is generated from its manifest's seeds (toyArith.ts), so it has no file or Hub reader. */
const toyArith: DatasetSpec = {name: "toy_arith", kind: "multiple-choice", defaultFormat: "toy"};

const SPECS: readonly DatasetSpec[] = [commonsenseQa, arcChallenge, arcEasy, openbookQa, piqa, gsm8k, mmlu, toyArith];

/** Registered dataset names, in the order `tlr data list` shows them. */
export const DATASET_NAMES: readonly string[] = SPECS.map((s) => s.name);

export function isDatasetName(name: string): boolean {
  return DATASET_NAMES.includes(name);
}

export function datasetSpec(name: string): DatasetSpec {
  const spec = SPECS.find((s) => s.name === name);
  if (!spec) throw new TlrError(`unknown dataset "${name}": use one of ${DATASET_NAMES.join(", ")}, or the path of a JSONL file in CommonsenseQA's format`);
  return spec;
}

/** A name that is not registered but looks like a file: a user's multiple-choice JSONL in CommonsenseQA's (TAU) format. */
export function isLocalFileName(name: string): boolean {
  return !isDatasetName(name) && (/[\\/]/.test(name) || /\.jsonl?$/i.test(name));
}
