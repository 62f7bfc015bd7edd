import type {TokenRecord} from "../decoding/types.ts";
import type {Column} from "./columns.ts";

/** The per-token counts, times and bytes a results row keeps unchanged from its `TokenRecord`. */
type TokenRecordCosts = "smallEvaluated" | "largeEvaluated" | "smallMs" | "largeMs" | "probeMs" | "routerMs" | "netMs" | "bytesUp" | "bytesDown" | "tMs";

/** Bumped when a column changes meaning or type; readers refuse other versions. */
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
  uploadFraction: number;
  largeCalls: number;
  probes: number;
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
  threshold: number;
  questionIndex: number;
  step: number;
  tokenId: number;
  piece: string;
  source: string;
  score: number;
  smallToken: number;
  smallMaxProb: number;
  smallMargin: number;
  smallEntropy: number;
  smallTopIds: number[];
  smallTopLogprobs: number[];
  largeToken: number | null;
  largeMaxProb: number | null;
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
  /** Tokens from the large model over all generated tokens (pooled over questions). */
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
}

/** The run key's strings: dictionary-encoded in the per-question file (they repeat on every row), plain in the small summary. */
const key = <R extends RunKey>(text: "utf8" | "dict"): Column<R>[] => [
  {name: "dataset", key: "dataset", type: text, doc: "dataset name"},
  {name: "split", key: "split", type: text, doc: "dataset split"},
  {name: "task", key: "task", type: text, doc: "task (dataset:prompt format)"},
  {name: "pair", key: "pair", type: text, doc: "model pair name"},
  {name: "router", key: "router", type: text, doc: "router with its arguments; baselines `small-only`, `large-only`"},
  {name: "router_kind", key: "routerKind", type: text, doc: "registered router kind"},
  {name: "threshold", key: "threshold", type: "f64", doc: "τ: a token is routed when score < τ"},
  {name: "target", key: "target", type: "f64?", doc: "target upload fraction a calibrated τ was chosen for"},
];

export const QUESTION_COLUMNS: Column<QuestionRow>[] = [
  ...key<QuestionRow>("dict"),
  {name: "question_index", key: "questionIndex", type: "i32", doc: "position in the swept subset"},
  {name: "question_id", key: "questionId", type: "utf8", doc: "the dataset's id"},
  {name: "prompt_tokens", key: "promptTokens", type: "i32", doc: "prompt length in tokens (BOS included)"},
  {name: "generated_ids", key: "generatedIds", type: "list<i32>", doc: "generated token ids (the truth)"},
  {name: "output", key: "output", type: "utf8", doc: "generated text"},
  {name: "extracted", key: "extracted", type: "utf8?", doc: "extracted answer (label or number)"},
  {name: "extraction_rule", key: "extractionRule", type: "dict", doc: "extraction rule that matched, or `none`"},
  {name: "gold", key: "gold", type: "utf8?", doc: "gold answer"},
  {name: "correct", key: "correct", type: "bool", doc: "extracted == gold"},
  {name: "generated", key: "generated", type: "i32", doc: "tokens generated (EOS included)"},
  {name: "large_tokens", key: "largeTokens", type: "i32", doc: "tokens produced by the large model"},
  {name: "upload_fraction", key: "uploadFraction", type: "f64", doc: "large_tokens / generated"},
  {name: "large_calls", key: "largeCalls", type: "i32", doc: "requests to the large model"},
  {name: "probes", key: "probes", type: "i32", doc: "oracle peeks that kept the small token"},
  {name: "bytes_up", key: "bytesUp", type: "i64", doc: "request bytes of routed tokens"},
  {name: "bytes_down", key: "bytesDown", type: "i64", doc: "reply bytes of routed tokens"},
  {name: "ttft_ms", key: "ttftMs", type: "f64", doc: "time to first token (simulated clock)"},
  {name: "tbt_ms", key: "tbtMs", type: "f64", doc: "mean time between later tokens"},
  {name: "small_ms", key: "smallMs", type: "f64", doc: "small-model compute"},
  {name: "large_ms", key: "largeMs", type: "f64", doc: "large-model compute for routed tokens"},
  {name: "network_ms", key: "networkMs", type: "f64", doc: "simulated network time"},
  {name: "router_ms", key: "routerMs", type: "f64", doc: "router scoring time"},
  {name: "total_ms", key: "totalMs", type: "f64", doc: "small + router + large + network"},
  {name: "wall_ms", key: "wallMs", type: "f64", doc: "measured compute on this run's path"},
  {name: "small_evaluated", key: "smallEvaluated", type: "i32", doc: "tokens the small model evaluated"},
  {name: "large_evaluated", key: "largeEvaluated", type: "i32", doc: "tokens the large model evaluated"},
  {name: "stop_reason", key: "stopReason", type: "dict", doc: "`eos`, `stop-token`, `stop-string`, `max-tokens`, or `error`"},
  {name: "error", key: "error", type: "utf8?", doc: "why the question has no result, else null"},
];

export const TOKEN_COLUMNS: Column<TokenRow>[] = [
  {name: "dataset", key: "dataset", type: "dict", doc: "dataset name"},
  {name: "pair", key: "pair", type: "dict", doc: "model pair name"},
  {name: "router", key: "router", type: "dict", doc: "router name"},
  {name: "threshold", key: "threshold", type: "f64", doc: "τ"},
  {name: "question_index", key: "questionIndex", type: "i32", doc: "position in the swept subset"},
  {name: "step", key: "step", type: "i32", doc: "0-based index of the generated token"},
  {name: "token_id", key: "tokenId", type: "i32", doc: "the token"},
  {name: "piece", key: "piece", type: "dict", doc: "its text"},
  {name: "source", key: "source", type: "dict", doc: "`small` or `large`"},
  {name: "score", key: "score", type: "f64", doc: "router score (±Infinity for the baselines)"},
  {name: "small_token", key: "smallToken", type: "i32", doc: "the small model's greedy token"},
  {name: "small_max_prob", key: "smallMaxProb", type: "f64", doc: "its top-1 probability"},
  {name: "small_margin", key: "smallMargin", type: "f64", doc: "top-1 minus top-2 probability"},
  {name: "small_entropy", key: "smallEntropy", type: "f64", doc: "next-token entropy (nats; see README, Features)"},
  {name: "small_top_ids", key: "smallTopIds", type: "list<i32>", doc: "top-K token ids"},
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
  {name: "t_ms", key: "tMs", type: "f64", doc: "when the token is ready on the simulated clock"},
];

export const SUMMARY_COLUMNS: Column<SummaryRow>[] = [
  ...key<SummaryRow>("utf8"),
  {name: "questions", key: "questions", type: "i32", doc: "questions run"},
  {name: "errors", key: "errors", type: "i32", doc: "questions recorded with an error (counted wrong)"},
  {name: "correct", key: "correct", type: "i32", doc: "questions answered correctly"},
  {name: "accuracy", key: "accuracy", type: "f64", doc: "correct / questions"},
  {name: "accuracy_low", key: "accuracyLow", type: "f64", doc: "Wilson 95% interval, low end"},
  {name: "accuracy_high", key: "accuracyHigh", type: "f64", doc: "Wilson 95% interval, high end"},
  {name: "upload_fraction", key: "uploadFraction", type: "f64", doc: "Σ large tokens / Σ generated tokens"},
  {name: "generated_per_question", key: "generatedPerQuestion", type: "f64", doc: "mean tokens generated"},
  {name: "large_calls_per_question", key: "largeCallsPerQuestion", type: "f64", doc: "mean requests to the large model"},
  {name: "bytes_up_per_question", key: "bytesUpPerQuestion", type: "f64", doc: "mean request bytes"},
  {name: "bytes_down_per_question", key: "bytesDownPerQuestion", type: "f64", doc: "mean reply bytes"},
  {name: "ttft_ms", key: "ttftMs", type: "f64", doc: "mean time to first token"},
  {name: "tbt_ms", key: "tbtMs", type: "f64", doc: "mean time between tokens"},
  {name: "small_ms", key: "smallMs", type: "f64", doc: "mean small-model compute (the paper's SLM time)"},
  {name: "comm_large_ms", key: "commLargeMs", type: "f64", doc: "mean network + large-model time (the paper's comm + LLM)"},
  {name: "total_ms", key: "totalMs", type: "f64", doc: "mean overall latency"},
];

/** The three files of a results folder. */
export const RESULT_FILES = {summary: "summary.arrow", questions: "questions.arrow", tokens: "tokens.arrow"} as const;
