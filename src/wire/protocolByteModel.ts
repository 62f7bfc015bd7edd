import type {Prediction} from "../core/Prediction.ts";
import type {RemoteProtocol} from "./RemoteProtocol.ts";
import {sglangRequest} from "./sglangProtocol.ts";
import {OPENAI_COMPLETIONS, type RequestContext} from "./statelessProtocols.ts";
import {paperTextProtocol, statelessIdsProtocol} from "./wireProtocols.ts";
import {SESSION_PROTOCOL, type WireProtocol} from "./WireProtocol.ts";

/*
 * The byte model of the protocol a run really speaks, so its simulated bytes and network time are
 * those of its own requests. Request bodies are built by the functions the client sends with, from
 * the same request context (top-K, model name), so they equal the measured request bodies byte for
 * byte. Replies are the smallest body of each shape that carries the token and its top-K: real
 * servers add metadata on top (ids, timings, usage, text), which the measured `WireUse` of a run
 * shows (README, "Upload accounting by protocol", has the figures).
 */

const bytes = (s: string) => Buffer.byteLength(s);

/** OpenAI /v1/completions with a token-id prompt, answered in the legacy shape with vLLM's "token_id:N" names. */
export function openaiIdsProtocol(request: Pick<RequestContext, "topK" | "model">): WireProtocol {
  const ctx = {topK: request.topK, model: request.model, tokenizer: undefined};
  const name = (id: number) => `token_id:${id}`;
  return {
    name: "openai",
    requestBytes: (newIds, c) => bytes(OPENAI_COMPLETIONS.body(c?.transcript ?? newIds, ctx)),
    replyBytes: (p: Prediction) =>
      bytes(JSON.stringify({choices: [{logprobs: {tokens: [name(p.token)], top_logprobs: [Object.fromEntries(p.top.map((t) => [name(t.id), t.logprob]))]}}]})),
  };
}

/** SGLang's POST /generate: `input_ids` out, `meta_info` logprob triples back. */
export function sglangByteModel(topK: number): WireProtocol {
  return {
    name: "sglang",
    requestBytes: (newIds, c) => bytes(JSON.stringify(sglangRequest(c?.transcript ?? newIds, topK))),
    replyBytes: (p: Prediction) =>
      bytes(JSON.stringify({meta_info: {output_token_logprobs: [[p.top.find((t) => t.id === p.token)?.logprob ?? Math.log(p.maxProb), p.token, null]], output_top_logprobs: [p.top.map((t) => [t.logprob, t.id, null])]}})),
  };
}

/** The byte model of a remote protocol, built from the request context its client sends with. */
export function protocolByteModel(protocol: RemoteProtocol, request: Pick<RequestContext, "topK" | "model">): WireProtocol {
  switch (protocol) {
    case "session":
      return SESSION_PROTOCOL;
    case "llama":
      return statelessIdsProtocol(request.topK);
    case "openai":
      return openaiIdsProtocol(request);
    case "openai-text":
      return paperTextProtocol({topK: request.topK, model: request.model});
    case "sglang":
      return sglangByteModel(request.topK);
  }
}
