import {z} from "zod";
import type {Prediction} from "../../core/Prediction.ts";
import {TlrError} from "../../util/errors.ts";

/**
 * Which of the small model's step features a learned router reads, in this order: the hidden
 * state (n_embd floats), the top-K log-probabilities (most likely first), the entropy, the top-1
 * minus top-2 probability margin. The same function builds the vector from a live prediction and
 * from a collected Arrow row, so training and routing can never disagree on the layout.
 */
export const FeatureSpecSchema = z
  .object({
    hidden: z.boolean().describe("the small model's last-layer hidden state"),
    topLogprobs: z.number().int().min(0).max(100).describe("how many top log-probabilities (0: none)"),
    entropy: z.boolean().describe("next-token entropy in nats"),
    margin: z.boolean().describe("top-1 minus top-2 probability"),
  })
  .strict();

export type FeatureSpec = z.output<typeof FeatureSpecSchema>;

/** A log-probability below this is read as this: far-below-top tokens carry no signal, and -Infinity none a network can use. */
export const LOGPROB_FLOOR = -30;

/** The step features a vector is made of (a prediction, or one collected row). */
export interface StepFeatures {
  hidden?: ArrayLike<number> | null;
  topLogprobs: ArrayLike<number>;
  entropy: number;
  margin: number;
}

export function featureDimension(spec: FeatureSpec, hiddenSize: number): number {
  return (spec.hidden ? hiddenSize : 0) + spec.topLogprobs + Number(spec.entropy) + Number(spec.margin);
}

/** Parses "hidden,top10,entropy,margin" (the CLI's --features) into a spec. */
export function parseFeatureSpec(text: string): FeatureSpec {
  const spec: FeatureSpec = {hidden: false, topLogprobs: 0, entropy: false, margin: false};
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const top = /^top(\d+)$/.exec(part);
    if (part === "hidden") spec.hidden = true;
    else if (part === "entropy") spec.entropy = true;
    else if (part === "margin") spec.margin = true;
    else if (top) spec.topLogprobs = Number(top[1]);
    else if (part === "logits") Object.assign(spec, {topLogprobs: 10, entropy: true, margin: true});
    else throw new TlrError(`features: unknown feature "${part}": use hidden, topK (e.g. top10), entropy, margin, or logits (= top10,entropy,margin)`);
  }
  if (featureDimension(spec, 1) === 0) throw new TlrError("features: choose at least one of hidden, topK, entropy, margin");
  return spec;
}

export function describeFeatureSpec(spec: FeatureSpec): string {
  return [spec.hidden && "hidden", spec.topLogprobs > 0 && `top${spec.topLogprobs}`, spec.entropy && "entropy", spec.margin && "margin"].filter(Boolean).join(",");
}

/** Writes the features into `out` (length `featureDimension`) and returns it. */
export function featureVector(spec: FeatureSpec, step: StepFeatures, hiddenSize: number, out = new Float32Array(featureDimension(spec, hiddenSize))): Float32Array {
  let k = 0;
  if (spec.hidden) {
    const h = step.hidden;
    if (!h) throw new TlrError("this router reads the small model's hidden state, but the prediction has none: load the small model with hidden states on (LocalModelOptions.hidden)");
    if (h.length !== hiddenSize) throw new TlrError(`this router reads hidden states of size ${hiddenSize}, but the small model's are ${h.length}: use a router trained for this model`);
    for (let i = 0; i < hiddenSize; i++) out[k++] = h[i]!;
  }
  if (spec.topLogprobs > 0) {
    if (step.topLogprobs.length < spec.topLogprobs) {
      throw new TlrError(`this router reads the top ${spec.topLogprobs} log-probabilities, but predictions carry ${step.topLogprobs.length}: raise the top-K setting (--top-k, config topK) to at least ${spec.topLogprobs}`);
    }
    for (let i = 0; i < spec.topLogprobs; i++) out[k++] = Math.max(LOGPROB_FLOOR, step.topLogprobs[i]!);
  }
  if (spec.entropy) out[k++] = step.entropy;
  if (spec.margin) out[k++] = step.margin;
  return out;
}

/** What a router reading these features needs of the small model's predictions. */
export function featureNeeds(spec: FeatureSpec): {hidden: boolean; topK: number; distribution: boolean} {
  return {hidden: spec.hidden, topK: spec.topLogprobs, distribution: spec.topLogprobs > 0 || spec.entropy || spec.margin};
}

/** A prediction's step features. */
export function predictionFeatures(p: Prediction): StepFeatures {
  return {hidden: p.hidden, topLogprobs: p.top.map((t) => t.logprob), entropy: p.entropy, margin: p.margin};
}
