import type {Prediction, Token} from "../core/Prediction.ts";
import type {WireUse} from "../models/TokenModel.ts";

export type TokenSource = "small" | "large";

/** One generated token and everything that went into it. */
export interface TokenRecord {
  /** 0-based index among the generated tokens. */
  step: number;
  id: Token;
  /** Its text (empty for EOS and other control tokens). */
  piece: string;
  source: TokenSource;
  /** The router's score at this step (±Infinity for always-small / always-large). */
  score: number;
  /** The small model's prediction (features) at this step. */
  small: Readonly<Prediction>;
  /** The large model's prediction where it was asked (routed, or peeked at by the oracle), else null. */
  large: Readonly<Prediction> | null;
  /** Tokens the small model evaluated to catch up at this step. */
  smallEvaluated: number;
  /** Tokens the large model evaluated at this step (0 when not asked). */
  largeEvaluated: number;
  smallMs: number;
  /** Large model compute for a routed token (0 otherwise). */
  largeMs: number;
  /** Large model compute spent only to let the oracle peek (not part of the latency). */
  probeMs: number;
  routerMs: number;
  /** Simulated network time of a routed token (0 otherwise). */
  netMs: number;
  /** Request bytes of a routed token: the ids the large side had not seen. */
  bytesUp: number;
  bytesDown: number;
  /** When the token is ready on the simulated clock (ms since decoding began): compute measured, network simulated. */
  tMs: number;
  /**
   * A routed token from a remote large model: the real HTTP traffic and time of its call
   * (retries and session resends included). `netMs`, `bytesUp` and `bytesDown` stay the
   * simulated figures, so measured and simulated can be compared token by token.
   */
  wire?: WireUse;
}

export type StopReason = "eos" | "stop-token" | "stop-string" | "max-tokens";

/** Per-run figures, all derived from the records. */
export interface RunStats {
  generated: number;
  largeTokens: number;
  /** largeTokens / generated. */
  uploadFraction: number;
  /** Requests to the large model (one per routed token). */
  largeCalls: number;
  /** Large-model evaluations made only for the oracle's peek. */
  probes: number;
  /** Time to first token on the simulated clock. */
  ttftMs: number;
  /** Mean time between tokens after the first (0 for a single token). */
  tbtMs: number;
  smallMs: number;
  largeMs: number;
  networkMs: number;
  routerMs: number;
  /** Overall simulated latency: small + router + large + network. */
  totalMs: number;
  /** Real elapsed time of the run, probes included. */
  wallMs: number;
  bytesUp: number;
  bytesDown: number;
  /** Tokens each model evaluated in all (for the no-re-evaluation invariant). */
  smallEvaluated: number;
  largeEvaluated: number;
  stopReason: StopReason;
  /** Sums of the records' measured `wire`: present when some routed token came from a remote large model. */
  wire?: WireUse;
}

export interface DecodeResult {
  /** Prompt followed by the generated ids: the run's one truth. */
  transcript: Token[];
  promptLength: number;
  generated: Token[];
  /** The generated text (control tokens such as EOS render as nothing). */
  text: string;
  records: TokenRecord[];
  stats: RunStats;
}
