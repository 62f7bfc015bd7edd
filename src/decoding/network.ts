import type {Prediction, Token} from "../models/TokenModel.ts";

/** A simulated link between the device and the large model's server. */
export interface NetworkModel {
  /** Round-trip time per request in ms. Default 170 (the paper's assumed delay). */
  rttMs: number;
  /** Upload bandwidth in Mbit/s. Default 20. */
  upMbps: number;
  /** Download bandwidth in Mbit/s. Default 100. */
  downMbps: number;
}

export const DEFAULT_NETWORK: NetworkModel = {rttMs: 170, upMbps: 20, downMbps: 100};

/** Time for one request/response: a round trip plus both payloads at the link's bandwidths. */
export function transferMs(net: NetworkModel, bytesUp: number, bytesDown: number): number {
  return net.rttMs + (bytesUp * 8) / (net.upMbps * 1000) + (bytesDown * 8) / (net.downMbps * 1000);
}

/** How many bytes a routed token costs on the wire. */
export interface WireProtocol {
  readonly name: string;
  /** Request body carrying `newIds`, the ids the large side has not seen yet. */
  requestBytes(newIds: readonly Token[]): number;
  /** Response body carrying the large model's token and its top-K. */
  replyBytes(reply: Prediction): number;
}

const utf8 = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/**
 * Incremental sessions (what `tlr serve` speaks): the client sends its session id and only the
 * ids the server has not seen; the server answers with the next token and its top-K
 * log-probabilities (6 decimals). Bytes are those of the JSON bodies, without HTTP headers.
 */
export const SESSION_PROTOCOL: WireProtocol = {
  name: "session-json",
  requestBytes: (newIds) => utf8({session: "0123456789abcdef", ids: newIds}),
  replyBytes: (reply) => utf8({token: reply.token, top: reply.top.map((t) => [t.id, Number(t.logprob.toFixed(6))])}),
};
