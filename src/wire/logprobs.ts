import {z} from "zod";
import {featuresFromLogits} from "../core/featuresFromLogits.ts";
import type {Prediction, Token, TopLogprob} from "../core/Prediction.ts";

/** The generated token and its top-K log-probabilities, as a server reported them. */
export interface ParsedLogprobs {
  token: Token;
  top: TopLogprob[];
}

/*
 * The two log-probability shapes servers answer with, for one generated token:
 *  - llama.cpp's: an entry {id, token, logprob, top_logprobs: [{id, token, logprob}]}, in
 *    `completion_probabilities[]` (native /completion) or `choices[0].logprobs.content[]`
 *    (its /v1/completions);
 *  - OpenAI's legacy completions shape: `choices[0].logprobs` = {tokens, token_logprobs,
 *    top_logprobs: [{text: logprob}]}, which names tokens by text: ids only where the server
 *    writes them as "token_id:N" (vLLM's `return_tokens_as_token_ids`, and tlr serve).
 */
const llamaEntry = z.object({
  id: z.number().int().nonnegative(),
  logprob: z.number(),
  top_logprobs: z.array(z.object({id: z.number().int().nonnegative(), logprob: z.number()})).min(1),
});

const legacyLogprobs = z.object({
  tokens: z.array(z.string()).min(1),
  top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).min(1),
});

export const LlamaCompletionReply = z.object({completion_probabilities: z.array(llamaEntry).min(1)});

export const OpenAICompletionReply = z.object({
  choices: z
    .array(z.object({logprobs: z.union([z.object({content: z.array(llamaEntry).min(1)}), legacyLogprobs])}))
    .min(1),
});

type LlamaEntry = z.infer<typeof llamaEntry>;

export function fromLlamaEntry(e: LlamaEntry): ParsedLogprobs {
  return {token: e.id, top: e.top_logprobs.map((t) => ({id: t.id, logprob: t.logprob}))};
}

const TOKEN_ID = /^token_id:(\d+)$/;

/** Parses a "token_id:N" token name; undefined for plain token text. */
export function tokenIdOf(name: string): Token | undefined {
  const m = TOKEN_ID.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** How a reason from `fromLegacy` starts when the server named tokens by text: retrying cannot help. */
export const TEXT_TOKENS_REASON = "tokens come as text";

/** Generated token `i` of a legacy-shape reply, or a reason it cannot be read. */
export function fromLegacy(l: z.infer<typeof legacyLogprobs>, i = 0): ParsedLogprobs | string {
  const token = tokenIdOf(l.tokens[i]!);
  if (token === undefined) {
    return `${TEXT_TOKENS_REASON} ("${l.tokens[i]}"), not ids: the server must support return_tokens_as_token_ids (vLLM) or answer llama.cpp's logprobs.content; for SGLang use --protocol sglang`;
  }
  const top: TopLogprob[] = [];
  for (const [name, logprob] of Object.entries(l.top_logprobs[i] ?? {})) {
    const id = tokenIdOf(name);
    if (id === undefined) return `top_logprobs key "${name}" is not a "token_id:N" name`;
    top.push({id, logprob});
  }
  if (top.length === 0) return "top_logprobs is empty: ask for logprobs ≥ 1";
  return {token, top};
}

/** The first generated token of an OpenAI-compatible reply, or a reason it cannot be read. */
export function fromOpenAIReply(reply: z.infer<typeof OpenAICompletionReply>): ParsedLogprobs | string {
  const all = fromOpenAIReplyAll(reply);
  return typeof all === "string" ? all : all[0]!;
}

/** Every generated token of an OpenAI-compatible reply (one, or a span's), or a reason one cannot be read. */
export function fromOpenAIReplyAll(reply: z.infer<typeof OpenAICompletionReply>): ParsedLogprobs[] | string {
  const logprobs = reply.choices[0]!.logprobs;
  if ("content" in logprobs) return logprobs.content.map(fromLlamaEntry);
  const out: ParsedLogprobs[] = [];
  for (let i = 0; i < logprobs.tokens.length; i++) {
    const p = fromLegacy(logprobs, i);
    if (typeof p === "string") return p;
    out.push(p);
  }
  return out;
}

/**
 * A `Prediction` from top-K log-probabilities. They are treated as logits with
 * Z = Σ exp(l − l_max) = 1 / p_max, so `featuresFromLogits` (the local backend's code) derives
 * max-probability, margin and the top-K entropy estimate exactly as it does for a local model.
 */
export function predictionFromLogprobs(parsed: ParsedLogprobs, topK: number): Prediction {
  const sorted = [...parsed.top].sort((a, b) => b.logprob - a.logprob);
  const logits = new Map(sorted.map((t) => [t.id, t.logprob] as const));
  return featuresFromLogits(parsed.token, logits, Math.exp(-sorted[0]!.logprob), topK, false);
}
