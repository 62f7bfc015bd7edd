import type {Token} from "../core/Prediction.ts";
import type {TokenModel} from "../models/TokenModel.ts";
import type {Tokenizer} from "../core/Tokenizer.ts";
import {routes, type Router} from "../routing/Router.ts";
import {TlrError} from "../util/errors.ts";
import {PathAccount} from "./account.ts";
import {DEFAULT_NETWORK, type NetworkModel} from "./networkModel.ts";
import {SESSION_PROTOCOL, type WireProtocol} from "../wire/WireProtocol.ts";
import {summarizeRecords} from "./stats.ts";
import type {DecodeResult, StopReason, TokenRecord} from "./types.ts";

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
}

/** Ids of context handed to the detokenizer so a piece's leading space renders right. */
export const PIECE_CONTEXT = 8;

/**
 * Collaborative greedy decoding. At each step the small model predicts; the router scores that
 * prediction; when `score < threshold` the large model produces the token instead. The chosen
 * token joins the one transcript both models derive their state from.
 *
 * Invariant (no transcript token is evaluated twice): each model's `next()` evaluates only the
 * transcript tokens appended since its previous call, so over a run the catch-up sizes of a
 * model sum to the transcript length at its last call, and every call evaluates at least one
 * token. The small model is asked at every step, so its sizes are |prompt|, 1, 1, …; the large
 * model's size at a routed step is the number of tokens produced since it was last asked.
 */
export async function decode(options: DecodeOptions): Promise<DecodeResult> {
  const {small, large, tokenizer, router, threshold, maxTokens} = options;
  const {key, eog, stopTokens, stopStrings, newAccount} = runSettings(options);
  // Text is needed during the loop only to stream it or to match stop strings. Otherwise the
  // pieces are made in one pass afterwards: a detokenize call between two evaluations costs a
  // tiny model ~30 µs of cache misses per step (9% of a step of the 130K-parameter toy model).
  const textInLoop = stopStrings.length > 0 || options.onToken !== undefined;
  checkDecodeOptions(options);

  const transcript: Token[] = [...options.prompt];
  const promptLength = transcript.length;
  const records: TokenRecord[] = [];
  const account = newAccount();
  let text = "";
  let stopReason: StopReason = "max-tokens";
  const start = performance.now();

  for (let step = 0; step < maxTokens; step++) {
    const s = await small.next(transcript);
    const peek = router.peeksLarge ? await large.next(transcript) : undefined;
    const routerStart = performance.now();
    const scored = router.score({step, key, small: s.prediction, large: peek?.prediction});
    const score = typeof scored === "number" ? scored : await scored; // no microtask for synchronous routers
    const routerMs = performance.now() - routerStart;
    const routed = routes(score, threshold);
    const l = routed ? (peek ?? (await large.next(transcript))) : peek;
    const record = account.record({step, transcript, small: s, large: l, routed, score, routerMs});
    const id = record.id;
    if (textInLoop) record.piece = tokenizer.detokenize([id], transcript.slice(-PIECE_CONTEXT));
    records.push(record);
    transcript.push(id);
    text += record.piece;
    options.onToken?.(record);

    const stop = stopAfter(id, text, eog, stopTokens, stopStrings);
    if (stop) {
      stopReason = stop;
      break;
    }
  }

  if (!textInLoop) fillPieces(records, transcript, promptLength, tokenizer);
  return finishRun(transcript, promptLength, records, tokenizer, stopReason, performance.now() - start);
}

/** Defaults and derived settings shared by `decode` and `sweepTree`. */
export function runSettings(options: Omit<DecodeOptions, "threshold">) {
  const {small, large, tokenizer} = options;
  const network = options.network ?? DEFAULT_NETWORK;
  const protocol = options.protocol ?? SESSION_PROTOCOL;
  const key = options.key ?? "";
  const vocabBound = options.sharedVocabSize ?? Math.min(small.info.vocabSize, large.info.vocabSize);
  return {
    key,
    /** The transcript is the small model's, so its end-of-generation set decides. */
    eog: new Set<Token>(options.stop?.eos === false ? [] : tokenizer.eog.length > 0 ? tokenizer.eog : tokenizer.eos === null ? [] : [tokenizer.eos]),
    stopTokens: new Set(options.stop?.tokens ?? []),
    stopStrings: options.stop?.strings ?? [],
    /** A fresh account for one run's path. */
    newAccount: () => new PathAccount(network, protocol, vocabBound, tokenizer, key),
  };
}

/** Sets each record's text piece, with the ids before it as context. */
export function fillPieces(records: TokenRecord[], transcript: readonly Token[], promptLength: number, tokenizer: Tokenizer): void {
  for (const r of records) {
    const at = promptLength + r.step;
    r.piece = tokenizer.detokenize([r.id], transcript.slice(Math.max(0, at - PIECE_CONTEXT), at));
  }
}

export function finishRun(transcript: Token[], promptLength: number, records: TokenRecord[], tokenizer: Tokenizer, stopReason: StopReason, wallMs: number): DecodeResult {
  const generated = transcript.slice(promptLength);
  return {
    transcript,
    promptLength,
    generated,
    text: tokenizer.detokenize(generated, transcript.slice(Math.max(0, promptLength - PIECE_CONTEXT), promptLength)),
    records,
    stats: summarizeRecords(records, stopReason, wallMs),
  };
}

/** Why a run stops after `id` (appended to a transcript whose generated text is `text`), if it does. */
export function stopAfter(id: Token, text: string, eog: ReadonlySet<Token>, stopTokens: ReadonlySet<Token>, stopStrings: readonly string[]): StopReason | undefined {
  if (eog.has(id)) return "eos";
  if (stopTokens.has(id)) return "stop-token";
  if (stopStrings.some((x) => text.includes(x))) return "stop-string";
  return undefined;
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
