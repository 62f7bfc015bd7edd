import {describe, expect, it} from "vitest";
import {loadDataset, selectExamples} from "../../src/index.ts";
import {PyRandom} from "../../src/util/PyRandom.ts";

describe("selectExamples: the one rule sweeps and label collection choose questions by", () => {
  it("the first `limit`, or Python's random.Random(seed).sample of the split", async () => {
    const all = (await loadDataset("toy_arith", {split: "train"})).examples;
    expect(all).toHaveLength(300);
    const first = await selectExamples("toy_arith", {limit: 24}, {split: "train"});
    expect(first.examples).toEqual(all.slice(0, 24));
    const sampled = await selectExamples("toy_arith", {limit: 24, seed: 5}, {split: "train"});
    expect(sampled.examples).toEqual(new PyRandom(5).sample(all, 24));
    expect(sampled.dataset.split).toBe("train");
    expect((await selectExamples("toy_arith", {}, {split: "train"})).examples).toEqual(all);
  });

  it("a generated split is generated first (generator seed and count), then chosen from", async () => {
    const generated = await selectExamples("toy_arith", {limit: 10, seed: 2}, {split: "train", seed: 1, count: 1000});
    expect(generated.dataset.examples).toHaveLength(1000);
    expect(generated.dataset.provenance.generator).toMatchObject({seed: 1, count: 1000});
    expect(generated.examples).toEqual(new PyRandom(2).sample(generated.dataset.examples, 10));
  });
});
