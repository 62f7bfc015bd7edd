import type {Prediction, Token} from "../core/Prediction.ts";
import type {Tokenizer} from "../core/Tokenizer.ts";
import type {NextResult} from "../models/TokenModel.ts";
import type {SessionCall} from "../wire/sessionBinary.ts";
import {callReplyBytes, type WireProtocol} from "../wire/WireProtocol.ts";
import type {Router} from "../routing/Router.ts";
import {isRemoteError} from "../models/remote/RemoteError.ts";
import {TlrError} from "../util/errors.ts";
import {EventLog, type DecodeEvent} from "./events.ts";
import {jitterMs, transferMs, type NetworkModel} from "./networkModel.ts";
import type {RunModel} from "./RunModel.ts";
import type {StopReason, TokenRecord} from "./types.ts";

/** Ids of context handed to the detokenizer so a piece's leading space renders right. */
export const PIECE_CONTEXT = 8;

export interface RunSettings {
  tokenizer: Tokenizer;
  router: Router;
  threshold: number;
  maxTokens: number;
  key: string;
  /** End-of-generation ids of the small model (EOS, EOT, `<|im_end|>`, `<|endoftext|>`, …): stop reason "eos". */
  eog: ReadonlySet<Token>;
  stopTokens: ReadonlySet<Token>;
  stopStrings: readonly string[];
  network: NetworkModel;
  protocol: WireProtocol;
  vocabBound: number;
  /** Large-model failures after their retries: "fail" rethrows, "small" goes on with the small model alone. */
  onLargeError: "fail" | "small";
  onToken?: (record: TokenRecord) => void;
}

/**
 * One run in progress: its transcript, records and event log, the two models as it sees them
 * (`RunModel`: its own batch history), and the bookkeeping every policy shares: appending tokens
 * (stop rules, streaming) and accounting a request (bytes, network time, events).
 */
export class RunState {
  readonly transcript: Token[];
  readonly promptLength: number;
  readonly records: TokenRecord[] = [];
  readonly log = new EventLog();
  text = "";
  stopReason: StopReason = "max-tokens";
  stopped = false;
  /** The large model failed after its retries and the run went on without it. */
  largeDown = false;
  /**
   * Text is needed during the loop only to stream it or to match stop strings. Otherwise the
   * pieces are made in one pass afterwards: a detokenize call between two evaluations costs a
   * tiny model ~30 µs of cache misses per step (9% of a step of the 130K-parameter toy model).
   */
  readonly textInLoop: boolean;
  /** Transcript ids the large side has received or produced (what the next request need not carry). */
  private largeKnows = 0;
  /** The sequential clock as the log stands (timeline.ts's serial replay, kept as the run goes, for streaming). */
  private readonly clock = {at: 0, block: 0, pendingNet: 0, seen: 0};

  constructor(
    prompt: readonly Token[],
    readonly small: RunModel,
    readonly large: RunModel,
    readonly settings: RunSettings,
  ) {
    this.transcript = [...prompt];
    this.promptLength = prompt.length;
    this.textInLoop = settings.stopStrings.length > 0 || settings.onToken !== undefined;
  }

  /** Index of the next generated token. */
  get step(): number {
    return this.transcript.length - this.promptLength;
  }

  get remaining(): number {
    return this.settings.maxTokens - this.step;
  }

  /** Whether the run is over: stopped, or out of tokens (then its stop reason is "max-tokens"). */
  finished(): boolean {
    if (!this.stopped && this.remaining <= 0) this.stopReason = "max-tokens";
    return this.stopped || this.remaining <= 0;
  }

  /** The ids that end a turn or a draft early: the end-of-generation ids (unless disabled) and the stop tokens. */
  get stopIds(): Token[] {
    return (this.stopIdList ??= [...new Set([...this.settings.eog, ...this.settings.stopTokens])]);
  }

  private stopIdList: Token[] | undefined;

  /** Logs a small-model evaluation. */
  smallStep(s: NextResult): void {
    this.log.push({type: "small", tokens: s.evaluated, ms: s.ms});
  }

  /**
   * Appends tokens in order, each checked, streamed and tested against the stop rules; those
   * after a stopping token are dropped. Logs one emit event for what was appended. Returns true
   * when the run stops.
   */
  emit(records: readonly TokenRecord[]): boolean {
    const {tokenizer, eog, stopTokens, stopStrings, onToken} = this.settings;
    const readyAt = this.advanceClock();
    let count = 0;
    for (const record of records) {
      // When the token is final if the run waits for its replies: what a stream shows as it goes.
      // The timeline replays the whole log at the end (finishPolicyRun), to the same value for such a run.
      record.tMs = readyAt;
      const id = record.id;
      if (this.textInLoop) record.piece = tokenizer.detokenize([id], this.transcript.slice(-PIECE_CONTEXT));
      this.records.push(record);
      this.transcript.push(id);
      this.text += record.piece;
      count++;
      onToken?.(record);
      const stop = stopAfter(id, this.text, eog, stopTokens, stopStrings);
      if (stop) {
        this.stopReason = stop;
        this.stopped = true;
        break;
      }
    }
    this.log.push({type: "emit", count});
    if (!this.stopped && this.step >= this.settings.maxTokens) {
      this.stopReason = "max-tokens";
      this.stopped = true;
    }
    return this.stopped;
  }

  /**
   * Runs a large-model call. With `onLargeError: "small"`, a remote model that still fails after
   * its retries marks the large model down for the rest of the run and gives undefined: the
   * small model goes on alone (its tokens at routed steps are marked `fallback`).
   */
  async largeOrFallback<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (this.settings.onLargeError !== "small" || !isRemoteError(error)) throw error;
      this.largeDown = true;
      return undefined;
    }
  }

  /**
   * Moves the sequential clock over the events logged since the last emit, exactly as
   * `replayTimeline`'s serial replay does (durations summed per step, then added), and returns it.
   */
  private advanceClock(): number {
    const c = this.clock;
    const events = this.log.events;
    for (; c.seen < events.length; c.seen++) {
      const e = events[c.seen]!;
      if (e.type === "small" || e.type === "router" || e.type === "large") c.block += e.ms;
      else if (e.type === "request") c.pendingNet = e.netMs;
      else if (e.type === "reply") {
        c.block += c.pendingNet;
        c.pendingNet = 0;
      }
    }
    c.at += c.block;
    c.block = 0;
    return c.at;
  }

  /** Refuses an id outside the shared vocabulary, naming who produced it. */
  checkId(id: Token, source: "small" | "large"): void {
    const bound = this.settings.vocabBound;
    if (!Number.isInteger(id) || id < 0 || id >= bound) throw new TlrError(`${source} model produced token id ${id}, outside the shared vocabulary of ${bound} ids`);
  }

  /**
   * Accounts one request to the large model made at the current step, after its reply came:
   * request bytes (the ids the large side had not seen, drafts included), reply bytes, simulated
   * network time (one round trip, both payloads, the seeded jitter) and the request / large /
   * reply events. `written` is what the large side now holds beyond the transcript (the tokens it
   * wrote, or the accepted drafts and its own token).
   */
  call(o: {
    call: SessionCall;
    drafts?: readonly Token[];
    replies: readonly Prediction[];
    accepted?: number;
    evaluated: number;
    generated: number;
    ms: number;
    guess?: number;
    agreed?: boolean;
    written: number;
    /** The transcript the request was made after (default: the current one) and its step. */
    at?: {transcript: readonly Token[]; step: number};
    /** Where the events go (default: the end of the log). */
    insert?: (events: DecodeEvent[]) => void;
  }): {call: number; bytesUp: number; bytesDown: number; netMs: number} {
    const {network, protocol, tokenizer, key} = this.settings;
    const transcript = o.at?.transcript ?? this.transcript;
    const step = o.at?.step ?? this.step;
    const call = this.log.newCall();
    const wireCall = o.call.mode === "next" ? undefined : o.call;
    const context = {transcript, known: this.largeKnows, tokenizer, ...(wireCall ? {call: wireCall} : {})};
    const bytesUp = protocol.requestBytes([...transcript.slice(this.largeKnows), ...(o.drafts ?? [])], context);
    const bytesDown = callReplyBytes(protocol, o.replies, context, o.accepted);
    const netMs = transferMs(network, bytesUp, bytesDown) + jitterMs(network, key, step);
    this.largeKnows = transcript.length + o.written;
    const events: DecodeEvent[] = [
      {type: "request", call, kind: o.call.mode, step, ids: transcript.length - context.known + (o.drafts?.length ?? 0), bytesUp, netMs, guess: o.guess ?? 0},
      {type: "large", call, evaluated: o.evaluated, generated: o.generated, ms: o.ms},
      {type: "reply", call, bytesDown, tokens: o.replies.length, agreed: o.agreed ?? false},
    ];
    if (o.insert) o.insert(events);
    else for (const e of events) this.log.push(e);
    return {call, bytesUp, bytesDown, netMs};
  }
}

/** Why a run stops after `id` (appended to a transcript whose generated text is `text`), if it does. */
export function stopAfter(id: Token, text: string, eog: ReadonlySet<Token>, stopTokens: ReadonlySet<Token>, stopStrings: readonly string[]): StopReason | undefined {
  if (eog.has(id)) return "eos";
  if (stopTokens.has(id)) return "stop-token";
  if (stopStrings.some((x) => text.includes(x))) return "stop-string";
  return undefined;
}
