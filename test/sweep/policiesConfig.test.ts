import {describe, expect, it} from "vitest";
import {PAPER_PROFILE, parseExperiment, planSweep} from "../../src/index.ts";

const base = {
  name: "p",
  datasets: [{name: "toy_arith", split: "eval", limit: 2}],
  pairs: [{preset: "toy-arith"}],
  routers: [{kind: "max-prob", thresholds: [0.9]}],
};
const parse = (extra: object) => parseExperiment(JSON.stringify({...base, ...extra}), "experiments/x.json");

describe("policies in sweep configs", () => {
  it("defaults to the token policy, fails nothing and names no profile", async () => {
    const config = parse({});
    expect(config.policies).toEqual(["token"]);
    expect(config.onLargeError).toBe("fail");
    const plan = await planSweep(config, "experiments/x.json");
    expect(plan.routers[0]!.policies).toEqual([{kind: "token"}]);
    expect(plan.baselinePolicies).toEqual([{kind: "token"}]);
    expect(plan.profile).toBeUndefined();
  });

  it("runs every router under the sweep's policies, speculative ones as the large-only baseline's, a router's own list first", async () => {
    const config = parse({
      policies: ["token", "span:4+optimistic", "speculative:2"],
      routers: [{kind: "max-prob", thresholds: [0.9]}, {kind: "oracle", policies: ["stitch:0.9:8"]}],
      profile: "paper",
      onLargeError: "small",
    });
    const plan = await planSweep(config, "experiments/x.json");
    expect(plan.routers[0]!.policies).toEqual([{kind: "token"}, {kind: "span", k: 4, optimistic: true}]);
    expect(plan.routers[1]!.policies).toEqual([{kind: "stitch", sigma: 0.9, cap: 8}]);
    expect(plan.baselinePolicies).toEqual([{kind: "token"}, {kind: "speculative", gamma: 2}]);
    expect(plan.profile).toEqual(PAPER_PROFILE);
    const custom = await planSweep(parse({profile: {name: "laptop", smallStepMs: 20, smallTokenMs: 0.5, largeRequestMs: 80, largeTokenMs: 10}}), "experiments/x.json");
    expect(custom.profile!.name).toBe("laptop");
  });

  it("refuses bad policies in one line naming the field", async () => {
    expect(() => parse({policies: ["token", "span:0"]})).toThrow(/^experiments\/x\.json: policies\[1\]: policy "span:0": k must be a positive integer/);
    expect(() => parse({routers: [{kind: "max-prob", thresholds: [0.9], policies: ["speculative:4"]}]})).toThrow(
      /^experiments\/x\.json: routers\[0\]\.policies\[0\]: speculative:4 needs no router: list it in the sweep's "policies"/,
    );
    expect(() => parse({onLargeError: "retry"})).toThrow(/^experiments\/x\.json: onLargeError: /);
    expect(() => parse({profile: "m1"})).toThrow(/^experiments\/x\.json: profile: /);
    await expect(planSweep(parse({policies: ["speculative:2"]}), "experiments/x.json")).rejects.toThrow(/^experiments\/x\.json: routers\[0\]: the sweep's policies are all speculative/);
  });
});
