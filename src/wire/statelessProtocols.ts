import {z} from "zod";
import type {Token} from "../core/Prediction.ts";
import type {Tokenizer} from "../core/Tokenizer.ts";
import {fromLlamaEntry, fromOpenAIReply, LlamaCompletionReply, OpenAICompletionReply, type ParsedLogprobs} from "./logprobs.ts";

/*
 * Stateless protocols: every request carries the whole transcript; the server's prefix cache
 * (llama-server's cache_prompt, vLLM's and SGLang's prefix caching) avoids recomputing what it
 * saw before. Always one new token, temperature 0, top-K log-probabilities.
 */

/** What the client needs to build a request. */
export interface RequestContext {
  topK: number;
  /** OpenAI `model` field (vLLM and SGLang want the served model's name). */
  model: string | undefined;
  /** For the text protocol only: turns the transcript back into text. */
  tokenizer: Tokenizer | undefined;
}

/** A parsed reply: the token and top-K, plus what the server says it cost where it says so. */
export interface StatelessReply {
  parsed: ParsedLogprobs;
  computeMs: number | undefined;
  evaluated: number | undefined;
}

export interface StatelessProtocol {
  path: string;
  body(transcript: readonly Token[], ctx: RequestContext): string;
  /** The reply, or a reason it is unusable (the caller turns it into a `malformed` error). */
  parse(json: unknown): StatelessReply | string;
}

/** llama.cpp's `timings` (both endpoints): compute time and catch-up size. */
const Timings = z
  .object({timings: z.object({prompt_n: z.number(), prompt_ms: z.number(), predicted_ms: z.number().optional()}).optional()})
  .loose();

function costOf(json: unknown): Pick<StatelessReply, "computeMs" | "evaluated"> {
  const t = Timings.safeParse(json).data?.timings;
  return t ? {computeMs: t.prompt_ms + (t.predicted_ms ?? 0), evaluated: t.prompt_n} : {computeMs: undefined, evaluated: undefined};
}

function issue(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.join(".") || "body"}: ${first.message}` : "unexpected shape";
}

/** llama-server's native `POST /completion` with a token-id prompt. */
export const LLAMA_COMPLETION: StatelessProtocol = {
  path: "/completion",
  body: (transcript, {topK}) =>
    JSON.stringify({prompt: transcript, n_predict: 1, n_probs: topK, temperature: 0, cache_prompt: true}),
  parse(json) {
    const r = LlamaCompletionReply.safeParse(json);
    if (!r.success) return issue(r.error);
    return {parsed: fromLlamaEntry(r.data.completion_probabilities[0]!), ...costOf(json)};
  },
};

function openAIBody(prompt: readonly Token[] | string, {topK, model}: RequestContext): string {
  return JSON.stringify({
    ...(model === undefined ? {} : {model}),
    prompt,
    max_tokens: 1,
    temperature: 0,
    logprobs: topK,
    return_tokens_as_token_ids: true,
  });
}

function parseOpenAI(json: unknown): StatelessReply | string {
  const r = OpenAICompletionReply.safeParse(json);
  if (!r.success) return issue(r.error);
  const parsed = fromOpenAIReply(r.data);
  return typeof parsed === "string" ? parsed : {parsed, ...costOf(json)};
}

/** OpenAI-compatible `POST /v1/completions` with a token-id prompt (llama-server, vLLM, SGLang, tlr serve). */
export const OPENAI_COMPLETIONS: StatelessProtocol = {path: "/v1/completions", body: openAIBody, parse: parseOpenAI};

/**
 * The paper's demo protocol: the whole decoded text as the prompt, for every routed token. The
 * server re-tokenizes the text, which need not give back the same ids (and adds BOS itself), so
 * this exists to measure its cost, not for exact runs.
 */
export const OPENAI_TEXT: StatelessProtocol = {
  path: "/v1/completions",
  body(transcript, ctx) {
    if (!ctx.tokenizer) throw new Error("the text protocol needs the small model's tokenizer");
    return openAIBody(transcriptText(transcript, ctx.tokenizer), ctx);
  },
  parse: parseOpenAI,
};

/** The transcript as text, without the BOS a server adds itself to a text prompt. */
export function transcriptText(transcript: readonly Token[], tokenizer: Tokenizer): string {
  const ids = tokenizer.bos !== null && transcript[0] === tokenizer.bos ? transcript.slice(1) : transcript;
  return tokenizer.detokenize(ids);
}
