import type {RouterRole} from "../routing/routerKinds.ts";
import type {ColumnType, RowOf} from "./columns.ts";

/*
 * The columns of the three results files, each table declared once: the row types below are
 * derived from them (`RowOf`), so a field and its column cannot drift apart. README's schema
 * tables list the same columns (test/docs/readme.test.ts checks it).
 */

/**
 * Bumped when a column changes meaning or type; readers refuse versions they do not know. 2 added
 * `router_role`; 3 added decoding policies (`policy`, `verified`, `fallbacks`, …; upload counts
 * verified drafts), stores the repeated strings dictionary-encoded and compresses every record
 * batch with ZSTD (README, "Results files"). 1 and 2 are still read (see readRunRows).
 */
export const RESULTS_SCHEMA_VERSION = "3";

type Columns = readonly {readonly name: string; readonly key: string; readonly type: ColumnType; readonly doc: string; readonly optional?: boolean}[];

/**
 * Which run a row belongs to: dataset × pair × router × threshold (the first columns of summary and
 * question rows). Its strings are dictionary-encoded in the per-question file, where they repeat on
 * every row, and plain in the small summary.
 */
const runKeyColumns = <T extends "utf8" | "dict">(text: T) =>
  [
    {name: "dataset", key: "dataset", type: text, doc: "dataset name"},
    {name: "split", key: "split", type: text, doc: "dataset split"},
    {name: "task", key: "task", type: text, doc: "task (dataset:prompt format)"},
    {name: "pair", key: "pair", type: text, doc: "model pair name"},
    {name: "router", key: "router", type: text, doc: "router with its arguments; baselines `small-only`, `large-only`"},
    {name: "router_kind", key: "routerKind", type: text, doc: "registered router kind"},
    {name: "router_role", key: "routerRole", type: text, doc: "`baseline-small`, `baseline-large`, `oracle` or `router` (what tables and plots go by)"},
    {name: "policy", key: "policy", type: text, doc: "decoding policy: `token`, `span:4`, `stitch(σ=0.8,cap=32)`, `speculative:2`, `token+optimistic`, … (README, Policies; `token` in files before schema 3)", optional: true},
    {name: "threshold", key: "threshold", type: "f64", doc: "τ: a token is routed when score < τ"},
    {name: "target", key: "target", type: "f64?", doc: "target upload fraction a calibrated τ was chosen for"},
  ] as const satisfies Columns;

/** `routerRole` is stored as utf8 and read back as one of the registry's roles. */
type WithRole<R extends {routerRole: string}> = Omit<R, "routerRole"> & {routerRole: RouterRole};

export type RunKey = WithRole<RowOf<ReturnType<typeof runKeyColumns<"utf8">>>>;

export const QUESTION_COLUMNS = [
  ...runKeyColumns("dict"),
  {name: "question_index", key: "questionIndex", type: "i32", doc: "position in the swept subset"},
  {name: "question_id", key: "questionId", type: "utf8", doc: "the dataset's id"},
  {name: "prompt", key: "prompt", type: "utf8?", doc: "the prompt text as the task formatted it (null in files written before tlr recorded it)", optional: true},
  {name: "prompt_tokens", key: "promptTokens", type: "i32", doc: "prompt length in tokens (BOS included)"},
  {name: "generated_ids", key: "generatedIds", type: "list<i32>", doc: "generated token ids (the truth)"},
  {name: "output", key: "output", type: "utf8", doc: "generated text"},
  {name: "extracted", key: "extracted", type: "utf8?", doc: "extracted answer (label or number)"},
  {name: "extraction_rule", key: "extractionRule", type: "dict", doc: "extraction rule that matched, or `none`"},
  {name: "gold", key: "gold", type: "utf8?", doc: "gold answer"},
  {name: "correct", key: "correct", type: "bool", doc: "extracted == gold"},
  {name: "generated", key: "generated", type: "i32", doc: "tokens generated (EOS included)"},
  {name: "large_tokens", key: "largeTokens", type: "i32", doc: "tokens produced by the large model"},
  {name: "verified", key: "verified", type: "i32", doc: "small-model drafts the large model verified (speculative)", optional: true},
  {name: "upload_fraction", key: "uploadFraction", type: "f64", doc: "(large_tokens + verified) / generated"},
  {name: "large_calls", key: "largeCalls", type: "i32", doc: "requests to the large model"},
  {name: "probes", key: "probes", type: "i32", doc: "oracle peeks that kept the small token"},
  {name: "fallbacks", key: "fallbacks", type: "i32", doc: "routed steps the small model answered because the large model was unreachable", optional: true},
  {name: "discarded", key: "discarded", type: "i32", doc: "drafts the large model rejected (speculative)", optional: true},
  {name: "speculative_steps", key: "speculativeSteps", type: "i32", doc: "steps an optimistic device threw away (timeline estimate)", optional: true},
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
  {name: "profile_ttft_ms", key: "profileTtftMs", type: "f64?", doc: "TTFT on the config's device profile (null without one)", optional: true},
  {name: "profile_tbt_ms", key: "profileTbtMs", type: "f64?", doc: "TBT on the device profile", optional: true},
  {name: "profile_small_ms", key: "profileSmallMs", type: "f64?", doc: "small-model compute on the device profile", optional: true},
  {name: "profile_comm_large_ms", key: "profileCommLargeMs", type: "f64?", doc: "network + large-model time on the device profile", optional: true},
  {name: "profile_total_ms", key: "profileTotalMs", type: "f64?", doc: "overall latency on the device profile", optional: true},
  {name: "small_evaluated", key: "smallEvaluated", type: "i32", doc: "tokens the small model evaluated"},
  {name: "large_evaluated", key: "largeEvaluated", type: "i32", doc: "tokens the large model evaluated"},
  {name: "stop_reason", key: "stopReason", type: "dict", doc: "`eos` (any end-of-generation token of the small model), `stop-token`, `stop-string`, `max-tokens`, or `error`"},
  {name: "error", key: "error", type: "utf8?", doc: "why the question has no result, else null"},
] as const satisfies Columns;

/** One question's run: its output, extraction, score and costs. */
export type QuestionRow = WithRole<RowOf<typeof QUESTION_COLUMNS>>;

export const TOKEN_COLUMNS = [
  {name: "dataset", key: "dataset", type: "dict", doc: "dataset name"},
  {name: "pair", key: "pair", type: "dict", doc: "model pair name"},
  {name: "router", key: "router", type: "dict", doc: "router name"},
  {name: "policy", key: "policy", type: "dict", doc: "decoding policy", optional: true},
  {name: "threshold", key: "threshold", type: "f64", doc: "τ"},
  {name: "question_index", key: "questionIndex", type: "i32", doc: "position in the swept subset"},
  {name: "step", key: "step", type: "i32", doc: "0-based index of the generated token"},
  {name: "token_id", key: "tokenId", type: "i32", doc: "the token"},
  {name: "piece", key: "piece", type: "dict", doc: "its text"},
  {name: "source", key: "source", type: "dict", doc: "`small` or `large`"},
  {name: "score", key: "score", type: "f64", doc: "router score (±Infinity for the baselines; NaN where no router scored: a turn's later tokens, speculative decoding)"},
  {name: "small_token", key: "smallToken", type: "i32?", doc: "the small model's greedy token (null where it made no prediction: a turn's later tokens)"},
  {name: "small_max_prob", key: "smallMaxProb", type: "f64?", doc: "its top-1 probability"},
  {name: "small_margin", key: "smallMargin", type: "f64?", doc: "top-1 minus top-2 probability"},
  {name: "small_entropy", key: "smallEntropy", type: "f64?", doc: "next-token entropy (nats; see README, Features)"},
  {name: "small_top_ids", key: "smallTopIds", type: "list<i32>", doc: "top-K token ids (empty where it made no prediction)"},
  {name: "small_top_logprobs", key: "smallTopLogprobs", type: "list<f32>", doc: "their log-probabilities"},
  {name: "large_token", key: "largeToken", type: "i32?", doc: "the large model's greedy token where it was asked"},
  {name: "large_max_prob", key: "largeMaxProb", type: "f64?", doc: "its top-1 probability"},
  {name: "small_padded", key: "smallPadded", type: "bool?", doc: "the small model ranked a padding id first (one the large model lacks); `small_token` is its best shared id (null in files written before tlr recorded it)", optional: true},
  {name: "large_padded", key: "largePadded", type: "bool?", doc: "the same for the large model where it was asked, else null (Qwen2.5-32B's 152,064 rows against 0.5B's 151,936)", optional: true},
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
  {name: "call", key: "call", type: "i32?", doc: "the request (0, 1, …) that wrote or verified the token, else null", optional: true},
  {name: "verified", key: "verified", type: "bool", doc: "a small-model draft the large model verified (speculative)", optional: true},
  {name: "fallback", key: "fallback", type: "bool", doc: "routed, but the large model was unreachable: the small model's token", optional: true},
] as const satisfies Columns;

/** A token record as a results row (its costs and clock fields kept as the decoder recorded them). */
export type TokenRow = RowOf<typeof TOKEN_COLUMNS>;

export const SUMMARY_COLUMNS = [
  ...runKeyColumns("utf8"),
  {name: "questions", key: "questions", type: "i32", doc: "questions run"},
  {name: "errors", key: "errors", type: "i32", doc: "questions recorded with an error (counted wrong)"},
  {name: "fallback_questions", key: "fallbackQuestions", type: "i32", doc: "questions where the large model was unreachable and the small model went on alone", optional: true},
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
  {name: "profile", key: "profile", type: "utf8?", doc: "the device profile of the profile_* columns (null without one)", optional: true},
  {name: "profile_ttft_ms", key: "profileTtftMs", type: "f64?", doc: "mean TTFT on the device profile", optional: true},
  {name: "profile_tbt_ms", key: "profileTbtMs", type: "f64?", doc: "mean TBT on the device profile", optional: true},
  {name: "profile_small_ms", key: "profileSmallMs", type: "f64?", doc: "mean small-model compute on the device profile", optional: true},
  {name: "profile_comm_large_ms", key: "profileCommLargeMs", type: "f64?", doc: "mean network + large-model time on the device profile", optional: true},
  {name: "profile_total_ms", key: "profileTotalMs", type: "f64?", doc: "mean overall latency on the device profile", optional: true},
] as const satisfies Columns;

/** One run's aggregate: accuracy with its Wilson interval, upload, calls, bytes and latency means. */
export type SummaryRow = WithRole<RowOf<typeof SUMMARY_COLUMNS>>;

/** The question columns schema 3 added, as a run written before it had them: the token policy's, nothing verified, discarded or fallen back, no profile. */
export const BEFORE_POLICIES_QUESTION = {policy: "token", verified: 0, fallbacks: 0, discarded: 0, speculativeSteps: 0, profileTtftMs: null, profileTbtMs: null, profileSmallMs: null, profileCommLargeMs: null, profileTotalMs: null} as const satisfies Partial<QuestionRow>;

/** The token columns schema 3 added, likewise. */
export const BEFORE_POLICIES_TOKEN = {policy: "token", call: null, verified: false, fallback: false} as const satisfies Partial<TokenRow>;

/** The summary columns schema 3 added, likewise. */
export const BEFORE_POLICIES_SUMMARY = {policy: "token", fallbackQuestions: 0, profile: null, profileTtftMs: null, profileTbtMs: null, profileSmallMs: null, profileCommLargeMs: null, profileTotalMs: null} as const satisfies Partial<SummaryRow>;

/** The columns schema 3 added to the three files. */
export const POLICY_COLUMN_NAMES: ReadonlySet<string> = new Set([...QUESTION_COLUMNS, ...TOKEN_COLUMNS, ...SUMMARY_COLUMNS].filter((c) => "optional" in c && c.optional && !["prompt", "small_padded", "large_padded"].includes(c.name)).map((c) => c.name));

/** The three files of a results folder. */
export const RESULT_FILES = {summary: "summary.arrow", questions: "questions.arrow", tokens: "tokens.arrow"} as const;
