import {basename} from "node:path";
import {parse} from "csv-parse/sync";
import {z} from "zod";
import {TlrError} from "../util/errors.ts";
import {multipleChoice} from "./choices.ts";
import type {DatasetSpec} from "./DatasetSpec.ts";
import {bad, checkRow, type RowContext, type RowResult} from "./rows.ts";
import type {Example} from "./types.ts";

const HEADER = "question,choice0,choice1,choice2,choice3,answer";

/** The Hub's cais/mmlu row (config "all"): `{question, subject, choices: [4], answer: 0..3}`. */
const HubRow = z.object({
  question: z.string().min(1),
  subject: z.string(),
  choices: z.array(z.string()),
  answer: z.union([z.number(), z.bigint()]).transform(Number),
});

function mmluExample(question: string, texts: string[], answer: number | string, subject: string, id: string, ctx: RowContext, at: {line: number} | {row: number}): RowResult<Example> {
  if (question.trim() === "") return bad("missing question");
  const index = typeof answer === "number" ? answer : /^[0-3]$/.test(answer) ? Number(answer) : NaN;
  if (Number.isNaN(index)) return bad(`answer ${JSON.stringify(answer)} is not an index 0..3`);
  const mc = multipleChoice({texts, answer: index, expected: 4, labelled: ctx.labelled});
  if (!mc.ok) return mc;
  return {ok: true, value: {id, question, ...mc.value, source: {dataset: ctx.dataset, split: ctx.split, file: ctx.file, ...at, subject}}};
}

/**
 * One subject's CSV (`<subject>_<split>.csv`, a header row, then question, 4 choices and the
 * answer's index). Records may span lines (quoted newlines): a record's line is where it starts.
 */
function csvExamples(text: string, ctx: RowContext, start: number): {examples: Example[]; records: number} {
  const subject = basename(ctx.file).replace(/_(test|dev|val)\.csv$/, "");
  let records: {record: string[]; info: {lines: number}}[];
  try {
    records = parse(text, {info: true, relax_column_count: true, skip_empty_lines: true}) as unknown as typeof records;
  } catch (error) {
    throw new TlrError(`${ctx.file}: not valid CSV (${(error as Error).message}); replace it with the published file`, {cause: error});
  }
  const [header, ...rows] = records;
  if (header?.record.join(",") !== HEADER) throw new TlrError(`${ctx.file}: the first line must be the header ${HEADER}`);
  const examples: Example[] = [];
  let line = header.info.lines + 1;
  rows.forEach(({record, info}, i) => {
    const result =
      record.length === 6
        ? mmluExample(record[0]!, record.slice(1, 5), record[5]!, subject, `${ctx.split}-${start + i}`, ctx, {line})
        : bad(`${record.length - 2} choices where 4 are expected (a row is question, 4 choices, answer)`);
    if (result.ok) examples.push(result.value);
    else ctx.issues.report(ctx.file, `line ${line}`, result.reason);
    line = info.lines + 1;
  });
  return {examples, records: rows.length};
}

export const mmlu: DatasetSpec = {
  name: "mmlu",
  kind: "multiple-choice",
  defaultFormat: "citer",
  fromFiles(files, ctx) {
    const out: Example[] = [];
    let start = 0;
    for (const f of files) {
      const {examples, records} = csvExamples(f.text, {...ctx, file: f.path}, start);
      out.push(...examples);
      start += records;
    }
    return out;
  },
  fromHubRow(record, at, ctx) {
    const row = checkRow(HubRow, record);
    if (!row.ok) return row;
    const {question, choices, answer, subject} = row.value;
    return mmluExample(question, choices, answer, subject, `${ctx.split}-${at.index}`, ctx, {row: at.row});
  },
};
