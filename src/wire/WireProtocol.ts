import type {Prediction, Token} from "../core/Prediction.ts";
import type {Tokenizer} from "../core/Tokenizer.ts";
import {encodeSessionRequest, type SessionCall} from "./sessionBinary.ts";
import {SESSION_ID_LENGTH, sessionReplyBody, sessionTurnReplyBody} from "./sessionWire.ts";

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
