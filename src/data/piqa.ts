import {z} from "zod";
import {TlrError} from "../util/errors.ts";
import {multipleChoice} from "./choices.ts";
import type {DatasetSpec, SplitFile} from "./DatasetSpec.ts";
import {bad, checkRow, jsonlExamples, lineCount, textLines, type RowContext, type RowResult} from "./rows.ts";
import type {Example} from "./types.ts";

/** A PIQA row: a goal and two solutions; the gold index (0 or 1) comes from a separate labels file, or `label` on the Hub. */
const PiqaRow = z.object({goal: z.string().min(1), sol1: z.string(), sol2: z.string()});
const HubLabel = z.union([z.number(), z.bigint()]).transform(Number);

function piqaExample(value: unknown, label: number | null, id: string, ctx: RowContext, at: {line: number} | {row: number}): RowResult<Example> {
  const row = checkRow(PiqaRow, value);
  if (!row.ok) return row;
  const mc = multipleChoice({texts: [row.value.sol1, row.value.sol2], answer: label, expected: 2, labelled: ctx.labelled});
  if (!mc.ok) return mc;
  return {ok: true, value: {id, question: row.value.goal, ...mc.value, source: {dataset: ctx.dataset, split: ctx.split, file: ctx.file, ...at}}};
}

/** The labels file: one 0 or 1 per line, line i for row i of the JSONL file; anything else is kept as text to report. */
function readLabels(file: SplitFile): (number | string)[] {
  return textLines(file.text).map((l) => (/^\s*[01]\s*$/.test(l) ? Number(l) : l));
}

export const piqa: DatasetSpec = {
  name: "piqa",
  kind: "multiple-choice",
  defaultFormat: "citer",
  fromFiles(files, ctx) {
    const rows = files.find((f) => f.path.endsWith(".jsonl"));
    const labelFile = files.find((f) => f.path.endsWith(".lst"));
    if (!rows) throw new TlrError(`piqa ${ctx.split}: the manifest names no .jsonl file`);
    const labels = labelFile ? readLabels(labelFile) : [];
    const lines = lineCount(rows.text);
    if (labelFile && labels.length !== lines) {
      throw new TlrError(`${labelFile.path} has ${labels.length} labels for the ${lines} lines of ${rows.path}: they pair line by line; replace both with the published files`);
    }
    const fileCtx = {...ctx, file: rows.path};
    return jsonlExamples(rows.text, fileCtx, (value, line) => {
      const label = labels[line - 1] ?? null;
      if (typeof label === "string") return bad(`its label ${JSON.stringify(label)} (line ${line} of ${labelFile!.path}) is not 0 or 1`);
      return piqaExample(value, label, `${ctx.split}-${line - 1}`, fileCtx, {line});
    });
  },
  fromHubRow(record, at, ctx) {
    const label = HubLabel.safeParse(record.label);
    return piqaExample(record, label.success ? label.data : null, `${ctx.split}-${at.index}`, ctx, {row: at.row});
  },
};
