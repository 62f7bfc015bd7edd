import {ResultsStore, type PartProvenance} from "../results/ResultsStore.ts";
import type {QuestionRow, SummaryRow, TokenRow} from "../results/schema.ts";
import type {Shard, SweepState} from "../results/sweepState.ts";
import {WorkerCrashError} from "./ChildQuestionWorker.ts";
import {openWorkers, sizeWorkers} from "./openWorkers.ts";
import type {SweepPlan} from "./plan.ts";
import {failedQuestionRows, type QuestionRows} from "./questionWorker.ts";
import {runQuestions} from "./runQuestions.ts";
import {inShard} from "./shard.ts";

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
  /** Worker processes (default: the config's `workers`, else sized from the cores and the models: README, Workers). */
  workers?: number;
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
 * Runs a planned sweep: every dataset × pair × router × threshold, plus small-only and
 * large-only baselines. It goes in four steps:
 *
 * 1. **Claim the folder** (`ResultsStore.claim`) and list what is left: questions in this shard
 *    that the folder's results files and parts do not hold yet (a killed sweep resumes here).
 * 2. **Per pair, open its workers** (`sizeWorkers`, `openWorkers`): this process alone, or worker
 *    processes, each opening the pair through `openPair` and running `concurrency` (or `lanes`)
 *    questions at once.
 * 3. **Per dataset, prepare and run** (`runDataset`): one worker calibrates, the others take its
 *    thresholds; `runQuestions` hands the questions out to free slots, and every finished
 *    question's rows go to a buffer that is written as a part every `flushQuestions` questions or
 *    `flushMs` (each part atomic), and once more whatever happens.
 * 4. **Consolidate**: the parts are folded into the results files in question order, so the files
 *    do not depend on how many workers ran, nor on interruptions.
 *
 * Within a question, all thresholds of a router run as one exact trajectory tree and all routers
 * share one prediction memo (`questionWorker.ts`).
 */
export async function runSweep(plan: SweepPlan, options: SweepOptions = {}): Promise<SweepOutcome> {
  const {config} = plan;
  const out = sweepOut(plan, options);
  const store = await ResultsStore.claim(out, sweepState(plan, options.shard));
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
  const stopped = () => options.signal?.aborted === true;
  const progress = {finished: 0, tokens: 0, errors: 0, total, start: performance.now()};

  for (const [p, pairPlan] of plan.pairs.entries()) {
    const pairTodo = todo[p]!.reduce((n, qs) => n + qs.length, 0);
    if (pairTodo === 0 || stopped()) continue;
    const sizing = await sizeWorkers(plan, p, {requested: options.workers ?? config.workers, questions: pairTodo});
    if (sizing.workers > 1 || options.workers !== undefined || config.workers !== undefined) options.onInfo?.(`${pairPlan.name}: ${sizing.reason}`);
    const workers = await openWorkers(plan, p, sizing, options.onInfo);
    try {
      for (const [d, dataset] of plan.datasets.entries()) {
        const pending = todo[p]![d]!;
        if (pending.length === 0 || stopped()) continue;
        // One worker calibrates; the others take its thresholds, so every worker runs the same runs.
        const prepared = await workers[0]!.prepare(d);
        await Promise.all(workers.slice(1).map((w) => w.prepare(d, prepared.calibration)));
        for (const c of prepared.calibration) options.onInfo?.(`calibrated ${c.router} on ${c.questions.length} questions (${c.scores} scores): ${c.targets.map((t, i) => `${t} → τ=${c.thresholds[i]}`).join(", ")}`);
        const provenance: PartProvenance = {models: {[pairPlan.name]: workers[0]!.metadata}, calibration: {[`${pairPlan.name}|${dataset.name}`]: prepared.calibration}};
        const parts = new PartBuffer(store, `p${p}-d${d}`, provenance, {...options, replaces: retry});
        try {
          await runQuestions(workers, pending, {
            stopped,
            run: async (worker, q) => {
              try {
                return await worker.run(d, q);
              } catch (error) {
                // A worker process that died fails only the question(s) it held, recorded with why.
                // (Errors that belong to one question in-process, e.g. a remote model that failed
                // after its retries, are recorded by the worker itself: `isRecordable`.)
                if (!(error instanceof WorkerCrashError)) throw error;
                return failedQuestionRows(prepared.runs, q, dataset, error.promptTokens, error.message);
              }
            },
            onRows: (q, rows) => {
              parts.add(q, rows);
              progress.finished++;
              progress.tokens += rows.questions.reduce((s, r) => s + r.generated, 0);
              if (rows.questions.some((r) => r.error !== null)) progress.errors++;
              options.onProgress?.({pair: pairPlan.name, dataset: dataset.name, done: progress.finished, total, tokens: progress.tokens, errors: progress.errors, elapsedMs: performance.now() - progress.start});
            },
          });
        } finally {
          parts.flush(); // whatever finished is kept, even when a question failed
        }
      }
    } finally {
      await Promise.allSettled(workers.map((w) => w.dispose()));
    }
  }

  if (stopped()) return {out, summary: [], ran: progress.finished, resumed, erroredKept, interrupted: true, total};
  const summary = await store.consolidate();
  return {out, summary, ran: progress.finished, resumed, erroredKept, interrupted: false, total};
}

/** Finished questions of one pair × dataset, written to the store as a part every so many questions or seconds. */
class PartBuffer {
  private questions: QuestionRow[] = [];
  private tokens: TokenRow[] = [];
  private count = 0;
  private first = Infinity;
  private since = performance.now();

  constructor(
    private readonly store: ResultsStore,
    private readonly prefix: string,
    private readonly provenance: PartProvenance,
    private readonly options: Pick<SweepOptions, "flushQuestions" | "flushMs"> & {replaces: boolean},
  ) {}

  add(question: number, rows: QuestionRows): void {
    this.questions.push(...rows.questions);
    this.tokens.push(...rows.tokens);
    this.count++;
    this.first = Math.min(this.first, question);
    if (this.count >= (this.options.flushQuestions ?? 20) || performance.now() - this.since >= (this.options.flushMs ?? 30_000)) this.flush();
  }

  flush(): void {
    if (this.count === 0) return;
    this.store.writePart(`${this.prefix}-q${String(this.first).padStart(6, "0")}-${process.pid}-${Date.now()}`, {questions: this.questions, tokens: this.tokens}, this.provenance, {replaces: this.options.replaces});
    this.questions = [];
    this.tokens = [];
    this.count = 0;
    this.first = Infinity;
    this.since = performance.now();
  }
}

/**
 * The results folder of a sweep: `out`, else the config's `out`, else results/<name>; a shard gets
 * shard-i-of-n inside it (a shard of a config with an `out` too: shards never share one).
 */
export function sweepOut(plan: SweepPlan, options: Pick<SweepOptions, "out" | "shard"> = {}): string {
  const shardSuffix = options.shard ? `/shard-${options.shard.index}-of-${options.shard.count}` : "";
  return options.out ?? `${plan.config.out ? plan.config.out : `results/${plan.config.name}`}${shardSuffix}`;
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
