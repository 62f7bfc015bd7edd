/** A token id in the pair's shared vocabulary. Models exchange ids, never text. */
export type Token = number;

export interface TopLogprob {
  id: Token;
  /** Natural-log probability under the model's raw (temperature 1, unfiltered) softmax. */
  logprob: number;
}

/** What a model says about the next token after a transcript (greedy decoding). */
export interface Prediction {
  /** The greedy (argmax) next token. */
  token: Token;
  /** The K most likely tokens, most likely first. */
  top: TopLogprob[];
  /** Probability of the most likely token. */
  maxProb: number;
  /** Top-1 minus top-2 probability. */
  margin: number;
  /** Entropy of the next-token distribution in nats; see `entropyExact`. */
  entropy: number;
  /**
   * True when `entropy` was summed over the whole vocabulary. Otherwise it is the top-K
   * estimate: the K kept tokens exactly, and the remaining mass R counted as if spread over
   * tokens each as likely as the K-th (−R·ln p_K), which is a lower bound of the exact value.
   */
  entropyExact: boolean;
  /**
   * True when the model's own argmax was a padding row: an id at or above the pair's shared
   * vocabulary, which the other model lacks (Qwen2.5-32B has 152,064 output rows, 0.5B 151,936).
   * `token` is then the best shared id, and `top`, `maxProb`, `margin` and `entropy` still describe
   * the model's whole distribution. Absent (false) otherwise.
   */
  padded?: boolean;
  /**
   * The model's last-layer hidden state after the transcript (post-final-norm: the lm_head's
   * input), present only when the model was loaded with `hidden: true` (see models/hiddenState.ts).
   * Like the logits, it depends on how the transcript was batched, so it travels with the prediction.
   */
  hidden?: Float32Array;
}
