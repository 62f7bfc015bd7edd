import {z} from "zod";
import {COMPUTE_HEADER, EVALUATED_HEADER} from "../wire/sessionWire.ts";
import {encodePrompt} from "../core/Tokenizer.ts";
import {type Prediction, type Token} from "../core/Prediction.ts";
import {HttpError, validate} from "./httpUtil.ts";
import type {ServerContext} from "./ServerContext.ts";
import {checkIds, type RouteReply} from "./sessionRoutes.ts";

/*
 * OpenAI-compatible completions, greedy only, answered in OpenAI's legacy logprobs shape. With
 * vLLM's `return_tokens_as_token_ids`, tokens are named "token_id:N" so clients get ids back.
 * Stateless: each request carries its whole prompt; the server reuses the idle anonymous session
 * sharing the longest prefix with it (a prefix cache), so only the unseen suffix is evaluated.
 */
const CompletionRequest = z
  .object({
    model: z.string().optional(),
    prompt: z.union([z.array(z.number().int().nonnegative()).min(1), z.string().min(1)]),
    max_tokens: z.number().int().positive().optional(),
    temperature: z.number().optional(),
    logprobs: z.number().int().nonnegative().nullable().optional(),
    n: z.literal(1, "tlr serve returns one choice: n must be 1").optional(),
    stream: z.literal(false, "tlr serve does not stream: stream must be false").optional(),
    echo: z.literal(false, "tlr serve does not echo prompts: echo must be false").optional(),
    return_tokens_as_token_ids: z.boolean().optional(),
  })
  .loose(); // other OpenAI fields (user, top_p, …) are accepted and have no effect on greedy decoding

/** OpenAI's default when max_tokens is absent. */
const DEFAULT_MAX_TOKENS = 16;

export function listModels(ctx: ServerContext): RouteReply {
  const {info} = ctx;
  return {body: {object: "list", data: [{id: info.name, object: "model", owned_by: "tlr", meta: {n_vocab: info.vocabSize, n_ctx: info.contextSize}}]}};
}

export async function completions(ctx: ServerContext, body: unknown): Promise<RouteReply> {
  const r = validate(CompletionRequest, body);
  if (r.temperature !== undefined && r.temperature !== 0) {
    throw new HttpError(400, "bad-request", `temperature: tlr serve decodes greedily; send temperature 0 (got ${r.temperature})`);
  }
  const maxTokens = r.max_tokens ?? DEFAULT_MAX_TOKENS;
  if (maxTokens > ctx.maxNewTokens) throw new HttpError(400, "bad-request", `max_tokens: at most ${ctx.maxNewTokens} (tlr serve --max-new-tokens)`);
  const k = r.logprobs ?? 0;
  // More than --top-k is read by evaluating the step's batch again (clients of padded pairs ask for it).
  if (k > ctx.info.vocabSize) throw new HttpError(400, "bad-request", `logprobs: at most the vocabulary size, ${ctx.info.vocabSize}`);
  const prompt: Token[] = typeof r.prompt === "string" ? encodePrompt(ctx.tokenizer, r.prompt) : r.prompt;
  checkIds(ctx, prompt, "prompt");
  if (prompt.length + maxTokens - 1 > ctx.info.contextSize) {
    throw new HttpError(400, "context-full", `prompt (${prompt.length} tokens) + max_tokens (${maxTokens}) exceed the model's context of ${ctx.info.contextSize} tokens`);
  }

  const session = await ctx.pool.acquireAnonymous(prompt);
  const transcript = [...prompt];
  const steps: Prediction[] = [];
  let ms = 0, evaluated = 0;
  try {
    while (steps.length < maxTokens) {
      const s = await ctx.pool.evaluate(session, transcript, undefined, k > ctx.topK ? k : undefined);
      ms += s.ms;
      evaluated += s.evaluated;
      steps.push(s.prediction);
      transcript.push(s.prediction.token);
      if (ctx.info.eog.includes(s.prediction.token)) break; // llama.cpp's end-of-generation set, not EOS alone
    }
  } finally {
    ctx.pool.release(session);
  }

  const ids = steps.map((p) => p.token);
  const piece = (id: Token, at: number) => ctx.tokenizer.detokenize([id], transcript.slice(Math.max(0, at - 8), at));
  const name = (id: Token, at: number) => (r.return_tokens_as_token_ids ? `token_id:${id}` : piece(id, at));
  const pieces = ids.map((id, i) => piece(id, prompt.length + i));
  let offset = 0;
  const logprobs =
    r.logprobs == null
      ? null
      : {
          tokens: ids.map((id, i) => name(id, prompt.length + i)),
          token_logprobs: steps.map((p) => p.top.find((t) => t.id === p.token)?.logprob ?? Math.log(p.maxProb)),
          top_logprobs: steps.map((p, i) => Object.fromEntries(p.top.slice(0, k).map((t) => [name(t.id, prompt.length + i), t.logprob]))),
          text_offset: pieces.map((x) => ((offset += x.length), offset - x.length)),
        };
  return {
    body: {
      id: `cmpl-${session.id}-${transcript.length}`,
      object: "text_completion",
      created: Math.floor(Date.now() / 1000),
      model: ctx.info.name,
      choices: [{index: 0, text: ctx.tokenizer.detokenize(ids, prompt.slice(-8)), logprobs, finish_reason: ctx.info.eog.includes(ids.at(-1)!) ? "stop" : "length"}],
      usage: {prompt_tokens: prompt.length, completion_tokens: ids.length, total_tokens: prompt.length + ids.length},
    },
    headers: {[COMPUTE_HEADER]: `compute;dur=${ms.toFixed(3)}`, [EVALUATED_HEADER]: String(evaluated)},
  };
}
