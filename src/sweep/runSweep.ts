import pLimit from "p-limit";
import {subset} from "../data/subset.ts";
import {PredictionMemo} from "../decoding/memo.ts";
import {sweepTree} from "../decoding/tree.ts";
import {isRemoteError} from "../models/remote/RemoteError.ts";
import {encodePrompt} from "../core/Tokenizer.ts";
import type {QuestionRow, RunKey, SummaryRow, TokenRow} from "../results/schema.ts";
import {loadRouter} from "../routing/loadRouter.ts";
import {createRouter} from "../routing/routers.ts";
import {fixedThreshold, roleOfKind} from "../routing/routerKinds.ts";
import type {Router} from "../routing/Router.ts";
import {TlrError} from "../util/errors.ts";
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
  /** Questions finished in this process with at least one run recorded with an error. */
  errors: number;
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
  /** Run again the finished questions recorded with an error (their rows are replaced); by default they count as done. */
  retryErrors?: boolean;
  /**
   * Aborted (Ctrl-C): no new question starts, the ones in flight finish, everything finished is
   * written to the folder's parts, and the sweep returns with `interrupted` (not consolidated).
   */
  signal?: AbortSignal;
}

export interface SweepOutcome {
  out: string;
  summary: SummaryRow[];
  /** Questions run by this process, and found already done in the folder. */
  ran: number;
  resumed: number;
  /** Questions in the folder recorded with an error and not run again (see `retryErrors`). */
  erroredKept: number;
  /** Stopped by `signal`: what finished is in the folder's parts; the same sweep resumes from them. */
  interrupted: boolean;
  /** Questions this process had to do (after resuming). */
  total: number;
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
  const out = sweepOut(plan, options);
  const store = ResultsStore.claim(out, sweepState(plan, options.shard));
  const done = store.finished();
  const retry = options.retryErrors === true;
  const toRun = (pair: string, dataset: string, i: number) => !done.has(pair, dataset, i) || (retry && done.hasError(pair, dataset, i));

  const todo = plan.pairs.map((pair) => plan.datasets.map((d) => d.examples.map((_, i) => i).filter((i) => inShard(i, options.shard) && toRun(pair.name, d.name, i))));
  const total = todo.flat(2).length;
  const erroredKept = retry ? 0 : done.errored;
  const resumed = done.count - (retry ? done.errored : 0);
  if (done.count > 0) {
    const errored = done.errored === 0 ? "" : retry ? `; running the ${done.errored} recorded with an error again` : `, ${done.errored} of them recorded with an error (not run again: tlr sweep --retry-errors runs them again)`;
    options.onInfo?.(`resuming ${out}: ${done.count} questions already done${errored}, ${total} to go`);
  }
  const start = performance.now();
  let finished = 0;
  let tokens = 0;
  let errors = 0;
  const stopped = () => options.signal?.aborted === true;

  for (const [p, pairPlan] of plan.pairs.entries()) {
    if (todo[p]!.every((qs) => qs.length === 0) || stopped()) continue;
    const pair = await openPair({...pairOptions(pairPlan, {topK: config.topK, hidden: plan.routers.some((r) => r.needsHidden), features: config.features}), onWarning: (w) => options.onInfo?.(`warning: ${w}`)});
    try {
      // No more workers than questions (each holds its own contexts).
      const workers = await pair.workers(Math.min(config.concurrency, Math.max(...todo[p]!.map((qs) => qs.length))));
      const models = await pair.metadata();
      for (const [d, dataset] of plan.datasets.entries()) {
        const pending = todo[p]![d]!;
        if (pending.length === 0 || stopped()) continue;
        const {routers, calibration} = await prepareRouters(plan, dataset, pair, workers[0]!);
        for (const c of calibration) options.onInfo?.(`calibrated ${c.router} on ${c.questions.length} questions (${c.scores} scores): ${c.targets.map((t, i) => `${t} → τ=${c.thresholds[i]}`).join(", ")}`);
        const provenance = {models: {[pairPlan.name]: models}, calibration: {[`${pairPlan.name}|${dataset.name}`]: calibration}};
        const buffer = {questions: [] as QuestionRow[], tokens: [] as TokenRow[], count: 0, first: Infinity, since: performance.now()};
        const flush = () => {
          if (buffer.count === 0) return;
          store.writePart(`p${p}-d${d}-q${String(buffer.first).padStart(6, "0")}-${process.pid}-${Date.now()}`, {questions: buffer.questions, tokens: buffer.tokens}, provenance, {replaces: retry});
          Object.assign(buffer, {questions: [], tokens: [], count: 0, first: Infinity, since: performance.now()});
        };
        const limit = pLimit(workers.length);
        const free = [...workers];
        try {
          await Promise.all(
            pending.map((q) =>
              limit(async () => {
                if (stopped()) return; // Ctrl-C: start nothing new; the questions in flight finish
                const worker = free.pop()!;
                try {
                  const rows = await runQuestion(worker, pair, dataset, pairPlan.name, routers, q, config);
                  buffer.questions.push(...rows.questions);
                  buffer.tokens.push(...rows.tokens);
                  buffer.count++;
                  buffer.first = Math.min(buffer.first, q);
                  tokens += rows.questions.reduce((s, r) => s + r.generated, 0);
                  if (rows.questions.some((r) => r.error !== null)) errors++;
                  finished++;
                  options.onProgress?.({pair: pairPlan.name, dataset: dataset.name, done: finished, total, tokens, errors, elapsedMs: performance.now() - start});
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

  if (stopped()) return {out, summary: [], ran: finished, resumed, erroredKept, interrupted: true, total};
  const summary = await store.consolidate();
  return {out, summary, ran: finished, resumed, erroredKept, interrupted: false, total};
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
  const prompt = encodePrompt(tokenizer, dataset.task.prompt(example));
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
  // Once the large model failed for good in this question (its retries spent), later calls of the
  // question fail at once with that error instead of waiting through the retries again.
  let largeDown: Error | undefined;
  const large = {next: (...args: Parameters<Worker["large"]["next"]>) => (largeDown ? Promise.reject(largeDown) : worker.large.next(...args))};
  const memo = {small: new PredictionMemo(worker.small, prompt.length), large: new PredictionMemo(large, prompt.length)};
  const questions: QuestionRow[] = [];
  const tokens: TokenRow[] = [];
  for (const r of routers) {
    const tree = await sweepTree({
      prompt,
      small: worker.small,
      large: worker.large,
      tokenizer,
      router: r.router,
      thresholds: r.thresholds,
      maxTokens: config.maxTokens,
      stop: {strings: [...dataset.task.stop, ...(config.stop ?? [])]},
      network: config.network,
      key: example.id,
      sharedVocabSize: pair.sharedVocabSize,
      memo,
      // A large model unreachable after its retries ends only the runs that needed it: the
      // small-only baseline, and runs that never routed, are recorded as usual.
      recordLargeError: (error) => {
        if (!isRecordable(error)) return false;
        largeDown ??= error as Error;
        return true;
      },
    });
    tree.runs.forEach((run, i) => {
      const error = tree.errors[i];
      if (error) {
        questions.push(errorRow(keyOf(r, i), q, example, prompt.length, error.message));
        return;
      }
      const rows = runRows(keyOf(r, i), q, example, dataset.task, run);
      questions.push(rows.question);
      tokens.push(...rows.tokens);
    });
  }
  return {questions, tokens};
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
      stop: [...dataset.task.stop, ...(plan.config.stop ?? [])],
    });
    toCalibrate.forEach((t, i) => (routers[t.index]!.thresholds = calibration[i]!.thresholds));
  }
  return {routers, calibration};
}

/** The results folder of a sweep: `out`, else the config's `out`, else results/<name> (plus shard-i-of-n for a shard). */
export function sweepOut(plan: SweepPlan, options: Pick<SweepOptions, "out" | "shard"> = {}): string {
  const shardSuffix = options.shard ? `/shard-${options.shard.index}-of-${options.shard.count}` : "";
  return options.out ?? (plan.config.out ? plan.config.out : `results/${plan.config.name}${shardSuffix}`);
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
