import {existsSync, mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {loadZstd} from "../results/arrowCompression.ts";
import {codeVersion, machineInfo} from "../results/provenance.ts";
import type {QuestionRow, SummaryRow, TokenRow} from "../results/schema.ts";
import {TlrError} from "../util/errors.ts";
import {WorkerCrashError} from "./ChildQuestionWorker.ts";
import {consolidate, readSweepState, type SweepState} from "./consolidate.ts";
import {readFinished, questionKey} from "./finished.ts";
import {openWorkers, sizeWorkers} from "./openWorkers.ts";
import {writePart} from "./parts.ts";
import type {SweepPlan} from "./plan.ts";
import {failedQuestionRows} from "./questionWorker.ts";
import {runQuestions} from "./runQuestions.ts";
import {inShard, type Shard} from "./shard.ts";

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
  /** Worker processes (default: the config's `workers`, else sized from the cores and the models: README, Workers). */
  workers?: number;
  onProgress?: (p: SweepProgress) => void;
  onInfo?: (message: string) => void;
}

export interface SweepOutcome {
  out: string;
  summary: SummaryRow[];
  /** Questions run by this process, and found already done in the folder. */
  ran: number;
  resumed: number;
}

/**
 * Runs a planned sweep: every dataset × pair × router × threshold, plus small-only and
 * large-only baselines. Each pair's questions are handed out to its workers (this process, or
 * worker processes: `openWorkers`), each running `concurrency` (or `lanes`) questions at once, all
 * thresholds of a router as one exact trajectory tree and all routers of a question sharing one
 * prediction memo. Finished questions go to disk in parts as they complete; a sweep started again
 * on the same folder skips them, so a killed sweep resumes where it stopped. The results files are
 * then rebuilt from the parts, in question order: they do not depend on how many workers ran.
 */
export async function runSweep(plan: SweepPlan, options: SweepOptions = {}): Promise<SweepOutcome> {
  const {config} = plan;
  const shardSuffix = options.shard ? `/shard-${options.shard.index}-of-${options.shard.count}` : "";
  // A shard of a config with an \`out\` gets its own folder inside it too: shards never share one.
  const out = options.out ?? `${config.out ? config.out : `results/${config.name}`}${shardSuffix}`;
  claimFolder(out, plan, options.shard);
  await loadZstd(); // parts are written compressed, synchronously
  const done = new Set(readFinished(out, {tokens: false}).questions.map(questionKey));

  const todo = plan.pairs.map((pair) =>
    plan.datasets.map((d) => d.examples.map((_, i) => i).filter((i) => inShard(i, options.shard) && !done.has(`${pair.name}|${d.name}|${i}`))),
  );
  const total = todo.flat(2).length;
  const resumed = done.size;
  if (resumed > 0) options.onInfo?.(`resuming ${out}: ${resumed} questions already done, ${total} to go`);
  const start = performance.now();
  let finished = 0;
  let tokens = 0;

  for (const [p, pairPlan] of plan.pairs.entries()) {
    const pairTodo = todo[p]!.reduce((n, qs) => n + qs.length, 0);
    if (pairTodo === 0) continue;
    const sizing = await sizeWorkers(plan, p, {requested: options.workers ?? config.workers, questions: pairTodo});
    if (sizing.workers > 1 || options.workers !== undefined || config.workers !== undefined) options.onInfo?.(`${pairPlan.name}: ${sizing.reason}`);
    const workers = await openWorkers(plan, p, sizing, options.onInfo);
    try {
      const models = workers[0]!.metadata;
      for (const [d, dataset] of plan.datasets.entries()) {
        const pending = todo[p]![d]!;
        if (pending.length === 0) continue;
        // One worker calibrates; the others take its thresholds, so every worker runs the same runs.
        const prepared = await workers[0]!.prepare(d);
        await Promise.all(workers.slice(1).map((w) => w.prepare(d, prepared.calibration)));
        const calibration = prepared.calibration;
        for (const c of calibration) options.onInfo?.(`calibrated ${c.router} on ${c.questions.length} questions (${c.scores} scores): ${c.targets.map((t, i) => `${t} → τ=${c.thresholds[i]}`).join(", ")}`);
        const partMeta = new Map([["tlr.part", JSON.stringify({code: codeVersion(), machine: machineInfo(), shard: options.shard ?? null, models: {[pairPlan.name]: models}, calibration: {[`${pairPlan.name}|${dataset.name}`]: calibration}})]]);
        const buffer = {questions: [] as QuestionRow[], tokens: [] as TokenRow[], count: 0, first: Infinity, since: performance.now()};
        const flush = () => {
          if (buffer.count === 0) return;
          writePart(out, `p${p}-d${d}-q${String(buffer.first).padStart(6, "0")}-${process.pid}-${Date.now()}`, {questions: buffer.questions, tokens: buffer.tokens, metadata: partMeta});
          Object.assign(buffer, {questions: [], tokens: [], count: 0, first: Infinity, since: performance.now()});
        };
        try {
          await runQuestions(workers, pending, {
            run: async (worker, q) => {
              try {
                return await worker.run(d, q);
              } catch (error) {
                // A worker process that died fails only the question(s) it held, recorded with why.
                if (!(error instanceof WorkerCrashError)) throw error;
                return failedQuestionRows(prepared.runs, q, dataset.examples[q]!, error.promptTokens, error.message);
              }
            },
            onRows: (q, rows) => {
              buffer.questions.push(...rows.questions);
              buffer.tokens.push(...rows.tokens);
              buffer.count++;
              buffer.first = Math.min(buffer.first, q);
              tokens += rows.questions.reduce((s, r) => s + r.generated, 0);
              finished++;
              options.onProgress?.({pair: pairPlan.name, dataset: dataset.name, done: finished, total, tokens, elapsedMs: performance.now() - start});
              if (buffer.count >= (options.flushQuestions ?? 20) || performance.now() - buffer.since >= (options.flushMs ?? 30_000)) flush();
            },
          });
        } finally {
          flush(); // whatever finished is kept, even when a question failed
        }
      }
    } finally {
      await Promise.allSettled(workers.map((w) => w.dispose()));
    }
  }

  const summary = await consolidate(out);
  return {out, summary, ran: finished, resumed};
}

/** A results folder belongs to one config (and shard): refuse to mix runs. */
function claimFolder(out: string, plan: SweepPlan, shard: Shard | undefined): void {
  mkdirSync(out, {recursive: true});
  const file = join(out, "sweep.json");
  const state: SweepState = {
    configHash: plan.configHash,
    configFile: plan.configFile,
    shard: shard ?? null,
    config: plan.config,
    pairs: plan.pairs.map((p) => p.name),
    datasets: plan.datasets.map((d) => ({name: d.name, split: d.split, task: d.task.name, questions: d.examples.length, provenance: d.provenance})),
  };
  if (existsSync(file)) {
    const old = readSweepState(out);
    if (old.configHash !== plan.configHash) {
      throw new TlrError(`${out} holds a sweep of another config (${old.configFile}); use another --out or delete the folder`);
    }
    if (JSON.stringify(old.shard) !== JSON.stringify(state.shard)) {
      throw new TlrError(`${out} holds shard ${old.shard ? `${old.shard.index}/${old.shard.count}` : "(none)"} of this sweep, not ${shard ? `${shard.index}/${shard.count}` : "the whole"}; use another --out`);
    }
    return;
  }
  writeFileSync(file, JSON.stringify(state, null, 2) + "\n");
}
