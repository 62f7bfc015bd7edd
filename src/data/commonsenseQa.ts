import {z} from "zod";
import {multipleChoice, type ChoiceCount} from "./choices.ts";
import type {DatasetSpec} from "./DatasetSpec.ts";
import {checkRow, jsonlExamples, type RowContext, type RowResult} from "./rows.ts";
import type {Example} from "./types.ts";

/** CommonsenseQA's original (TAU) row: `{answerKey, id, question: {question_concept, choices: [{label, text}], stem}}`. */
const TauRow = z.object({
  id: z.string().min(1),
  answerKey: z.string().optional(),
  question: z.object({
    stem: z.string().min(1),
    question_concept: z.string().optional(),
    choices: z.array(z.object({label: z.string(), text: z.string()})),
  }),
});

/** The Hub's tau/commonsense_qa row: the stem is `question`, choices are `{label[], text[]}`, test answerKey is "". */
const HubRow = z.object({
  id: z.string().min(1),
  question: z.string().min(1),
  question_concept: z.string().optional(),
  choices: z.object({label: z.array(z.string()), text: z.array(z.string())}),
  answerKey: z.string().optional(),
});

/**
 * Examples from a JSONL file in CommonsenseQA's TAU format (also any user's multiple-choice file
 * in that format). `expected` fixes the number of choices; "first-row" takes it from the file's
 * first good row, so every row of one file has as many choices as the first.
 */
export function tauExamples(text: string, ctx: RowContext, expected: ChoiceCount | "first-row"): Example[] {
  let count = expected === "first-row" ? undefined : expected;
  return jsonlExamples(text, ctx, (value, line) => {
    const result = tauExample(value, line, ctx, count ?? {min: 2, max: 10});
    if (result.ok) count ??= result.value.choices.length;
    return result;
  });
}

function tauExample(value: unknown, line: number, ctx: RowContext, expected: ChoiceCount): RowResult<Example> {
  const row = checkRow(TauRow, value);
  if (!row.ok) return row;
  const {question, id, answerKey} = row.value;
  const mc = multipleChoice({texts: question.choices.map((c) => c.text), labels: question.choices.map((c) => c.label), answer: answerKey, expected, labelled: ctx.labelled});
  if (!mc.ok) return mc;
  const source = {dataset: ctx.dataset, split: ctx.split, file: ctx.file, line, concept: question.question_concept};
  return {ok: true, value: {id, question: question.stem, ...mc.value, source}};
}

export const commonsenseQa: DatasetSpec = {
  name: "commonsense_qa",
  kind: "multiple-choice",
  defaultFormat: "citer",
  fromFiles: (files, ctx) => files.flatMap((f) => tauExamples(f.text, {...ctx, file: f.path}, 5)),
  fromHubRow(record, at, ctx) {
    const row = checkRow(HubRow, record);
    if (!row.ok) return row;
    const {id, question, choices, answerKey, question_concept} = row.value;
    const mc = multipleChoice({texts: choices.text, labels: choices.label, answer: answerKey, expected: 5, labelled: ctx.labelled});
    if (!mc.ok) return mc;
    return {ok: true, value: {id, question, ...mc.value, source: {dataset: ctx.dataset, split: ctx.split, file: ctx.file, row: at.row, concept: question_concept}}};
  },
};
