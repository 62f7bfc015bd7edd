import type {Prediction, Token, TopLogprob} from "./Prediction.ts";

/**
 * Router features from raw logits sorted high to low (node-llama-cpp's order) and the native
 * `totalLogitWeight` Z = Σ exp(l − l_max) over the whole vocabulary, so max-probability, margin
 * and top-K log-probabilities are exact even when `logits` holds only the top K.
 * `exact` says `logits` covers the whole vocabulary, which makes the entropy exact too.
 */
export function featuresFromLogits(
  token: Token,
  logits: ReadonlyMap<Token, number>,
  totalLogitWeight: number,
  topK: number,
  exact: boolean,
): Prediction {
  const lnZ = Math.log(totalLogitWeight);
  const top: TopLogprob[] = [];
  let maxLogit = Number.NaN;
  let secondProb = 0;
  let keptMass = 0;
  let keptEntropy = 0; // −Σ p ln p over the tokens seen
  let lastProb = 0;
  for (const [id, logit] of logits) {
    if (Number.isNaN(maxLogit)) maxLogit = logit;
    const logprob = logit - maxLogit - lnZ;
    const p = Math.exp(logprob);
    if (top.length === 1) secondProb = p;
    if (top.length < topK) top.push({id, logprob});
    if (p > 0) keptEntropy -= p * logprob;
    keptMass += p;
    lastProb = p;
    if (!exact && top.length >= topK) break;
  }
  const maxProb = 1 / totalLogitWeight;
  let entropy = keptEntropy;
  if (!exact) {
    const rest = Math.max(0, 1 - keptMass);
    if (rest > 0 && lastProb > 0) entropy += -rest * Math.log(lastProb);
  }
  return {token, top, maxProb, margin: maxProb - secondProb, entropy: Math.max(0, entropy), entropyExact: exact};
}
