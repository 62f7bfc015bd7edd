import {randomBytes} from "node:crypto";
import type {LimitFunction} from "p-limit";
import {ContextFullError, TlrError} from "../../util/errors.ts";
import {MAX_VOCAB_SIZE_DIFFERENCE} from "../vocabulary.ts";
import {commonPrefixLength, planEvaluation, ScheduleMirror} from "../schedule.ts";
import type {ModelInfo, NextOptions, NextResult, TokenModel, TurnOptions, TurnResult, VerifyResult, WireUse} from "../TokenModel.ts";
import type {Prediction, Token} from "../../core/Prediction.ts";
import type {HttpClient, HttpExchange} from "./HttpClient.ts";
import {predictionFromLogprobs, TEXT_TOKENS_REASON, type ParsedLogprobs} from "../../wire/logprobs.ts";
import {RemoteError} from "./RemoteError.ts";
import {errorCode, malformed, replyData, replyJson} from "./replies.ts";
import {withRetries, type RetryPolicy} from "./retry.ts";
import {encodeSessionRequest, SESSION_BINARY_TYPE, type SessionCall} from "../../wire/sessionBinary.ts";
import {COMPUTE_HEADER, EVALUATED_HEADER, SESSION_ID_LENGTH, SessionNextReply, SessionTurnReply} from "../../wire/sessionWire.ts";
import {STATELESS_PROTOCOLS, type RemoteProtocol} from "../../wire/RemoteProtocol.ts";
import type {RequestContext} from "../../wire/statelessProtocols.ts";
import type {SessionRequest} from "./SessionMirror.ts";

/** What the models of one connection share (see `connectRemote`). */
export interface RemoteLink {
  http: HttpClient;
  protocol: RemoteProtocol;
  info: ModelInfo;
  topK: number;
  retry: RetryPolicy;
  /** Caps the requests in flight to this server across all its models (questions). */
  limit: LimitFunction;
  request: RequestContext;
  /** Ids at or above this are padding rows the small model lacks: never taken as the token. */
  vocabLimit: number;
  /** The served model's row count where the server says it; replies beyond it are malformed. */
  serverVocabSize: number | undefined;
}

interface CallResults {
  /** One per predicted token, in order. */
  parsed: ParsedLogprobs[];
  /** A verification's accepted drafts. */
  accepted?: number;
  computeMs: number | undefined;
  evaluated: number | undefined;
}

/**
 * The large model behind HTTP, as a `TokenModel`. One instance is one client state: a session
 * on `tlr serve`, or a stream of stateless requests whose prefix the server caches. Failures
 * are retried with back-off (`RetryPolicy`); a call that still fails throws a `RemoteError`.
 * A session the server lost (evicted, restarted) is rebuilt by resending the prefix with its
 * original batch schedule, which the caller sees only in `wire.resends`.
 */
export class RemoteModel implements TokenModel {
  readonly info: ModelInfo;
  /** This client's session id on `tlr serve` (random, 16 hex digits; a new one after `reset()`). */
  session = newSessionId();
  /** Session protocol: the server's token list as this client knows it (the evaluated tokens plus its last produced token). */
  private serverTokens: Token[] = [];
  /** Session protocol: where the server's evaluation batches ended, to replay them after a lost session. */
  private batchEnds: number[] = [];
  /** Session protocol: the tokens the server's evaluation batches hold (through the last batch end). */
  private serverHeld: Token[] = [];
  /** Numbers requests for a server that answers a session's requests in order (several in flight: optimistic continuation). */
  nextSeq: (() => number) | undefined;
  /** The session got requests outside this model's mirror (`sessionRequest`): reset must still close it and take a new id. */
  private used = false;
  private cached: {transcript: Token[]; cuts: number[] | undefined; prediction: Prediction; evaluated: number} | undefined;
  /** The batches an exactly scheduled server would hold, for canonical catch-up sizes. */
  private readonly schedule = new ScheduleMirror();

  constructor(private readonly link: RemoteLink) {
    this.info = link.info;
  }

  get protocol(): RemoteProtocol {
    return this.link.protocol;
  }

  /**
   * `options.cuts` (an exact sweep's batch history) is honoured over the session protocol; the
   * stateless protocols cannot ask a server for a batch schedule, so there the server's prefix
   * cache decides (see README, remote backends).
   */
  async next(transcript: readonly Token[], options: NextOptions = {}): Promise<NextResult> {
    const start = performance.now();
    this.check(transcript);
    const cuts = this.link.protocol === "session" ? options.cuts : undefined;
    if (this.cached && sameIds(this.cached.transcript, transcript) && sameIds(this.cached.cuts ?? [], cuts ?? [])) {
      return {prediction: this.cached.prediction, evaluated: this.cached.evaluated, fromState: true, replayed: 0, ms: 0, wire: emptyWire()};
    }
    this.cached = undefined;
    const {evaluated} = this.schedule.call(transcript, options.cuts); // the run's own catch-up size (see ScheduleMirror)
    const wire = emptyWire();
    const ask = (top?: number) => {
      const call = this.link.protocol === "session" ? () => this.sessionCall(transcript, wire, cuts, {top}) : () => this.statelessCall(transcript, wire, 1, top);
      return withRetries(() => this.link.limit(call), this.link.retry, () => wire.retries++);
    };
    const result = await ask();
    let prediction = this.predictions(result.parsed)[0]!;
    if (prediction.token >= this.link.vocabLimit) prediction = await this.sharedToken(prediction, result.parsed[0]!, ask);
    wire.ms = performance.now() - start;
    if (result.evaluated !== undefined) wire.serverEvaluated = result.evaluated;
    this.cached = {transcript: [...transcript], cuts: cuts && [...cuts], prediction, evaluated};
    return {prediction, evaluated, fromState: false, replayed: 0, ms: result.computeMs ?? wire.ms, wire};
  }

  /** Ids beyond the served model's vocabulary (where known) are a broken reply. */
  private checkReply(parsed: ParsedLogprobs): void {
    const bound = this.link.serverVocabSize;
    if (bound !== undefined && (parsed.token >= bound || !parsed.top.every((t) => t.id < bound))) {
      throw new RemoteError("malformed", this.link.http.base.href, `${this.link.http.base.href} answered token id ${parsed.token}, outside the vocabulary of ${bound}`);
    }
  }

  /**
   * The server's argmax is a padding row the small model lacks: take the best shared id of its
   * top-K, as the local backend does (LocalModel.sharedToken); when none of them is shared, ask
   * again for as many as there are padding rows plus one (a server whose size is unknown is
   * assumed padded by at most MAX_VOCAB_SIZE_DIFFERENCE). The other features stay the server's.
   */
  private async sharedToken(prediction: Prediction, parsed: ParsedLogprobs, ask: (top: number) => Promise<CallResults>): Promise<Prediction> {
    const byLogprob = (list: readonly {id: Token; logprob: number}[]) => [...list].sort((a, b) => b.logprob - a.logprob);
    let best = byLogprob(parsed.top).find((t) => t.id < this.link.vocabLimit);
    if (!best) {
      const rows = this.link.serverVocabSize ?? this.link.vocabLimit + MAX_VOCAB_SIZE_DIFFERENCE;
      const top = Math.max(this.link.topK + 1, rows - this.link.vocabLimit + 1);
      const more = (await ask(top)).parsed[0]!;
      this.checkReply(more);
      best = byLogprob(more.top).find((t) => t.id < this.link.vocabLimit);
      if (!best) {
        const url = this.link.http.base.href;
        throw new RemoteError("malformed", url, `${url}: none of the ${more.top.length} most likely tokens it answered is below the shared vocabulary of ${this.link.vocabLimit} ids (asked for ${top})`);
      }
    }
    return {...prediction, token: best.id, padded: true};
  }

  private check(transcript: readonly Token[]): void {
    const n = transcript.length;
    if (n === 0) throw new TlrError(`${this.info.name}: cannot predict after an empty transcript (a prompt needs at least one token)`);
    if (n > this.info.contextSize) {
      throw new ContextFullError(`${this.info.name}: transcript of ${n} tokens exceeds the server's context of ${this.info.contextSize} tokens`);
    }
    for (const id of transcript) {
      if (!Number.isInteger(id) || id < 0 || id >= this.info.vocabSize) {
        throw new TlrError(`${this.info.name}: token id ${id} is outside its vocabulary of ${this.info.vocabSize}`);
      }
    }
  }

  /**
   * A turn (span, stitch) in one request. Over the session protocol the server writes the turn
   * with the batches a local model would (each written token its own batch); llama-server and
   * OpenAI-compatible servers write a span with `n_predict` / `max_tokens` (their own batching),
   * and cannot stop on the model's confidence, so a stitch needs the session protocol.
   */
  async generate(transcript: readonly Token[], options: TurnOptions): Promise<TurnResult> {
    const start = performance.now();
    this.check(transcript);
    this.cached = undefined;
    const {protocol} = this.link;
    if (protocol !== "session" && options.confident !== undefined) {
      throw new TlrError(`the ${protocol} protocol cannot end a turn on the model's confidence (stitch): use tlr serve, whose session protocol can`);
    }
    const first = this.schedule.call(transcript, options.cuts);
    const wire = emptyWire();
    const call: SessionCall = options.confident !== undefined ? {mode: "stitch", max: options.max, sigma: options.confident, stopIds: [...(options.stopIds ?? [])]} : {mode: "span", max: options.max, stopIds: [...(options.stopIds ?? [])]};
    const results = await withRetries(
      () => this.link.limit(() => (protocol === "session" ? this.sessionCall(transcript, wire, options.cuts, {call}) : this.statelessTurn(transcript, wire, options))),
      this.link.retry,
      () => wire.retries++,
    );
    wire.ms = performance.now() - start;
    // A padding id the server wrote ends the turn there (as the best shared id): what it wrote after it followed an id the small model cannot hold.
    const predictions = this.predictions(results.parsed);
    const padded = predictions.findIndex((p) => p.padded === true);
    if (padded >= 0) predictions.length = padded + 1;
    this.unpadded(predictions);
    const steps = predictions.map((prediction, i): NextResult => ({prediction, evaluated: i === 0 ? first.evaluated : 1, fromState: false, replayed: 0, ms: 0}));
    for (let i = 1; i < steps.length; i++) this.schedule.call([...transcript, ...results.parsed.slice(0, i).map((p) => p.token)]);
    if (results.evaluated !== undefined) wire.serverEvaluated = results.evaluated;
    const ms = results.computeMs ?? wire.ms;
    steps[0]!.ms = ms;
    steps[0]!.wire = wire;
    return {steps, ms, evaluated: first.evaluated + steps.length - 1, wire};
  }

  /** Speculative decoding's verification in one request: tlr serve's session protocol only (the others cannot score a prompt's positions). */
  async verify(transcript: readonly Token[], drafts: readonly Token[], options: NextOptions = {}): Promise<VerifyResult> {
    const start = performance.now();
    if (this.link.protocol !== "session") {
      throw new TlrError(`the ${this.link.protocol} protocol cannot verify drafts (no log-probabilities at the prompt's positions): speculative decoding needs tlr serve's session protocol`);
    }
    this.check([...transcript, ...drafts]);
    this.cached = undefined;
    const first = this.schedule.call(transcript, options.cuts);
    if (drafts.length > 0) this.schedule.call([...transcript, ...drafts]);
    const wire = emptyWire();
    const results = await withRetries(() => this.link.limit(() => this.sessionCall(transcript, wire, options.cuts, {call: {mode: "verify", drafts: drafts.length}, drafts})), this.link.retry, () => wire.retries++);
    wire.ms = performance.now() - start;
    if (results.evaluated !== undefined) wire.serverEvaluated = results.evaluated;
    const accepted = results.accepted ?? 0;
    if (accepted > drafts.length || results.parsed.length !== accepted + 1) throw new RemoteError("malformed", this.link.http.base.href, `${this.link.http.base.href} answered a verification with ${results.parsed.length} predictions for ${accepted} accepted drafts`);
    return {predictions: this.unpadded(this.predictions(results.parsed)), accepted, evaluated: first.evaluated + drafts.length, ms: results.computeMs ?? wire.ms, wire};
  }

  /**
   * A session request with an explicit schedule, outside this model's own mirror: for a client
   * that keeps several requests in flight (optimistic continuation) and tracks the session's
   * state itself (`SessionMirror`). Numbered with `seq`, so the server answers them in order. A
   * session the server lost is rebuilt by `resend()` (the whole prefix, keep 0).
   *
   * These requests do not wait for the connection's `maxInFlight` slots: one session's requests
   * are answered one at a time by the server anyway, so holding them back on the client only
   * adds a round trip each time the slots are full (the caller bounds how many it keeps in
   * flight: `OPTIMISTIC_WINDOW`). `voided` aborted: the caller no longer wants the reply, so a
   * failed attempt is not retried (a retry would reach the server after later requests).
   */
  async sessionRequest(request: SessionRequest, seq: number, resend: () => SessionRequest, voided?: AbortSignal): Promise<{predictions: Prediction[]; accepted?: number; ms: number; wire: WireUse}> {
    if (this.link.protocol !== "session") throw new TlrError(`optimistic continuation over a real link needs tlr serve's session protocol, not ${this.link.protocol}`);
    const start = performance.now();
    const wire = emptyWire();
    const url = this.link.http.base.href;
    const send = (r: SessionRequest) => this.post("/session/next", encodeSessionRequest(this.session, r.keep, r.ids, r.batches, r.call, seq), wire, SESSION_BINARY_TYPE);
    let attempts = 0;
    const ex = await withRetries(
      async () => {
        if (attempts++ > 0 && voided?.aborted) throw new TlrError(`request ${seq} was void: not retried`);
        let reply = await send(request);
        if (reply.status === 404 && errorCode(reply) === "unknown-session") {
          wire.resends++;
          reply = await send(resend());
        }
        return reply;
      },
      this.link.retry,
      () => wire.retries++,
    );
    const single = request.call.mode === "next";
    const steps = single ? [replyData(ex, url, SessionNextReply)] : replyData(ex, url, SessionTurnReply).steps;
    const accepted = single ? undefined : replyData(ex, url, SessionTurnReply).accepted;
    wire.ms = performance.now() - start;
    const evaluated = numberHeader(ex, EVALUATED_HEADER);
    if (evaluated !== undefined) wire.serverEvaluated = evaluated;
    this.cached = undefined;
    // This model's own mirror no longer describes the session: the next plain call resends from scratch.
    this.serverTokens = [];
    this.batchEnds = [];
    this.serverHeld = [];
    this.used = true;
    const predictions = this.unpadded(this.predictions(steps.map((r) => ({token: r.token, top: r.top.map(([id, logprob]) => ({id, logprob}))}))));
    return {predictions, ...(accepted === undefined ? {} : {accepted}), ms: serverTimingMs(ex) ?? wire.ms, wire};
  }

  /**
   * Checked predictions from parsed log-probabilities. A padding id (≥ vocabLimit, one the small
   * model lacks) becomes the best shared id of the top log-probabilities when they hold one
   * (`padded`); else it stays, for `next` to ask again with more (`sharedToken`).
   */
  private predictions(parsed: readonly ParsedLogprobs[]): Prediction[] {
    for (const p of parsed) this.checkReply(p);
    return parsed.map((p) => {
      const prediction = predictionFromLogprobs(p, this.link.topK);
      if (prediction.token < this.link.vocabLimit) return prediction;
      const best = bestShared(p.top, this.link.vocabLimit);
      return best ? {...prediction, token: best.id, padded: true} : prediction;
    });
  }

  /** `predictions`, refused where a padding id found no shared id among its top log-probabilities (a turn or a verification cannot ask again). */
  private unpadded(predictions: Prediction[]): Prediction[] {
    const bad = predictions.find((p) => p.token >= this.link.vocabLimit);
    if (bad) {
      const url = this.link.http.base.href;
      throw new RemoteError("malformed", url, `${url} answered padding id ${bad.token} with no id below the shared vocabulary of ${this.link.vocabLimit} among its ${bad.top.length} top log-probabilities`);
    }
    return predictions;
  }

  /**
   * One request over the session protocol: a prediction, a turn, or a verification of `drafts`
   * (sent after the transcript). The client mirrors the server's evaluation batches (`batchEnds`,
   * over the evaluated tokens `held`) with the same planning the server's model uses
   * (models/schedule.ts). Plain decoding sends the unseen ids and the server evaluates them as one
   * batch; with `cuts` (a run's batch history that the server's state does not already follow) it
   * sends `keep` = the last batch the schedules share and the batch sizes after it, so the server
   * reproduces the schedule and its numbers.
   */
  private async sessionCall(transcript: readonly Token[], wire: WireUse, cuts?: readonly number[], turn?: {call?: SessionCall; drafts?: readonly Token[]; top?: number}): Promise<CallResults> {
    const held = this.serverHeld;
    const drafts = turn?.drafts ?? [];
    const plain = planEvaluation(held, this.batchEnds, transcript);
    const plan = cuts ? planEvaluation(held, this.batchEnds, transcript, cuts) : plain;
    const ends = [...this.batchEnds.slice(0, plan.keepSegments), ...plan.evaluate];
    const sizes = (list: readonly number[], from: number) => list.map((e, i) => e - (i === 0 ? from : list[i - 1]!));
    const sent = [...transcript, ...drafts];
    const body = (keep: number, batches?: readonly number[]) => {
      const all = batches && drafts.length > 0 ? [...batches, drafts.length] : batches;
      return encodeSessionRequest(this.session, keep, sent.slice(keep), all, turn?.call, this.nextSeq?.(), turn?.top);
    };
    const next = (keep: number, batches?: readonly number[]) => this.post("/session/next", body(keep, batches), wire, SESSION_BINARY_TYPE);
    // The schedule the server would follow anyway (append-only decoding) needs no batch list: the request stays minimal.
    const asPlain = plan.evaluate.length === 0 || (plan.keepSegments === plain.keepSegments && sameIds(plan.evaluate, plain.evaluate));
    let ex = asPlain ? await next(commonPrefixLength(this.serverTokens, transcript)) : await next(plan.keepLength, sizes(plan.evaluate, plan.keepLength));
    if (ex.status === 404 && errorCode(ex) === "unknown-session") {
      // The server lost this session: resend the prefix, replaying the batches it was evaluated in.
      wire.resends++;
      ex = await next(0, sizes(ends, 0));
    }
    const url = this.link.http.base.href;
    const steps = !turn?.call || turn.call.mode === "next" ? [replyData(ex, url, SessionNextReply)] : undefined;
    const many = steps ? undefined : replyData(ex, url, SessionTurnReply);
    const parsed = (steps ?? many!.steps).map((r) => ({token: r.token, top: r.top.map(([id, logprob]) => ({id, logprob}))}));
    const written = parsed.map((p) => p.token);
    const n = transcript.length;
    if (turn?.call?.mode === "verify") {
      const a = many!.accepted ?? 0;
      this.batchEnds = drafts.length > 0 ? [...ends, n + drafts.length] : ends;
      this.serverHeld = [...transcript, ...drafts];
      this.serverTokens = [...transcript, ...drafts.slice(0, a), written.at(-1)!];
    } else {
      // A turn's written tokens, all but the last, were fed back one batch each.
      this.batchEnds = [...ends, ...written.slice(0, -1).map((_, i) => n + i + 1)];
      this.serverHeld = [...transcript, ...written.slice(0, -1)];
      this.serverTokens = [...transcript, ...written];
    }
    return {parsed, accepted: many?.accepted, computeMs: serverTimingMs(ex), evaluated: numberHeader(ex, EVALUATED_HEADER)};
  }

  private async statelessCall(transcript: readonly Token[], wire: WireUse, max = 1, top?: number): Promise<CallResults> {
    const protocol = STATELESS_PROTOCOLS[this.link.protocol as Exclude<RemoteProtocol, "session">];
    const request = top === undefined ? this.link.request : {...this.link.request, topK: top};
    const ex = await this.post(protocol.path, protocol.body(transcript, request, max), wire);
    const url = this.link.http.base.href;
    const reply = protocol.parse(replyJson(ex, url));
    if (typeof reply === "string") {
      // Token text instead of ids is the server's way of answering, not a transient fault.
      if (reply.startsWith(TEXT_TOKENS_REASON)) throw new RemoteError("unsupported", url, `${url} answered HTTP ${ex.status} with a body this protocol cannot use: ${reply}`, {status: ex.status});
      throw malformed(ex, url, reply);
    }
    // tlr serve reports its compute in headers on /v1/completions too.
    return {parsed: reply.parsed, computeMs: reply.computeMs ?? serverTimingMs(ex), evaluated: reply.evaluated ?? numberHeader(ex, EVALUATED_HEADER)};
  }

  /** A span from a stateless server: `max` tokens in one request, cut after the first stop id (servers stop at their own end of generation). */
  private async statelessTurn(transcript: readonly Token[], wire: WireUse, options: TurnOptions): Promise<CallResults> {
    const r = await this.statelessCall(transcript, wire, options.max);
    const end = r.parsed.findIndex((p) => options.stopIds?.includes(p.token));
    return {...r, parsed: r.parsed.slice(0, end < 0 ? options.max : end + 1)};
  }

  private async post(path: string, body: string | Buffer, wire: WireUse, contentType?: string): Promise<HttpExchange> {
    wire.requests++; // failed attempts count as requests; their bytes are unknown and left out
    const ex = await this.link.http.request("POST", path, body, contentType);
    wire.bytesUp += ex.bytesUp;
    wire.bytesDown += ex.bytesDown;
    wire.bodyBytesUp += ex.bodyBytesUp;
    wire.bodyBytesDown += ex.bodyBytesDown;
    return ex;
  }

  /** Forgets this client's state; its session is closed on the server (best effort, not awaited). */
  async reset(): Promise<void> {
    const had = this.used || this.serverTokens.length > 0;
    this.used = false;
    this.serverTokens = [];
    this.batchEnds = [];
    this.serverHeld = [];
    this.cached = undefined;
    this.schedule.reset();
    if (had && this.link.protocol === "session") {
      // Not awaited: a slow or dead server must not hold up the caller. A new id means a late
      // close can never hit the session this model uses next.
      void this.link.http.request("POST", "/session/close", JSON.stringify({session: this.session})).catch(() => undefined);
      this.session = newSessionId();
    }
  }

  async dispose(): Promise<void> {
    await this.reset();
  }
}

function newSessionId(): string {
  return randomBytes(SESSION_ID_LENGTH / 2).toString("hex");
}

export function emptyWire(): WireUse {
  return {requests: 0, bytesUp: 0, bytesDown: 0, bodyBytesUp: 0, bodyBytesDown: 0, ms: 0, retries: 0, resends: 0};
}

function sameIds(a: readonly Token[], b: readonly Token[]): boolean {
  return a.length === b.length && commonPrefixLength(a, b) === a.length;
}

function numberHeader(ex: HttpExchange, name: string): number | undefined {
  const v = ex.headers[name];
  const n = typeof v === "string" ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** `Server-Timing: compute;dur=1.234` → 1.234. */
function serverTimingMs(ex: HttpExchange): number | undefined {
  const v = ex.headers[COMPUTE_HEADER];
  const m = typeof v === "string" ? /compute;dur=([\d.]+)/.exec(v) : null;
  return m ? Number(m[1]) : undefined;
}

/** The most likely id below `limit` among top log-probabilities (in any order), if any. */
function bestShared(top: readonly {id: Token; logprob: number}[], limit: number): {id: Token; logprob: number} | undefined {
  let best: {id: Token; logprob: number} | undefined;
  for (const t of top) if (t.id < limit && (!best || t.logprob > best.logprob)) best = t;
  return best;
}
