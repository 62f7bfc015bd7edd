/**
 * Where each router kind's scores lie. A token is routed when score < τ, so a τ at or below the
 * lowest score never routes (the small model alone) and a τ above the highest always routes (the
 * large model alone): a baseline in disguise, under a router's name.
 */
interface ScoreRange {
  /** Lowest possible score (undefined: no bound known without the vocabulary). */
  min?: number;
  max: number;
  /** The highest score is never reached (random's u < 1), so τ = max already always routes. */
  maxOpen?: boolean;
  /** The scores, and the thresholds that decide something, as README's Routers table gives them. */
  scores: string;
  useful: string;
}

const PROBABILITY: ScoreRange = {min: 0, max: 1, scores: "[0, 1]", useful: "(0, 1]"};

const RANGES: Record<string, ScoreRange> = {
  "max-prob": PROBABILITY,
  margin: PROBABILITY,
  mlp: PROBABILITY,
  logreg: PROBABILITY,
  onnx: PROBABILITY,
  random: {min: 0, max: 1, maxOpen: true, scores: "[0, 1)", useful: "(0, 1)"},
  "neg-entropy": {max: 0, scores: "≤ 0", useful: "≤ 0"},
};

/** A τ that decides nothing for this router kind: which baseline it is in disguise, and what to use instead. */
export interface DegenerateThreshold {
  /** Every token stays small, or every token goes to the large model. */
  always: "small" | "large";
  /** One line: "τ = 2 routes every token for max-prob (its scores lie in [0, 1])". */
  message: string;
  /** The thresholds that decide something, e.g. "(0, 1]". */
  useful: string;
}

/** Whether τ is outside the range where router `kind` decides anything (undefined for kinds without a threshold: oracle, always-*). */
export function degenerateThreshold(kind: string, tau: number): DegenerateThreshold | undefined {
  const r = RANGES[kind];
  if (!r) return undefined;
  const scores = `its scores lie in ${r.scores}`;
  if (r.min !== undefined && tau <= r.min) return {always: "small", message: `τ = ${tau} never routes for ${kind} (${scores})`, useful: r.useful};
  if (r.maxOpen ? tau >= r.max : tau > r.max) return {always: "large", message: `τ = ${tau} routes every token for ${kind} (${scores})`, useful: r.useful};
  return undefined;
}
