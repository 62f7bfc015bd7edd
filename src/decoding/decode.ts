import type {Token} from "../core/Prediction.ts";
import type {Tokenizer} from "../core/Tokenizer.ts";
import type {TokenModel} from "../models/TokenModel.ts";
import type {Router} from "../routing/Router.ts";
import {TlrError} from "../util/errors.ts";
import {SESSION_PROTOCOL, type WireProtocol} from "../wire/WireProtocol.ts";
import type {DecodeEvent} from "./events.ts";
import {DEFAULT_NETWORK, type NetworkModel} from "./networkModel.ts";
import {DEFAULT_POLICY, isOptimistic, policyName, type PolicySpec} from "./policy.ts";
import {RemoteModel} from "../models/remote/RemoteModel.ts";
import {optimisticLoop} from "./optimisticLoop.ts";
import {routedLoop} from "./routedLoop.ts";
import {RunModel} from "./RunModel.ts";
import {PIECE_CONTEXT, RunState, type RunSettings} from "./RunState.ts";
import {speculativeLoop} from "./speculativeLoop.ts";
import {runStats} from "./stats.ts";
import {replayTimeline, type DeviceProfile} from "./timeline.ts";
import type {DecodeResult, StopReason, TokenRecord} from "./types.ts";

export {PIECE_CONTEXT, stopAfter} from "./RunState.ts";

export interface StopRules {
  /**
   * Stop after any end-of-generation token of the small model (`tokenizer.eog`: EOS, EOT,
   * `<|im_end|>`, `<|endoftext|>`, …, as llama.cpp stops). Default true. The stop reason is "eos".
   */
  eos?: boolean;
  /** Stop after any of these ids. */
  tokens?: readonly Token[];
  /** Stop once the generated text contains any of these strings (the text keeps it). */
  strings?: readonly string[];
}

export interface DecodeOptions {
  /** Prompt ids, BOS included where the model wants one (see `encodePrompt`). */
  prompt: readonly Token[];
  small: TokenModel;
  large: TokenModel;
  /** The small model's tokenizer: turns generated ids into text. */
  tokenizer: Tokenizer;
  router: Router;
  /** Route a token to the large model when the router's score is below this. */
  threshold: number;
  maxTokens: number;
  stop?: StopRules;
  /** Default `DEFAULT_NETWORK` (170 ms RTT). */
  network?: NetworkModel;
  /** How routed tokens are counted in bytes. Default `SESSION_PROTOCOL`. */
  protocol?: WireProtocol;
  /** Names this generation for seeded routers (a question id). Default "". */
  key?: string;
  /** Ids at or above this bound are refused (pairs with padded vocabularies). Default: both vocabularies. */
  sharedVocabSize?: number;
  /** Called with each record as soon as its token is chosen (for streaming output). */
  onToken?: (record: TokenRecord) => void;
  /** Who writes the next tokens and how the wait is spent. Default `token` (policy.ts). */
  policy?: PolicySpec;
  /** When the large model still fails after its retries: "fail" (default) throws, "small" goes on with the small model alone. */
  onLargeError?: "fail" | "small";
  /** Declared compute speeds for the timeline; default the measured times (timeline.ts). */
  profile?: DeviceProfile;
  /**
   * Optimistic continuation: "simulate" (default) decodes sequentially and replays the log with
   * overlap; "real" keeps requests in flight while the small model decodes (a large model behind
   * tlr serve), so its wall time is real. Both give the same tokens.
   */
  overlap?: "simulate" | "real";
}

/**
 * Collaborative greedy decoding under a policy (default `token`: at each step the small model
 * predicts, the router scores that prediction, and when `score < threshold` the large model
 * produces the token instead). The chosen tokens join the one transcript both models derive
 * their state from. Besides the transcript and a record per token, a run keeps its event log;
 * its latency figures (each record's `tMs`, TTFT, TBT, overall) come from replaying that log on
 * the timeline (timeline.ts).
 *
 * Invariant (no transcript token is evaluated twice): each model's calls evaluate only the
 * transcript tokens appended since its previous call (speculative decoding excepted: rejected
 * drafts are thrown away and the accepted ones evaluated again as part of the next catch-up). So
 * under the token policy the small model's catch-up sizes are |prompt|, 1, 1, …, and the large
 * model's at a routed step is the number of tokens produced since it was last asked.
 */
export async function decode(options: DecodeOptions): Promise<DecodeResult> {
  checkDecodeOptions(options);
  const policy = options.policy ?? DEFAULT_POLICY;
  const real = options.overlap === "real" && isOptimistic(policy);
  const settings = runSettings(options);
  // Tokens of a real optimistic run are final only once their replies are in: they stream afterwards.
  const run = new RunState(options.prompt, new RunModel(options.small), new RunModel(options.large), real ? {...settings, onToken: undefined} : settings);
  const start = performance.now();
  let thrownAway: number | undefined;
  let drained: Promise<unknown> | undefined;
  if (policy.kind === "speculative") await speculativeLoop(run, policy);
  else if (real) ({thrownAway, drained} = await optimisticLoop(run, policy, remoteSession(options.large)));
  else await routedLoop(run, policy);
  const wallMs = performance.now() - start;
  await drained; // void replies still in flight: their records complete the log
  if (!run.textInLoop) fillPieces(run.records, run.transcript, run.promptLength, options.tokenizer);
  const result = finishPolicyRun(run.transcript, run.promptLength, run.records, run.log.events, policy, options, run.stopReason, wallMs);
  if (thrownAway !== undefined) result.stats.speculativeSteps = thrownAway;
  if (real) for (const r of result.records) options.onToken?.(r);
  return result;
}

/** The large model of a real optimistic run: a client of tlr serve's session protocol. */
function remoteSession(large: TokenModel): RemoteModel {
  if (!(large instanceof RemoteModel) || large.protocol !== "session") {
    throw new TlrError("optimistic continuation runs for real only with the large model behind tlr serve (its session protocol); with a local large model it is simulated (overlap: simulate)");
  }
  return large;
}

/** The result of a run from its transcript, records and log: pieces set, the timeline replayed onto the records. */
export function finishPolicyRun(
  transcript: Token[],
  promptLength: number,
  records: TokenRecord[],
  events: DecodeEvent[],
  policy: PolicySpec,
  options: Pick<DecodeOptions, "tokenizer" | "network" | "profile">,
  stopReason: StopReason,
  wallMs: number,
): DecodeResult {
  const timeline = replayTimeline(events, {network: options.network ?? DEFAULT_NETWORK, profile: options.profile, optimistic: isOptimistic(policy)});
  records.forEach((r, i) => (r.tMs = timeline.ready[i] ?? 0));
  const generated = transcript.slice(promptLength);
  return {
    transcript,
    promptLength,
    generated,
    text: options.tokenizer.detokenize(generated, transcript.slice(Math.max(0, promptLength - PIECE_CONTEXT), promptLength)),
    records,
    stats: runStats(records, events, timeline, stopReason, wallMs),
    policy: policyName(policy),
    events,
  };
}

/** A run's settings with their defaults. */
export function runSettings(options: DecodeOptions): RunSettings {
  const {small, large, tokenizer} = options;
  return {
    tokenizer,
    router: options.router,
    threshold: options.threshold,
    maxTokens: options.maxTokens,
    key: options.key ?? "",
    // The transcript is the small model's, so its end-of-generation set decides.
    eog: new Set<Token>(options.stop?.eos === false ? [] : tokenizer.eog.length > 0 ? tokenizer.eog : tokenizer.eos === null ? [] : [tokenizer.eos]),
    stopTokens: new Set(options.stop?.tokens ?? []),
    stopStrings: options.stop?.strings ?? [],
    network: options.network ?? DEFAULT_NETWORK,
    protocol: options.protocol ?? SESSION_PROTOCOL,
    vocabBound: options.sharedVocabSize ?? Math.min(small.info.vocabSize, large.info.vocabSize),
    onLargeError: options.onLargeError ?? "fail",
    onToken: options.onToken,
  };
}

/** Sets each record's text piece, with the ids before it as context. */
export function fillPieces(records: TokenRecord[], transcript: readonly Token[], promptLength: number, tokenizer: Tokenizer): void {
  for (const r of records) {
    const at = promptLength + r.step;
    r.piece = tokenizer.detokenize([r.id], transcript.slice(Math.max(0, at - PIECE_CONTEXT), at));
  }
}

/** Fails before any evaluation when the run could not finish within either model's context. */
export function checkDecodeOptions(o: DecodeOptions): void {
  if (o.prompt.length === 0) throw new TlrError("the prompt is empty: give at least one token");
  if (!Number.isInteger(o.maxTokens) || o.maxTokens < 1) throw new TlrError(`max tokens must be a positive integer, got ${o.maxTokens}`);
  if (Number.isNaN(o.threshold)) throw new TlrError("threshold must be a number");
  const needed = o.prompt.length + o.maxTokens - 1;
  for (const [role, m] of [["small", o.small], ["large", o.large]] as const) {
    if (needed > m.info.contextSize) {
      throw new TlrError(
        `prompt (${o.prompt.length} tokens) + max tokens (${o.maxTokens}) exceed the ${role} model's context of ${m.info.contextSize} tokens (${m.info.name}): lower max tokens or raise the context size`,
      );
    }
  }
}
