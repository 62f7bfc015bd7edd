/**
 * A decoding policy decides who writes the next tokens and how the wait for the large model is
 * spent (DESIGN.md, "Core ideas"); a router only scores a step. Pages and commands offer the
 * policies listed here, so a policy added to this list appears in `tlr demo`'s controls without
 * changing the page.
 */
export interface PolicyInfo {
  name: string;
  description: string;
}

/** The policies `decode` runs. "token" is the paper's: one large-model token per routed step. */
export const POLICIES: readonly PolicyInfo[] = [
  {name: "token", description: "a routed step asks the large model for one token (the paper's policy)"},
];

export const DEFAULT_POLICY = "token";
