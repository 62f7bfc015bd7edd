import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {collectLabels, createTask, encodePrompt, loadDataset, loadPair, LocalModel, type Collected, type Example, type ModelPair, type Token} from "../../src/index.ts";
import {toy} from "../support/helpers.ts";

// Training-split problems (generator seed 1): 27 and 36 hold tokens both models get wrong where the
// small model's own continuation fails, 112 one where it still reaches the right answer.
const PICK = [0, 1, 2, 3, 4, 5, 27, 36, 112];
const MAX = 200;

let pair: ModelPair;
let examples: Example[];
let collected: Collected;
const task = createTask("toy_arith");
beforeAll(async () => {
  const train = await loadDataset("toy_arith", {split: "train", seed: 1, count: 113});
  examples = PICK.map((i) => train.examples[i]!);
  pair = await loadPair({small: {path: toy.small(), hidden: true}, large: {path: toy.large()}});
  collected = await collectLabels({small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, examples, task, maxTokens: MAX});
});
afterAll(async () => {
  await pair?.dispose();
});

/** Whether a fresh small model, continuing greedily on its own after `prefix` + its own next token, answers right. */
async function smallRecovers(small: LocalModel, e: Example, r: {questionIndex: number; step: number; smallToken: number}, rows: Collected["rows"]): Promise<boolean> {
  const prompt = encodePrompt(small.tokenizer, task.prompt(e));
  const transcript = [...prompt, ...rows.filter((x) => x.questionIndex === r.questionIndex && x.step < r.step).map((x) => x.refToken)];
  const first = (await fresh(small, transcript, prompt.length)).token;
  expect(first).toBe(r.smallToken);
  for (let t = first; transcript.length - prompt.length < MAX; t = (await small.next(transcript)).prediction.token) {
    transcript.push(t);
    if (t === small.tokenizer.eos) break;
  }
  const text = small.tokenizer.detokenize(transcript.slice(prompt.length), prompt.slice(-8));
  return task.score(task.extract(text, e).answer, e);
}

/** A fresh model's prediction after `prefix`, with the batches of teacher forcing: the prompt, then one token at a time. */
async function fresh(model: LocalModel, prefix: readonly Token[], promptLength: number) {
  await model.reset();
  const cuts = Array.from({length: prefix.length - promptLength}, (_, i) => promptLength + i);
  return (await model.next(prefix, {cuts})).prediction;
}

describe("CITER's labels along the gold chain of thought (toy pair)", () => {
  it("walks each question's gold reference, EOS included, one row per reference token", () => {
    expect(collected.reference).toBe("gold");
    for (const [q, e] of examples.entries()) {
      const rows = collected.rows.filter((r) => r.questionIndex === q);
      const gold = [...pair.small.tokenizer.tokenize(e.reference!), pair.small.tokenizer.eos!];
      expect(rows.map((r) => r.refToken)).toEqual(gold);
      expect(rows.map((r) => r.step)).toEqual(gold.map((_, i) => i));
      expect(rows.every((r) => r.questionId === e.id && r.hidden.length === 64)).toBe(true);
    }
  });

  it("labels by the rules: small right → 1, only large right → 0, both wrong → whether the small model's own continuation answers right", async () => {
    for (const r of collected.rows) {
      if (r.smallToken === r.refToken) expect([r.rule, r.label]).toEqual(["small-right", 1]);
      else if (r.largeToken === r.refToken) expect([r.rule, r.label]).toEqual(["large-right", 0]);
      else expect(r.rule.startsWith("both-wrong")).toBe(true);
    }
    const bothWrong = collected.rows.filter((r) => r.rule.startsWith("both-wrong"));
    expect(bothWrong.map((r) => `${PICK[r.questionIndex]}:${r.rule}`)).toEqual(["27:both-wrong-small-fails", "36:both-wrong-small-fails", "112:both-wrong-small-recovers"]);
    expect(collected.continuations).toBe(3);
    // Independently: a fresh small model continues greedily from that prefix and the task scores its answer.
    const small = await pair.small.fork();
    try {
      for (const r of bothWrong) expect(r.label).toBe(Number(await smallRecovers(small, examples[r.questionIndex]!, r, collected.rows)));
    } finally {
      await small.dispose();
    }
  });

  it("outcome labels: every wrong small token by whether the small model's own continuation still answers right", async () => {
    const outcome = await collectLabels({small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, examples: examples.slice(0, 6), task, maxTokens: MAX, labels: "outcome"});
    const citer = collected.rows.filter((r) => r.questionIndex < 6);
    expect(outcome.rows.map((r) => [r.refToken, r.smallToken, r.largeToken])).toEqual(citer.map((r) => [r.refToken, r.smallToken, r.largeToken]));
    const wrong = outcome.rows.filter((r) => r.smallToken !== r.refToken);
    expect(wrong.length).toBeGreaterThan(3);
    expect(outcome.continuations).toBe(wrong.length);
    const small = await pair.small.fork();
    try {
      for (const r of wrong) {
        const recovers = await smallRecovers(small, examples[r.questionIndex]!, r, outcome.rows);
        expect(r.rule).toBe(`${r.largeToken === r.refToken ? "small-wrong" : "both-wrong"}-small-${recovers ? "recovers" : "fails"}`);
        expect(r.label).toBe(Number(recovers));
      }
    } finally {
      await small.dispose();
    }
    // Errors the small model gets over exist: those are the tokens CITER's labels would route for nothing.
    expect(wrong.some((r) => r.label === 1)).toBe(true);
  });

  it("records the features a decoding run would see at that step (same batches, same numbers)", async () => {
    const small = await pair.small.fork();
    try {
      for (const r of collected.rows.filter((_, i) => i % 97 === 0)) {
        const e = examples[r.questionIndex]!;
        const prompt = encodePrompt(small.tokenizer, task.prompt(e));
        const prefix = [...prompt, ...collected.rows.filter((x) => x.questionIndex === r.questionIndex && x.step < r.step).map((x) => x.refToken)];
        const p = await fresh(small, prefix, prompt.length);
        expect([p.token, p.maxProb, p.entropy]).toEqual([r.smallToken, r.smallMaxProb, r.smallEntropy]);
        expect(Array.from(p.hidden!)).toEqual(r.hidden.map((x) => Math.fround(x)));
        expect(p.top.map((t) => Math.fround(t.logprob))).toEqual(r.smallTopLogprobs.map((x) => Math.fround(x)));
      }
    } finally {
      await small.dispose();
    }
  });
});
