import {readFileSync} from "node:fs";
import {parquetWriteBuffer} from "hyparquet-writer";
import {sharedPath} from "./helpers.ts";

/** A row of CommonsenseQA's original TAU file, read here directly (not through the loader under test). */
interface TauRow {
  id: string;
  answerKey?: string;
  question: {stem: string; question_concept: string; choices: {label: string; text: string}[]};
}

export function readTauRows(file: string): TauRow[] {
  return readFileSync(sharedPath("data/commonsense_qa", file), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as TauRow);
}

const str = (name: string) => ({name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL"});
const stringList = (name: string) => [
  {name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1},
  {name: "list", repetition_type: "REPEATED", num_children: 1},
  str("element"),
];

/**
 * The rows as the Hub's tau/commonsense_qa parquet holds them: `question` is the stem, choices
 * are a struct of two string lists, and the test split's answerKey is "".
 */
export function commonsenseQaParquet(rows: readonly TauRow[]): Uint8Array {
  const schema = [
    {name: "root", num_children: 5},
    str("id"),
    str("question"),
    str("question_concept"),
    {name: "choices", repetition_type: "OPTIONAL", num_children: 2},
    ...stringList("label"),
    ...stringList("text"),
    str("answerKey"),
  ];
  const buffer = parquetWriteBuffer({
    columnData: [
      {name: "id", data: rows.map((r) => r.id)},
      {name: "question", data: rows.map((r) => r.question.stem)},
      {name: "question_concept", data: rows.map((r) => r.question.question_concept)},
      {name: "choices", data: rows.map((r) => ({label: r.question.choices.map((c) => c.label), text: r.question.choices.map((c) => c.text)}))},
      {name: "answerKey", data: rows.map((r) => r.answerKey ?? "")},
    ],
    // hyparquet-writer's SchemaElement type wants its literal unions; the shapes above are the parquet spec's.
    schema: schema as Parameters<typeof parquetWriteBuffer>[0]["schema"],
  });
  return new Uint8Array(buffer);
}
