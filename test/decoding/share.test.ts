import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createRouter, decode, MemoModel, parsePolicy, sweepRuns, type ModelPair} from "../../src/index.ts";
import {toyPairWithPrompts, untimed} from "../support/toyRuns.ts";

// share "tokens" (memo.ts ShareMode): runs share model calls by tokens alone. Not exact in
// general, so these tests check what it does hold: the work it saves, the runs that stay exact
// (the one computed first; one that never routes) and the key it uses.
const QUESTIONS = 8;
const THRESHOLDS = [0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99];
let pair: ModelPair;
let prompts: number[][];

beforeAll(async () => {
  ({pair, prompts} = await toyPairWithPrompts(QUESTIONS));
});
afterAll(async () => pair?.dispose());

const common = (q: number) => ({prompt: prompts[q]!, small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, router: createRouter("max-prob"), maxTokens: 200, key: `q${q}`, sharedVocabSize: pair.vocabulary.sharedSize});
const largeTokens = (w: {evaluated: number; replayed: number}) => w.evaluated + w.replayed;
async function fresh(): Promise<void> {
  await pair.small.reset();
  await pair.large.reset();
}

describe('sweeps with share "tokens" on the toy pair', () => {
  it("evaluate fewer large-model tokens than exact sweeps: as few as the highest threshold alone where no run leaves its path", async () => {
    let exactTotal = 0, tokensTotal = 0, fewer = 0, onePath = 0;
    for (let q = 0; q < QUESTIONS; q++) {
      await fresh();
      const tokens = await sweepRuns({...common(q), thresholds: THRESHOLDS, share: "tokens"});
      await fresh();
      const exact = await sweepRuns({...common(q), thresholds: THRESHOLDS});
      await fresh();
      const highest = await decode({...common(q), threshold: THRESHOLDS.at(-1)!});
      const t = largeTokens(tokens.work.large), e = largeTokens(exact.work.large);
      exactTotal += e;
      tokensTotal += t;
      if (t < e) fewer++;
      // Every run wrote the highest threshold's tokens: each large-model call of a lower
      // threshold is one the highest made on the same transcript, so the memo answers it.
      if (tokens.runs.every((r) => r!.generated.join() === highest.generated.join())) {
        onePath++;
        expect(t, `question ${q}`).toBe(highest.stats.largeEvaluated);
        expect(tokens.work.large.calls, `question ${q}`).toBe(highest.stats.largeCalls);
      }
    }
    expect(fewer).toBeGreaterThan(0);
    expect(tokensTotal).toBeLessThan(exactTotal);
    expect(onePath).toBeGreaterThan(0); // the equality above was checked somewhere
  });

  for (const text of ["token", "span:4", "stitch"]) {
    it(`the run computed first (the highest threshold) equals decode() alone, even on a model still holding another question (${text})`, async () => {
      const policy = parsePolicy(text);
      let differs = 0;
      for (let q = 0; q < QUESTIONS; q++) {
        // No reset: the models hold the previous question (and its runs) when this sweep starts.
        const swept = await sweepRuns({...common(q), policy, thresholds: THRESHOLDS, share: "tokens"});
        await fresh();
        const alone = await decode({...common(q), policy, threshold: THRESHOLDS.at(-1)!});
        expect(untimed(swept.runs.at(-1)!), `question ${q}`).toEqual(untimed(alone));
        if (swept.runs.some((r) => r!.generated.join() !== alone.generated.join())) differs++;
      }
      expect(differs).toBeGreaterThan(0); // the sweeps branched, so the others did share and catch up
    });
  }

  it("a sweep whose prompt extends the one the models last held still starts with the prompt as one batch, as decode() alone does", async () => {
    await fresh();
    const first = await sweepRuns({...common(0), thresholds: [0.5], share: "tokens"});
    const longer = first.runs[0]!.transcript.slice(0, prompts[0]!.length + 6); // the held prompt plus 6 tokens
    const options = {...common(0), prompt: longer};
    const swept = await sweepRuns({...options, thresholds: [0.5, 0.99], share: "tokens"});
    await fresh();
    const alone = await decode({...options, threshold: 0.99});
    expect(untimed(swept.runs[1]!)).toEqual(untimed(alone));
  });

  it("a run that never routes equals the small model alone wherever it comes (the small model's history is the same in every run); runs come back in the thresholds' order", async () => {
    for (let q = 0; q < QUESTIONS; q++) {
      const swept = await sweepRuns({...common(q), thresholds: [0.9, 0.99, 0], share: "tokens"});
      await fresh();
      const alone = await decode({...common(q), threshold: 0});
      expect(untimed(swept.runs[2]!), `question ${q}`).toEqual(untimed(alone));
      await fresh();
      const highest = await decode({...common(q), threshold: 0.99});
      expect(untimed(swept.runs[1]!), `question ${q}`).toEqual(untimed(highest));
    }
  });

  it("in one memo for all of a question's routers (as tlr sweep shares it), the baselines computed first stay exactly as they run alone", async () => {
    for (let q = 0; q < 4; q++) {
      const n = prompts[q]!.length;
      const memo = {small: new MemoModel(pair.small, n, "tokens"), large: new MemoModel(pair.large, n, "tokens")};
      const swept = [];
      for (const kind of ["always-small", "always-large", "max-prob"] as const) {
        swept.push(await sweepRuns({...common(q), router: createRouter(kind), thresholds: kind === "max-prob" ? [0.5, 0.9] : [0], share: "tokens", memo}));
      }
      for (const [i, kind] of (["always-small", "always-large"] as const).entries()) {
        await fresh();
        const alone = await decode({...common(q), router: createRouter(kind), threshold: 0});
        expect(untimed(swept[i]!.runs[0]!), `question ${q}, ${kind}`).toEqual(untimed(alone));
      }
    }
  });
});

describe('MemoModel with share "tokens"', () => {
  it("keys a call by its tokens alone: one evaluation answers calls with different batch histories (exact mode evaluates both)", async () => {
    const prompt = prompts[0]!;
    const transcript = [...prompt, ...prompt.slice(1, 4)];
    const n = prompt.length;
    for (const [share, calls] of [["tokens", 1], ["exact", 2]] as const) {
      await fresh();
      const memo = new MemoModel(pair.large, n, share);
      const a = await memo.next(transcript, {cuts: [n]});
      const b = await memo.next(transcript, {cuts: [n, n + 1]});
      expect(memo.work.calls, share).toBe(calls);
      if (share === "tokens") expect(b).toBe(a);
    }
  });

  it("sweepRuns refuses a memo made for the other mode", async () => {
    const memo = {small: new MemoModel(pair.small, prompts[0]!.length), large: new MemoModel(pair.large, prompts[0]!.length)};
    await expect(sweepRuns({...common(0), thresholds: [0.5], share: "tokens", memo})).rejects.toThrow('share "tokens" with a memo made for share "exact"');
  });
});
