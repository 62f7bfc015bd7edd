import type {Token} from "../core/Prediction.ts";
import {routes} from "../routing/Router.ts";
import {TlrError} from "../util/errors.ts";
import type {PathAccount} from "./account.ts";
import {checkDecodeOptions, fillPieces, finishRun, runSettings, stopAfter, PIECE_CONTEXT, type DecodeOptions} from "./decode.ts";
import {PredictionMemo, type ModelWork} from "./memo.ts";
import type {DecodeResult, StopReason, TokenRecord} from "./types.ts";

export interface SweepTreeOptions extends Omit<DecodeOptions, "threshold" | "onToken"> {
  /** The thresholds to run; results come back in this order. */
  thresholds: readonly number[];
  /** Shared with other routers' trees on the same prompt, so they share evaluations too. */
  memo?: {small: PredictionMemo; large: PredictionMemo};
  /**
   * A large-model failure this says to record (a server still unreachable after its retries) ends
   * only the runs that needed that call, with the error in `errors`; the runs that did not route
   * there go on, exactly as they would alone. Without it (or when it says no) the error is thrown.
   */
  recordLargeError?: (error: unknown) => boolean;
}

export interface SweepTreeResult {
  /** One run per threshold, equal (timings aside) to `decode()` with that threshold alone. */
  runs: DecodeResult[];
  /** Per threshold: the recorded large-model error that ended its run (`recordLargeError`), else undefined; such a run's `runs` entry is partial. */
  errors: (Error | undefined)[];
  /** Work done by each model for this tree (memo misses only). */
  work: {small: ModelWork; large: ModelWork};
}

/** One threshold's run while the tree is walked. */
interface Member {
  index: number;
  threshold: number;
  records: TokenRecord[];
  account: PathAccount;
  /** Transcript lengths at which the large model was called: its batch history. */
  largeCuts: number[];
  stop?: StopReason;
  /** The large-model failure that ended this run (see `recordLargeError`). */
  error?: Error;
}

/** Runs that share their transcript and their large-model batch history so far. */
interface Group {
  transcript: Token[];
  text: string;
  members: Member[];
}

/**
 * All thresholds of one router on one prompt, as one trajectory tree walked depth first.
 *
 * With greedy decoding the runs share their transcript until the first step where some route
 * and others do not, and the large model's token differs from the small one's. Every shared step
 * is evaluated once; at a branch the small model rolls back to the branch point (its batches are
 * single tokens after the prompt, so nothing is re-evaluated but the new token).
 *
 * Exactness: logits depend on evaluation batches (models/schedule.ts). The small model's batches
 * are a function of the transcript alone, but the large model's are the transcript lengths at
 * which *this run* called it. So a tree node is a transcript *and* a large-model call history:
 * runs split where their tokens differ or where only some of them call the large model. Walking
 * depth first, the large model then resumes each branch from the last call the branch shares
 * with what it holds, and the batch it evaluates is exactly that run's own catch-up: nothing is
 * replayed. Small-model predictions are shared through a memo across branches with the same
 * transcript. Each threshold gets exactly the predictions, tokens, records and counts of an
 * independent `decode()` from a clean state; only the timings of shared operations are shared,
 * and a run's `wallMs` is the measured compute on its own path.
 */
export async function sweepTree(options: SweepTreeOptions): Promise<SweepTreeResult> {
  const {tokenizer, router, maxTokens, thresholds} = options;
  if (thresholds.length === 0) throw new TlrError("a sweep needs at least one threshold");
  for (const threshold of thresholds) checkDecodeOptions({...options, threshold});
  const {key, eog, stopTokens, stopStrings, newAccount} = runSettings(options);
  const P = options.prompt.length;
  const small = options.memo?.small ?? new PredictionMemo(options.small, P);
  const large = options.memo?.large ?? new PredictionMemo(options.large, P);
  const work0 = {small: {...small.work}, large: {...large.work}};

  const members: Member[] = thresholds.map((threshold, index) => ({
    index,
    threshold,
    records: [],
    account: newAccount(),
    largeCuts: [],
  }));
  const stack: Group[] = [{transcript: [...options.prompt], text: "", members}];
  /** A large-model call for `needing`; a recorded failure ends their runs (null), any other is thrown. */
  const askLarge = async <T>(call: () => Promise<T>, needing: Member[]): Promise<T | null> => {
    try {
      return await call();
    } catch (error) {
      if (!options.recordLargeError?.(error)) throw error;
      for (const m of needing) m.error = error instanceof Error ? error : new Error(String(error));
      return null;
    }
  };

  while (stack.length > 0) {
    const group = stack.pop()!;
    for (;;) {
      const {transcript} = group;
      const step = transcript.length - P;
      if (step >= maxTokens) {
        for (const m of group.members) m.stop = "max-tokens";
        break;
      }
      const cuts = group.members[0]!.largeCuts; // shared by the whole group
      const s = await small.next(transcript);
      // Every run of the group needs the peek: if it fails (and is recorded), they all end here.
      const peek = router.peeksLarge ? await askLarge(() => large.next(transcript, {cuts}), group.members) : undefined;
      if (peek === null) break;
      const routerStart = performance.now();
      const scored = router.score({step, key, small: s.prediction, large: peek?.prediction});
      const score = typeof scored === "number" ? scored : await scored; // no microtask for synchronous routers
      const routerMs = performance.now() - routerStart;
      const anyRouted = group.members.some((m) => routes(score, m.threshold));
      let l = peek;
      if (anyRouted && !peek) {
        // Only the runs that route here need the call: if it fails, they end and the others go on.
        const routed = group.members.filter((m) => routes(score, m.threshold));
        l = (await askLarge(() => large.next(transcript, {cuts}), routed)) ?? undefined;
        if (l === undefined) {
          group.members = group.members.filter((m) => !m.error);
          if (group.members.length === 0) break;
        }
      }

      // Children: same next token and same large-model call history.
      const children = new Map<string, {id: Token; asked: boolean; members: Member[]}>();
      for (const m of group.members) {
        const routed = routes(score, m.threshold);
        const asked = routed || peek !== undefined;
        const record = m.account.record({step, transcript, small: s, large: asked ? l : undefined, routed, score, routerMs});
        m.records.push(record);
        if (asked) m.largeCuts = [...cuts, transcript.length];
        const childKey = `${record.id}:${asked}`;
        const child = children.get(childKey);
        if (child) child.members.push(m);
        else children.set(childKey, {id: record.id, asked, members: [m]});
      }

      // Children that just called the large model go first: their history extends what its state
      // now holds, and the others resume from the call before it, so no batch is ever replayed.
      const ordered = [...children.values()].sort((a, b) => Number(b.asked) - Number(a.asked));
      const live: Group[] = [];
      for (const child of ordered) {
        const childTranscript = children.size === 1 ? transcript : [...transcript];
        const piece = stopStrings.length > 0 ? tokenizer.detokenize([child.id], transcript.slice(-PIECE_CONTEXT)) : "";
        childTranscript.push(child.id);
        const text = group.text + piece;
        const stop = stopAfter(child.id, text, eog, stopTokens, stopStrings);
        if (stop) for (const m of child.members) m.stop = stop;
        else live.push({transcript: childTranscript, text, members: child.members});
      }
      if (children.size === 1 && live.length === 1) {
        group.text = live[0]!.text;
        group.members = live[0]!.members;
        continue;
      }
      // Branch: walk the children depth first, the first one next.
      for (let i = live.length - 1; i >= 0; i--) stack.push(live[i]!);
      break;
    }
  }

  const runs = members.map((m) => {
    const transcript = [...options.prompt, ...m.records.map((r) => r.id)];
    fillPieces(m.records, transcript, P, tokenizer);
    const measured = m.records.reduce((t, r) => t + r.smallMs + r.routerMs + r.largeMs + r.probeMs, 0);
    return finishRun(transcript, P, m.records, tokenizer, m.stop ?? "max-tokens", measured);
  });
  return {runs, errors: members.map((m) => m.error), work: {small: diff(small.work, work0.small), large: diff(large.work, work0.large)}};
}

function diff(after: ModelWork, before: ModelWork): ModelWork {
  return {calls: after.calls - before.calls, evaluated: after.evaluated - before.evaluated, replayed: after.replayed - before.replayed};
}
