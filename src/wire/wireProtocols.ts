import {SESSION_PROTOCOL, type WireContext, type WireProtocol} from "./WireProtocol.ts";
import type {Prediction, Token} from "../core/Prediction.ts";
import type {Tokenizer} from "../core/Tokenizer.ts";
import {LLAMA_COMPLETION, OPENAI_TEXT} from "./statelessProtocols.ts";

/*
 * Byte models of the three ways a device can ask a server for one token, for runs whose large
 * model is local (simulated) and for comparing protocols on the same run. Request bodies are
 * built by the same code the real clients send; replies are the smallest body that carries the
 * token and its top-K in each shape (real servers add more: llama-server's /completion reply is
 * ~2 kB, which the measured `WireUse` of a real run shows).
 */

const bytes = (s: string) => Buffer.byteLength(s);

/** Stateless token ids (llama-server /completion with its prefix cache): the whole transcript every time. */
export function statelessIdsProtocol(topK = 10): WireProtocol {
  const ctx = {topK, model: undefined, tokenizer: undefined};
  return {
    name: "stateless-ids",
    requestBytes: (newIds, c) => bytes(LLAMA_COMPLETION.body(c?.transcript ?? newIds, ctx)),
    replyBytes: (p) =>
      bytes(JSON.stringify({completion_probabilities: [{id: p.token, logprob: p.top[0]?.logprob ?? 0, top_logprobs: p.top.map((t) => ({id: t.id, logprob: t.logprob}))}]})),
  };
}

/**
 * The paper's demo: the whole decoded text to an OpenAI-style /v1/completions for every routed
 * token, answered in the legacy shape with token text. Needs the tokenizer in the context.
 */
export function paperTextProtocol(options: {topK?: number; model?: string} = {}): WireProtocol {
  const topK = options.topK ?? 10;
  const need = (c: WireContext | undefined): Tokenizer => {
    if (!c?.tokenizer) throw new Error("the paper-text byte model needs the transcript and the tokenizer");
    return c.tokenizer;
  };
  return {
    name: "paper-text",
    requestBytes: (_newIds, c) => bytes(OPENAI_TEXT.body(c!.transcript, {topK, model: options.model, tokenizer: need(c)})),
    replyBytes: (p: Prediction, c) => {
      const t = need(c);
      const piece = (id: number) => t.detokenize([id], c!.transcript.slice(-8));
      const text = piece(p.token);
      return bytes(
        JSON.stringify({choices: [{text, logprobs: {tokens: [text], token_logprobs: [p.top[0]?.logprob ?? 0], top_logprobs: [Object.fromEntries(p.top.map((x) => [piece(x.id), x.logprob]))]}}]}),
      );
    },
  };
}

/** The three protocols compared in the README's upload accounting. */
export const WIRE_PROTOCOLS: readonly WireProtocol[] = [SESSION_PROTOCOL, statelessIdsProtocol(), paperTextProtocol()];

export interface ProtocolBytes {
  bytesUp: number;
  bytesDown: number;
  /** Requests: one per routed token. */
  calls: number;
}

/**
 * What a finished run's routed tokens would have cost under each protocol (bodies only), from
 * its transcript and records: the same walk `decode()` makes, so `SESSION_PROTOCOL`'s figures
 * equal the run's own `bytesUp` / `bytesDown` when it ran with that protocol.
 */
/** What `bytesByProtocol` reads of a finished run (a `DecodeResult` is one). */
export interface RoutedRun {
  transcript: readonly Token[];
  promptLength: number;
  records: readonly {step: number; source: string; large: Readonly<Prediction> | null}[];
}

export function bytesByProtocol(run: RoutedRun, tokenizer: Tokenizer, protocols: readonly WireProtocol[] = WIRE_PROTOCOLS): Record<string, ProtocolBytes> {
  const out: Record<string, ProtocolBytes> = {};
  for (const p of protocols) {
    const sum = {bytesUp: 0, bytesDown: 0, calls: 0};
    let known = 0;
    for (const r of run.records) {
      if (r.source !== "large" || !r.large) continue;
      const transcript = run.transcript.slice(0, run.promptLength + r.step);
      const c = {transcript, known, tokenizer};
      sum.bytesUp += p.requestBytes(transcript.slice(known), c);
      sum.bytesDown += p.replyBytes(r.large, c);
      sum.calls++;
      known = transcript.length + 1;
    }
    out[p.name] = sum;
  }
  return out;
}
