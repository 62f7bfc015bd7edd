import {encodeSessionRequest, type SessionCall} from "../models/remote/sessionBinary.ts";
import {SESSION_ID_LENGTH, sessionReplyBody, sessionTurnReplyBody} from "../models/remote/sessionWire.ts";
import type {Prediction, Token, Tokenizer} from "../models/TokenModel.ts";
import {uniformFromKey} from "../routing/random.ts";

/** A simulated link between the device and the large model's server. */
export interface NetworkModel {
  /** Round-trip time per request in ms. Default 170 (the paper's assumed delay). */
  rttMs: number;
  /** Upload bandwidth in Mbit/s. Default 20. */
  upMbps: number;
  /** Download bandwidth in Mbit/s. Default 100. */
  downMbps: number;
  /** Extra delay per request, uniform in [0, jitterMs), drawn from (seed, question key, step). Default 0. */
  jitterMs?: number;
  /** Seed of the jitter. Default 0. */
  seed?: number;
}

export const DEFAULT_NETWORK: NetworkModel = {rttMs: 170, upMbps: 20, downMbps: 100};

/** Time for one request/response: a round trip plus both payloads at the link's bandwidths. */
export function transferMs(net: NetworkModel, bytesUp: number, bytesDown: number): number {
  return net.rttMs + (bytesUp * 8) / (net.upMbps * 1000) + (bytesDown * 8) / (net.downMbps * 1000);
}

/**
 * The seeded jitter of one request (0 without `jitterMs`): deterministic per (seed, key, step),
 * so a run's simulated latency is reproducible and the thresholds of a sweep share it.
 */
export function jitterMs(net: NetworkModel, key: string, step: number): number {
  return net.jitterMs ? net.jitterMs * uniformFromKey(net.seed ?? 0, `network:${key}`, step) : 0;
}

/** What a byte model may need besides the new ids. */
export interface WireContext {
  /** The transcript the request is about (prompt and generated so far). */
  transcript: readonly Token[];
  /** Transcript ids the server already has (`newIds` are the rest). */
  known: number;
  /** For protocols that send text. */
  tokenizer?: Tokenizer;
  /** What the request asks for; default one prediction (`next`). For `verify`, the last `drafts` of `newIds` are the drafts. */
  call?: SessionCall;
}

/** How many bytes a routed token costs on the wire. */
export interface WireProtocol {
  readonly name: string;
  /** Request body carrying `newIds`, the ids the large side has not seen yet. */
  requestBytes(newIds: readonly Token[], context?: WireContext): number;
  /** Response body carrying the large model's token and its top-K. */
  replyBytes(reply: Prediction, context?: WireContext): number;
  /** Response body of a turn (span, stitch) or a verification (`accepted` drafts). Default: the sum of `replyBytes`. */
  turnReplyBytes?(replies: readonly Prediction[], context: WireContext, accepted?: number): number;
}

/** The reply bytes of a call of any kind under a byte model. */
export function callReplyBytes(protocol: WireProtocol, replies: readonly Prediction[], context: WireContext, accepted?: number): number {
  const kind = context.call?.mode ?? "next";
  if (kind === "next") return protocol.replyBytes(replies[0]!, context);
  if (protocol.turnReplyBytes) return protocol.turnReplyBytes(replies, context, accepted);
  return replies.reduce((s, r) => s + protocol.replyBytes(r, context), 0);
}

/**
 * Incremental sessions (what `tlr serve` speaks): the client sends its session id, how many
 * ids of the session it shares (`keep`) and only the ids the server has not seen; the server
 * answers with the next token and its top-K log-probabilities (6 decimals). Bytes are those of
 * the bodies (the compact binary request of sessionBinary.ts, the JSON reply), made by the same
 * functions the real client and server use; HTTP headers are excluded (`WireUse` measures them
 * for real runs).
 */
export const SESSION_PROTOCOL: WireProtocol = {
  name: "session",
  requestBytes: (newIds, c) => {
    const call = c?.call && c.call.mode !== "next" ? c.call : undefined;
    return encodeSessionRequest("0".repeat(SESSION_ID_LENGTH), c?.known ?? 0, newIds, undefined, call).length;
  },
  replyBytes: (reply) => Buffer.byteLength(sessionReplyBody(reply)),
  turnReplyBytes: (replies, _c, accepted) => Buffer.byteLength(sessionTurnReplyBody(replies, accepted)),
};
