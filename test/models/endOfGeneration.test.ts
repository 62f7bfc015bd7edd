import {getLlama, LlamaLogLevel, type Token as LlamaToken} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {connectRemote, createRouter, decode, encodePrompt, loadPair, QWEN25_IDS, readVocabulary, type ModelPair} from "../../src/index.ts";
import {qwenTiny} from "../support/helpers.ts";
import {qwenSmallPrefersEndOfText} from "../support/qwen.ts";
import {spawnTlrServe, type ServerProcess} from "../support/spawn.ts";

/*
 * Generation ends where llama.cpp ends it: at any end-of-generation id of the model
 * (`llama_vocab_is_eog`), not only at the GGUF's EOS. Qwen2.5-Instruct's EOS is <|im_end|>, but a
 * raw prompt makes it end with <|endoftext|>. The tiny Qwen small model here is made to rank
 * <|endoftext|> first, so a run must stop after its first token.
 */
let plain: {small: string; large: string};
let endsAtOnce: string;
let pair: ModelPair;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  plain = await qwenTiny();
  endsAtOnce = await qwenSmallPrefersEndOfText();
  pair = await loadPair({small: {path: endsAtOnce, threads: 1, gpu: false}, large: {path: plain.large, threads: 1, gpu: false}});
});
afterAll(async () => {
  await pair?.dispose();
  for (const s of servers) await s.stop();
});

describe("end of generation", () => {
  it("a model's set is llama.cpp's: EOS, <|endoftext|> and every other id isEogToken names", async () => {
    const llama = await getLlama({gpu: false, maxThreads: 1, logLevel: LlamaLogLevel.error});
    const model = await llama.loadModel({modelPath: plain.small, vocabOnly: true});
    try {
      const scanned: number[] = [];
      for (let id = 0; id < 151_936; id++) if (model.isEogToken(id as LlamaToken)) scanned.push(id);
      expect(pair.small.tokenizer.eog).toEqual(scanned);
      expect(pair.small.info.eog).toEqual(scanned);
      expect(scanned).toContain(QWEN25_IDS.endOfText);
      expect(scanned).toContain(QWEN25_IDS.imEnd);
      expect(pair.small.tokenizer.eos).toBe(QWEN25_IDS.imEnd); // EOS alone would miss <|endoftext|>
    } finally {
      await model.dispose();
    }
  });

  it("a run stops after <|endoftext|>, not only after EOS", async () => {
    const prompt = encodePrompt(pair.small.tokenizer, "Question: Where do fish live?\nAnswer:");
    const run = await decode({prompt, small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, router: createRouter("always-small"), threshold: 0, maxTokens: 20});
    expect(run.generated).toEqual([QWEN25_IDS.endOfText]);
    expect(run.stats.stopReason).toBe("eos");
    expect(run.text).toBe("");
  });

  it("extra stop ids end a run with stop reason stop-token; with end of generation off, the run goes on", async () => {
    const prompt = encodePrompt(pair.small.tokenizer, "Question: Where do fish live?\nAnswer:");
    const common = {prompt, small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, router: createRouter("always-small"), threshold: 0, maxTokens: 6};
    const free = await decode({...common, stop: {eos: false}});
    expect(free.generated).toEqual(Array(6).fill(QWEN25_IDS.endOfText));
    const large = await decode({...common, router: createRouter("always-large"), stop: {eos: false}});
    const second = large.generated[1]!;
    const stopped = await decode({...common, router: createRouter("always-large"), stop: {eos: false, tokens: [second]}});
    expect(stopped.generated).toEqual(large.generated.slice(0, 2));
    expect(stopped.stats.stopReason).toBe("stop-token");
  });

  it("tlr serve says its set in /info; its /v1/completions stops there; a client takes the server's set", async () => {
    const server = await spawnTlrServe(endsAtOnce);
    servers.push(server);
    const info = (await (await fetch(`${server.url}/info`)).json()) as {model: {eog: number[]}};
    expect(info.model.eog).toEqual(pair.small.tokenizer.eog);
    const prompt = encodePrompt(pair.small.tokenizer, "Question: Where do fish live?\nAnswer:");
    const reply = (await (await fetch(`${server.url}/v1/completions`, {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({prompt, max_tokens: 8, temperature: 0})})).json()) as {
      choices: {finish_reason: string}[];
      usage: {completion_tokens: number};
    };
    expect(reply.choices[0]!.finish_reason).toBe("stop");
    expect(reply.usage.completion_tokens).toBe(1);
    const backend = await connectRemote({url: server.url, vocabulary: await readVocabulary(plain.small), tokenizer: pair.small.tokenizer});
    try {
      expect(backend.info.eog).toEqual(info.model.eog);
    } finally {
      backend.dispose();
    }
  });
});
