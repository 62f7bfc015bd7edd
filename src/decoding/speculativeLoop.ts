import type {Token} from "../core/Prediction.ts";
import type {NextResult} from "../models/TokenModel.ts";
import type {PolicySpec} from "./policy.ts";
import type {RunState} from "./RunState.ts";
import type {TokenRecord} from "./types.ts";

/**
 * Speculative decoding (Leviathan et al. 2023; greedy): the small model drafts γ tokens, one at a
 * time; the large model verifies them in one request (the catch-up as one batch, the drafts as
 * another, predicting after each: `TokenModel.verify`); the drafts it agrees with, from the
 * first, stand, and its own prediction after them (a correction, or a bonus token when it
 * accepts all) follows. No router is asked. The output is the large model's greedy output, up to
 * the numerics of batched evaluation (README, Policies). A round drafts at most
 * `remaining − 1` tokens, so that drafts plus the large model's token fit in max tokens, and
 * stops drafting after an end-of-generation id.
 */
export async function speculativeLoop(run: RunState, policy: Extract<PolicySpec, {kind: "speculative"}>): Promise<void> {
  while (!run.finished()) {
    const step = run.step;
    const transcript = run.transcript;
    // Drafts plus the large model's own token fit in max tokens; with the large model down, one token a round.
    const room = run.largeDown ? 1 : Math.min(policy.gamma, run.remaining - 1);
    const stopIds = run.stopIds;
    const drafts: Token[] = [];
    const drafted: NextResult[] = [];
    while (drafts.length < room && !(drafts.length > 0 && stopIds.includes(drafts.at(-1)!))) {
      const s = await run.small.next([...transcript, ...drafts]);
      run.smallStep(s);
      run.checkId(s.prediction.token, "small");
      drafted.push(s);
      drafts.push(s.prediction.token);
    }
    const v = run.largeDown ? undefined : await run.largeOrFallback(() => run.large.verify(transcript, drafts));
    if (!v) {
      // The large model is down: the drafts are the small model's own greedy tokens, and it goes on alone.
      if (drafted.length === 0) {
        const s = await run.small.next(transcript);
        run.smallStep(s);
        run.checkId(s.prediction.token, "small");
        drafted.push(s);
      }
      run.emit(drafted.map((s, i): TokenRecord => ({step: step + i, id: s.prediction.token, piece: "", source: "small", score: Number.NaN, small: s.prediction, large: null, smallEvaluated: s.evaluated, largeEvaluated: 0, smallMs: s.ms, largeMs: 0, probeMs: 0, routerMs: 0, netMs: 0, bytesUp: 0, bytesDown: 0, tMs: 0, fallback: true})));
      continue;
    }
    const a = v.accepted;
    const own = v.predictions[a]!.token;
    run.checkId(own, "large");
    const cost = run.call({
      call: {mode: "verify", drafts: drafts.length},
      drafts,
      replies: v.predictions,
      accepted: a,
      evaluated: v.evaluated,
      generated: 1,
      ms: v.ms,
      written: a + 1,
    });
    if (drafts.length > a) run.log.push({type: "discard", count: drafts.length - a});
    const records = v.predictions.map((large, i): TokenRecord => {
      const d = drafted[i];
      const first = i === 0;
      const record: TokenRecord = {
        step: step + i,
        id: i < a ? drafts[i]! : own,
        piece: "",
        source: i < a ? "small" : "large",
        score: Number.NaN,
        small: d?.prediction ?? null,
        large,
        smallEvaluated: d?.evaluated ?? 0,
        largeEvaluated: first ? v.evaluated : 0,
        smallMs: d?.ms ?? 0,
        largeMs: first ? v.ms : 0,
        probeMs: 0,
        routerMs: 0,
        netMs: first ? cost.netMs : 0,
        bytesUp: first ? cost.bytesUp : 0,
        bytesDown: first ? cost.bytesDown : 0,
        tMs: 0,
        call: cost.call,
      };
      if (i < a) record.verified = true;
      if (first && v.wire) record.wire = v.wire;
      return record;
    });
    run.emit(records);
  }
}
