import {describe, expect, it} from "vitest";
import {featuresFromLogits} from "../../src/core/featuresFromLogits.ts";

/** A sorted-descending logits map and its exact distribution, as node-llama-cpp returns them. */
function distribution(logits: number[]) {
  const entries = logits.map((l, id) => [id, l] as [number, number]).sort((a, b) => b[1] - a[1]);
  const max = entries[0]![1];
  const z = entries.reduce((s, [, l]) => s + Math.exp(l - max), 0);
  const probs = entries.map(([id, l]) => [id, Math.exp(l - max) / z] as const);
  const entropy = -probs.reduce((s, [, p]) => s + (p > 0 ? p * Math.log(p) : 0), 0);
  return {map: new Map(entries), z, probs, entropy};
}

function seededLogits(n: number, seed: number, scale: number): number[] {
  let x = seed;
  return Array.from({length: n}, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x / 2147483648 - 0.5) * scale;
  });
}

describe("featuresFromLogits", () => {
  for (const [name, scale] of [["flat", 1], ["peaked", 30]] as const) {
    it(`gives exact max-prob, margin, top-K and entropy from full logits (${name})`, () => {
      const d = distribution(seededLogits(500, 7, scale));
      const f = featuresFromLogits(d.probs[0]![0], d.map, d.z, 5, true);
      expect(f.maxProb).toBeCloseTo(d.probs[0]![1], 12);
      expect(f.margin).toBeCloseTo(d.probs[0]![1] - d.probs[1]![1], 12);
      expect(f.entropy).toBeCloseTo(d.entropy, 10);
      expect(f.entropyExact).toBe(true);
      expect(f.top.map((t) => t.id)).toEqual(d.probs.slice(0, 5).map(([id]) => id));
      f.top.forEach((t, i) => expect(Math.exp(t.logprob)).toBeCloseTo(d.probs[i]![1], 12));
    });

    it(`keeps max-prob and margin exact from top-K logits, with entropy a lower bound (${name})`, () => {
      const d = distribution(seededLogits(500, 11, scale));
      const topOnly = new Map([...d.map].slice(0, 10));
      const f = featuresFromLogits(d.probs[0]![0], topOnly, d.z, 10, false);
      expect(f.maxProb).toBeCloseTo(d.probs[0]![1], 12);
      expect(f.margin).toBeCloseTo(d.probs[0]![1] - d.probs[1]![1], 12);
      expect(f.entropyExact).toBe(false);
      expect(f.entropy).toBeLessThanOrEqual(d.entropy + 1e-12);
      expect(f.entropy).toBeGreaterThan(0);
    });
  }

  it("estimates an LLM-like distribution's entropy closely from its top 10", () => {
    // A few strong candidates over a long, flat tail of 5,000 tokens (tail mass ≈ 0.5%).
    const d = distribution([16, 15, 14.5, 13, 12, 11, 10.5, 10, 9, 8, ...seededLogits(5000, 3, 8)]);
    const f = featuresFromLogits(d.probs[0]![0], new Map([...d.map].slice(0, 10)), d.z, 10, false);
    expect(f.entropy).toBeLessThanOrEqual(d.entropy);
    expect(d.entropy - f.entropy).toBeLessThan(0.05 * d.entropy);
  });
});
