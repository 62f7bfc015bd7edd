import type {Prediction, Token} from "../core/Prediction.ts";
import type {Tokenizer} from "../core/Tokenizer.ts";
import {encodeSessionRequest} from "./sessionBinary.ts";
import {SESSION_ID_LENGTH, sessionReplyBody} from "./sessionWire.ts";

/** What a byte model may need besides the new ids. */
export interface WireContext {
  /** The transcript the request is about (prompt and generated so far). */
  transcript: readonly Token[];
  /** Transcript ids the server already has (`newIds` are the rest). */
  known: number;
  /** For protocols that send text. */
  tokenizer?: Tokenizer;
}

/** How many bytes a routed token costs on the wire. */
export interface WireProtocol {
  readonly name: string;
  /** Request body carrying `newIds`, the ids the large side has not seen yet. */
  requestBytes(newIds: readonly Token[], context?: WireContext): number;
  /** Response body carrying the large model's token and its top-K. */
  replyBytes(reply: Prediction, context?: WireContext): number;
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
  requestBytes: (newIds, c) => encodeSessionRequest("0".repeat(SESSION_ID_LENGTH), c?.known ?? 0, newIds).length,
  replyBytes: (reply) => Buffer.byteLength(sessionReplyBody(reply)),
};
