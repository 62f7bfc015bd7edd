import type {Prediction} from "../core/Prediction.ts";

/** What a router sees before the token at `step` is produced. */
export interface RouterInput {
  /** 0-based index of the token being generated. */
  step: number;
  /** Names the generation stream (a question id); seeded routers draw from (seed, key, step). */
  key: string;
  /** The small model's prediction after the transcript so far. */
  small: Prediction;
  /** The large model's prediction at the same point: present only for routers that `peeksLarge`. */
  large?: Prediction;
}

/**
 * A router is a score plus a threshold: the token goes to the large model when `score < τ`.
 * Scores depend only on the step's inputs, never on τ, so one score serves every threshold of a
 * sweep.
 */
export interface Router {
  /** Registered kind, e.g. "max-prob". */
  readonly kind: string;
  /** Kind plus the arguments that change its scores, e.g. "random(seed=7)": what results record. */
  readonly name: string;
  /** What the score means, for help text and README. */
  readonly description: string;
  /** True when the score needs the large model's prediction at every step (the oracle). */
  readonly peeksLarge: boolean;
  /** True when the score reads the small model's hidden state (`Prediction.hidden`): load it with `hidden: true`. */
  readonly needsHidden?: boolean;
  /** The fewest top log-probabilities per prediction the score reads (learned routers). */
  readonly needsTopK?: number;
  /**
   * True when the score reads the small model's distribution beyond its top token and
   * max-probability (top-K, margin, entropy), which the lean feature mode does not compute.
   */
  readonly needsDistribution?: boolean;
  /** A number, or a promise of one for routers that run outside JavaScript (ONNX). */
  score(input: RouterInput): number | Promise<number>;
}

/** Route the token to the large model? */
export function routes(score: number, threshold: number): boolean {
  return score < threshold;
}
