import {TlrError} from "../util/errors.ts";
import {decode, type DecodeOptions} from "./decode.ts";
import type {DecodeEvent} from "./events.ts";
import {MemoModel, type ModelWork, type ShareMode} from "./memo.ts";
import type {DecodeResult} from "./types.ts";

export interface SweepRunsOptions extends Omit<DecodeOptions, "threshold" | "onToken"> {
  /** The thresholds to run; results come back in this order. */
  thresholds: readonly number[];
  /**
   * How runs share model calls (memo.ts `ShareMode`): "exact" (default) keeps every run equal to
   * an independent run; "tokens" shares calls by their tokens alone, whatever batch history led
   * there: cheaper, not exact (opt-in; its drift is measured by bench/share-drift.ts).
   */
  share?: ShareMode;
  /** Shared with the question's other routers and policies, so they share evaluations too (made with the same `share`). */
  memo?: {small: MemoModel; large: MemoModel};
  /**
   * A large-model failure this says to record (a server still unreachable after its retries) ends
   * only the run that met it, with the error in `errors`; the other thresholds' runs go on, exactly
   * as they would alone (a run that never routes is the small model's own). Without it (or when it
   * says no) the error is thrown.
   */
  recordLargeError?: (error: unknown) => boolean;
}

export interface SweepRunsResult {
  /** One run per threshold, equal (timings aside) to `decode()` with that threshold alone (share "exact"); undefined where `errors` has its error. */
  runs: (DecodeResult | undefined)[];
  /** Per threshold: the recorded large-model error that ended its run (`recordLargeError`), else undefined. */
  errors: (Error | undefined)[];
  /** Work done by each model for these runs (memo misses only). */
  work: {small: ModelWork; large: ModelWork};
}

/**
 * All thresholds of one router and policy on one prompt, each exactly as if run alone: every
 * threshold is a real `decode()` over the question's memoised models (memo.ts). Each model call is
 * keyed by its kind, transcript, the run's own batch history and its arguments, and every call
 * passes that history, so a run is by construction an independent run; the memo makes the
 * prefixes that runs share free, and a model's KV state returns to a branch point by
 * `planEvaluation` (whole batches). This is the trajectory tree of the token policy without its
 * bookkeeping, and it holds for every policy. Only timings are shared: a run's `wallMs` is the
 * measured compute on its own path, from its event log. With `share` "tokens" the memo keys calls
 * by tokens alone: runs share more, and each may drift from its independent self.
 */
export async function sweepRuns(options: SweepRunsOptions): Promise<SweepRunsResult> {
  const {thresholds} = options;
  if (thresholds.length === 0) throw new TlrError("a sweep needs at least one threshold");
  const P = options.prompt.length;
  const share = options.share ?? "exact";
  const memo = options.memo ?? {small: new MemoModel(options.small, P, share), large: new MemoModel(options.large, P, share)};
  if (memo.small.share !== share || memo.large.share !== share) throw new Error(`sweepRuns: share "${share}" with a memo made for share "${memo.large.share}"`);
  const before = {small: {...memo.small.work}, large: {...memo.large.work}};
  const runs: (DecodeResult | undefined)[] = thresholds.map(() => undefined);
  const errors: (Error | undefined)[] = thresholds.map(() => undefined);
  for (const i of runOrder(thresholds, share)) {
    try {
      const run = await decode({...options, threshold: thresholds[i]!, small: memo.small, large: memo.large});
      run.stats.wallMs = pathComputeMs(run.events);
      runs[i] = run;
    } catch (error) {
      if (!options.recordLargeError?.(error)) throw error;
      errors[i] = error instanceof Error ? error : new Error(String(error));
    }
  }
  return {runs, errors, work: {small: diff(memo.small.work, before.small), large: diff(memo.large.work, before.large)}};
}

/**
 * The order the runs are computed in: as given for share "exact" (any order gives the same runs).
 * For "tokens", highest threshold first: a router sends a step to the large model when its score
 * is below the threshold, so on a shared path that run asks the large model at every step where a
 * lower threshold would, and the lower ones find those predictions in the memo instead of catching
 * the model up again from wherever its KV state last was. The first run computed asks the model
 * for everything itself, so the highest threshold's run is exactly its independent run.
 */
export function runOrder(thresholds: readonly number[], share: ShareMode): number[] {
  const order = thresholds.map((_, i) => i);
  return share === "tokens" ? order.sort((a, b) => thresholds[b]! - thresholds[a]! || a - b) : order;
}

/** The measured compute on a run's own path: its small-model, router and large-model work, oracle peeks included. */
export function pathComputeMs(events: readonly DecodeEvent[]): number {
  let ms = 0;
  for (const e of events) if (e.type === "small" || e.type === "router" || e.type === "large" || e.type === "probe" || e.type === "guess") ms += e.ms;
  return ms;
}

function diff(after: ModelWork, before: ModelWork): ModelWork {
  return {calls: after.calls - before.calls, evaluated: after.evaluated - before.evaluated, replayed: after.replayed - before.replayed};
}
