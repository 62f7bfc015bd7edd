import {TlrError} from "../util/errors.ts";
import {LEARNED_ROUTER_KINDS} from "./learned/routerFile.ts";

/**
 * What a router's runs are, for everything downstream of the decoder (tables, plots, the paper's
 * Table 1, equal-upload comparisons): the small model alone, the large model alone, the oracle
 * reference, or a point on a router's accuracy-vs-upload curve. Results store it (`router_role`),
 * so no reader has to know which kinds are baselines.
 */
export type RouterRole = "baseline-small" | "baseline-large" | "oracle" | "router";
export const ROUTER_ROLES: readonly RouterRole[] = ["baseline-small", "baseline-large", "oracle", "router"];

/** What a router kind means: the one place that says it (configs, `loadRouter`, `routerNeeds`, `tlr generate` and results read it here). */
export interface RouterKindInfo {
  role: RouterRole;
  /** The threshold the kind's meaning fixes (the oracle 0.5, the baselines 0): it needs none from the user, and cannot be calibrated. */
  fixedThreshold?: number;
  /** Takes a seed (the random router). */
  seeded: boolean;
  /** Read from a router file (`tlr router train`); what it needs of the small model comes from the file. */
  learned: boolean;
  /** Reads the small model's distribution beyond its top token and max-probability (top-K, margin, entropy). Learned kinds: see the file. */
  needsDistribution: boolean;
  /** Needs the large model's prediction at every step. */
  peeksLarge: boolean;
  /** Where its scores lie, for kinds a threshold chooses for (see `degenerateThreshold`). */
  scores?: ScoreRange;
}

/**
 * Where a kind's scores lie. A token is routed when score < τ, so a τ at or below the lowest score
 * never routes (the small model alone) and one above the highest always routes (the large model
 * alone): a baseline in disguise, under a router's name.
 */
export interface ScoreRange {
  /** Lowest possible score (none: no bound known without the vocabulary, e.g. minus the entropy). */
  min?: number;
  max: number;
  /** The highest score is never reached (random's u < 1), so τ = max already always routes. */
  maxOpen?: boolean;
  /** The scores, and the thresholds that decide something, as README's Routers table gives them. */
  text: string;
  useful: string;
}

const PROBABILITY: ScoreRange = {min: 0, max: 1, text: "[0, 1]", useful: "(0, 1]"};

const kind = (info: Partial<RouterKindInfo> & Pick<RouterKindInfo, "role">): RouterKindInfo => ({seeded: false, learned: false, needsDistribution: false, peeksLarge: false, ...info});

/** The built-in kinds, in the order help text lists them. */
export const BUILTIN_ROUTER_KINDS = {
  "max-prob": kind({role: "router", scores: PROBABILITY}),
  margin: kind({role: "router", needsDistribution: true, scores: PROBABILITY}),
  "neg-entropy": kind({role: "router", needsDistribution: true, scores: {max: 0, text: "≤ 0", useful: "≤ 0"}}),
  random: kind({role: "router", seeded: true, scores: {min: 0, max: 1, maxOpen: true, text: "[0, 1)", useful: "(0, 1)"}}),
  "always-small": kind({role: "baseline-small", fixedThreshold: 0}),
  "always-large": kind({role: "baseline-large", fixedThreshold: 0}),
  oracle: kind({role: "oracle", fixedThreshold: 0.5, peeksLarge: true}),
} as const satisfies Record<string, RouterKindInfo>;

const REGISTRY: ReadonlyMap<string, RouterKindInfo> = new Map([
  ...Object.entries(BUILTIN_ROUTER_KINDS),
  ...LEARNED_ROUTER_KINDS.map((k) => [k, kind({role: "router", learned: true, scores: PROBABILITY})] as const),
]);

/** Every kind `loadRouter` takes: the built-ins, then the learned ones (which take a file). */
export const ALL_ROUTER_KINDS: readonly string[] = [...REGISTRY.keys()];

export function routerKindInfo(kind: string): RouterKindInfo | undefined {
  return REGISTRY.get(kind);
}

/** A kind's role; a kind outside the registry (a library user's own router) is a router. */
export function roleOfKind(kind: string): RouterRole {
  return REGISTRY.get(kind)?.role ?? "router";
}

export function fixedThreshold(kind: string): number | undefined {
  return REGISTRY.get(kind)?.fixedThreshold;
}

/** A τ that decides nothing for its router kind: which baseline it is in disguise, and what to use instead. */
export interface DegenerateThreshold {
  /** Every token stays small, or every token goes to the large model. */
  always: "small" | "large";
  /** One line: "τ = 2 routes every token for max-prob (its scores lie in [0, 1])". */
  message: string;
  /** The thresholds that decide something, e.g. "(0, 1]". */
  useful: string;
}

/** Whether τ lies outside where router `kind`'s scores decide anything (undefined for kinds without a score range: the oracle, the baselines). */
export function degenerateThreshold(kind: string, tau: number): DegenerateThreshold | undefined {
  const r = REGISTRY.get(kind)?.scores;
  if (!r) return undefined;
  const scores = `its scores lie in ${r.text}`;
  if (r.min !== undefined && tau <= r.min) return {always: "small", message: `τ = ${tau} never routes for ${kind} (${scores})`, useful: r.useful};
  if (r.maxOpen ? tau >= r.max : tau > r.max) return {always: "large", message: `τ = ${tau} routes every token for ${kind} (${scores})`, useful: r.useful};
  return undefined;
}

/** A router as configs and flags name it: its kind plus any arguments (a seed, a router file). */
export interface RouterRef {
  kind: string;
  seed?: number;
  /** A trained router's file (learned kinds). */
  file?: string;
}

/** A router ref with the thresholds its caller chose (a config's `thresholds`/`targets`, the CLI's `--threshold`). */
export interface RouterChoice extends RouterRef {
  thresholds?: readonly number[];
  targets?: readonly number[];
}

export interface ValidateRouterOptions {
  /** Check `thresholds`/`targets` too (configs and `tlr generate`; `loadRouter` builds a router whatever its thresholds). */
  thresholds?: boolean;
  /** How the caller names the router file and the threshold in messages: "--router-file", "--threshold" on the CLI. */
  labels?: {file: string; threshold: string};
  /** Prefix of a message about a field ("kind", "seed", "file", "targets"; "" for the thresholds/targets pair), e.g. "exp.json: routers[1].seed: ". */
  at?: (field: string) => string;
}

/**
 * The rules a router ref must follow, for every caller: a known kind; a seed only for seeded kinds;
 * a router file exactly for learned kinds; and (with `thresholds`) targets never for a kind whose
 * threshold is fixed, and otherwise exactly one of thresholds and targets. The first problem is a
 * TlrError.
 */
export function validateRouterRef(ref: RouterChoice, options: ValidateRouterOptions = {}): RouterKindInfo {
  const labels = options.labels ?? {file: "a router file", threshold: 'exactly one of "thresholds" and "targets"'};
  const fail = (field: string, message: string): never => {
    throw new TlrError(`${options.at?.(field) ?? ""}${message}`);
  };
  const info = REGISTRY.get(ref.kind);
  if (!info) return fail("kind", `unknown router "${ref.kind}": use one of ${ALL_ROUTER_KINDS.join(", ")}`);
  if (ref.seed !== undefined && !info.seeded) fail("seed", `only the ${seededKinds()} router takes a seed`);
  if (info.learned && ref.file === undefined) fail("file", `router ${ref.kind} needs ${labels.file} (tlr router train writes one)`);
  if (!info.learned && ref.file !== undefined) fail("file", `router ${ref.kind} takes no router file (only ${LEARNED_ROUTER_KINDS.join(", ")} do)`);
  if (options.thresholds) {
    if (info.fixedThreshold !== undefined) {
      if (ref.targets) fail("targets", `router ${ref.kind} has no threshold to calibrate; remove "targets"`);
    } else if ((ref.thresholds === undefined) === (ref.targets === undefined)) {
      fail("", `router ${ref.kind} needs ${labels.threshold}`);
    }
  }
  return info;
}

function seededKinds(): string {
  return [...REGISTRY].filter(([, i]) => i.seeded).map(([k]) => k).join(", ");
}
