import {z} from "zod";
import type {DatasetSpec} from "./DatasetSpec.ts";
import {bad, checkRow, jsonlExamples, type RowContext, type RowResult} from "./rows.ts";
import type {Example} from "./types.ts";

/**
 * A number as GSM8K's scorer compares it: thousands separators, a currency sign and a final
 * period dropped, leading zeros and trailing decimal zeros removed ("1,080" → "1080",
 * "$18.00" → "18", "3.50" → "3.5"). Null when the text is not a number.
 */
export function canonicalNumber(text: string): string | null {
  const t = text
    .trim()
    .replace(/^(-?)\$/, "$1")
    .replace(/(?<=\d),(?=\d{3}(\D|$))/g, "")
    .replace(/\.$/, "");
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) return null;
  const whole = m[2]!.replace(/^0+(?=\d)/, "");
  const frac = (m[3] ?? "").replace(/0+$/, "");
  const value = frac ? `${whole}.${frac}` : whole;
  return m[1] && value !== "0" ? `-${value}` : value;
}

/** GSM8K's row, the same in the published JSONL and on the Hub (openai/gsm8k, config main). */
const Gsm8kRow = z.object({question: z.string().min(1), answer: z.string().min(1)});

/** The gold number follows the solution's last "#### ". */
function gsm8kExample(value: unknown, id: string, ctx: RowContext, at: {line: number} | {row: number}): RowResult<Example> {
  const row = checkRow(Gsm8kRow, value);
  if (!row.ok) return row;
  const marker = row.value.answer.lastIndexOf("####");
  if (marker < 0) return bad('field answer: no "#### <number>" final answer');
  const gold = canonicalNumber(row.value.answer.slice(marker + 4));
  if (gold === null) return bad(`field answer: ${JSON.stringify(row.value.answer.slice(marker + 4).trim())} after "####" is not a number`);
  const source = {dataset: ctx.dataset, split: ctx.split, file: ctx.file, ...at};
  return {ok: true, value: {id, question: row.value.question, choices: [], answer: gold, reference: row.value.answer, source}};
}

export const gsm8k: DatasetSpec = {
  name: "gsm8k",
  kind: "numeric",
  defaultFormat: "qa",
  fromFiles: (files, ctx) =>
    files.flatMap((f) => {
      const fileCtx = {...ctx, file: f.path};
      return jsonlExamples(f.text, fileCtx, (value, line) => gsm8kExample(value, `${ctx.split}-${line - 1}`, fileCtx, {line}));
    }),
  fromHubRow: (record, at, ctx) => gsm8kExample(record, `${ctx.split}-${at.index}`, ctx, {row: at.row}),
};
