import {existsSync} from "node:fs";
import {readArrowFile, writeArrowFile} from "../results/arrowFile.ts";
import {buildTable, readTable, type Column} from "../results/columns.ts";
import {TlrError} from "../util/errors.ts";
import type {LabelRow} from "./collectLabels.ts";

/** Bumped when a column changes meaning or type. */
export const LABELS_SCHEMA_VERSION = "1";

export const LABEL_COLUMNS: Column<LabelRow>[] = [
  {name: "question_index", key: "questionIndex", type: "i32", doc: "position of the question in the collected set"},
  {name: "question_id", key: "questionId", type: "utf8", doc: "the dataset's id (train/validation split by this)"},
  {name: "step", key: "step", type: "i32", doc: "0-based position in the reference continuation"},
  {name: "ref_token", key: "refToken", type: "i32", doc: "the reference token"},
  {name: "small_token", key: "smallToken", type: "i32", doc: "the small model's greedy token"},
  {name: "large_token", key: "largeToken", type: "i32", doc: "the large model's greedy token"},
  {name: "label", key: "label", type: "i32", doc: "1: the small model's token is fine; 0: it needs the large model"},
  {name: "rule", key: "rule", type: "utf8", doc: "small-right, large-right, both-wrong-small-recovers/-fails, small-wrong-small-recovers/-fails (outcome labels)"},
  {name: "small_max_prob", key: "smallMaxProb", type: "f64", doc: "top-1 probability"},
  {name: "small_margin", key: "smallMargin", type: "f64", doc: "top-1 minus top-2 probability"},
  {name: "small_entropy", key: "smallEntropy", type: "f64", doc: "next-token entropy (nats)"},
  {name: "small_top_ids", key: "smallTopIds", type: "list<i32>", doc: "top-K token ids"},
  {name: "small_top_logprobs", key: "smallTopLogprobs", type: "list<f32>", doc: "their log-probabilities"},
  {name: "hidden", key: "hidden", type: "list<f32>", doc: "the small model's last-layer hidden state (empty if not collected)"},
];

/** What a labels file says about how it was made (schema metadata `tlr.labels`). */
export interface LabelsMetadata {
  version: string;
  /** `seed` and `limit` chose the questions; `generator`, a generated dataset's seed and item count. */
  dataset: {name: string; split: string; task: string; questions: number; seed?: number; count?: number; limit?: number; generator?: {seed: number; count: number}};
  reference: "gold" | "large";
  /** How wrong small tokens were labelled (absent in files from before the option: "citer"). */
  labels?: "citer" | "outcome";
  maxTokens: number;
  small: {path: string; name: string; sha256: string; hiddenSize: number; topK: number; entropy: "exact" | "top-k"};
  /** The large model: its file, or (a remote one) the server's URL, kind and protocol in `path`'s place. */
  large: {path: string; name: string; sha256: string} | {url: string; name: string; server: string; protocol: string};
  /** How the task prompt was given: as it is, or in the small model's chat template (absent: "plain"). */
  prompt?: {format: "plain" | "chat"; system?: string};
  counts: Record<string, number>;
  /** Questions recorded with an error instead of rows (a remote model that failed after its retries). */
  errors?: {questionIndex: number; questionId: string; error: string}[];
  /** What was collected (options, models, questions) as a hash: the same command run again finds it done. */
  key?: string;
  continuations: number;
  continuationTokens: number;
  code: unknown;
  machine: unknown;
  createdAt: string;
}

export function writeLabels(path: string, rows: readonly LabelRow[], metadata: LabelsMetadata): void {
  writeArrowFile(path, buildTable(LABEL_COLUMNS, rows, new Map([["tlr.labels", JSON.stringify(metadata)]])));
}

export function readLabels(path: string): {rows: LabelRow[]; metadata: LabelsMetadata} {
  if (!existsSync(path)) throw new TlrError(`labels file not found: ${path} (tlr router collect writes one)`);
  let table;
  try {
    table = readArrowFile(path);
  } catch (error) {
    throw new TlrError(`${path} is not a labels file (not a complete Arrow IPC file): collect it again with tlr router collect`, {cause: error});
  }
  const raw = table.schema.metadata.get("tlr.labels");
  if (!raw) throw new TlrError(`${path} is not a labels file (no tlr.labels metadata): write one with tlr router collect`);
  const metadata = JSON.parse(raw) as LabelsMetadata;
  if (metadata.version !== LABELS_SCHEMA_VERSION) throw new TlrError(`${path}: labels schema version ${metadata.version}, this tlr reads ${LABELS_SCHEMA_VERSION}: collect again`);
  try {
    return {rows: readTable(LABEL_COLUMNS, table, path), metadata};
  } catch (error) {
    throw new TlrError(`${(error as Error).message}: collect again with tlr router collect`, {cause: error});
  }
}
