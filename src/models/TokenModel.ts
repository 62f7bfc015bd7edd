import type {Prediction, Token} from "../core/Prediction.ts";

/** One `next()` call: the prediction plus what it cost. */
export interface NextResult {
  /** Immutable; the same object may be returned again for an unchanged transcript. */
  prediction: Readonly<Prediction>;
  /**
   * The catch-up size: tokens in the final batch of this call's schedule (since the previous
   * cut). Canonical: the same whether they were evaluated now or were already in the KV state,
   * so records never depend on what ran before. See `fromState` for the work actually done.
   */
  evaluated: number;
  /** True when the final batch was already in the KV state and nothing was evaluated for it. */
  fromState: boolean;
  /** Earlier tokens re-evaluated to restore a batch history given as `cuts` (0 in plain decoding). */
  replayed: number;
  /**
   * Compute time of the final batch in milliseconds (what the same call costs in an independent
   * run): wall time for a local model; for a remote one, the server's own compute time where it
   * reports it (else the HTTP round trip).
   */
  ms: number;
  /** Wall time spent rolling back and replaying before it. */
  replayMs?: number;
  /** Remote backends only: what the call really cost on the wire. */
  wire?: WireUse;
}

export interface NextOptions {
  /**
   * Batch boundaries to reproduce: the transcript lengths at this model's earlier calls
   * (ascending, each below the transcript length). Logits depend on how the transcript was split
   * into evaluation batches (see models/schedule.ts), so an exact sweep replays each run's own
   * history. Default: reuse whatever whole batches the state holds.
   */
  cuts?: readonly number[];
  /**
   * Return at least this many top log-probabilities (a server answering a client that asks for
   * more than its top-K). A local model reads them by evaluating the final batch again, which is
   * bit-identical; the larger prediction is returned, not kept, so later calls are unchanged.
   */
  top?: number;
}

/** A turn of the model (span, stitch): it writes several tokens greedily, each fed back as its own batch. */
export interface TurnOptions extends NextOptions {
  /** Most tokens to write (≥ 1). */
  max: number;
  /** Hand back after the first token whose max-probability is ≥ this (that token kept): stitch. */
  confident?: number;
  /** Stop after any of these ids (end of generation). */
  stopIds?: readonly Token[];
  /** The prediction after the transcript, already made with the same cuts (an oracle's peek): reused, not asked again. */
  first?: NextResult;
}

export interface TurnResult {
  /** One per written token, in order: the token is `prediction.token`. */
  steps: NextResult[];
  /** Compute time of the whole turn (the server's, for a remote model). */
  ms: number;
  /** Tokens evaluated: the first step's catch-up plus one per later step. */
  evaluated: number;
  /** Remote backends only: what the request really cost on the wire. */
  wire?: WireUse;
}

/** The model's predictions at every draft position (speculative decoding's verification). */
export interface VerifyResult {
  /** After the transcript, then after each accepted draft: accepted + 1 predictions (the last is the correction or bonus token). */
  predictions: Prediction[];
  /** How many drafts, from the first, equal the model's greedy token at their position. */
  accepted: number;
  /** Tokens evaluated: the catch-up plus the drafts (the drafts are one batch of their own). */
  evaluated: number;
  /** Compute time of the verification. */
  ms: number;
  wire?: WireUse;
}

/** Measured traffic of one or more remote calls (sums over calls). */
export interface WireUse {
  /** HTTP requests made, retries and session replays included. */
  requests: number;
  /** Bytes written to and read from the socket: request line, headers and bodies (of completed exchanges). */
  bytesUp: number;
  bytesDown: number;
  /** Body bytes alone (the protocol's payload, which the simulated byte models count). */
  bodyBytesUp: number;
  bodyBytesDown: number;
  /** Real elapsed time of the call(s), retries and back-off included. */
  ms: number;
  /** Failed attempts that were retried. */
  retries: number;
  /** Times the whole prefix was resent because the server had lost the session (evicted or restarted). */
  resends: number;
  /**
   * Tokens the server says it evaluated, where it says (llama-server's `timings.prompt_n`,
   * tlr serve's header): its real work, which depends on its prefix cache and so on earlier
   * runs. `NextResult.evaluated` is the run's own, canonical catch-up size.
   */
  serverEvaluated?: number;
}

export interface ModelInfo {
  /** Where the model lives: a file path or a server URL. */
  source: string;
  /** A short display name (GGUF general.name or the file name). */
  name: string;
  vocabSize: number;
  bos: Token | null;
  eos: Token | null;
  /**
   * The ids that end a generation for this model (llama.cpp's end-of-generation set: EOS, EOT,
   * `<|im_end|>`, `<|endoftext|>`, …), ascending. A remote model's is the server's where it says
   * (tlr serve's /info), else the small model's.
   */
  eog: readonly Token[];
  /** The most tokens the model's state can hold; a longer transcript is an error. */
  contextSize: number;
}

/**
 * The narrow interface every backend implements (local GGUF, remote server). The caller owns
 * the transcript; the model derives its state from it: before predicting it evaluates, in one
 * call, every transcript token it has not seen, after rolling its state back to the longest
 * common prefix when the transcript diverged from what it holds.
 */
export interface TokenModel {
  readonly info: ModelInfo;
  /** Catch up on `transcript` and predict the token that follows it. */
  next(transcript: readonly Token[], options?: NextOptions): Promise<NextResult>;
  /**
   * A turn: up to `options.max` greedy tokens after `transcript`, each evaluated as its own batch
   * after the first step's catch-up (what calling `next` once per token does). Backends that can
   * do it in one request implement it; `generateTurn` (decoding/calls.ts) serves the others.
   */
  generate?(transcript: readonly Token[], options: TurnOptions): Promise<TurnResult>;
  /**
   * Speculative decoding's verification: the catch-up as one batch (predicting after the
   * transcript), then the drafts as one batch with a prediction after each.
   */
  verify?(transcript: readonly Token[], drafts: readonly Token[], options?: NextOptions): Promise<VerifyResult>;
  /** Forget all state (the next call evaluates the whole transcript). */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}
