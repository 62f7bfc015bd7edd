import type {RemoteModel} from "../models/remote/RemoteModel.ts";
import type {SessionCall} from "../wire/sessionBinary.ts";
import {SessionMirror, type SessionRequest} from "../models/remote/SessionMirror.ts";
import type {Prediction, Token} from "../core/Prediction.ts";
import type {NextResult, WireUse} from "../models/TokenModel.ts";
import {routes} from "../routing/Router.ts";
import {TlrError} from "../util/errors.ts";
import type {DecodeEvent, VoidRequest} from "./events.ts";
import type {PolicySpec} from "./policy.ts";
import type {RunState} from "./RunState.ts";
import {OPTIMISTIC_WINDOW} from "./timeline.ts";
import type {TokenRecord} from "./types.ts";

type RoutedPolicy = Exclude<PolicySpec, {kind: "speculative"}>;

interface Reply {
  predictions: Prediction[];
  ms: number;
  wire: WireUse;
}

/** A request in flight and what the device assumed of it. */
interface Pending {
  /** Stands in the log for the request's events until its reply is in. */
  slot: DecodeEvent;
  /** The guess's first record. */
  recordIndex: number;
  transcript: Token[];
  step: number;
  guess: Token[];
  guessEvents: Extract<DecodeEvent, {type: "guess"}>[];
  small: NextResult;
  score: number;
  routerMs: number;
  request: SessionRequest;
  /** Both models' histories when the request was sent: a failed guess returns them there (a batch the guess shares with the reply must not survive). */
  before: {held: Token[]; ends: number[]};
  smallBefore: {held: Token[]; ends: number[]};
  cuts: number[];
  reply: Promise<Reply>;
  /** Aborted once the request is void (an earlier reply disagreed): its failed attempts are not retried. */
  voided: AbortController;
  settled?: {ok: true; value: Reply} | {ok: false; error: unknown};
}

/**
 * Optimistic continuation for real, with the large model behind tlr serve: a routed step sends
 * its request and the device goes on at once from its guess of the reply (its own token; for a
 * span, its own next k tokens, decoded first), sending further requests as its own steps route,
 * several in flight (numbered: the server answers a session's requests in order), at most
 * `OPTIMISTIC_WINDOW` (the device waits for the oldest reply before its next step when the window
 * is full). When a reply agrees with its guess, the tokens stand; when it does not, everything
 * after that request is thrown away (requests sent since are void: the server still answers them,
 * first), both models return to the request's point (`RunModel`: whole batches) and decoding goes
 * on from the reply, as the sequential run does. The next request does not wait for the void
 * replies: it is planned against what the void requests are known to leave on the server
 * (`SessionMirror.applyUnanswered`). Tokens, records and the event log are therefore the
 * sequential run's, plus a `void` event per wrong guess recording the thrown-away steps and void
 * requests (what the timeline replays); only the wall time differs. Requests carry explicit batch
 * schedules planned against the state the earlier requests leave on the server (`SessionMirror`),
 * so the numbers are the sequential run's too. Routers that peek at the large model every step (the oracle) cannot run
 * ahead of it; a large model that fails after its retries fails the run.
 */
export async function optimisticLoop(run: RunState, policy: RoutedPolicy, remote: RemoteModel): Promise<{thrownAway: number; drained: Promise<unknown>}> {
  const {router, threshold, key} = run.settings;
  if (router.peeksLarge) throw new TlrError(`router ${router.name} peeks at the large model at every step, so the device cannot run ahead of it: run optimistic continuation with another router, or simulate it (tlr sweep)`);
  const mirror = new SessionMirror(); // the server's state after the answered requests
  const pending: Pending[] = [];
  // Void requests' replies only fill in their records (payloads, server compute).
  const voidReplies: Promise<unknown>[] = [];
  let seq = 0;
  let thrownAway = 0;

  const settle = (p: Pending): void => {
    if (!p.settled!.ok) throw p.settled!.error;
    const reply = p.settled!.value;
    const written = reply.predictions.map((x) => x.token);
    mirror.apply(p.request, written);
    for (const id of written) run.checkId(id, "large");
    const agreed = written.length === p.guess.length && written.every((t, i) => t === p.guess[i]);
    const slotAt = run.log.events.indexOf(p.slot);
    let wasted: Extract<DecodeEvent, {type: "void"}> | undefined;
    if (!agreed) {
      // Everything after the request is thrown away: the device's steps, the requests sent since
      // (void: the server answers them before the next request; the mirror takes them as sent).
      const later = pending.splice(0);
      wasted = {type: "void", call: -1, steps: [], requests: []};
      for (const e of run.log.events.slice(slotAt + 1)) {
        if (e.type === "small" || e.type === "guess") wasted.steps.push(e.ms);
        else if (e.type === "router" && wasted.steps.length > 0) wasted.steps[wasted.steps.length - 1]! += e.ms;
        const sent = later.find((l) => l.slot === e);
        if (sent) {
          const record: VoidRequest = {after: wasted.steps.length, kind: sent.request.call.mode, bytesUp: 0, bytesDown: 0, ms: 0};
          wasted.requests.push(record);
          sent.voided.abort();
          mirror.applyUnanswered(sent.request);
          voidReplies.push(sent.reply.then((r) => Object.assign(record, {bytesUp: r.wire.bodyBytesUp, bytesDown: r.wire.bodyBytesDown, ms: r.ms}), () => undefined));
        }
      }
      thrownAway += wasted.steps.length;
      run.log.events.length = slotAt + 1;
      run.log.push(wasted);
      run.records.length = p.recordIndex;
      run.transcript.length = p.transcript.length;
      run.text = run.records.map((r) => r.piece).join("");
      run.stopped = false;
      run.stopReason = "max-tokens";
      run.small.restore(p.smallBefore);
      run.large.restore(p.before);
      run.large.commitTurn(p.transcript, p.cuts, written);
    }
    const first = p.cuts.at(-1) ?? 0;
    const cost = run.call({
      call: p.request.call,
      replies: reply.predictions,
      evaluated: p.transcript.length - first + written.length - 1,
      generated: written.length,
      ms: reply.ms,
      guess: p.guess.length,
      agreed,
      written: written.length,
      at: {transcript: p.transcript, step: p.step},
      insert: (events) => run.log.events.splice(run.log.events.indexOf(p.slot), 1, ...events),
    });
    for (const g of p.guessEvents) g.call = cost.call;
    if (wasted) wasted.call = cost.call;
    const records = reply.predictions.map((prediction, i): TokenRecord => {
      const head = i === 0;
      const record: TokenRecord = {
        step: p.step + i,
        id: prediction.token,
        piece: "",
        source: "large",
        score: head ? p.score : Number.NaN,
        small: head ? p.small.prediction : null,
        large: prediction,
        smallEvaluated: head ? p.small.evaluated : 0,
        largeEvaluated: head ? p.transcript.length - first : 1,
        smallMs: head ? p.small.ms : 0,
        largeMs: head ? reply.ms : 0,
        probeMs: 0,
        routerMs: head ? p.routerMs : 0,
        netMs: head ? cost.netMs : 0,
        bytesUp: head ? cost.bytesUp : 0,
        bytesDown: head ? cost.bytesDown : 0,
        tMs: 0,
        call: cost.call,
      };
      if (head) record.wire = reply.wire;
      return record;
    });
    if (agreed) {
      records.forEach((r, i) => Object.assign(run.records[p.recordIndex + i]!, {...r, piece: run.records[p.recordIndex + i]!.piece}));
    } else {
      run.emit(records);
    }
  };

  const settleReady = () => {
    while (pending[0]?.settled) settle(pending.shift()!);
  };

  for (;;) {
    settleReady();
    const done = run.stopped || run.remaining <= 0;
    if (done && pending.length === 0) break;
    if (done || pending.length >= OPTIMISTIC_WINDOW) {
      // Nothing left to guess, or the window is full: wait for the oldest reply.
      await pending[0]!.reply.catch(() => undefined);
      continue;
    }
    const step = run.step;
    const transcript = run.transcript;
    const s = await run.small.next(transcript);
    run.smallStep(s);
    const routerStart = performance.now();
    const scored = router.score({step, key, small: s.prediction});
    const score = typeof scored === "number" ? scored : await scored;
    const routerMs = performance.now() - routerStart;
    run.log.push({type: "router", ms: routerMs});
    if (!routes(score, threshold)) {
      run.checkId(s.prediction.token, "small");
      run.emit([{step, id: s.prediction.token, piece: "", source: "small", score, small: s.prediction, large: null, smallEvaluated: s.evaluated, largeEvaluated: 0, smallMs: s.ms, largeMs: 0, probeMs: 0, routerMs, netMs: 0, bytesUp: 0, bytesDown: 0, tMs: 0}]);
      continue;
    }

    // A routed step: guess the reply, send the request, go on from the guess.
    const max = Math.min(policy.kind === "span" ? policy.k : policy.kind === "stitch" ? policy.cap : 1, run.remaining);
    const {guess, events: guessEvents} = await guessAhead(run, s, policy.kind === "span" ? max : 1);
    for (const e of guessEvents) run.log.push(e);
    const call: SessionCall = policy.kind === "token" ? {mode: "next"} : policy.kind === "span" ? {mode: "span", max, stopIds: run.stopIds} : {mode: "stitch", max, sigma: policy.sigma, stopIds: run.stopIds};
    const at = [...transcript];
    const cuts = run.large.cutsFor(at);
    const assumed = mirror.clone();
    for (const p of pending) assumed.apply(p.request, p.guess);
    const request = assumed.plan(at, cuts, call);
    const before = run.large.snapshot();
    const smallBefore = run.small.snapshot();
    run.large.commitTurn(at, cuts, guess);
    const resend = () => ({keep: 0, ids: at, batches: [...cuts, at.length].map((e, i, all) => e - (i === 0 ? 0 : all[i - 1]!)), call});
    const voided = new AbortController();
    const reply = remote.sessionRequest(request, ++seq, resend, voided.signal);
    const slot: DecodeEvent = {type: "discard", count: 0}; // replaced by the request's events when its reply is in
    run.log.push(slot);
    const p: Pending = {slot, recordIndex: run.records.length, transcript: at, step, guess, guessEvents, small: s, score, routerMs, request, before, smallBefore, cuts, reply, voided};
    reply.then(
      (value) => (p.settled = {ok: true, value}),
      (error) => (p.settled = {ok: false, error}),
    );
    pending.push(p);
    run.emit(
      guess.map((id, i): TokenRecord => ({step: step + i, id, piece: "", source: "large", score: i === 0 ? score : Number.NaN, small: i === 0 ? s.prediction : null, large: null, smallEvaluated: i === 0 ? s.evaluated : 0, largeEvaluated: 0, smallMs: i === 0 ? s.ms : 0, largeMs: 0, probeMs: 0, routerMs: i === 0 ? routerMs : 0, netMs: 0, bytesUp: 0, bytesDown: 0, tMs: 0})),
    );
  }
  // Void requests still in flight when the run ends delay nothing of it: the caller awaits them after its clock stops.
  return {thrownAway, drained: Promise.all(voidReplies)};
}

/**
 * The device's guess of a turn: its own token, then (a span) its own next tokens, decoded one at a
 * time outside the run's history, up to `length` or an end-of-generation id.
 */
async function guessAhead(run: RunState, s: NextResult, length: number): Promise<{guess: Token[]; events: Extract<DecodeEvent, {type: "guess"}>[]}> {
  const guess = [s.prediction.token];
  const events: Extract<DecodeEvent, {type: "guess"}>[] = [];
  const cuts = [...run.small.history];
  const stopIds = run.stopIds;
  while (guess.length < length && !stopIds.includes(guess.at(-1)!)) {
    const next = await run.small.peek([...run.transcript, ...guess], cuts);
    events.push({type: "guess", call: -1, tokens: next.evaluated, ms: next.ms});
    cuts.push(run.transcript.length + guess.length);
    guess.push(next.prediction.token);
  }
  return {guess, events};
}
