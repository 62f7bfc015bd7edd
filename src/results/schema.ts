import type {TokenRecord} from "../decoding/types.ts";
import type {Column} from "./columns.ts";

/** The per-token counts, times and bytes a results row keeps unchanged from its `TokenRecord`. */
type TokenRecordCosts = "smallEvaluated" | "largeEvaluated" | "smallMs" | "largeMs" | "probeMs" | "routerMs" | "netMs" | "bytesUp" | "bytesDown" | "tMs";

/** Bumped when a column changes meaning or type; readers refuse other versions. 2: policies (policy, verified, fallbacks, …; upload counts verified drafts). */
export const RESULTS_SCHEMA_VERSION = "2";

/** Which run a row belongs to: dataset × pair × router × threshold. */
export interface RunKey {
  dataset: string;
  split: string;
  task: string;
  pair: string;
  /** Router name with its arguments, e.g. "max-prob", "random(seed=0)"; baselines are "small-only" and "large-only". */
  router: string;
  routerKind: string;
  /** The decoding policy's name, e.g. "token", "span:4", "speculative:2", "token+optimistic" (decoding/policy.ts). */
  policy: string;
  threshold: number;
  /** The target upload fraction a calibrated threshold was chosen for, else null. */
  target: number | null;
}

export interface QuestionRow extends RunKey {
  /** Position of the question in the swept subset (the sort key). */
  questionIndex: number;
  questionId: string;
  promptTokens: number;
  /** The generated token ids: the run's truth. */
  generatedIds: number[];
  output: string;
  extracted: string | null;
  extractionRule: string;
  gold: string | null;
  correct: boolean;
  generated: number;
  largeTokens: number;
  /** Small-model drafts the large model verified (speculative decoding). */
  verified: number;
  uploadFraction: number;
  largeCalls: number;
  probes: number;
  /** Routed steps the small model answered because the large model was unreachable. */
  fallbacks: number;
  /** Drafts the large model rejected. */
  discarded: number;
  /** Steps an optimistic device threw away (the timeline's estimate). */
  speculativeSteps: number;
  bytesUp: number;
  bytesDown: number;
  ttftMs: number;
  tbtMs: number;
  smallMs: number;
  largeMs: number;
  networkMs: number;
  routerMs: number;
  totalMs: number;
  wallMs: number;
  /** The same run's latency on the config's device profile (null without one). */
  profileTtftMs: number | null;
  profileTbtMs: number | null;
  profileSmallMs: number | null;
  profileCommLargeMs: number | null;
  profileTotalMs: number | null;
  smallEvaluated: number;
  largeEvaluated: number;
  stopReason: string;
  /** Why the question has no result (e.g. the remote model failed after its retries), else null. */
  error: string | null;
}

/** A token record as a results row (its costs and clock fields kept as the decoder recorded them). */
export interface TokenRow extends Pick<TokenRecord, TokenRecordCosts> {
  dataset: string;
  pair: string;
  router: string;
  policy: string;
  threshold: number;
  questionIndex: number;
  step: number;
  tokenId: number;
  piece: string;
  source: string;
  score: number;
  smallToken: number | null;
  smallMaxProb: number | null;
  smallMargin: number | null;
  smallEntropy: number | null;
  smallTopIds: number[];
  smallTopLogprobs: number[];
  largeToken: number | null;
  largeMaxProb: number | null;
  /** The request that wrote or verified the token, else null. */
  call: number | null;
  verified: boolean;
  fallback: boolean;
}

export interface SummaryRow extends RunKey {
  questions: number;
  /** Questions recorded with an error (counted wrong). */
  errors: number;
  correct: number;
  accuracy: number;
  /** Wilson score 95% interval of the accuracy. */
  accuracyLow: number;
  accuracyHigh: number;
  /** Questions where the large model was unreachable and the small model went on alone (onLargeError "small"). */
  fallbackQuestions: number;
  /** Tokens the large model wrote or verified over all generated tokens (pooled over questions). */
  uploadFraction: number;
  generatedPerQuestion: number;
  largeCallsPerQuestion: number;
  bytesUpPerQuestion: number;
  bytesDownPerQuestion: number;
  /** Latency means per question, as in the paper's Table 1. */
  ttftMs: number;
  tbtMs: number;
  smallMs: number;
  /** Communication plus large-model compute (the paper's "comm + LLM inference"). */
  commLargeMs: number;
  totalMs: number;
  /** The device profile the profile_* latencies are on, else null. */
  profile: string | null;
  profileTtftMs: number | null;
  profileTbtMs: number | null;
  profileSmallMs: number | null;
  profileCommLargeMs: number | null;
  profileTotalMs: number | null;
}

const key = <R extends RunKey>(): Column<R>[] => [
  {name: "dataset", key: "dataset", type: "utf8", doc: "dataset name"},
  {name: "split", key: "split", type: "utf8", doc: "dataset split"},
  {name: "task", key: "task", type: "utf8", doc: "task (dataset:prompt format)"},
  {name: "pair", key: "pair", type: "utf8", doc: "model pair name"},
  {name: "router", key: "router", type: "utf8", doc: "router with its arguments; baselines `small-only`, `large-only`"},
  {name: "router_kind", key: "routerKind", type: "utf8", doc: "registered router kind"},
  {name: "policy", key: "policy", type: "utf8", doc: "decoding policy: `token`, `span:4`, `stitch(σ=0.8,cap=32)`, `speculative:2`, `token+optimistic`, … (README, Policies)"},
  {name: "threshold", key: "threshold", type: "f64", doc: "τ: a token is routed when score < τ"},
  {name: "target", key: "target", type: "f64?", doc: "target upload fraction a calibrated τ was chosen for"},
];

export const QUESTION_COLUMNS: Column<QuestionRow>[] = [
  ...key<QuestionRow>(),
  {name: "question_index", key: "questionIndex", type: "i32", doc: "position in the swept subset"},
  {name: "question_id", key: "questionId", type: "utf8", doc: "the dataset's id"},
  {name: "prompt_tokens", key: "promptTokens", type: "i32", doc: "prompt length in tokens (BOS included)"},
  {name: "generated_ids", key: "generatedIds", type: "list<i32>", doc: "generated token ids (the truth)"},
  {name: "output", key: "output", type: "utf8", doc: "generated text"},
  {name: "extracted", key: "extracted", type: "utf8?", doc: "extracted answer (label or number)"},
  {name: "extraction_rule", key: "extractionRule", type: "utf8", doc: "extraction rule that matched, or `none`"},
  {name: "gold", key: "gold", type: "utf8?", doc: "gold answer"},
  {name: "correct", key: "correct", type: "bool", doc: "extracted == gold"},
  {name: "generated", key: "generated", type: "i32", doc: "tokens generated (EOS included)"},
  {name: "large_tokens", key: "largeTokens", type: "i32", doc: "tokens produced by the large model"},
  {name: "verified", key: "verified", type: "i32", doc: "small-model drafts the large model verified (speculative)"},
  {name: "upload_fraction", key: "uploadFraction", type: "f64", doc: "(large_tokens + verified) / generated"},
  {name: "large_calls", key: "largeCalls", type: "i32", doc: "requests to the large model"},
  {name: "probes", key: "probes", type: "i32", doc: "oracle peeks that kept the small token"},
  {name: "fallbacks", key: "fallbacks", type: "i32", doc: "routed steps the small model answered because the large model was unreachable"},
  {name: "discarded", key: "discarded", type: "i32", doc: "drafts the large model rejected (speculative)"},
  {name: "speculative_steps", key: "speculativeSteps", type: "i32", doc: "steps an optimistic device threw away (timeline estimate)"},
  {name: "bytes_up", key: "bytesUp", type: "i64", doc: "request bytes of routed tokens"},
  {name: "bytes_down", key: "bytesDown", type: "i64", doc: "reply bytes of routed tokens"},
  {name: "ttft_ms", key: "ttftMs", type: "f64", doc: "time to first token (simulated clock)"},
  {name: "tbt_ms", key: "tbtMs", type: "f64", doc: "mean time between later tokens"},
  {name: "small_ms", key: "smallMs", type: "f64", doc: "small-model compute"},
  {name: "large_ms", key: "largeMs", type: "f64", doc: "large-model compute for routed tokens"},
  {name: "network_ms", key: "networkMs", type: "f64", doc: "simulated network time"},
  {name: "router_ms", key: "routerMs", type: "f64", doc: "router scoring time"},
  {name: "total_ms", key: "totalMs", type: "f64", doc: "overall: when the last token is final on the timeline (small + router + large + network without overlap)"},
  {name: "wall_ms", key: "wallMs", type: "f64", doc: "measured compute on this run's path"},
  {name: "profile_ttft_ms", key: "profileTtftMs", type: "f64?", doc: "TTFT on the config's device profile (null without one)"},
  {name: "profile_tbt_ms", key: "profileTbtMs", type: "f64?", doc: "TBT on the device profile"},
  {name: "profile_small_ms", key: "profileSmallMs", type: "f64?", doc: "small-model compute on the device profile"},
  {name: "profile_comm_large_ms", key: "profileCommLargeMs", type: "f64?", doc: "network + large-model time on the device profile"},
  {name: "profile_total_ms", key: "profileTotalMs", type: "f64?", doc: "overall latency on the device profile"},
  {name: "small_evaluated", key: "smallEvaluated", type: "i32", doc: "tokens the small model evaluated"},
  {name: "large_evaluated", key: "largeEvaluated", type: "i32", doc: "tokens the large model evaluated"},
  {name: "stop_reason", key: "stopReason", type: "utf8", doc: "`eos`, `stop-token`, `stop-string`, `max-tokens`, or `error`"},
  {name: "error", key: "error", type: "utf8?", doc: "why the question has no result, else null"},
];

export const TOKEN_COLUMNS: Column<TokenRow>[] = [
  {name: "dataset", key: "dataset", type: "utf8", doc: "dataset name"},
  {name: "pair", key: "pair", type: "utf8", doc: "model pair name"},
  {name: "router", key: "router", type: "utf8", doc: "router name"},
  {name: "policy", key: "policy", type: "utf8", doc: "decoding policy"},
  {name: "threshold", key: "threshold", type: "f64", doc: "τ"},
  {name: "question_index", key: "questionIndex", type: "i32", doc: "position in the swept subset"},
  {name: "step", key: "step", type: "i32", doc: "0-based index of the generated token"},
  {name: "token_id", key: "tokenId", type: "i32", doc: "the token"},
  {name: "piece", key: "piece", type: "utf8", doc: "its text"},
  {name: "source", key: "source", type: "utf8", doc: "`small` or `large`"},
  {name: "score", key: "score", type: "f64", doc: "router score (±Infinity for the baselines; NaN where no router scored: a turn's later tokens, speculative decoding)"},
  {name: "small_token", key: "smallToken", type: "i32?", doc: "the small model's greedy token (null where it made no prediction: a turn's later tokens)"},
  {name: "small_max_prob", key: "smallMaxProb", type: "f64?", doc: "its top-1 probability"},
  {name: "small_margin", key: "smallMargin", type: "f64?", doc: "top-1 minus top-2 probability"},
  {name: "small_entropy", key: "smallEntropy", type: "f64?", doc: "next-token entropy (nats; see README, Features)"},
  {name: "small_top_ids", key: "smallTopIds", type: "list<i32>", doc: "top-K token ids (empty where it made no prediction)"},
  {name: "small_top_logprobs", key: "smallTopLogprobs", type: "list<f32>", doc: "their log-probabilities"},
  {name: "large_token", key: "largeToken", type: "i32?", doc: "the large model's greedy token where it was asked"},
  {name: "large_max_prob", key: "largeMaxProb", type: "f64?", doc: "its top-1 probability"},
  {name: "small_evaluated", key: "smallEvaluated", type: "i32", doc: "small model's catch-up size"},
  {name: "large_evaluated", key: "largeEvaluated", type: "i32", doc: "large model's catch-up size (0 when not asked)"},
  {name: "small_ms", key: "smallMs", type: "f64", doc: "small-model step time"},
  {name: "large_ms", key: "largeMs", type: "f64", doc: "large-model time of a routed token"},
  {name: "probe_ms", key: "probeMs", type: "f64", doc: "large-model time of an oracle peek"},
  {name: "router_ms", key: "routerMs", type: "f64", doc: "router time"},
  {name: "net_ms", key: "netMs", type: "f64", doc: "simulated network time"},
  {name: "bytes_up", key: "bytesUp", type: "i32", doc: "request bytes"},
  {name: "bytes_down", key: "bytesDown", type: "i32", doc: "reply bytes"},
  {name: "t_ms", key: "tMs", type: "f64", doc: "when the token is final on the run's timeline"},
  {name: "call", key: "call", type: "i32?", doc: "the request (0, 1, …) that wrote or verified the token, else null"},
  {name: "verified", key: "verified", type: "bool", doc: "a small-model draft the large model verified (speculative)"},
  {name: "fallback", key: "fallback", type: "bool", doc: "routed, but the large model was unreachable: the small model's token"},
];

export const SUMMARY_COLUMNS: Column<SummaryRow>[] = [
  ...key<SummaryRow>(),
  {name: "questions", key: "questions", type: "i32", doc: "questions run"},
  {name: "errors", key: "errors", type: "i32", doc: "questions recorded with an error (counted wrong)"},
  {name: "fallback_questions", key: "fallbackQuestions", type: "i32", doc: "questions where the large model was unreachable and the small model went on alone"},
  {name: "correct", key: "correct", type: "i32", doc: "questions answered correctly"},
  {name: "accuracy", key: "accuracy", type: "f64", doc: "correct / questions"},
  {name: "accuracy_low", key: "accuracyLow", type: "f64", doc: "Wilson 95% interval, low end"},
  {name: "accuracy_high", key: "accuracyHigh", type: "f64", doc: "Wilson 95% interval, high end"},
  {name: "upload_fraction", key: "uploadFraction", type: "f64", doc: "Σ (large tokens + verified drafts) / Σ generated tokens"},
  {name: "generated_per_question", key: "generatedPerQuestion", type: "f64", doc: "mean tokens generated"},
  {name: "large_calls_per_question", key: "largeCallsPerQuestion", type: "f64", doc: "mean requests to the large model"},
  {name: "bytes_up_per_question", key: "bytesUpPerQuestion", type: "f64", doc: "mean request bytes"},
  {name: "bytes_down_per_question", key: "bytesDownPerQuestion", type: "f64", doc: "mean reply bytes"},
  {name: "ttft_ms", key: "ttftMs", type: "f64", doc: "mean time to first token"},
  {name: "tbt_ms", key: "tbtMs", type: "f64", doc: "mean time between tokens"},
  {name: "small_ms", key: "smallMs", type: "f64", doc: "mean small-model compute (the paper's SLM time)"},
  {name: "comm_large_ms", key: "commLargeMs", type: "f64", doc: "mean network + large-model time (the paper's comm + LLM)"},
  {name: "total_ms", key: "totalMs", type: "f64", doc: "mean overall latency"},
  {name: "profile", key: "profile", type: "utf8?", doc: "the device profile of the profile_* columns (null without one)"},
  {name: "profile_ttft_ms", key: "profileTtftMs", type: "f64?", doc: "mean TTFT on the device profile"},
  {name: "profile_tbt_ms", key: "profileTbtMs", type: "f64?", doc: "mean TBT on the device profile"},
  {name: "profile_small_ms", key: "profileSmallMs", type: "f64?", doc: "mean small-model compute on the device profile"},
  {name: "profile_comm_large_ms", key: "profileCommLargeMs", type: "f64?", doc: "mean network + large-model time on the device profile"},
  {name: "profile_total_ms", key: "profileTotalMs", type: "f64?", doc: "mean overall latency on the device profile"},
];

/** The three files of a results folder. */
export const RESULT_FILES = {summary: "summary.arrow", questions: "questions.arrow", tokens: "tokens.arrow"} as const;
