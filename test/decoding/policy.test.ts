import {describe, expect, it} from "vitest";
import {parsePolicy, POLICY_KINDS, policyName, withoutOptimism, type PolicySpec} from "../../src/index.ts";

describe("policy names", () => {
  const cases: [string, PolicySpec, string][] = [
    ["token", {kind: "token"}, "token"],
    ["span:4", {kind: "span", k: 4}, "span:4"],
    ["stitch", {kind: "stitch", sigma: 0.8, cap: 32}, "stitch(σ=0.8,cap=32)"],
    ["stitch:0.9", {kind: "stitch", sigma: 0.9, cap: 32}, "stitch(σ=0.9,cap=32)"],
    ["stitch:0.95:8", {kind: "stitch", sigma: 0.95, cap: 8}, "stitch(σ=0.95,cap=8)"],
    ["stitch(sigma=0.7, cap=16)", {kind: "stitch", sigma: 0.7, cap: 16}, "stitch(σ=0.7,cap=16)"],
    ["speculative:2", {kind: "speculative", gamma: 2}, "speculative:2"],
    ["token+optimistic", {kind: "token", optimistic: true}, "token+optimistic"],
    ["optimistic", {kind: "token", optimistic: true}, "token+optimistic"],
    ["span:8+optimistic", {kind: "span", k: 8, optimistic: true}, "span:8+optimistic"],
    ["stitch:0.9:4+optimistic", {kind: "stitch", sigma: 0.9, cap: 4, optimistic: true}, "stitch(σ=0.9,cap=4)+optimistic"],
  ];
  for (const [text, spec, name] of cases) {
    it(`${text} → ${name}, and the name parses back`, () => {
      expect(parsePolicy(text)).toEqual(spec);
      expect(policyName(spec)).toBe(name);
      expect(parsePolicy(name)).toEqual(spec);
    });
  }

  it("refuses malformed policies with one line naming what is wrong", () => {
    for (const [text, why] of [
      ["span", "unknown policy"],
      ["span:0", "k must be a positive integer"],
      ["span:2.5", "k must be a positive integer"],
      ["stitch:1.5", "σ must be a number in [0, 1]"],
      ["stitch(tau=0.5)", "stitch takes σ and cap"],
      ["speculative:4+optimistic", "already speculative"],
      ["token+fast", 'unknown modifier "fast"'],
      ["beam:4", "unknown policy"],
    ] as const) {
      expect(() => parsePolicy(text), text).toThrow(why);
      expect(() => parsePolicy(text)).toThrow(/^policy ".*": .* \(use token, span:K/);
    }
  });

  it("optimistic continuation drops back to its base policy", () => {
    expect(withoutOptimism(parsePolicy("span:4+optimistic"))).toEqual({kind: "span", k: 4});
    expect(withoutOptimism(parsePolicy("speculative:2"))).toEqual({kind: "speculative", gamma: 2});
  });

  it("lists every kind with its parameters and defaults (what a UI offers)", () => {
    expect(POLICY_KINDS.map((k) => k.kind)).toEqual(["token", "span", "stitch", "speculative"]);
    for (const k of POLICY_KINDS) {
      const text = k.parameters.length === 0 ? k.kind : `${k.kind}:${k.parameters.map((p) => p.default).join(":")}`;
      expect(parsePolicy(text).kind).toBe(k.kind);
    }
    expect(POLICY_KINDS.find((k) => k.kind === "speculative")!.router).toBe(false);
  });
});
