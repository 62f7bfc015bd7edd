import {TlrError} from "../util/errors.ts";

/*
 * A policy decides who writes the next tokens and how the wait for the large model is spent
 * (DESIGN.md, "Core ideas"); a router only scores a step. `decode` runs one policy today:
 *
 *   token   a routed step makes the large model write one token (the paper's scheme)
 *
 * Pages and commands offer what `POLICY_KINDS` lists and read a policy by its name
 * (`parsePolicy`), so a policy added here (span, stitch, speculative, optimistic continuation:
 * the policies work) appears in `tlr demo`'s controls without a change to the page.
 */
export type PolicySpec = {kind: "token"};

export type PolicyKind = PolicySpec["kind"];

export const DEFAULT_POLICY: PolicySpec = {kind: "token"};

/** One numeric parameter of a policy kind, for help text and the demo's controls. */
export interface PolicyParameter {
  name: string;
  description: string;
  default: number;
  min: number;
  max?: number;
  integer: boolean;
}

/**
 * The registered policy kinds with their parameters: what a UI offers. `router`: the kind uses a
 * router (and τ); `optimistic`: it takes `+optimistic`. A policy's name is its kind, then its
 * parameters' values after colons, then `+optimistic` where chosen (`span:4+optimistic`).
 */
export const POLICY_KINDS: readonly {kind: PolicyKind; description: string; parameters: PolicyParameter[]; router: boolean; optimistic: boolean}[] = [
  {kind: "token", description: "a routed step makes the large model write one token (the paper's scheme)", parameters: [], router: true, optimistic: false},
];

/** The policy's name as results and pages show it. */
export function policyName(p: PolicySpec): string {
  return p.kind;
}

/** Whether the policy uses a router. */
export function usesRouter(_p: PolicySpec): boolean {
  return true;
}

/** Parses a policy name (`policyName`'s output parses back to the same spec). */
export function parsePolicy(text: string): PolicySpec {
  if (text.trim() === "token") return {kind: "token"};
  throw new TlrError(`policy "${text}": unknown policy (use ${POLICY_KINDS.map((k) => k.kind).join(", ")})`);
}
