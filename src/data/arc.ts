import {z} from "zod";
import {multipleChoice, type ChoiceCount} from "./choices.ts";
import type {DatasetSpec} from "./DatasetSpec.ts";
import {checkRow, jsonlExamples, lineCount, type RowContext, type RowResult} from "./rows.ts";
import type {Example} from "./types.ts";

/** MosaicML llm-foundry's evaluation format (ARC, OpenBookQA): `{query, choices: [...], gold: index}`, no ids. */
const FoundryRow = z.object({query: z.string().min(1), choices: z.array(z.string()), gold: z.number().int()});

/**
 * Examples from llm-foundry JSONL files. Ids are `${split}-${index}` (the format keeps none);
 * ARC's queries start with "Question: ", which the prompt formats add themselves, so it is cut.
 */
export function foundryExamples(text: string, ctx: RowContext, expected: ChoiceCount, start = 0): Example[] {
  // Ids follow the line, so skipping a bad row never renumbers the rows after it.
  return jsonlExamples(text, ctx, (value, line) => foundryExample(value, line, `${ctx.split}-${start + line - 1}`, ctx, expected));
}

function foundryExample(value: unknown, line: number, id: string, ctx: RowContext, expected: ChoiceCount): RowResult<Example> {
  const row = checkRow(FoundryRow, value);
  if (!row.ok) return row;
  const mc = multipleChoice({texts: row.value.choices, answer: row.value.gold, expected, labelled: ctx.labelled});
  if (!mc.ok) return mc;
  const question = row.value.query.replace(/^Question: /, "");
  return {ok: true, value: {id, question, ...mc.value, source: {dataset: ctx.dataset, split: ctx.split, file: ctx.file, line}}};
}

/** The Hub's row of allenai/ai2_arc and allenai/openbookqa: `{id, question | question_stem, choices: {text[], label[]}, answerKey}`. */
const HubRow = z.object({
  id: z.string().min(1),
  question: z.string().min(1),
  choices: z.object({text: z.array(z.string()), label: z.array(z.string())}),
  answerKey: z.string().optional(),
});

export function hubChoiceRow(record: Record<string, unknown>, at: {row: number}, ctx: RowContext, expected: ChoiceCount): RowResult<Example> {
  const row = checkRow(HubRow, {...record, question: record.question ?? record.question_stem});
  if (!row.ok) return row;
  const {id, question, choices, answerKey} = row.value;
  const mc = multipleChoice({texts: choices.text, labels: choices.label, answer: answerKey, expected, labelled: ctx.labelled});
  if (!mc.ok) return mc;
  return {ok: true, value: {id, question, ...mc.value, source: {dataset: ctx.dataset, split: ctx.split, file: ctx.file, row: at.row}}};
}

/** ARC questions have 4 choices, a few on the Hub 3 or 5; ids and "1".."4" labels are normalised there. */
const ARC_CHOICES = {min: 3, max: 5};

function arcSpec(name: string): DatasetSpec {
  return {
    name,
    kind: "multiple-choice",
    defaultFormat: "citer",
    fromFiles(files, ctx) {
      let start = 0;
      return files.flatMap((f) => {
        const examples = foundryExamples(f.text, {...ctx, file: f.path}, ARC_CHOICES, start);
        start += lineCount(f.text);
        return examples;
      });
    },
    fromHubRow: (record, at, ctx) => hubChoiceRow(record, at, ctx, ARC_CHOICES),
  };
}

export const arcChallenge = arcSpec("arc_challenge");
export const arcEasy = arcSpec("arc_easy");
