import type {Token} from "../core/Prediction.ts";
import type {NextResult, TurnResult} from "../models/TokenModel.ts";
import type {SessionCall} from "../wire/sessionBinary.ts";
import {routes} from "../routing/Router.ts";
import {isOptimistic, type PolicySpec} from "./policy.ts";
import type {RunState} from "./RunState.ts";
import type {TokenRecord} from "./types.ts";

type RoutedPolicy = Exclude<PolicySpec, {kind: "speculative"}>;

/**
 * The router-driven policies: token, span:k, stitch(σ, cap), each with or without optimistic
 * continuation (which changes only how the log is replayed, plus the guesses below). At each
 * step the small model predicts and the router scores the prediction; below the threshold the
 * large model takes a turn: one token (token), up to k tokens (span), or tokens until it is
 * confident (stitch). The small model then catches up on the turn in one batch at its next step.
 */
export async function routedLoop(run: RunState, policy: RoutedPolicy): Promise<void> {
  const {router, threshold, key} = run.settings;
  while (!run.finished()) {
    const step = run.step;
    const transcript = run.transcript;
    const s = await run.small.next(transcript);
    run.smallStep(s);
    const peek = router.peeksLarge && !run.largeDown ? await run.largeOrFallback(() => run.large.next(transcript)) : undefined;
    const routerStart = performance.now();
    // A router that peeks cannot score once the large model is down: the small model goes on alone.
    const scored = router.peeksLarge && !peek ? Number.NaN : router.score({step, key, small: s.prediction, large: peek?.prediction});
    const score = typeof scored === "number" ? scored : await scored; // no microtask for synchronous routers
    const routerMs = performance.now() - routerStart;
    run.log.push({type: "router", ms: routerMs});
    const routed = routes(score, threshold);
    const base = {small: s.prediction, smallEvaluated: s.evaluated, smallMs: s.ms, routerMs, score};

    const turn = routed && !run.largeDown ? await run.largeOrFallback(() => takeTurn(run, policy, transcript, peek)) : undefined;
    if (!turn) {
      if (peek) run.log.push({type: "probe", evaluated: peek.evaluated, ms: peek.ms});
      run.checkId(s.prediction.token, "small");
      const record: TokenRecord = {
        ...base,
        step,
        id: s.prediction.token,
        piece: "",
        source: "small",
        large: peek?.prediction ?? null,
        largeEvaluated: peek?.evaluated ?? 0,
        largeMs: 0,
        probeMs: peek?.ms ?? 0,
        netMs: 0,
        bytesUp: 0,
        bytesDown: 0,
        tMs: 0,
      };
      if (routed) record.fallback = true;
      run.emit([record]);
      continue;
    }

    const written = turn.steps.map((x) => x.prediction.token);
    for (const id of written) run.checkId(id, "large");
    const {agreed, guess} = isOptimistic(policy) ? await guessTurn(run, policy, s, written) : {agreed: false, guess: 0};
    const cost = run.call({
      call: callOf(run, policy),
      replies: turn.steps.map((x) => x.prediction),
      evaluated: turn.evaluated,
      generated: written.length,
      ms: turn.ms,
      guess,
      agreed,
      written: written.length,
    });
    const records = turn.steps.map((x, i): TokenRecord => {
      const first = i === 0;
      const record: TokenRecord = {
        step: step + i,
        id: x.prediction.token,
        piece: "",
        source: "large",
        score: first ? score : Number.NaN,
        small: first ? s.prediction : null,
        large: x.prediction,
        smallEvaluated: first ? s.evaluated : 0,
        largeEvaluated: x.evaluated,
        smallMs: first ? s.ms : 0,
        largeMs: first ? turn.ms : 0,
        probeMs: 0,
        routerMs: first ? routerMs : 0,
        netMs: first ? cost.netMs : 0,
        bytesUp: first ? cost.bytesUp : 0,
        bytesDown: first ? cost.bytesDown : 0,
        tMs: 0,
        call: cost.call,
      };
      if (first && turn.wire) record.wire = turn.wire; // measured, where the large model is remote
      return record;
    });
    run.emit(records);
  }
}

/** What the request asks for, as the wire encodes it. */
function callOf(run: RunState, policy: RoutedPolicy): SessionCall {
  if (policy.kind === "token") return {mode: "next"};
  const max = turnMax(run, policy);
  return policy.kind === "span" ? {mode: "span", max, stopIds: run.stopIds} : {mode: "stitch", max, sigma: policy.sigma, stopIds: run.stopIds};
}

function turnMax(run: RunState, policy: RoutedPolicy): number {
  const max = policy.kind === "span" ? policy.k : policy.kind === "stitch" ? policy.cap : 1;
  return Math.min(max, run.remaining);
}

/** The large model's turn: one token, a span, or a stitch. An oracle's peek is the turn's first prediction. */
async function takeTurn(run: RunState, policy: RoutedPolicy, transcript: readonly Token[], peek: NextResult | undefined): Promise<TurnResult> {
  if (policy.kind === "token") {
    const l = peek ?? (await run.large.next(transcript));
    return {steps: [l], ms: l.ms, evaluated: l.evaluated, ...(l.wire ? {wire: l.wire} : {})};
  }
  return run.large.generate(transcript, {
    max: turnMax(run, policy),
    stopIds: run.stopIds,
    ...(policy.kind === "stitch" ? {confident: policy.sigma} : {}),
    ...(peek ? {first: peek} : {}),
  });
}

/**
 * Optimistic continuation's guess of a turn, and whether the reply matched it. The device
 * assumes the large model writes what the small model would: its own token for token and stitch
 * (a one-token turn), its own next k tokens for a span (ending after an end-of-generation id),
 * which it must decode one at a time to know them. Those guessing steps are outside the run's
 * history (the catch-up on a span is one batch) and are logged as `guess` events; they are
 * computed only while they still match the reply, since after a mismatch the device's work is
 * thrown away and the timeline charges it as such.
 */
async function guessTurn(run: RunState, policy: RoutedPolicy, s: NextResult, written: readonly Token[]): Promise<{agreed: boolean; guess: number}> {
  const length = policy.kind === "span" ? turnMax(run, policy) : 1;
  const stopIds = run.stopIds;
  const transcript = run.transcript;
  const cuts = [...run.small.history];
  const guess: Token[] = [s.prediction.token];
  for (;;) {
    const j = guess.length - 1;
    if (written[j] !== guess[j]) return {agreed: false, guess: length};
    const ends = stopIds.includes(guess[j]!) || guess.length === length;
    if (ends) return {agreed: written.length === guess.length, guess: length};
    if (written.length === guess.length) return {agreed: false, guess: length}; // the reply ended; the guess goes on
    const next = await run.small.peek([...transcript, ...guess], cuts);
    run.log.push({type: "guess", call: run.log.requests, tokens: next.evaluated, ms: next.ms});
    cuts.push(transcript.length + guess.length);
    guess.push(next.prediction.token);
  }
}
