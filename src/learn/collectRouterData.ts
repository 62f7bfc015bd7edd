import {loadDataset} from "../data/loadDataset.ts";
import {subset} from "../data/subset.ts";
import {loadPair} from "../models/pair.ts";
import {codeVersion, machineInfo} from "../results/provenance.ts";
import {createTask} from "../tasks/createTask.ts";
import {sha256File} from "../util/sha256.ts";
import {modelHiddenSize} from "../routing/learned/checkRouterModel.ts";
import {collectLabels, type LabelMode, type ReferenceKind} from "./collectLabels.ts";
import {writeLabels, LABELS_SCHEMA_VERSION, type LabelsMetadata} from "./labelFile.ts";

export interface CollectRouterDataOptions {
  small: string;
  large: string;
  /** A registered dataset (or a TAU JSONL file) and its split; default: the dataset's default split. */
  dataset: string;
  split?: string;
  /** Task name (dataset:format); default: the dataset's own. */
  task?: string;
  /** Questions: the first `limit`, or a sample with `seed`; a generated dataset (toy_arith) draws `limit` items with `seed`. */
  limit?: number;
  seed?: number;
  dataDir?: string;
  reference?: ReferenceKind;
  /** "citer" (default) or "outcome" (see LabelMode). */
  labels?: LabelMode;
  maxTokens: number;
  /** Top log-probabilities kept per step (the most a router trained on this file can read). Default 10. */
  topK?: number;
  smallThreads?: number;
  largeThreads?: number;
  /** Collect hidden states (default true). */
  hidden?: boolean;
  out: string;
  onProgress?: (done: number, total: number, rows: number) => void;
}

/** `tlr router collect`: loads the pair and the questions, collects CITER's labels, writes the Arrow labels file. */
export async function collectRouterData(o: CollectRouterDataOptions): Promise<LabelsMetadata> {
  const task = createTask(o.task ?? o.dataset);
  let dataset = await loadDataset(o.dataset, {split: o.split, dataDir: o.dataDir});
  let examples = dataset.examples;
  if (dataset.provenance.source === "generated") {
    if (o.limit !== undefined || o.seed !== undefined) dataset = await loadDataset(o.dataset, {split: o.split, seed: o.seed, count: o.limit});
    examples = dataset.examples;
  } else examples = subset(examples, {limit: o.limit, seed: o.seed});
  const topK = o.topK ?? 10;
  const hidden = o.hidden ?? true;
  const pair = await loadPair({small: {path: o.small, threads: o.smallThreads, topK, hidden}, large: {path: o.large, threads: o.largeThreads, topK}});
  try {
    const collected = await collectLabels({
      small: pair.small,
      large: pair.large,
      tokenizer: pair.small.tokenizer,
      examples,
      task,
      reference: o.reference,
      labels: o.labels,
      maxTokens: o.maxTokens,
      onQuestion: (done, rows) => o.onProgress?.(done, examples.length, rows),
    });
    const counts: Record<string, number> = {};
    for (const r of collected.rows) counts[r.rule] = (counts[r.rule] ?? 0) + 1;
    const metadata: LabelsMetadata = {
      version: LABELS_SCHEMA_VERSION,
      dataset: {name: o.dataset, split: dataset.split, task: task.name, questions: examples.length, seed: o.seed, limit: o.limit},
      reference: collected.reference,
      labels: collected.labels,
      maxTokens: o.maxTokens,
      small: {path: o.small, name: pair.small.info.name, sha256: await sha256File(o.small), hiddenSize: (await modelHiddenSize(o.small)).hiddenSize, topK, entropy: "top-k"},
      large: {path: o.large, name: pair.large.info.name, sha256: await sha256File(o.large)},
      counts,
      continuations: collected.continuations,
      continuationTokens: collected.continuationTokens,
      code: codeVersion(),
      machine: machineInfo(),
      createdAt: new Date().toISOString(),
    };
    writeLabels(o.out, collected.rows, metadata);
    return metadata;
  } finally {
    await pair.dispose();
  }
}
