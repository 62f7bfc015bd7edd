import {TlrError} from "../util/errors.ts";

/*
 * A policy decides who writes the next tokens and how the wait is spent; a router only scores a
 * step. Every policy produces a transcript of ids plus an event log (events.ts); latency comes
 * from replaying that log on one timeline (timeline.ts).
 *
 *   token            a routed step makes the large model write one token (the paper's scheme)
 *   span:k           a routed step makes it write up to k tokens in one request
 *   stitch(σ,cap)    a routed step hands it the turn: it writes until it is confident (max-prob ≥ σ,
 *                    that token kept) or has written `cap` tokens
 *   speculative:γ    no router: the small model drafts γ tokens, the large verifies them in one
 *                    request; the output is the large model's own (lossless)
 *   +optimistic      (with token, span, stitch) the device keeps decoding its own guess while a
 *                    request is in flight; tokens, accuracy and upload are those of the policy
 *                    without it, only latency changes
 */
export type PolicySpec =
  | {kind: "token"; optimistic?: boolean}
  | {kind: "span"; k: number; optimistic?: boolean}
  | {kind: "stitch"; sigma: number; cap: number; optimistic?: boolean}
  | {kind: "speculative"; gamma: number};

export type PolicyKind = PolicySpec["kind"];

export const DEFAULT_POLICY: PolicySpec = {kind: "token"};
export const STITCH_DEFAULTS = {sigma: 0.8, cap: 32} as const;

/** One parameter of a policy kind, for help text and the demo's controls. */
export interface PolicyParameter {
  name: string;
  description: string;
  default: number;
  min: number;
  max?: number;
  integer: boolean;
}

/** The registered policy kinds with their parameters: what a UI offers. */
export const POLICY_KINDS: readonly {kind: PolicyKind; description: string; parameters: PolicyParameter[]; router: boolean; optimistic: boolean}[] = [
  {kind: "token", description: "a routed step makes the large model write one token (the paper's scheme)", parameters: [], router: true, optimistic: true},
  {
    kind: "span",
    description: "a routed step makes the large model write up to k tokens in one request; the small model catches up on them in one batch",
    parameters: [{name: "k", description: "most tokens per request", default: 4, min: 1, integer: true}],
    router: true,
    optimistic: true,
  },
  {
    kind: "stitch",
    description: "a routed step hands the large model the turn: it writes until its own max-probability reaches σ (that token kept) or it has written cap tokens (R-Stitch's hand-back)",
    parameters: [
      {name: "sigma", description: "the large model hands back after a token whose max-probability is ≥ σ", default: STITCH_DEFAULTS.sigma, min: 0, max: 1, integer: false},
      {name: "cap", description: "most tokens per turn", default: STITCH_DEFAULTS.cap, min: 1, integer: true},
    ],
    router: true,
    optimistic: true,
  },
  {
    kind: "speculative",
    description: "speculative decoding (lossless, no router): the small model drafts γ tokens, the large model verifies them in one request and adds its own next token",
    parameters: [{name: "gamma", description: "draft tokens per request", default: 4, min: 1, integer: true}],
    router: false,
    optimistic: false,
  },
];

/** The policy's name as results record it: "token", "span:4", "stitch(σ=0.8,cap=32)", "speculative:4", "span:4+optimistic". */
export function policyName(p: PolicySpec): string {
  const base = p.kind === "token" ? "token" : p.kind === "span" ? `span:${p.k}` : p.kind === "stitch" ? `stitch(σ=${p.sigma},cap=${p.cap})` : `speculative:${p.gamma}`;
  return p.kind !== "speculative" && p.optimistic ? `${base}+optimistic` : base;
}

/** The same policy without optimistic continuation: what its tokens are those of. */
export function withoutOptimism(p: PolicySpec): PolicySpec {
  if (p.kind === "speculative" || !p.optimistic) return p;
  const {optimistic: _drop, ...rest} = p;
  return rest as PolicySpec;
}

export function isOptimistic(p: PolicySpec): boolean {
  return p.kind !== "speculative" && p.optimistic === true;
}

/** Whether the policy uses a router (speculative decoding does not). */
export function usesRouter(p: PolicySpec): boolean {
  return p.kind !== "speculative";
}

/**
 * Parses a policy name: `token`, `span:K`, `stitch`, `stitch:σ`, `stitch:σ:cap`, `stitch(σ=0.8,cap=32)`
 * (also `sigma=`), `speculative:γ`, each but speculative optionally followed by `+optimistic`
 * (or `optimistic` alone for `token+optimistic`). `policyName` output parses back to the same spec.
 */
export function parsePolicy(text: string): PolicySpec {
  const raw = text.trim();
  const fail = (why: string): never => {
    throw new TlrError(`policy "${text}": ${why} (use token, span:K, stitch, stitch:σ:cap, speculative:γ, optionally with +optimistic)`);
  };
  let body = raw;
  let optimistic = false;
  if (body === "optimistic") body = "token+optimistic";
  const plus = body.indexOf("+");
  if (plus >= 0) {
    if (body.slice(plus + 1) !== "optimistic") fail(`unknown modifier "${body.slice(plus + 1)}"`);
    optimistic = true;
    body = body.slice(0, plus);
  }
  const positiveInt = (s: string | undefined, what: string): number => {
    const n = Number(s);
    if (s === undefined || s === "" || !Number.isInteger(n) || n < 1) fail(`${what} must be a positive integer, got "${s ?? ""}"`);
    return n;
  };
  const probability = (s: string | undefined): number => {
    const n = Number(s);
    if (s === undefined || s === "" || !Number.isFinite(n) || n < 0 || n > 1) fail(`σ must be a number in [0, 1], got "${s ?? ""}"`);
    return n;
  };
  let spec: PolicySpec;
  const [kind, ...args] = body.split(":");
  if (kind === "token" && args.length === 0) spec = {kind: "token"};
  else if (kind === "span" && args.length === 1) spec = {kind: "span", k: positiveInt(args[0], "k")};
  else if (kind === "speculative" && args.length === 1) {
    if (optimistic) fail("speculative decoding is already speculative: it takes no +optimistic");
    spec = {kind: "speculative", gamma: positiveInt(args[0], "γ")};
  } else if (kind === "stitch" && args.length <= 2) {
    spec = {kind: "stitch", sigma: args[0] === undefined ? STITCH_DEFAULTS.sigma : probability(args[0]), cap: args[1] === undefined ? STITCH_DEFAULTS.cap : positiveInt(args[1], "cap")};
  } else {
    const m = /^stitch\((.*)\)$/.exec(body);
    if (!m) return fail("unknown policy");
    let sigma: number = STITCH_DEFAULTS.sigma;
    let cap: number = STITCH_DEFAULTS.cap;
    for (const part of m[1]!.split(",").map((s) => s.trim()).filter(Boolean)) {
      const [name, value] = part.split("=").map((s) => s.trim());
      if (name === "σ" || name === "sigma") sigma = probability(value);
      else if (name === "cap") cap = positiveInt(value, "cap");
      else fail(`stitch takes σ and cap, not "${name}"`);
    }
    spec = {kind: "stitch", sigma, cap};
  }
  return optimistic ? ({...spec, optimistic: true} as PolicySpec) : spec;
}
