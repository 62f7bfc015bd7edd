import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {encodePrompt, getRuntime, type LocalModel} from "../../src/index.ts";
import {LocalWeights} from "../../src/models/LocalModel.ts";
import {releasePooledSamplers, unpooledSamplerClass} from "../../src/models/samplerPool.ts";
import {qwenTiny, toy} from "../support/helpers.ts";

interface Sampler {
  dispose(): void;
}

describe("pooled native samplers", () => {
  let weights: LocalWeights;
  let model: LocalModel;
  let bindings: {AddonSampler: new (m: unknown) => Sampler};
  let native: unknown;
  beforeAll(async () => {
    const llama = await getRuntime(false);
    bindings = (llama as unknown as {_bindings: typeof bindings})._bindings;
    weights = await LocalWeights.load(await toy.large(), false);
    model = await weights.createModel({threads: 1});
    native = (weights.model as unknown as {_model: unknown})._model;
  });
  afterAll(async () => {
    await model.dispose();
    await weights.dispose();
  });

  it("hands a disposed sampler to the next evaluation instead of allocating one per vocabulary row again", async () => {
    const a = new bindings.AddonSampler(native);
    a.dispose();
    const b = new bindings.AddonSampler(native);
    expect(b).toBe(a);
    const c = new bindings.AddonSampler(native); // none free: a new one
    expect(c).not.toBe(b);
    b.dispose();
    c.dispose();
    // The addon's own class is still there for samplers with a chain of their own (topLogits.ts).
    expect(unpooledSamplerClass(await getRuntime(false))).not.toBe(bindings.AddonSampler);
  });

  it("leaves a model's predictions as they were: evaluations that reuse samplers give the same numbers", async () => {
    const prompt = encodePrompt(model.tokenizer, "Question: What is 47 + 385?\nAnswer:");
    const run = async () => {
      await model.reset();
      const transcript = [...prompt];
      const out = [];
      for (let i = 0; i < 8; i++) {
        const {prediction} = await model.next(transcript);
        transcript.push(prediction.token);
        out.push(prediction);
      }
      return out;
    };
    const pooled = bindings.AddonSampler;
    let fresh;
    bindings.AddonSampler = unpooledSamplerClass(await getRuntime(false))!; // node-llama-cpp's own way: a new sampler each evaluation
    try {
      fresh = await run();
    } finally {
      bindings.AddonSampler = pooled;
    }
    await run(); // fills the pool
    expect(await run()).toEqual(fresh); // every evaluation now takes a used sampler
  });

  it("frees a model's pooled samplers", () => {
    const a = new bindings.AddonSampler(native);
    a.dispose();
    releasePooledSamplers(weights.model);
    expect(new bindings.AddonSampler(native)).not.toBe(a);
  });
});

// The pool pays at Qwen2.5's 151,936-row vocabulary (one sampler's candidates per row): the same
// numbers there too, on the Qwen-shaped fixture (random weights, the real tokenizer).
describe("pooled native samplers at the real vocabulary size", () => {
  it("a Qwen-shaped model's predictions are those of fresh samplers", async () => {
    const llama = await getRuntime(false);
    const bindings = (llama as unknown as {_bindings: {AddonSampler: new (m: unknown) => Sampler}})._bindings;
    const weights = await LocalWeights.load((await qwenTiny()).small, false);
    const model = await weights.createModel({threads: 1});
    try {
      expect(model.info.vocabSize).toBeGreaterThanOrEqual(151_936);
      const prompt = encodePrompt(model.tokenizer, "Question: Which is heavier, a kilogram of iron or of feathers?\nAnswer:");
      const run = async () => {
        await model.reset();
        const transcript = [...prompt];
        const out = [];
        for (let i = 0; i < 6; i++) {
          const {prediction} = await model.next(transcript);
          transcript.push(prediction.token);
          out.push(prediction);
        }
        return out;
      };
      const pooled = bindings.AddonSampler;
      let fresh;
      bindings.AddonSampler = unpooledSamplerClass(llama)!;
      try {
        fresh = await run();
      } finally {
        bindings.AddonSampler = pooled;
      }
      await run();
      expect(await run()).toEqual(fresh);
    } finally {
      await model.dispose();
      await weights.dispose();
    }
  });
});
