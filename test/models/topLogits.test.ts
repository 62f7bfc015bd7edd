import {getLlama, LlamaLogLevel, type Llama, type LlamaContext, type LlamaModel, type Token as LlamaToken} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {LocalModel, type Prediction, type Token} from "../../src/index.ts";
import {installTopLogits, TOP_LOGITS_REQUEST} from "../../src/models/topLogits.ts";
import {qwenTiny, toy} from "../support/helpers.ts";

/*
 * `features: "full"` through models/topLogits.ts (llama.cpp's partial top-k, no vocabulary sort)
 * against what node-llama-cpp's sorting requests give on the same steps of a model with Qwen's
 * 151,936 ids. Tolerances: the top-K ids, their logits and the greedy token are identical (the
 * same float32 logits); max-prob, margin and log-probabilities use the native float32 total
 * weight Z summed in token order instead of sorted order, ≤ 1e-3 relative apart at 152k ids
 * (measured ≤ 5e-4); with exact entropy, Z and the entropy are float64 sums over every logit and
 * match a float64 sum over node-llama-cpp's full logits Map to 1e-12.
 */
const K = 10;
const STEPS = 6;
const PROMPT = "Question: What is the capital of France?\nAnswer:";

let path: string;
let llama: Llama;
let model: LlamaModel;
beforeAll(async () => {
  path = (await qwenTiny()).small;
  llama = await getLlama({gpu: false, maxThreads: 1, logLevel: LlamaLogLevel.error});
  model = await llama.loadModel({modelPath: path});
});
afterAll(async () => {
  await model?.dispose();
});

interface Reference {
  token: number;
  /** node-llama-cpp's Map of every logit, sorted high to low. */
  logits: [number, number][];
  /** The native float32 total logit weight (summed in sorted order). */
  z: number;
}

/** The old path: node-llama-cpp sorts the vocabulary and returns every logit; prompt as one batch, then a token per step. */
async function referenceSteps(prompt: readonly number[], steps: number): Promise<Reference[]> {
  const context = await model.createContext({contextSize: 512, batchSize: 512, threads: 1});
  const seq = context.getSequence();
  const out: Reference[] = [];
  try {
    let pending = [...prompt];
    for (let i = 0; i < steps; i++) {
      const last = pending.length - 1;
      const items = pending.map((t, j) => (j === last ? [t, {generateNext: {token: true, totalLogitWeight: true, logits: true}}] : t));
      const next = (await seq.controlledEvaluate(items as never))[last]!.next!;
      out.push({token: next.token!, logits: [...next.logits!] as [number, number][], z: next.totalLogitWeight!});
      pending = [next.token!];
    }
  } finally {
    await context.dispose();
  }
  return out;
}

async function ourSteps(entropy: "top-k" | "exact", prompt: readonly Token[], steps: number): Promise<Prediction[]> {
  const local = await LocalModel.load({path, threads: 1, contextSize: 512, batchSize: 512, topK: K, features: "full", entropy, gpu: false});
  const out: Prediction[] = [];
  try {
    expect(local.topKPath).toBe("partial");
    const transcript = [...prompt];
    for (let i = 0; i < steps; i++) {
      const {prediction} = await local.next(transcript);
      out.push(prediction);
      transcript.push(prediction.token);
    }
  } finally {
    await local.dispose();
  }
  return out;
}

function float64Stats(logits: [number, number][]) {
  const max = logits[0]![1];
  let z = 0;
  let weighted = 0;
  for (const [, l] of logits) {
    const e = Math.exp(l - max);
    z += e;
    weighted += e * (l - max);
  }
  return {max, z, entropy: Math.log(z) - weighted / z};
}

describe("full features through llama.cpp's partial top-k (models/topLogits.ts)", () => {
  it("give the sorting request's top-K ids and logits, and its max-prob, margin and log-probs within 1e-3", async () => {
    const prompt = model.tokenize(PROMPT) as number[] as Token[];
    const [ref, ours] = [await referenceSteps(prompt, STEPS), await ourSteps("top-k", prompt, STEPS)];
    expect(model.tokens.eos).toBe(151645);
    for (let i = 0; i < STEPS; i++) {
      const r = ref[i]!;
      const p = ours[i]!;
      expect(r.logits).toHaveLength(151_936); // every row of Qwen2.5-0.5B's output matrix
      expect(p.token).toBe(r.token);
      expect(p.top.map((t) => t.id)).toEqual(r.logits.slice(0, K).map(([id]) => id));
      const lnZ = Math.log(r.z);
      const max = r.logits[0]![1];
      p.top.forEach((t, j) => expect(Math.abs(t.logprob - (r.logits[j]![1] - max - lnZ))).toBeLessThan(1e-3));
      const maxProb = 1 / r.z;
      expect(Math.abs(p.maxProb - maxProb) / maxProb).toBeLessThan(1e-3);
      const margin = maxProb - Math.exp(r.logits[1]![1] - max) / r.z;
      expect(Math.abs(p.margin - margin)).toBeLessThan(2e-3 * maxProb);
      expect(p.entropyExact).toBe(false);
    }
    // The run is not degenerate: the steps' max-probabilities differ.
    expect(new Set(ours.map((p) => p.maxProb.toFixed(6))).size).toBeGreaterThan(3);
  });

  it("with exact entropy: Z and the entropy are float64 sums over every logit", async () => {
    const prompt = model.tokenize(PROMPT) as number[] as Token[];
    const [ref, ours] = [await referenceSteps(prompt, 4), await ourSteps("exact", prompt, 4)];
    for (let i = 0; i < 4; i++) {
      const s = float64Stats(ref[i]!.logits);
      const p = ours[i]!;
      expect(p.token).toBe(ref[i]!.token);
      expect(p.entropyExact).toBe(true);
      expect(p.entropy).toBeCloseTo(s.entropy, 12);
      expect(p.maxProb).toBeCloseTo(1 / s.z, 14);
      expect(p.top.map((t) => t.id)).toEqual(ref[i]!.logits.slice(0, K).map(([id]) => id));
      p.top.forEach((t, j) => expect(t.logprob).toBeCloseTo(ref[i]!.logits[j]![1] - s.max - Math.log(s.z), 12));
    }
  });

  it("is taken from 8,192 ids up: the toy model's 354 keep node-llama-cpp's sort, max-prob needs neither", async () => {
    const models = await Promise.all([
      LocalModel.load({path: toy.small(), threads: 1, gpu: false}),
      LocalModel.load({path: toy.small(), threads: 1, gpu: false, features: "max-prob"}),
      LocalModel.load({path, threads: 1, contextSize: 256, gpu: false, features: "max-prob"}),
    ]);
    try {
      expect(models.map((m) => m.topKPath)).toEqual(["sort", "none", "none"]);
    } finally {
      await Promise.all(models.map((m) => m.dispose()));
    }
  });

  it("answers only its own request: others on the same context pass through unchanged, and dispose() removes it", async () => {
    const prompt = model.tokenize(PROMPT) as LlamaToken[];
    const request = {token: true, totalLogitWeight: true, logits: {filter: {tokens: [] as LlamaToken[], includeTop: 5}}};
    const plain = await model.createContext({contextSize: 512, batchSize: 512, threads: 1});
    const patched = await model.createContext({contextSize: 512, batchSize: 512, threads: 1});
    const sequences = new Map([plain, patched].map((c) => [c, c.getSequence()]));
    const evaluate = async (context: LlamaContext, generateNext: object) => {
      const seq = sequences.get(context)!;
      await seq.clearHistory();
      const items = prompt.map((t, j) => (j === prompt.length - 1 ? [t, {generateNext}] : t));
      return (await seq.controlledEvaluate(items as never)).at(-1)!.next!;
    };
    try {
      const handle = installTopLogits(llama, model, patched, 3, false);
      expect(() => installTopLogits(llama, model, patched, 3, false)).toThrow(/already has/);
      const [a, b] = [await evaluate(plain, request), await evaluate(patched, request)];
      expect([...b.logits!]).toEqual([...a.logits!]);
      expect(b.totalLogitWeight).toBe(a.totalLogitWeight);
      const ours = await evaluate(patched, TOP_LOGITS_REQUEST);
      expect([...ours.logits!].map(([id]) => id)).toEqual([...a.logits!].slice(0, 3).map(([id]) => id));
      expect(ours.token).toBe(a.token);
      handle.dispose();
      expect(Object.hasOwn((patched as unknown as {_ctx: object})._ctx, "sampleToken")).toBe(false);
      // Unpatched, the marked request is the plain max-prob request again, which returns no logits:
      // node-llama-cpp 3.22.1's includeMax adds the max only when the filter already holds it
      // (AddonContext.cpp tests any_of where none_of was meant), so only Z and the token come back.
      expect([...(await evaluate(patched, TOP_LOGITS_REQUEST)).logits!]).toHaveLength(0);
    } finally {
      await plain.dispose();
      await patched.dispose();
    }
  });
});
