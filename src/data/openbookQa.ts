import {foundryExamples, hubChoiceRow} from "./arc.ts";
import type {DatasetSpec} from "./DatasetSpec.ts";

/** OpenBookQA (4 choices): llm-foundry files locally, allenai/openbookqa (config main) on the Hub. */
export const openbookQa: DatasetSpec = {
  name: "openbookqa",
  kind: "multiple-choice",
  defaultFormat: "citer",
  fromFiles: (files, ctx) => files.flatMap((f) => foundryExamples(f.text, {...ctx, file: f.path}, 4)),
  fromHubRow: (record, at, ctx) => hubChoiceRow(record, at, ctx, 4),
};
