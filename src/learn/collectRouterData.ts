import {createHash} from "node:crypto";
import {existsSync, mkdirSync} from "node:fs";
import {dirname} from "node:path";
import {selectExamples} from "../data/selectExamples.ts";
import {isRemoteError} from "../models/remote/RemoteError.ts";
import {openPair, type RemoteLargeOptions} from "../models/openPair.ts";
import type {ChatOptions} from "../models/promptEncoder.ts";
import {resolveModel, resolveModelPath} from "../models/resolveModel.ts";
import {codeVersion, machineInfo} from "../results/provenance.ts";
import {createTask} from "../tasks/createTask.ts";
import {modelHiddenSize} from "../routing/learned/checkRouterModel.ts";
import {TlrError} from "../util/errors.ts";
import {InterruptedError} from "../util/interrupt.ts";
import {collectLabels, type LabelMode, type ReferenceKind} from "./collectLabels.ts";
import {readLabels, writeLabels, LABELS_SCHEMA_VERSION, type LabelsMetadata} from "./labelFile.ts";
import {LabelStore, type QuestionLabels} from "./LabelStore.ts";

export interface CollectRouterDataOptions {
  /** The small model: a GGUF path or model:NAME (a pulled preset). */
  small: string;
  /** The large model: a GGUF path, model:NAME, or a server's URL (see `remote`). */
  large: string;
  /** For a large model behind a server: protocol, API key, time limit, retries (as `tlr generate --large URL`). */
  remote?: Omit<RemoteLargeOptions, "url">;
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
  /** Wrap prompts in the small model's chat template, as a sweep with `"chat"` does (default: plain prompts). */
  chat?: ChatOptions;
  out: string;
  /** Write finished questions to `<out>.parts/` at least every this many questions (default 10) … */
  flushQuestions?: number;
  /** … or this many milliseconds (default 30 s). */
  flushMs?: number;
  /** Aborted (Ctrl-C): finish the question in hand, write what is done, throw an InterruptedError. */
  signal?: AbortSignal;
  /** After each question of this run: questions done (resumed ones included), of all, rows so far of this run. */
  onProgress?: (done: number, total: number, rows: number) => void;
  onInfo?: (message: string) => void;
}

/**
 * `tlr router collect`: loads the pair and the questions, collects CITER's labels and writes the
 * Arrow labels file. Long collections never lose work: finished questions go to `<out>.parts/` as
 * they complete (`LabelStore`), a rerun of the same command after a kill or Ctrl-C skips them, a
 * question whose remote model fails after its retries is recorded with its error (metadata
 * `errors`) while the rest go on, and the labels file is written at the end from the parts. A
 * finished file of the same collection is left as it is.
 */
export async function collectRouterData(o: CollectRouterDataOptions): Promise<LabelsMetadata> {
  const task = createTask(o.task ?? o.dataset);
  const smallPath = resolveModelPath(o.small, {role: "small model"});
  const largeAt = resolveModel(o.large);
  const {dataset, examples} = await selectExamples(o.dataset, {limit: o.limit, seed: o.seed}, {split: o.split, dataDir: o.dataDir, seed: o.generatorSeed, count: o.generate});
  const topK = o.topK ?? 10;
  const hidden = o.hidden ?? true;
  const key = collectionKey(o, smallPath, largeAt, task.name, topK, hidden);
  const done = finishedFile(o.out, key);
  if (done) {
    o.onInfo?.(`${o.out} already holds this collection: nothing to do`);
    return done;
  }
  mkdirSync(dirname(o.out), {recursive: true});
  const store = LabelStore.claim(o.out, key);
  const resumed = store.finished();
  if (resumed.size > 0) o.onInfo?.(`resuming ${store.dir}: ${resumed.size} of ${examples.length} questions already collected`);

  const large = "url" in largeAt ? {...o.remote, url: largeAt.url, topK} : {path: largeAt.path, threads: o.largeThreads, topK};
  const pair = await openPair({small: {path: smallPath, threads: o.smallThreads, topK, hidden}, large, chat: o.chat, onWarning: (w) => o.onInfo?.(`warning: ${w}`)});
  try {
    const buffer: QuestionLabels[] = [];
    let since = performance.now();
    const flush = () => {
      store.write(buffer.splice(0));
      since = performance.now();
    };
    let finished = resumed.size;
    let rows = 0;
    let collected;
    try {
      collected = await collectLabels({
        small: pair.small,
        large: pair.large,
        tokenizer: pair.tokenizer,
        encodePrompt: (text) => pair.encoder.encode(text),
        examples,
        task,
        reference: o.reference,
        labels: o.labels,
        maxTokens: o.maxTokens,
        skip: (q) => resumed.has(q),
        isRecordable: isRemoteError,
        signal: o.signal,
        onLabels: (q) => {
          buffer.push(q);
          finished++;
          rows += q.rows.length;
          if (q.error) o.onInfo?.(`question ${q.index} (${q.id}) recorded with an error: ${q.error}`);
          o.onProgress?.(finished, examples.length, rows);
          if (buffer.length >= (o.flushQuestions ?? 10) || performance.now() - since >= (o.flushMs ?? 30_000)) flush();
        },
      });
    } finally {
      flush(); // whatever finished is kept, even when the collection stops on an error
    }
    if (o.signal?.aborted && finished < examples.length) {
      throw new InterruptedError(`interrupted: ${finished} of ${examples.length} questions are kept in ${store.dir}; run the same command again to go on`);
    }

    const all = store.read();
    const counts: Record<string, number> = {};
    for (const r of all.rows) counts[r.rule] = (counts[r.rule] ?? 0) + 1;
    const provenance = await pair.metadata();
    const generator = dataset.provenance.generator;
    const errors = all.questions.filter((q) => q.error !== null).map((q) => ({questionIndex: q.index, questionId: q.id, error: q.error!}));
    const metadata: LabelsMetadata = {
      version: LABELS_SCHEMA_VERSION,
      dataset: {name: o.dataset, split: dataset.split, task: task.name, questions: examples.length, seed: o.seed, limit: o.limit, ...(generator ? {generator: {seed: generator.seed, count: generator.count}} : {})},
      reference: collected.reference,
      labels: collected.labels,
      maxTokens: o.maxTokens,
      small: {path: smallPath, name: pair.small.info.name, sha256: provenance.small.sha256, hiddenSize: (await modelHiddenSize(smallPath)).hiddenSize, topK, entropy: "top-k"},
      large: "sha256" in provenance.large ? {path: provenance.large.path, name: pair.large.info.name, sha256: provenance.large.sha256} : {...provenance.large},
      prompt: {format: pair.encoder.format, ...(o.chat?.system !== undefined ? {system: o.chat.system} : {})},
      counts,
      errors,
      key,
      continuations: all.questions.reduce((a, q) => a + q.continuations, 0),
      continuationTokens: all.questions.reduce((a, q) => a + q.continuationTokens, 0),
      code: codeVersion(),
      machine: machineInfo(),
      createdAt: new Date().toISOString(),
    };
    writeLabels(o.out, all.rows, metadata);
    store.remove();
    return metadata;
  } finally {
    await pair.dispose();
  }
}

/** What decides a labels file's contents, hashed: a rerun with the same key resumes or finds it done. */
function collectionKey(o: CollectRouterDataOptions, small: string, large: {path: string} | {url: string}, task: string, topK: number, hidden: boolean): string {
  const what = {
    small,
    large: "url" in large ? {url: large.url, protocol: o.remote?.protocol ?? "auto"} : large.path,
    dataset: o.dataset, split: o.split ?? null, task, limit: o.limit ?? null, seed: o.seed ?? null, generate: o.generate ?? null, generatorSeed: o.generatorSeed ?? null,
    reference: o.reference ?? null, labels: o.labels ?? "citer", maxTokens: o.maxTokens, topK, hidden, chat: o.chat ?? null,
  };
  return createHash("sha256").update(JSON.stringify(what)).digest("hex").slice(0, 16);
}

/** The labels file at `out` when it is this collection, finished; undefined when absent or another. */
function finishedFile(out: string, key: string): LabelsMetadata | undefined {
  if (!existsSync(out)) return undefined;
  try {
    const {metadata} = readLabels(out);
    return metadata.key === key ? metadata : undefined;
  } catch (error) {
    if (error instanceof TlrError) return undefined; // not a complete labels file: collect it again
    throw error;
  }
}
