import {TlrError} from "../util/errors.ts";
import {uniformFromKey} from "./random.ts";
import type {Router, RouterInput} from "./Router.ts";
import {BUILTIN_ROUTER_KINDS} from "./routerKinds.ts";

/** Everything that picks a router: its kind and the arguments of that kind. */
export type RouterSpec =
  | {kind: "max-prob"}
  | {kind: "margin"}
  | {kind: "neg-entropy"}
  | {kind: "random"; seed?: number}
  | {kind: "always-small"}
  | {kind: "always-large"}
  | {kind: "oracle"};

export type RouterKind = RouterSpec["kind"];

/** A built-in router: its score is computed synchronously from the step's inputs. */
export interface BuiltinRouter extends Router {
  score(input: RouterInput): number;
}

type Factory = (spec: RouterSpec) => BuiltinRouter;

/** What the registry says a kind needs, as the router carries it. */
const needs = (kind: RouterKind) => ({peeksLarge: BUILTIN_ROUTER_KINDS[kind].peeksLarge, needsDistribution: BUILTIN_ROUTER_KINDS[kind].needsDistribution});

const simple = (kind: RouterKind, description: string, score: (input: RouterInput) => number): Factory => () => ({
  kind,
  name: kind,
  description,
  ...needs(kind),
  score,
});

const FACTORIES: Record<RouterKind, Factory> = {
  "max-prob": simple("max-prob", "the small model's top-1 probability; routes when below τ (τ in [0, 1])", (i) => i.small.maxProb),
  margin: simple("margin", "top-1 minus top-2 probability of the small model; routes when below τ (τ in [0, 1])", (i) => i.small.margin),
  "neg-entropy": simple("neg-entropy", "minus the small model's next-token entropy in nats; routes when below τ (τ ≤ 0)", (i) => -i.small.entropy),
  random: (spec) => {
    const seed = spec.kind === "random" ? (spec.seed ?? 0) : 0;
    if (!Number.isInteger(seed)) throw new TlrError(`router random: seed must be an integer, got ${seed}`);
    return {
      kind: "random",
      name: `random(seed=${seed})`,
      description: "a uniform draw u from (seed, question, step); routes when u < p, so τ = p is the expected upload fraction",
      ...needs("random"),
      score: (i) => uniformFromKey(seed, i.key, i.step),
    };
  },
  "always-small": simple("always-small", "never routes (the small model alone)", () => Number.POSITIVE_INFINITY),
  "always-large": simple("always-large", "always routes (the large model alone)", () => Number.NEGATIVE_INFINITY),
  oracle: () => ({
    kind: "oracle",
    name: "oracle",
    description: "1 where the large model's greedy token equals the small one's, else 0; with τ in (0, 1] it routes exactly where they differ (the ceiling at that upload fraction)",
    ...needs("oracle"),
    score: (i) => {
      if (!i.large) throw new Error("oracle router needs the large model's prediction");
      return i.large.token === i.small.token ? 1 : 0;
    },
  }),
};

export const ROUTER_KINDS = Object.keys(FACTORIES) as RouterKind[];

export function isRouterKind(kind: string): kind is RouterKind {
  return Object.hasOwn(FACTORIES, kind);
}

/** Builds a registered router; an unknown kind is a TlrError listing the known ones. */
export function createRouter(spec: RouterSpec | RouterKind): BuiltinRouter {
  const s: RouterSpec = typeof spec === "string" ? ({kind: spec} as RouterSpec) : spec;
  if (!isRouterKind(s.kind)) throw new TlrError(`unknown router "${String(s.kind)}": use one of ${ROUTER_KINDS.join(", ")}`);
  return FACTORIES[s.kind](s);
}
