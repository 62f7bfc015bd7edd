import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createRouter, decode, encodePrompt, loadPair, type DecodeOptions, type DecodeResult, type ModelPair, type RouterSpec} from "../../src/index.ts";
import {tiny} from "../support/helpers.ts";
import {disposeReferences, freshNextTokens, referenceGreedy} from "../support/reference.ts";

const PROMPTS = ["Once upon a time", "Lily wanted to", "The big dog"];
const MAX = 60;

let pair: ModelPair;
beforeAll(async () => {
  pair = await loadPair({small: {path: tiny.small(), threads: 1}, large: {path: tiny.large(), threads: 1}});
});
afterAll(async () => {
  await pair?.dispose();
  await disposeReferences();
});

function run(text: string, router: RouterSpec, threshold: number, extra: Partial<DecodeOptions> = {}): Promise<DecodeResult> {
  return decode({
    prompt: encodePrompt(pair.small.tokenizer, text),
    small: pair.small,
    large: pair.large,
    tokenizer: pair.small.tokenizer,
    router: createRouter(router),
    threshold,
    maxTokens: MAX,
    key: text,
    ...extra,
  });
}

describe("collaborative decoding on the real tiny pair", () => {
  it("prompts start with BOS, as both models want", () => {
    const ids = encodePrompt(pair.small.tokenizer, "Once upon a time");
    expect(pair.small.tokenizer.addsBos).toBe(true);
    expect(ids[0]).toBe(pair.small.tokenizer.bos);
    expect(ids.filter((t) => t === pair.small.tokenizer.bos)).toHaveLength(1);
  });

  for (const text of PROMPTS) {
    it(`threshold 0 gives exactly the small model's greedy output: "${text}"`, async () => {
      const prompt = encodePrompt(pair.small.tokenizer, text);
      const reference = await referenceGreedy(tiny.small(), prompt, MAX);
      const result = await run(text, {kind: "max-prob"}, 0);
      expect(result.generated).toEqual(reference);
      expect(result.stats.largeTokens).toBe(0);
      expect(result.stats.largeEvaluated).toBe(0);
    });

    it(`always-large gives exactly the large model's greedy output: "${text}"`, async () => {
      const prompt = encodePrompt(pair.small.tokenizer, text);
      const reference = await referenceGreedy(tiny.large(), prompt, MAX);
      const result = await run(text, {kind: "always-large"}, 0);
      expect(result.generated).toEqual(reference);
      expect(result.stats.uploadFraction).toBe(1);
    });

    it(`the oracle reproduces the large model's output with upload fraction < 1: "${text}"`, async () => {
      const prompt = encodePrompt(pair.small.tokenizer, text);
      const reference = await referenceGreedy(tiny.large(), prompt, MAX);
      const result = await run(text, {kind: "oracle"}, 0.5);
      expect(result.generated).toEqual(reference);
      expect(result.stats.uploadFraction).toBeLessThan(1);
      expect(result.stats.largeTokens).toBeGreaterThan(0);
      // It routes exactly where the two models disagree.
      for (const r of result.records) expect(r.source === "large").toBe(r.large!.token !== r.small.token);
    });
  }

  /*
   * The invariant: a model's next() evaluates only the transcript tokens appended since its
   * previous call. So within a run (models reset first) every call evaluates ≥ 1 token and a
   * model's catch-up sizes sum to the transcript length at its last call; for the large model
   * the size at a routed step is the number of tokens produced since it was last asked (the
   * whole prompt the first time). node-llama-cpp's own token meter must agree.
   */
  for (const [router, threshold] of [[{kind: "random", seed: 1}, 0.3], [{kind: "random", seed: 2}, 0.6], [{kind: "max-prob"}, 0.5]] as const) {
    it(`no model evaluates a transcript token twice (${router.kind}, τ=${threshold})`, async () => {
      let routedTotal = 0, generatedTotal = 0;
      for (const text of PROMPTS) {
        await pair.small.reset();
        await pair.large.reset();
        const meterSmall = pair.small.nativeEvaluatedTokens;
        const meterLarge = pair.large.nativeEvaluatedTokens;
        const result = await run(text, router, threshold);
        const P = result.promptLength;
        routedTotal += result.stats.largeTokens;
        generatedTotal += result.stats.generated;

        // Small model: asked at every step, catch-up |prompt| then 1 each.
        expect(result.records.map((r) => r.smallEvaluated)).toEqual(result.records.map((_, i) => (i === 0 ? P : 1)));
        const lastStep = result.records.length - 1;
        expect(result.stats.smallEvaluated).toBe(P + lastStep);
        expect(pair.small.nativeEvaluatedTokens - meterSmall).toBe(result.stats.smallEvaluated);

        // Large model: at each routed step, exactly the tokens produced since its last call.
        let seen = 0;
        for (const r of result.records) {
          if (r.source === "small") {
            expect(r.largeEvaluated).toBe(0);
            continue;
          }
          expect(r.largeEvaluated).toBe(P + r.step - seen);
          expect(r.largeEvaluated).toBeGreaterThanOrEqual(1);
          seen = P + r.step;
        }
        expect(result.stats.largeEvaluated).toBe(seen);
        expect(pair.large.nativeEvaluatedTokens - meterLarge).toBe(result.stats.largeEvaluated);
      }
      // The runs really were mixed.
      expect(routedTotal).toBeGreaterThan(0);
      expect(routedTotal).toBeLessThan(generatedTotal);
    });
  }

  it("every token in a routed run is what a fresh model would predict after that prefix", async () => {
    const result = await run(PROMPTS[0]!, {kind: "random", seed: 5}, 0.4);
    const prefixes = result.records.map((r) => result.transcript.slice(0, result.promptLength + r.step));
    const smallFresh = await freshNextTokens(tiny.small(), prefixes);
    const largeFresh = await freshNextTokens(tiny.large(), prefixes);
    result.records.forEach((r, i) => {
      expect(r.small.token).toBe(smallFresh[i]);
      expect(r.id).toBe(r.source === "large" ? largeFresh[i] : smallFresh[i]);
    });
  });

  it("keeps state across runs yet gives the same result as from a clean state", async () => {
    await pair.small.reset();
    await pair.large.reset();
    const clean = await run(PROMPTS[1]!, {kind: "random", seed: 9}, 0.5);
    await run(PROMPTS[2]!, {kind: "random", seed: 9}, 0.5); // leaves other state behind
    const again = await run(PROMPTS[1]!, {kind: "random", seed: 9}, 0.5);
    expect(again.generated).toEqual(clean.generated);
    expect(again.records.map((r) => r.small.maxProb)).toEqual(clean.records.map((r) => r.small.maxProb));
  });

  it("records consistent per-token accounting", async () => {
    const result = await run(PROMPTS[0]!, {kind: "random", seed: 3}, 0.3, {network: {rttMs: 100, upMbps: 1, downMbps: 1}});
    let clock = 0;
    for (const r of result.records) {
      clock += r.smallMs + r.routerMs + r.largeMs + r.netMs;
      expect(r.tMs).toBeCloseTo(clock, 6);
      if (r.source === "large") {
        expect(r.bytesUp).toBeGreaterThan(0);
        expect(r.netMs).toBeCloseTo(100 + (r.bytesUp * 8) / 1000 + (r.bytesDown * 8) / 1000, 9);
      } else expect(r.netMs + r.bytesUp + r.bytesDown + r.largeMs).toBe(0);
    }
    expect(result.text).toBe(pair.small.tokenizer.detokenize(result.generated));
    expect(result.records.map((r) => r.piece).join("")).toBe(result.text);
  });

  it("stops at EOS, stop strings and max tokens", async () => {
    const s = await run("Once upon a time", {kind: "always-large"}, 0, {stop: {strings: ["Lily"]}});
    expect(s.stats.stopReason).toBe("stop-string");
    expect(s.text.endsWith("Lily")).toBe(true);
    const m = await run("Once upon a time", {kind: "always-large"}, 0, {maxTokens: 7});
    expect(m.stats).toMatchObject({stopReason: "max-tokens", generated: 7});
  });

  it("refuses a run that would overflow a context, before evaluating anything", async () => {
    const before = pair.small.nativeEvaluatedTokens;
    await expect(run("Once upon a time", {kind: "max-prob"}, 0.5, {maxTokens: 600})).rejects.toThrow(/exceed the small model's context of 512 tokens/);
    expect(pair.small.nativeEvaluatedTokens).toBe(before);
    await expect(pair.small.next(Array.from({length: 513}, () => 1))).rejects.toThrow(/exceeds the context of 512 tokens/);
  });
});

describe("entropy modes on a real model", () => {
  it("exact entropy equals −Σ p ln p over node-llama-cpp's full distribution; the top-K estimate is a lower bound", async () => {
    const {LocalModel} = await import("../../src/index.ts");
    const {getLlama, LlamaLogLevel} = await import("node-llama-cpp");
    const exact = await LocalModel.load({path: tiny.large(), threads: 1, entropy: "exact", gpu: false});
    const estimate = await LocalModel.load({path: tiny.large(), threads: 1, topK: 10, gpu: false});
    const llama = await getLlama({gpu: false, maxThreads: 1, logLevel: LlamaLogLevel.error});
    const model = await llama.loadModel({modelPath: tiny.large()});
    const ctx = await model.createContext({contextSize: 512, threads: 1});
    try {
      const prompt = encodePrompt(exact.tokenizer, "Lily wanted to play");
      const r = await ctx.getSequence().controlledEvaluate(prompt.map((t, i) => (i === prompt.length - 1 ? [t, {generateNext: {probabilities: true}}] : t)) as never);
      const probs = [...r.at(-1)!.next.probabilities!.values()];
      const reference = -probs.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0);
      const e = (await exact.next(prompt)).prediction;
      const k = (await estimate.next(prompt)).prediction;
      expect(e.entropyExact).toBe(true);
      expect(e.entropy).toBeCloseTo(reference, 4);
      expect(k.entropyExact).toBe(false);
      expect(k.entropy).toBeLessThanOrEqual(e.entropy + 1e-9);
      expect(k.maxProb).toBeCloseTo(probs[0]!, 5);
      expect(k.top).toHaveLength(10);
    } finally {
      await Promise.all([exact.dispose(), estimate.dispose(), ctx.dispose()]);
      await model.dispose();
    }
  });
});
