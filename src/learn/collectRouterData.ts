import {selectExamples} from "../data/selectExamples.ts";
import {openPair} from "../models/openPair.ts";
import {resolveModelPath} from "../models/resolveModel.ts";
import {codeVersion, machineInfo} from "../results/provenance.ts";
import {createTask} from "../tasks/createTask.ts";
import {modelHiddenSize} from "../routing/learned/checkRouterModel.ts";
import {collectLabels, type LabelMode, type ReferenceKind} from "./collectLabels.ts";
import {writeLabels, LABELS_SCHEMA_VERSION, type LabelsMetadata} from "./labelFile.ts";

export interface CollectRouterDataOptions {
  /** The small model: a GGUF path or model:NAME (a pulled preset). */
  small: string;
  /** The large model, local too (the labels file records its sha256). */
  large: string;
  /** A registered dataset (or a TAU JSONL file) and its split; default: the dataset's default split. */
  dataset: string;
  split?: string;
  /** Task name (dataset:format); default: the dataset's own. */
  task?: string;
  /** Questions: the first `limit`, or a sample with `seed` (`selectExamples`, the sweep's rule). */
  limit?: number;
  seed?: number;
  /** A generated dataset (toy_arith): generate this many items, with this generator seed, instead of the manifest's. */
  generate?: number;
  generatorSeed?: number;
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
  const smallPath = resolveModelPath(o.small, {role: "small model"});
  const largePath = resolveModelPath(o.large, {role: "large model"});
  const {dataset, examples} = await selectExamples(o.dataset, {limit: o.limit, seed: o.seed}, {split: o.split, dataDir: o.dataDir, seed: o.generatorSeed, count: o.generate});
  const topK = o.topK ?? 10;
  const hidden = o.hidden ?? true;
  const pair = await openPair({small: {path: smallPath, threads: o.smallThreads, topK, hidden}, large: {path: largePath, threads: o.largeThreads, topK}});
  try {
    const collected = await collectLabels({
      small: pair.small,
      large: pair.large,
      tokenizer: pair.tokenizer,
      examples,
      task,
      reference: o.reference,
      labels: o.labels,
      maxTokens: o.maxTokens,
      onQuestion: (done, rows) => o.onProgress?.(done, examples.length, rows),
    });
    const counts: Record<string, number> = {};
    for (const r of collected.rows) counts[r.rule] = (counts[r.rule] ?? 0) + 1;
    const provenance = await pair.metadata();
    const generator = dataset.provenance.generator;
    const metadata: LabelsMetadata = {
      version: LABELS_SCHEMA_VERSION,
      dataset: {name: o.dataset, split: dataset.split, task: task.name, questions: examples.length, seed: o.seed, limit: o.limit, ...(generator ? {generator: {seed: generator.seed, count: generator.count}} : {})},
      reference: collected.reference,
      labels: collected.labels,
      maxTokens: o.maxTokens,
      small: {path: smallPath, name: pair.small.info.name, sha256: provenance.small.sha256, hiddenSize: (await modelHiddenSize(smallPath)).hiddenSize, topK, entropy: "top-k"},
      large: {path: largePath, name: pair.large.info.name, sha256: "sha256" in provenance.large ? provenance.large.sha256 : ""},
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
