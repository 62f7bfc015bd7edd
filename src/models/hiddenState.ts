import type {LlamaContext} from "node-llama-cpp";
import {TlrError} from "../util/errors.ts";

/**
 * The small model's last-layer hidden state, read through node-llama-cpp's **internal**
 * embeddings path: the only place in this project that touches it, so a node-llama-cpp upgrade
 * (pinned to 3.22.1 in package.json) breaks here and in test/models/hiddenState.test.ts, nowhere
 * else.
 *
 * There is no public per-token hidden-state API. A context created with the undocumented option
 * `_embeddings: true` makes llama.cpp keep, after each evaluation, the post-final-norm hidden
 * state of the evaluated positions (the lm_head's input: hidden · Wᵀ gives the logits), and
 * `context._ctx.getEmbedding(1)` returns the last position's (it asks llama.cpp for the last
 * output row when the model has no pooling, as causal LMs do). Rules: one sequence per such
 * context, and read right after each evaluation, before anything else decodes on it.
 * Costs: llama.cpp then outputs every position of a batch, so a prefill computes the lm_head for
 * all prompt positions (~1.5× slower for a 0.5B model) and its logits can differ from a context
 * without the path in the last float bits (≈2e-6 on the toy model; single-token steps are
 * identical). Enable it only where a router reads hidden states.
 */

/** Extra `createContext` options that turn the path on. */
export const HIDDEN_STATE_CONTEXT_OPTIONS = {_embeddings: true} as const;

interface NativeContext {
  getEmbedding(inputTokensLength: number, maxVectorSize?: number): Float64Array;
}

/** The hidden state of the last position the context evaluated, as float32 (the model's own precision). */
export function readHiddenState(context: LlamaContext, role = "model"): Float32Array {
  const native = (context as unknown as {_ctx?: NativeContext})._ctx;
  if (typeof native?.getEmbedding !== "function") {
    throw new TlrError(`${role}: this node-llama-cpp has no internal getEmbedding (the project pins 3.22.1); reinstall with npm ci`);
  }
  return Float32Array.from(native.getEmbedding(1));
}
