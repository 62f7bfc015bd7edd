import {getLlama, LlamaLogLevel, type Token as LlamaToken} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {
  connectRemote,
  createRouter,
  decode,
  encodePrompt,
  loadPair,
  LocalModel,
  readVocabulary,
  type DecodeResult,
  type ModelPair,
  type RemoteProtocol,
  type TokenModel,
} from "../../src/index.ts";
import {qwenTiny} from "../support/helpers.ts";
import {PADDING_ROW, qwenLargePrefersPadding} from "../support/qwen.ts";
import {spawnTlrServe, type ServerProcess} from "../support/spawn.ts";

/*
 * Qwen2.5-32B has 152,064 output rows, Qwen2.5-0.5B 151,936: the large model may rank a padding
 * row first, an id the small model does not have. No run may abort for it: the large model's
 * token is its best shared id, and the record says the argmax was padding. The tiny Qwen large
 * model here ranks padding row 152,000 first at every position.
 */
const SHARED = 151_936;
const MAX = 8;
let paths: {small: string; large: string};
let pair: ModelPair;
let prompt: number[];
let local: DecodeResult;
const servers: ServerProcess[] = [];

/** The large model's best id below SHARED after each prefix, by a plain node-llama-cpp loop (prompt in one batch, then token by token). */
async function referenceSharedGreedy(modelPath: string, promptIds: readonly number[], steps: number): Promise<{tokens: number[]; argmax: number[]}> {
  const llama = await getLlama({gpu: false, maxThreads: 1, logLevel: LlamaLogLevel.error});
  const model = await llama.loadModel({modelPath});
  const context = await model.createContext({contextSize: 256, threads: 1});
  try {
    const seq = context.getSequence();
    const tokens: number[] = [];
    const argmax: number[] = [];
    let pending: number[] = [...promptIds];
    for (let i = 0; i < steps; i++) {
      const request = {generateNext: {token: true, logits: {filter: {tokens: [], includeTop: 200}}}};
      const out = await seq.controlledEvaluate(pending.map((t, j) => (j === pending.length - 1 ? [t as LlamaToken, request] : (t as LlamaToken))) as never);
      const next = out.at(-1)!.next as {token: number; logits: Map<number, number>};
      argmax.push(next.token);
      const best = [...next.logits.keys()].find((id) => id < SHARED)!;
      tokens.push(best);
      pending = [best];
    }
    return {tokens, argmax};
  } finally {
    await context.dispose();
    await model.dispose();
  }
}

async function run(large: TokenModel): Promise<DecodeResult> {
  await pair.small.reset();
  return decode({prompt, small: pair.small, large, tokenizer: pair.small.tokenizer, router: createRouter("always-large"), threshold: 0, maxTokens: MAX, stop: {eos: false}});
}

beforeAll(async () => {
  paths = {small: (await qwenTiny()).small, large: await qwenLargePrefersPadding()};
  pair = await loadPair({small: {path: paths.small, threads: 1, gpu: false}, large: {path: paths.large, threads: 1, gpu: false}});
  prompt = encodePrompt(pair.small.tokenizer, "Question: Which is heavier, a kilo of lead or a kilo of feathers?\nAnswer:");
  local = await run(pair.large);
});
afterAll(async () => {
  await pair?.dispose();
  for (const s of servers) await s.stop();
});

describe("a large model that prefers a padding row", () => {
  it("the pair shares 151,936 ids; the local run finishes, every token is the best shared id of an independent loop, marked padded", async () => {
    expect(pair.vocabulary.sharedSize).toBe(SHARED);
    const ref = await referenceSharedGreedy(paths.large, prompt, MAX);
    expect(ref.argmax).toEqual(Array(MAX).fill(PADDING_ROW)); // the fixture does what it says
    expect(local.generated).toEqual(ref.tokens);
    expect(local.stats.stopReason).toBe("max-tokens");
    for (const r of local.records) {
      expect(r.source).toBe("large");
      expect(r.large!.padded).toBe(true);
      expect(r.large!.top[0]!.id).toBe(PADDING_ROW); // the features still describe the whole distribution
      expect(r.id).toBeLessThan(SHARED);
      expect(r.small?.padded).toBeUndefined();
    }
  });

  it("with max-prob features (no top-K read) the model reads its batch again and picks the same token", async () => {
    const lean = await LocalModel.load({path: paths.large, threads: 1, gpu: false, features: "max-prob", vocabLimit: SHARED});
    try {
      const transcript = [...prompt];
      for (const r of local.records) {
        const p = (await lean.next(transcript)).prediction;
        expect(p.token).toBe(r.id);
        expect(p.padded).toBe(true);
        expect(p.maxProb).toBeCloseTo(r.large!.maxProb, 5);
        transcript.push(r.id);
      }
    } finally {
      await lean.dispose();
    }
  });

  async function remoteRun(url: string, protocol: RemoteProtocol, topK: number | undefined): Promise<DecodeResult> {
    const backend = await connectRemote({url, protocol, topK, vocabulary: await readVocabulary(paths.small), tokenizer: pair.small.tokenizer});
    try {
      const model = backend.createModel();
      const r = await run(model);
      await model.dispose();
      return r;
    } finally {
      backend.dispose();
    }
  }

  // tlr serve --top-k 1: its session replies carry the top-1 alone, which is the padding row.
  it("behind tlr serve: the client takes the best shared id of the reply's top-K, the same tokens as locally", async () => {
    const server = await spawnTlrServe(paths.large, ["--top-k", "1"]);
    servers.push(server);
    const r = await remoteRun(server.url, "openai", 10); // more than --top-k: the server reads them for this request
    expect(r.generated).toEqual(local.generated);
    expect(r.records.every((x) => x.large!.padded === true && x.wire!.requests === 1)).toBe(true);
  });

  it("when none of the top-K is shared, the client asks again for more, and still gets the local tokens", async () => {
    const server = servers[0]!;
    for (const [protocol, topK] of [["session", undefined], ["openai", 1]] as const) {
      const r = await remoteRun(server.url, protocol, topK);
      expect(r.generated, protocol).toEqual(local.generated);
      expect(r.records.every((x) => x.large!.padded === true && x.wire!.requests === 2)).toBe(true);
    }
  });
});
