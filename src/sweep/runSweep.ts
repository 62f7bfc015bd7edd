import pLimit from "p-limit";
import {subset} from "../data/subset.ts";
import {PredictionMemo} from "../decoding/memo.ts";
import type {StopRules} from "../decoding/decode.ts";
import {sweepTree} from "../decoding/tree.ts";
import {isRemoteError} from "../models/remote/RemoteError.ts";
import type {QuestionRow, RunKey, SummaryRow, TokenRow} from "../results/schema.ts";
import {loadRouter} from "../routing/loadRouter.ts";
import {createRouter} from "../routing/routers.ts";
import {fixedThreshold, roleOfKind} from "../routing/routerKinds.ts";
import type {Router} from "../routing/Router.ts";
import {TlrError} from "../util/errors.ts";
import {InterruptedError} from "../util/interrupt.ts";
import {calibrate, type Calibrated} from "./calibrate.ts";
import {ResultsStore} from "../results/ResultsStore.ts";
import {pairOptions, type DatasetPlan, type SweepPlan} from "./plan.ts";
import {openPair, type OpenedPair, type Worker} from "../models/openPair.ts";
import {errorRow, runRows} from "./runRows.ts";
import {inShard} from "./shard.ts";
import type {Shard, SweepState} from "../results/sweepState.ts";

export interface SweepProgress {
  pair: string;
  dataset: string;
  /** Questions finished in this process, and to do in this process, over the whole sweep. */
  done: number;
  total: number;
  /** Tokens generated in this process (all runs). */
  tokens: number;
  elapsedMs: number;
}

export interface SweepOptions {
  /** Output folder. Default: the config's `out`, else results/<name> (plus shard-i-of-n for a shard). */
  out?: string;
  shard?: Shard;
  /** Write finished questions to disk at least every this many questions (default 20) … */
  flushQuestions?: number;
  /** … or this many milliseconds (default 30 s). */
  flushMs?: number;
  onProgress?: (p: SweepProgress) => void;
  onInfo?: (message: string) => void;
  /**
   * Aborted (Ctrl-C): no new question starts, the ones in hand finish and are written, and the
   * sweep throws an InterruptedError saying how to resume (the same command again).
   */
  signal?: AbortSignal;
}

export interface SweepOutcome {
  out: string;
  summary: SummaryRow[];
  /** Questions run by this process, and found already done in the folder. */
  ran: number;
  resumed: number;
}

/**
 * A thrown error that belongs to one question, not to the sweep: a remote model that still failed
 * after its retries. The question is recorded with it (counted wrong) and the sweep goes on.
 */
export function isRecordable(error: unknown): boolean {
  return isRemoteError(error);
}

interface RunnableRouter {
  name: string;
  router: Router;
  thresholds: number[];
  targets: (number | null)[];
}

/**
 * Runs a planned sweep: every dataset × pair × router × threshold, plus small-only and
 * large-only baselines, one question at a time per worker, all thresholds of a router as one
 * exact trajectory tree and all routers of a question sharing one prediction memo. Finished
 * questions go to disk in parts as they complete; a sweep started again on the same folder skips
 * them, so a killed sweep resumes where it stopped. The results files are then rebuilt from
 * the parts.
 */
export async function runSweep(plan: SweepPlan, options: SweepOptions = {}): Promise<SweepOutcome> {
  const {config} = plan;
  const shardSuffix = options.shard ? `/shard-${options.shard.index}-of-${options.shard.count}` : "";
  const out = options.out ?? (config.out ? config.out : `results/${config.name}${shardSuffix}`);
  const store = ResultsStore.claim(out, sweepState(plan, options.shard));
  const done = store.finished();

  const todo = plan.pairs.map((pair) =>
    plan.datasets.map((d) => d.examples.map((_, i) => i).filter((i) => inShard(i, options.shard) && !done.has(pair.name, d.name, i))),
  );
  const total = todo.flat(2).length;
  const resumed = done.count;
  if (resumed > 0) options.onInfo?.(`resuming ${out}: ${resumed} questions already done, ${total} to go`);
  const start = performance.now();
  let finished = 0;
  let tokens = 0;

  for (const [p, pairPlan] of plan.pairs.entries()) {
    if (todo[p]!.every((qs) => qs.length === 0) || options.signal?.aborted) continue;
    const pair = await openPair({...pairOptions(pairPlan, {topK: config.topK, hidden: plan.routers.some((r) => r.needsHidden), features: config.features}), chat: config.chat, onWarning: (w) => options.onInfo?.(`warning: ${w}`)});
    try {
      const workers = await pair.workers(config.concurrency);
      const models = await pair.metadata();
      for (const [d, dataset] of plan.datasets.entries()) {
        const pending = todo[p]![d]!;
        if (pending.length === 0 || options.signal?.aborted) continue;
        const {routers, calibration} = await prepareRouters(plan, dataset, pair, workers[0]!);
        for (const c of calibration) options.onInfo?.(`calibrated ${c.router} on ${c.questions.length} questions (${c.scores} scores): ${c.targets.map((t, i) => `${t} → τ=${c.thresholds[i]}`).join(", ")}`);
        const provenance = {models: {[pairPlan.name]: models}, calibration: {[`${pairPlan.name}|${dataset.name}`]: calibration}};
        const buffer = {questions: [] as QuestionRow[], tokens: [] as TokenRow[], count: 0, first: Infinity, since: performance.now()};
        const flush = () => {
          if (buffer.count === 0) return;
          store.writePart(`p${p}-d${d}-q${String(buffer.first).padStart(6, "0")}-${process.pid}-${Date.now()}`, {questions: buffer.questions, tokens: buffer.tokens}, provenance);
          Object.assign(buffer, {questions: [], tokens: [], count: 0, first: Infinity, since: performance.now()});
        };
        const limit = pLimit(workers.length);
        const free = [...workers];
        try {
          await Promise.all(
            pending.map((q) =>
              limit(async () => {
                if (options.signal?.aborted) return;
                const worker = free.pop()!;
                try {
                  const rows = await runQuestion(worker, pair, dataset, pairPlan.name, routers, q, config);
                  buffer.questions.push(...rows.questions);
                  buffer.tokens.push(...rows.tokens);
                  buffer.count++;
                  buffer.first = Math.min(buffer.first, q);
                  tokens += rows.questions.reduce((s, r) => s + r.generated, 0);
                  finished++;
                  options.onProgress?.({pair: pairPlan.name, dataset: dataset.name, done: finished, total, tokens, elapsedMs: performance.now() - start});
                  if (buffer.count >= (options.flushQuestions ?? 20) || performance.now() - buffer.since >= (options.flushMs ?? 30_000)) flush();
                } finally {
                  free.push(worker);
                }
              }),
            ),
          );
        } finally {
          flush(); // whatever finished is kept, even when a question failed
        }
      }
    } finally {
      await pair.dispose();
    }
  }

  if (options.signal?.aborted && finished < total) {
    throw new InterruptedError(`interrupted: ${resumed + finished} questions are kept in ${out}; run the same command again to resume`);
  }
  const summary = await store.consolidate();
  return {out, summary, ran: finished, resumed};
}

async function runQuestion(
  worker: Worker,
  pair: OpenedPair,
  dataset: DatasetPlan,
  pairName: string,
  routers: RunnableRouter[],
  q: number,
  config: SweepPlan["config"],
): Promise<{questions: QuestionRow[]; tokens: TokenRow[]}> {
  const example = dataset.examples[q]!;
  const tokenizer = pair.tokenizer;
  const promptText = dataset.task.prompt(example);
  const prompt = pair.encoder.encode(promptText);
  const keyOf = (r: RunnableRouter, i: number): RunKey => ({
    dataset: dataset.name,
    split: dataset.split,
    task: dataset.task.name,
    pair: pairName,
    router: r.name,
    routerKind: r.router.kind,
    routerRole: roleOfKind(r.router.kind),
    threshold: r.thresholds[i]!,
    target: r.targets[i] ?? null,
  });
  const memo = {small: new PredictionMemo(worker.small, prompt.length), large: new PredictionMemo(worker.large, prompt.length)};
  const questions: QuestionRow[] = [];
  const tokens: TokenRow[] = [];
  try {
    for (const r of routers) {
      const tree = await sweepTree({
        prompt,
        small: worker.small,
        large: worker.large,
        tokenizer,
        router: r.router,
        thresholds: r.thresholds,
        maxTokens: config.maxTokens,
        stop: stopRules(config, dataset),
        network: config.network,
        protocol: pair.byteModel,
        key: example.id,
        sharedVocabSize: pair.sharedVocabSize,
        memo,
      });
      tree.runs.forEach((run, i) => {
        const rows = runRows(keyOf(r, i), q, example, dataset.task, run);
        questions.push(rows.question);
        tokens.push(...rows.tokens);
      });
    }
  } catch (error) {
    if (!isRecordable(error)) throw error;
    const message = (error as Error).message;
    return {questions: routers.flatMap((r) => r.thresholds.map((_, i) => errorRow(keyOf(r, i), q, example, {text: promptText, tokens: prompt.length}, message))), tokens: []};
  }
  return {questions, tokens};
}

/** Where a sweep's generations stop besides the small model's end-of-generation tokens: the task's and the config's strings, the config's ids. */
function stopRules(config: SweepPlan["config"], dataset: DatasetPlan): StopRules {
  return {strings: [...dataset.task.stop, ...(config.stop ?? [])], tokens: config.stopTokens ?? []};
}

/** Baselines first, then the configured routers, thresholds ascending (calibrated where targets are given). */
async function prepareRouters(plan: SweepPlan, dataset: DatasetPlan, pair: OpenedPair, worker: Worker): Promise<{routers: RunnableRouter[]; calibration: Calibrated[]}> {
  const routers: RunnableRouter[] = [
    {name: "small-only", router: createRouter("always-small"), thresholds: [fixedThreshold("always-small")!], targets: [null]},
    {name: "large-only", router: createRouter("always-large"), thresholds: [fixedThreshold("always-large")!], targets: [null]},
  ];
  const toCalibrate: {index: number; router: Router; targets: number[]}[] = [];
  for (const r of plan.routers) {
    const router = await loadRouter({kind: r.kind, seed: r.seed, file: r.file}, {smallModel: worker.small.file.path});
    if (r.targets) toCalibrate.push({index: routers.length, router, targets: r.targets});
    routers.push({name: router.name, router, thresholds: r.thresholds ?? [], targets: r.thresholds ? r.thresholds.map(() => null) : r.targets!});
  }
  let calibration: Calibrated[] = [];
  if (toCalibrate.length > 0) {
    const c = plan.config.calibration;
    const evaluated = new Set(dataset.examples.map((e) => e.id));
    const pool = c.split && c.split !== dataset.split ? undefined : dataset.all.filter((e) => !evaluated.has(e.id));
    if (!pool) throw new TlrError(`${plan.configFile}: calibration.split: calibrating on another split than the evaluated one is not supported yet; leave it out to use the evaluation split's other questions`);
    const examples = subset(pool, {limit: c.limit, seed: c.seed});
    if (examples.length === 0) throw new TlrError(`${plan.configFile}: calibration: ${dataset.name} has no questions left outside the evaluated subset to calibrate on; lower datasets[].limit`);
    calibration = await calibrate({
      routers: toCalibrate.map(({router, targets}) => ({router, targets})),
      examples,
      task: dataset.task,
      small: worker.small,
      large: worker.large,
      tokenizer: pair.tokenizer,
      maxTokens: plan.config.maxTokens,
      stop: stopRules(plan.config, dataset),
      encodePrompt: (text) => pair.encoder.encode(text),
    });
    toCalibrate.forEach((t, i) => (routers[t.index]!.thresholds = calibration[i]!.thresholds));
  }
  return {routers, calibration};
}

/** What DIR/sweep.json records of a planned sweep. */
function sweepState(plan: SweepPlan, shard: Shard | undefined): SweepState {
  return {
    configHash: plan.configHash,
    configFile: plan.configFile,
    shard: shard ?? null,
    config: plan.config,
    pairs: plan.pairs.map((p) => p.name),
    datasets: plan.datasets.map((d) => ({name: d.name, split: d.split, task: d.task.name, questions: d.examples.length, provenance: d.provenance})),
  };
}
