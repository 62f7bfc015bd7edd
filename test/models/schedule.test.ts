import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {encodePrompt, LocalModel} from "../../src/index.ts";
import {uniformFromKey} from "../../src/routing/random.ts";
import {repoRoot} from "../support/helpers.ts";

const path = `${repoRoot}/models/toy-arith/toy-arith-small.gguf`;
const TEXT = "Question: What is 453 - 99?\nChoices:\nA. 354\nB. 344\nC. 254\nD. 464\nE. 353\nAnswer: 3 - 9 < 0, borrow 1: 13 - 9 = 4. 5 - 9 - 1 < 0";

let a: LocalModel;
let fresh: LocalModel;
beforeAll(async () => {
  a = await LocalModel.load({path, gpu: false});
  fresh = await LocalModel.load({path, gpu: false});
});
afterAll(async () => {
  await a?.dispose();
  await fresh?.dispose();
});

/** The prediction of a fresh model called once at each cut and at the end. */
async function reference(transcript: number[], cuts: number[]) {
  await fresh.reset();
  for (const c of cuts) await fresh.next(transcript.slice(0, c));
  return (await fresh.next(transcript)).prediction;
}

describe("batch schedules on a real model", () => {
  it("logits depend on the batch split (why schedules are tracked at all)", async () => {
    const t = encodePrompt(a.tokenizer, TEXT);
    const oneBatch = await reference(t, []);
    const split = await reference(t, [Math.floor(t.length / 2), t.length - 3]);
    expect(split.token).toBe(oneBatch.token);
    expect(split.top.map((x) => x.logprob)).not.toEqual(oneBatch.top.map((x) => x.logprob));
  });

  it("with cuts, any prior state gives exactly a fresh model's prediction for that history", async () => {
    const t = encodePrompt(a.tokenizer, TEXT);
    const P = 60;
    for (let trial = 0; trial < 12; trial++) {
      // A random history of cuts, evaluated after a random other history left state behind.
      const draw = (salt: string) => Array.from({length: t.length - P - 1}, (_, i) => P + 1 + i).filter((_, i) => uniformFromKey(trial, salt, i) < 0.3);
      const before = [P, ...draw("before")];
      const cuts = [P, ...draw("cuts")];
      for (const c of before) await a.next(t.slice(0, c));
      const got = await a.next(t, {cuts});
      expect(got.prediction).toEqual(await reference(t, cuts));
      expect(got.evaluated).toBe(t.length - cuts.at(-1)!);
    }
  });

  it("returns to an ancestor's prediction from the state, without evaluating", async () => {
    const t = encodePrompt(a.tokenizer, TEXT);
    await a.reset();
    const P = 60;
    const seen = [];
    for (let k = P; k <= t.length; k++) seen.push((await a.next(t.slice(0, k))).prediction);
    const back = await a.next(t.slice(0, P + 5));
    expect(back.fromState).toBe(true);
    expect(back.evaluated).toBe(1); // canonical: that call's own catch-up size
    expect(back.replayed).toBe(0);
    expect(back.prediction).toBe(seen[5]);
    // And decoding on along another branch re-evaluates just the new token.
    const branch = await a.next([...t.slice(0, P + 5), 300]);
    expect(branch.evaluated).toBe(1);
    expect(branch.fromState).toBe(false);
  });
});

describe("lean features (max-prob only)", () => {
  it("give the same tokens and max-probability as full features (to float32 summation order), with NaN margin and entropy", async () => {
    const {createRouter, decode} = await import("../../src/index.ts");
    const lean = await LocalModel.load({path, gpu: false, features: "max-prob"});
    const large = await LocalModel.load({path: `${repoRoot}/models/toy-arith/toy-arith-large.gguf`, gpu: false});
    try {
      const prompt = encodePrompt(a.tokenizer, "Question: What is 453 - 99?\nChoices:\nA. 354\nB. 344\nC. 254\nD. 464\nE. 353\nAnswer:");
      const run = (small: LocalModel) => decode({prompt, small, large, tokenizer: a.tokenizer, router: createRouter("max-prob"), threshold: 0.99, maxTokens: 200});
      await a.reset();
      await large.reset();
      const full = await run(a);
      await large.reset();
      const thin = await run(lean);
      expect(thin.generated).toEqual(full.generated);
      expect(thin.records.map((r) => r.source)).toEqual(full.records.map((r) => r.source));
      expect(thin.stats.largeTokens).toBeGreaterThan(0);
      thin.records.forEach((r, i) => {
        // The native side sums exp(l − max) unsorted here, sorted there: float32 order effects only.
        expect(Math.abs(r.small.maxProb - full.records[i]!.small.maxProb)).toBeLessThan(1e-4);
        expect(r.small.top).toEqual([{id: r.small.token, logprob: Math.log(r.small.maxProb)}].map((t) => ({...t, logprob: expect.closeTo(t.logprob, 12)})));
        expect(r.small.margin).toBeNaN();
        expect(r.small.entropy).toBeNaN();
      });
    } finally {
      await lean.dispose();
      await large.dispose();
    }
  });
});
