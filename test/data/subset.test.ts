import {describe, expect, it} from "vitest";
import {loadDataset, subset} from "../../src/index.ts";
import {sharedPath} from "../support/helpers.ts";

describe("subset: deterministic, and with a seed the same as Python's random.Random(seed).sample", () => {
  it("draws the questions CPython draws", async () => {
    const d = await loadDataset("commonsense_qa", {dataDir: sharedPath("data")});
    // CPython 3.11: random.Random(0).sample(range(1221), 5) == [788, 861, 82, 530, 1047]
    expect(subset(d.examples, {limit: 5, seed: 0}).map((e) => e.id)).toEqual([788, 861, 82, 530, 1047].map((i) => d.examples[i]!.id));
    const hundred = subset(d.examples, {limit: 100, seed: 0});
    expect(new Set(hundred.map((e) => e.id)).size).toBe(100);
    expect(subset(d.examples, {limit: 100, seed: 0})).toEqual(hundred);
    expect(subset(d.examples, {limit: 100, seed: 1}).map((e) => e.id)).not.toEqual(hundred.map((e) => e.id));
  });

  it("without a seed keeps the first ones; a limit past the end keeps all, in order", () => {
    const items = ["a", "b", "c", "d"];
    expect(subset(items, {limit: 2})).toEqual(["a", "b"]);
    expect(subset(items, {limit: 10, seed: 3})).toEqual(items);
    expect(subset(items)).toEqual(items);
    expect(() => subset(items, {limit: -1})).toThrow(/non-negative integer/);
  });
});
