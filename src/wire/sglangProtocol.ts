import {z} from "zod";
import type {Token} from "../core/Prediction.ts";
import type {RequestContext, StatelessProtocol, StatelessReply} from "./statelessProtocols.ts";

/*
 * SGLang's native `POST /generate` (the server the paper served Qwen2.5-32B-Instruct with), as
 * SGLang 0.4–0.5 documents and answers it: docs/basic_usage/sampling_params.md and native_api
 * (request fields), python/sglang/srt/managers/tokenizer_manager.py `_handle_batch_output` and
 * `detokenize_logprob_tokens` (the reply's `meta_info`). A request carries the transcript as
 * `input_ids`, greedy `sampling_params` (temperature 0, one new token), `return_logprob` and
 * `top_logprobs_num`; the reply's `meta_info.output_token_logprobs[0]` is the generated token as a
 * [logprob, id, text] triple (text null unless `return_text_in_logprobs`), and
 * `meta_info.output_top_logprobs[0]` its top-K as such triples, best first. `cached_tokens` is
 * what SGLang's radix cache already held of the prompt, so `prompt_tokens − cached_tokens` is what
 * it evaluated; `e2e_latency` (seconds) is the request's time inside the server.
 */

/** [logprob, token id, text or null], SGLang's logprob triple. */
const Triple = z.tuple([z.number(), z.number().int().nonnegative(), z.string().nullable()]);

export const SglangGenerateReply = z.object({
  output_ids: z.array(z.number().int().nonnegative()).optional(),
  meta_info: z
    .object({
      prompt_tokens: z.number().int().optional(),
      cached_tokens: z.number().int().optional(),
      e2e_latency: z.number().optional(),
      output_token_logprobs: z.array(Triple).min(1, "output_token_logprobs is empty: SGLang generated no token"),
      output_top_logprobs: z.array(z.array(Triple).nullable()).min(1, "output_top_logprobs is missing: send top_logprobs_num ≥ 1"),
    })
    .loose(),
});
export type SglangGenerateReply = z.infer<typeof SglangGenerateReply>;

export interface SglangGenerateRequest {
  input_ids: readonly Token[];
  sampling_params: {temperature: number; max_new_tokens: number};
  return_logprob: boolean;
  top_logprobs_num: number;
}

export function sglangRequest(transcript: readonly Token[], topK: number, max = 1): SglangGenerateRequest {
  return {input_ids: transcript, sampling_params: {temperature: 0, max_new_tokens: max}, return_logprob: true, top_logprobs_num: topK};
}

export const SGLANG_GENERATE: StatelessProtocol = {
  path: "/generate",
  body: (transcript, {topK}: RequestContext, max = 1) => JSON.stringify(sglangRequest(transcript, topK, max)),
  parse(json): StatelessReply | string {
    const r = SglangGenerateReply.safeParse(json);
    if (!r.success) {
      const first = r.error.issues[0];
      return first ? `${first.path.join(".") || "body"}: ${first.message}` : "unexpected shape";
    }
    const m = r.data.meta_info;
    const parsed = [];
    for (const [i, [, token]] of m.output_token_logprobs.entries()) {
      const top = m.output_top_logprobs[i];
      if (!top || top.length === 0) return `meta_info.output_top_logprobs[${i}] is empty: send top_logprobs_num ≥ 1`;
      parsed.push({token, top: top.map(([logprob, id]) => ({id, logprob}))});
    }
    if (parsed.length === 0) return "meta_info.output_token_logprobs is empty";
    return {
      parsed,
      computeMs: m.e2e_latency === undefined ? undefined : m.e2e_latency * 1000,
      evaluated: m.prompt_tokens !== undefined && m.cached_tokens !== undefined ? m.prompt_tokens - m.cached_tokens : undefined,
    };
  },
};
