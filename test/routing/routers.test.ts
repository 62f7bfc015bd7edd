import {describe, expect, it} from "vitest";
import {createRouter, ROUTER_KINDS, routes, TlrError, type Prediction} from "../../src/index.ts";
import {uniformFromKey} from "../../src/routing/random.ts";

const pred = (token: number, maxProb: number, margin: number, entropy: number): Prediction => ({
  token,
  top: [{id: token, logprob: Math.log(maxProb)}],
  maxProb,
  margin,
  entropy,
  entropyExact: true,
});

describe("routers", () => {
  const small = pred(5, 0.6, 0.25, 1.3);

  it("scores the small model's features", () => {
    expect(createRouter("max-prob").score({step: 0, key: "", small})).toBe(0.6);
    expect(createRouter("margin").score({step: 0, key: "", small})).toBe(0.25);
    expect(createRouter("neg-entropy").score({step: 0, key: "", small})).toBe(-1.3);
  });

  it("routes when the score is strictly below the threshold", () => {
    expect(routes(0.6, 0.7)).toBe(true);
    expect(routes(0.7, 0.7)).toBe(false);
    expect(routes(0.6, 0)).toBe(false);
  });

  it("always-small never routes and always-large always does, at any threshold", () => {
    for (const tau of [-1e9, 0, 0.5, 1, 1e9]) {
      expect(routes(createRouter("always-small").score({step: 0, key: "", small}), tau)).toBe(false);
      expect(routes(createRouter("always-large").score({step: 0, key: "", small}), tau)).toBe(true);
    }
  });

  it("the oracle routes exactly where the large model's token differs", () => {
    const oracle = createRouter("oracle");
    expect(oracle.peeksLarge).toBe(true);
    expect(routes(oracle.score({step: 0, key: "", small, large: pred(5, 0.9, 0.8, 0.1)}), 0.5)).toBe(false);
    expect(routes(oracle.score({step: 0, key: "", small, large: pred(6, 0.9, 0.8, 0.1)}), 0.5)).toBe(true);
    expect(() => oracle.score({step: 0, key: "", small})).toThrow(/needs the large model/);
  });

  it("random is seeded, reproducible, coupled across thresholds, and routes a fraction p", () => {
    const r = createRouter({kind: "random", seed: 3});
    expect(r.name).toBe("random(seed=3)");
    const draws = Array.from({length: 20000}, (_, step) => r.score({step, key: "q1", small}));
    expect(draws).toEqual(Array.from({length: 20000}, (_, step) => uniformFromKey(3, "q1", step)));
    for (const p of [0.05, 0.2, 0.5]) {
      const frac = draws.filter((u) => routes(u, p)).length / draws.length;
      expect(Math.abs(frac - p)).toBeLessThan(0.015);
    }
    // Another seed or question gives other draws.
    expect(createRouter({kind: "random", seed: 4}).score({step: 0, key: "q1", small})).not.toBe(draws[0]);
    expect(r.score({step: 0, key: "q2", small})).not.toBe(draws[0]);
    expect(draws.every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it("refuses an unknown router with the list of known ones", () => {
    expect(() => createRouter("nope" as never)).toThrow(TlrError);
    expect(() => createRouter("nope" as never)).toThrow(ROUTER_KINDS.join(", "));
  });
});
