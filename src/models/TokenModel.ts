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
  /** Forget all state (the next call evaluates the whole transcript). */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}
