import {randomBytes} from "node:crypto";
import type {LimitFunction} from "p-limit";
import {ContextFullError, TlrError} from "../../util/errors.ts";
import {MAX_VOCAB_SIZE_DIFFERENCE} from "../vocabulary.ts";
import {commonPrefixLength, planEvaluation, ScheduleMirror} from "../schedule.ts";
import type {ModelInfo, NextOptions, NextResult, TokenModel, WireUse} from "../TokenModel.ts";
import type {Prediction, Token} from "../../core/Prediction.ts";
import type {HttpClient, HttpExchange} from "./HttpClient.ts";
import {predictionFromLogprobs, TEXT_TOKENS_REASON, type ParsedLogprobs} from "../../wire/logprobs.ts";
import {RemoteError} from "./RemoteError.ts";
import {errorCode, malformed, replyData, replyJson} from "./replies.ts";
import {withRetries, type RetryPolicy} from "./retry.ts";
import {encodeSessionRequest, SESSION_BINARY_TYPE} from "../../wire/sessionBinary.ts";
import {COMPUTE_HEADER, EVALUATED_HEADER, SESSION_ID_LENGTH, SessionNextReply} from "../../wire/sessionWire.ts";
import {STATELESS_PROTOCOLS, type RemoteProtocol} from "../../wire/RemoteProtocol.ts";
import type {RequestContext} from "../../wire/statelessProtocols.ts";

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

interface CallResult {
  parsed: ParsedLogprobs;
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
      const call = this.link.protocol === "session" ? () => this.sessionCall(transcript, wire, cuts, top) : () => this.statelessCall(transcript, wire, top);
      return withRetries(() => this.link.limit(call), this.link.retry, () => wire.retries++);
    };
    const result = await ask();
    const {parsed} = result;
    this.checkReply(parsed);
    let prediction = predictionFromLogprobs(parsed, this.link.topK);
    if (prediction.token >= this.link.vocabLimit) prediction = await this.sharedToken(prediction, parsed, ask);
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
  private async sharedToken(prediction: Prediction, parsed: ParsedLogprobs, ask: (top: number) => Promise<CallResult>): Promise<Prediction> {
    const byLogprob = (list: readonly {id: Token; logprob: number}[]) => [...list].sort((a, b) => b.logprob - a.logprob);
    let best = byLogprob(parsed.top).find((t) => t.id < this.link.vocabLimit);
    if (!best) {
      const rows = this.link.serverVocabSize ?? this.link.vocabLimit + MAX_VOCAB_SIZE_DIFFERENCE;
      const top = Math.max(this.link.topK + 1, rows - this.link.vocabLimit + 1);
      const more = (await ask(top)).parsed;
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
   * One step over the session protocol. The client mirrors the server's evaluation batches
   * (`batchEnds`) with the same planning the server's model uses (models/schedule.ts). Plain
   * decoding sends the unseen ids and the server evaluates them as one batch; with `cuts` (an
   * exact sweep's batch history) it sends `keep` = the last batch the schedules share and the
   * batch sizes after it, so the server reproduces the schedule and its numbers.
   */
  private async sessionCall(transcript: readonly Token[], wire: WireUse, cuts?: readonly number[], top?: number): Promise<CallResult> {
    const held = this.serverTokens.slice(0, this.batchEnds.at(-1) ?? 0);
    const plan = planEvaluation(held, this.batchEnds, transcript, cuts);
    const ends = [...this.batchEnds.slice(0, plan.keepSegments), ...plan.evaluate];
    const sizes = (list: readonly number[], from: number) => list.map((e, i) => e - (i === 0 ? from : list[i - 1]!));
    const next = (keep: number, batches?: readonly number[]) =>
      this.post("/session/next", encodeSessionRequest(this.session, keep, transcript.slice(keep), batches, top), wire, SESSION_BINARY_TYPE);
    let ex =
      !cuts || plan.evaluate.length === 0
        ? await next(commonPrefixLength(this.serverTokens, transcript))
        : await next(plan.keepLength, sizes(plan.evaluate, plan.keepLength));
    if (ex.status === 404 && errorCode(ex) === "unknown-session") {
      // The server lost this session: resend the prefix, replaying the batches it was evaluated in.
      wire.resends++;
      ex = await next(0, sizes(ends, 0));
    }
    const reply = replyData(ex, this.link.http.base.href, SessionNextReply);
    this.batchEnds = ends;
    this.serverTokens = [...transcript, reply.token];
    return {
      parsed: {token: reply.token, top: reply.top.map(([id, logprob]) => ({id, logprob}))},
      computeMs: serverTimingMs(ex),
      evaluated: numberHeader(ex, EVALUATED_HEADER),
    };
  }

  private async statelessCall(transcript: readonly Token[], wire: WireUse, top?: number): Promise<CallResult> {
    const protocol = STATELESS_PROTOCOLS[this.link.protocol as Exclude<RemoteProtocol, "session">];
    const request = top === undefined ? this.link.request : {...this.link.request, topK: top};
    const ex = await this.post(protocol.path, protocol.body(transcript, request), wire);
    const url = this.link.http.base.href;
    const reply = protocol.parse(replyJson(ex, url));
    if (typeof reply === "string") {
      // Token text instead of ids is the server's way of answering, not a transient fault.
      if (reply.startsWith(TEXT_TOKENS_REASON)) throw new RemoteError("unsupported", url, `${url} answered HTTP ${ex.status} with a body this protocol cannot use: ${reply}`, {status: ex.status});
      throw malformed(ex, url, reply);
    }
    // tlr serve reports its compute in headers on /v1/completions too.
    return {...reply, computeMs: reply.computeMs ?? serverTimingMs(ex), evaluated: reply.evaluated ?? numberHeader(ex, EVALUATED_HEADER)};
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
    const had = this.serverTokens.length > 0;
    this.serverTokens = [];
    this.batchEnds = [];
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
