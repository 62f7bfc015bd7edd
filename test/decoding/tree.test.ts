import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createRouter, decode, sweepTree, type ModelPair, type RouterSpec} from "../../src/index.ts";
import {MemoModel as PredictionMemo} from "../../src/decoding/memo.ts";
import {toyPairWithPrompts, untimed} from "../support/toyRuns.ts";

const QUESTIONS = 20;
let pair: ModelPair;
let prompts: number[][];

beforeAll(async () => {
  ({pair, prompts} = await toyPairWithPrompts(QUESTIONS));
});
afterAll(async () => pair?.dispose());

const sweeps: [string, RouterSpec, number[]][] = [
  ["max-prob", {kind: "max-prob"}, [0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 2]],
  ["margin", {kind: "margin"}, [0.3, 0.6, 0.9, 0.99, 0.999, 0.9999]],
  ["random", {kind: "random", seed: 4}, [0, 0.02, 0.05, 0.1, 0.2, 0.5]],
  ["oracle", {kind: "oracle"}, [0.5, 1]],
];

describe("the trajectory tree sweep on the toy pair", () => {
  for (const [name, spec, thresholds] of sweeps) {
    it(`equals independent runs, token for token, for every threshold (${name}, ${QUESTIONS} questions × ${thresholds.length} thresholds)`, async () => {
      const router = createRouter(spec);
      let branched = 0;
      for (const [q, prompt] of prompts.entries()) {
        const common = {prompt, small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, router, maxTokens: 200, key: `q${q}`, sharedVocabSize: pair.vocabulary.sharedSize};
        const tree = await sweepTree({...common, thresholds});
        if (new Set(tree.runs.map((r) => r!.generated.join())).size > 1) branched++;
        for (const [i, threshold] of thresholds.entries()) {
          await pair.small.reset();
          await pair.large.reset();
          const alone = await decode({...common, threshold});
          expect(untimed(tree.runs[i]!), `question ${q}, τ=${threshold}`).toEqual(untimed(alone));
        }
      }
      if (name !== "oracle") expect(branched).toBeGreaterThan(0); // the trees really branched
    });
  }

  it("shares work: a 9-threshold max-prob tree evaluates far fewer tokens than 9 runs", async () => {
    const thresholds = sweeps[0]![2];
    const router = createRouter("max-prob");
    let treeSmall = 0, treeLarge = 0, aloneSmall = 0, aloneLarge = 0;
    for (const [q, prompt] of prompts.entries()) {
      const common = {prompt, small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, router, maxTokens: 200, key: `q${q}`};
      const tree = await sweepTree({...common, thresholds});
      treeSmall += tree.work.small.evaluated + tree.work.small.replayed;
      treeLarge += tree.work.large.evaluated + tree.work.large.replayed;
      for (const r of tree.runs) {
        aloneSmall += r!.stats.smallEvaluated;
        aloneLarge += r!.stats.largeEvaluated;
      }
    }
    expect(treeSmall * 4).toBeLessThan(aloneSmall);
    expect(treeLarge).toBeLessThan(aloneLarge);
  });

  it("a memo shared across routers lets them share evaluations of the same states", async () => {
    const prompt = prompts[0]!;
    const memo = {small: new PredictionMemo(pair.small, prompt.length), large: new PredictionMemo(pair.large, prompt.length)};
    const common = {prompt, small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, maxTokens: 200, memo};
    const first = await sweepTree({...common, router: createRouter("max-prob"), thresholds: [0, 0.9]});
    const second = await sweepTree({...common, router: createRouter("always-small"), thresholds: [0]});
    expect(second.runs[0]!.generated).toEqual(first.runs[0]!.generated); // small-only = max-prob at τ=0
    expect(second.work.small.calls).toBe(0); // every small state came from the memo
  });
});
