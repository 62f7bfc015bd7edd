import type {Llama, LlamaContext, LlamaModel} from "node-llama-cpp";
import {TlrError} from "../util/errors.ts";
import type {Token} from "../core/Prediction.ts";
import {unpooledSamplerClass} from "./samplerPool.ts";

/**
 * Top-K logits and exact entropy without node-llama-cpp sorting the vocabulary into a Map: the
 * only place in this project that reaches into node-llama-cpp's native sampling (pinned to
 * 3.22.1 in package.json), so an upgrade breaks here and in test/models/topLogits.test.ts.
 *
 * Why: node-llama-cpp 3.22.1's addon has no raw-logits accessor (AddonContext's methods are
 * decode, sampleToken, getEmbedding, state and KV calls), and its sampleToken sorts the whole
 * vocabulary (std::sort over n_vocab, AddonContext.cpp) whenever a request asks for top logits,
 * probabilities, confidence or all logits; only "max logit + total logit weight" skips the sort.
 * At Qwen's 152k ids the sort is most of the cost of `features: "full"`.
 *
 * How: a context's native `sampleToken` is shadowed by a function that recognises our request
 * by its filter array (`TOP_LOGITS_MARKER`) and then samples the same output row twice: once
 * with the caller's greedy sampler for the token, the max logit and the total logit weight over
 * the whole vocabulary (no sort), and once with a sampler whose chain is llama.cpp's top-k (a
 * partial sort: std::partial_sort for k ≤ 128) for the top K logits, already in order. The reply
 * is the one controlledEvaluate expects, with the top K as its logits, so node-llama-cpp builds
 * a Map of K entries instead of sorting 152k. Every other request passes through untouched.
 * The same logits, so the same top-K ids and logits as the sorting request; the total weight is
 * the native float32 sum in token order rather than in sorted order (they differ by ≤ 1e-3
 * relative at 152k ids, tested).
 *
 * With `exactEntropy`, the marked request instead asks for all logits (the native side then
 * sorts them: no way around it) and this module sums Z and the entropy over them in float64 in
 * one pass, handing back only the top K: the Map of 152k entries node-llama-cpp would build is
 * never made, and Z is then the exact float64 sum.
 */

/**
 * Below this many vocabulary entries node-llama-cpp's sort is cheaper than the second native
 * call: on the toy model (354 ids) the two-call path cost +0.13 ms of CPU a step (0.59 vs 0.46
 * ms), while the sort costs ~66 ns per id (~10 ms at 152k; bench/features.ts). LocalModel takes
 * the partial path from here up.
 */
export const TOP_LOGITS_MIN_VOCABULARY = 8192;

/** The filter-token array that marks a request as ours (compared by identity). */
export const TOP_LOGITS_MARKER: readonly Token[] = Object.freeze([]) as readonly Token[];

/** The `generateNext` request whose reply carries the top K logits (see installTopLogits). */
export const TOP_LOGITS_REQUEST = {token: true, totalLogitWeight: true, logits: {filter: {tokens: TOP_LOGITS_MARKER as Token[], includeMax: true}}} as const;

type SampleReply = [token: number, probabilities: unknown, confidence: unknown, logits: number[] | undefined, totalLogitWeight: number | undefined];
type SampleToken = (batchLogitIndex: number, sampler: unknown, ...rest: unknown[]) => Promise<SampleReply | number>;
interface NativeSampler {
  applyConfig(config: object): void;
  dispose(): void;
}

/** What the last marked request computed beyond the reply (read right after the evaluation). */
export interface TopLogitsSide {
  /** The exact entropy (nats) when `exactEntropy`, else NaN. */
  entropy: number;
}

export interface TopLogitsHandle {
  readonly last: TopLogitsSide;
  /** Removes the shadowing and frees the top-k sampler. */
  dispose(): void;
}

/** Installs the top-K path on `context` (one per context; `dispose()` before installing another). */
export function installTopLogits(llama: Llama, model: LlamaModel, context: LlamaContext, k: number, exactEntropy: boolean, role = "model"): TopLogitsHandle {
  const native = (context as unknown as {_ctx?: {sampleToken?: SampleToken}})._ctx;
  // Its samplers keep their own chain (top-k at temperature 1): never node-llama-cpp's pooled ones (samplerPool.ts).
  const AddonSampler = unpooledSamplerClass(llama) as (new (model: unknown) => NativeSampler) | undefined;
  const nativeModel = (model as unknown as {_model?: unknown})._model;
  if (typeof native?.sampleToken !== "function" || typeof AddonSampler !== "function" || nativeModel === undefined) {
    throw new TlrError(`${role}: this node-llama-cpp lacks the internal sampling calls the project relies on (it pins 3.22.1); reinstall with npm ci`);
  }
  if (Object.hasOwn(native, "sampleToken")) throw new Error("installTopLogits: this context already has a top-logits path");
  const original = native.sampleToken.bind(native) as SampleToken;
  // temperature 1 keeps llama.cpp's non-greedy chain (top-k → temp → dist): top-k is applied; a
  // temperature of 1 leaves the logits as they are; the token dist picks is ignored.
  // One sampler per evaluation in flight: the lanes of one context (LocalWeights.createLanes) sample
  // their rows concurrently, and a native sampler carries state (its chain's RNG).
  const samplers: NativeSampler[] = [];
  const idle: NativeSampler[] = [];
  const takeSampler = (): NativeSampler => {
    const free = idle.pop();
    if (free) return free;
    const sampler = new AddonSampler(nativeModel);
    sampler.applyConfig({temperature: 1, topK: k, seed: 0});
    samplers.push(sampler);
    return sampler;
  };
  idle.push(takeSampler());
  const last: TopLogitsSide = {entropy: Number.NaN};

  const sampleToken: SampleToken = async (index, sampler, ...rest) => {
    const filter = rest[2];
    if (!Array.isArray(filter) || filter[0] !== TOP_LOGITS_MARKER) return original(index, sampler, ...rest);
    if (exactEntropy) {
      const reply = (await original(index, sampler, false, false, true, false)) as SampleReply;
      const all = reply[3];
      if (!all) throw new Error("node-llama-cpp returned no logits");
      // [id, logit, id, logit, …] sorted high to low: the top K are the first; one float64 pass for Z and H.
      const max = all[1]!;
      let z = 0;
      let weighted = 0; // Σ e^(l−max) · (l − max)
      for (let i = 1; i < all.length; i += 2) {
        const d = all[i]! - max;
        const e = Math.exp(d);
        z += e;
        weighted += e * d;
      }
      last.entropy = Math.log(z) - weighted / z;
      reply[3] = all.slice(0, 2 * k);
      reply[4] = z;
      return reply;
    }
    const reply = (await original(index, sampler, ...rest)) as SampleReply;
    const topK = takeSampler();
    let top: SampleReply;
    try {
      top = (await original(index, topK, false, false, [[], false, false, false, k], false)) as SampleReply;
    } finally {
      idle.push(topK);
    }
    reply[3] = top[3];
    return reply;
  };
  Object.defineProperty(native, "sampleToken", {value: sampleToken, configurable: true, writable: true});
  return {
    last,
    dispose() {
      delete (native as {sampleToken?: unknown}).sampleToken;
      for (const sampler of samplers) sampler.dispose();
    },
  };
}
