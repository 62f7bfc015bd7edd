import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {encodePrompt, type LocalModel, type Token} from "../../src/index.ts";
import {LocalWeights} from "../../src/models/LocalModel.ts";
import {qwenTiny, toy} from "../support/helpers.ts";

const TOY_PROMPTS = [
  "Question: What is 47 + 385?\nChoices:\nA. 432\nB. 422\nC. 532\nD. 431\nE. 442\nAnswer:",
  "Question: What is 906 - 18?\nChoices:\nA. 888\nB. 898\nC. 878\nD. 988\nE. 889\nAnswer:",
  "Question: What is 12 + 7?\nChoices:\nA. 19\nB. 18\nC. 29\nD. 9\nE. 20\nAnswer:",
];
const STEPS = 40;

/** Greedy decoding through `model.next`, keeping every number a prediction carries. */
async function greedy(model: LocalModel, prompt: Token[]): Promise<{ids: Token[]; numbers: number[]}> {
  const transcript = [...prompt];
  const numbers: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const {prediction} = await model.next(transcript);
    transcript.push(prediction.token);
    numbers.push(prediction.maxProb, prediction.margin, ...prediction.top.flatMap((t) => [t.id, t.logprob]));
  }
  return {ids: transcript.slice(prompt.length), numbers};
}

const open: {dispose(): Promise<void>}[] = [];
afterAll(async () => {
  for (const x of open.reverse()) await x.dispose();
});

describe.each([
  ["the toy large model (node-llama-cpp's top-K)", async () => toy.large()],
  ["a Qwen2.5-shaped model with 151,936 rows (llama.cpp's partial top-K)", async () => (await qwenTiny()).small],
])("lanes of %s", (_, path) => {
  let weights: LocalWeights;
  let solo: LocalModel;
  let lanes: LocalModel[];
  let prompts: Token[][];
  beforeAll(async () => {
    weights = await LocalWeights.load(await path(), false);
    open.push(weights);
    solo = await weights.createModel({threads: 1});
    open.push(solo);
    lanes = await weights.createLanes(3, {threads: 1});
    open.push(...lanes);
    prompts = TOY_PROMPTS.map((p) => encodePrompt(solo.tokenizer, p));
  });

  it("a lane that evaluates alone gives the model's own numbers, bit for bit (other lanes' cells in the context change nothing)", async () => {
    for (const [i, prompt] of prompts.entries()) {
      await solo.reset();
      expect(await greedy(lanes[i]!, prompt)).toEqual(await greedy(solo, prompt));
    }
  });

  it("lanes decoding at once share native decodes, and stay within 1e-2 of a model alone up to where their tokens part", async () => {
    const alone = [];
    for (const prompt of prompts) {
      await solo.reset();
      alone.push(await greedy(solo, prompt));
    }
    for (const lane of lanes) await lane.reset();
    // Count llama_decode calls on the shared context (node-llama-cpp's internal context, 3.22.1).
    const native = (lanes[0] as unknown as {context: {_ctx: {decodeBatch: (...a: unknown[]) => Promise<unknown>}}}).context._ctx;
    const decodeBatch = native.decodeBatch.bind(native);
    let decodes = 0;
    // The addon's methods are read-only on its prototype: shadow on the instance, as models/topLogits.ts does.
    Object.defineProperty(native, "decodeBatch", {value: (...a: unknown[]) => (decodes++, decodeBatch(...a)), configurable: true, writable: true});
    let together;
    try {
      together = await Promise.all(prompts.map((prompt, i) => greedy(lanes[i]!, prompt)));
    } finally {
      delete (native as {decodeBatch?: unknown}).decodeBatch;
    }
    // Alone, the lanes would need one decode per step each; together they share: their clock
    // (laneClock.ts) holds each lane back until the others join, so every step is one decode.
    expect(decodes).toBe(STEPS);
    for (const [i, t] of together.entries()) {
      const a = alone[i]!;
      // Up to the first token where they part (if they do), every number is within 1e-2.
      const parted = t.ids.findIndex((id, s) => id !== a.ids[s]);
      const numbersPerStep = t.numbers.length / STEPS;
      const upTo = (parted < 0 ? STEPS : parted) * numbersPerStep;
      for (let k = 0; k < upTo; k++) expect(Math.abs(t.numbers[k]! - a.numbers[k]!)).toBeLessThan(1e-2);
    }
  });

  it("refuses what one sequence per context is needed for", async () => {
    await expect(weights.createLanes(2, {hidden: true})).rejects.toThrow(/lanes cannot carry hidden states/);
    await expect(weights.createLanes(2, {entropy: "exact"})).rejects.toThrow(/lanes cannot compute the exact entropy/);
  });
});
