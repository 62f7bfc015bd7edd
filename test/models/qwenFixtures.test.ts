import {createHash} from "node:crypto";
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {getLlama, LlamaLogLevel, readGgufFileInfo, type Llama, type LlamaModel, type Token as LlamaToken} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {cachedSyntheticGguf, checkVocabularies, loadChatTemplate, writeSyntheticGguf, type SyntheticModelRecipe} from "../../src/index.ts";
import {bundledQwenVocab} from "../../src/models/fixtures/bundledQwenVocab.ts";
import {QWEN25_ADDED_TOKENS} from "../../src/models/fixtures/qwen25Tokenizer.ts";
import {qwenFixtureRecipe} from "../../src/models/fixtures/qwenFixtures.ts";
import type {TensorType} from "../../src/models/fixtures/tensorEncoding.ts";
import {qwenTiny, vocab} from "../support/helpers.ts";
import {tempDir} from "../support/tempDir.ts";

let pair: {small: string; large: string};
let llama: Llama;
const loaded: LlamaModel[] = [];
beforeAll(async () => {
  pair = await qwenTiny();
  llama = await getLlama({gpu: false, maxThreads: 1, logLevel: LlamaLogLevel.error});
});
afterAll(async () => {
  for (const m of loaded) await m.dispose();
});
async function load(modelPath: string, vocabOnly = false): Promise<LlamaModel> {
  const m = await llama.loadModel({modelPath, vocabOnly});
  loaded.push(m);
  return m;
}
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("the tiny Qwen2.5-shaped pair (src/models/fixtures)", () => {
  it("is qwen2 with q/k/v biases, grouped-query attention, rope base 1e6 and the real row counts; both load and decode", async () => {
    for (const [path, rows, tied] of [[pair.small, 151_936, true], [pair.large, 152_064, false]] as const) {
      const info = await readGgufFileInfo(path, {logWarnings: false});
      const md = info.metadata as unknown as {general: {architecture: string}; qwen2: {attention: {head_count: number; head_count_kv: number}; rope: {freq_base: number}; context_length: number}; tokenizer: {ggml: {tokens: string[]}}};
      expect(md.general.architecture).toBe("qwen2");
      expect(md.qwen2.attention).toMatchObject({head_count: 4, head_count_kv: 2});
      expect(md.qwen2.rope.freq_base).toBe(1_000_000);
      expect(md.qwen2.context_length).toBe(32_768);
      expect(md.tokenizer.ggml.tokens).toHaveLength(rows);
      const tensors = new Map(info.fullTensorInfo!.map((t) => [t.name, t.dimensions.map(Number)]));
      expect(tensors.get("token_embd.weight")).toEqual([64, rows]);
      expect(tensors.get("blk.0.attn_k.weight")).toEqual([64, 32]); // 2 KV heads of 16
      expect(tensors.get("blk.0.attn_q.bias")).toEqual([64]);
      expect(tensors.get("blk.0.attn_v.bias")).toEqual([32]);
      expect(tensors.has("output.weight")).toBe(!tied);
      const model = await load(path);
      expect(model.fileInfo.metadata.general.architecture).toBe("qwen2");
      const ctx = await model.createContext({contextSize: 256, threads: 1});
      try {
        const prompt = model.tokenize("Hello, world");
        const out = await ctx.getSequence().controlledEvaluate(prompt.map((t, i) => (i === prompt.length - 1 ? [t, {generateNext: {token: true, logits: true}}] : t)) as never);
        expect(out.at(-1)!.next.logits!.size).toBe(rows); // llama.cpp's n_vocab: one logit per output row
        expect(out.at(-1)!.next.token).toBeLessThan(rows);
      } finally {
        await ctx.dispose();
      }
    }
  });

  it("declares Qwen2.5-Instruct's special tokens: EOS <|im_end|>, BOS <|endoftext|> not added, and llama.cpp's end-of-generation set", async () => {
    const model = await load(pair.small);
    expect(model.tokens.eos).toBe(151_645);
    expect(model.tokens.bos).toBe(151_643);
    expect(model.tokens.shouldPrependBosToken).toBe(false);
    const eog: number[] = [];
    for (let id = 0; id < 151_936; id++) if (model.isEogToken(id as LlamaToken)) eog.push(id);
    // <|endoftext|>, <|im_end|>, and the fim tokens <|fim_pad|>, <|repo_name|>, <|file_sep|>
    // (llama-vocab.cpp adds FIM pad/rep/sep to EOG), plus 128247, the regular token "</s>", which
    // this llama.cpp also counts as EOG by its text (its list names "</s>" for paddleocr): so
    // would a real Qwen2.5 GGUF here.
    expect(eog).toEqual([128_247, 151_643, 151_645, 151_662, 151_663, 151_664]);
    const tokens = (await readGgufFileInfo(pair.small, {logWarnings: false})).metadata.tokenizer.ggml.tokens;
    expect(tokens[128_247]).toBe("</s>");
    expect(tokens.slice(151_643, 151_665)).toEqual(QWEN25_ADDED_TOKENS.map((t) => t.text));
    expect(tokens[151_665]).toBe("[PAD151665]");
    expect(tokens.at(-1)).toBe("[PAD151935]");
  });

  it("tokenizes text as the vocabulary GGUF does, and Qwen2.5's added tokens as single ids", async () => {
    const [fixture, reference] = [await load(pair.small), await load(vocab.qwen2(), true)];
    for (const text of ["Question: What is 47 + 385?\nAnswer: 432", "  héllo wörld 🚀 12345 I've", "<|im_start|>user\nHi<|im_end|>\n"]) {
      expect(fixture.tokenize(text, true)).toEqual(reference.tokenize(text, true));
      expect(fixture.tokenize(text)).toEqual(reference.tokenize(text));
    }
    expect(fixture.tokenize("<tool_call>", true)).toEqual([151_657]);
    expect(fixture.tokenize("<|fim_prefix|><|file_sep|>", true)).toEqual([151_659, 151_664]);
    expect(fixture.detokenize([151_657, 151_658] as LlamaToken[], true)).toBe("<tool_call></tool_call>");
  });

  it("renders a user message through loadChatTemplate to Qwen2.5's exact ChatML, default system message included", async () => {
    const chat = await loadChatTemplate(pair.small);
    const model = await load(pair.small, true);
    try {
      const expected = "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat is 2 + 2?<|im_end|>\n<|im_start|>assistant\n";
      const ids = chat.encode("What is 2 + 2?");
      expect(model.detokenize(ids as LlamaToken[], true)).toBe(expected);
      expect(ids).toEqual(model.tokenize(expected, true));
      expect(ids[0]).toBe(151_644);
      const withSystem = chat.encode("Hi", {systemPrompt: "Answer briefly."});
      expect(model.detokenize(withSystem as LlamaToken[], true)).toBe("<|im_start|>system\nAnswer briefly.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    } finally {
      await chat.dispose();
    }
  });

  it("passes the vocabulary check as a padded pair (151,936 vs 152,064 rows)", async () => {
    const check = await checkVocabularies(pair.small, pair.large);
    expect(check.sharedSize).toBe(151_936);
    expect(check.warnings).toEqual([expect.stringMatching(/vocabulary sizes differ by 128 padding ids/)]);
  });

  it("writes the same bytes for the same seed, other bytes for another, and comes from the cache after the first use", async () => {
    const [a, b] = [tempDir(), tempDir()];
    const recipe = qwenFixtureRecipe("tiny-small", {vocabPath: vocab.qwen2()});
    const first = await cachedSyntheticGguf(recipe, "x", a);
    const second = await cachedSyntheticGguf(recipe, "x", b);
    expect(first.created && second.created).toBe(true);
    expect(sha256(first.path)).toBe(sha256(second.path));
    expect(sha256(first.path)).toBe(sha256(pair.small));
    const again = await cachedSyntheticGguf(recipe, "x", a);
    expect(again).toMatchObject({path: first.path, created: false});
    const other = await cachedSyntheticGguf({...recipe, seed: 2}, "x", a);
    expect(other.path).not.toBe(first.path);
    expect(sha256(other.path)).not.toBe(sha256(first.path));
  });
});

describe("Qwen2's vocabulary without the shared folder", () => {
  it("is extracted from node-llama-cpp's llama.cpp bundle, byte for byte the shared copy, once", () => {
    const dir = tempDir();
    const path = bundledQwenVocab(dir);
    expect(sha256(path)).toBe(sha256(vocab.qwen2()));
    expect(bundledQwenVocab(dir)).toBe(path);
  });
});

describe("the writer's encodings, read back by llama.cpp", () => {
  it("f16 and Q8_0 models predict what the f32 model does, within their rounding", async () => {
    const dir = tempDir();
    const recipe = (weights: TensorType): SyntheticModelRecipe => ({
      architecture: "qwen2", name: `enc-${weights}`, hidden: 64, layers: 2, heads: 4, kvHeads: 2, ffn: 128, tiedEmbeddings: false,
      contextLength: 512, ropeFreqBase: 1e6, rmsEpsilon: 1e-6, weights, seed: 7, tokenizer: {kind: "synthetic", size: 512},
    });
    const logits: Record<string, number[]> = {};
    for (const weights of ["f32", "f16", "q8_0"] as const) {
      const path = join(dir, `${weights}.gguf`);
      await writeSyntheticGguf(path, recipe(weights));
      const model = await load(path);
      const ctx = await model.createContext({contextSize: 128, threads: 1});
      const prompt = [1, 300, 301, 302, 303] as LlamaToken[];
      const out = await ctx.getSequence().controlledEvaluate(prompt.map((t, i) => (i === prompt.length - 1 ? [t, {generateNext: {logits: true}}] : t)) as never);
      logits[weights] = [...out.at(-1)!.next.logits!].sort((x, y) => x[0] - y[0]).map(([, l]) => l);
      await ctx.dispose();
    }
    const f32 = logits.f32!;
    const std = Math.sqrt(f32.reduce((s, l) => s + l * l, 0) / f32.length);
    expect(std).toBeGreaterThan(1); // LOGIT_STD: a spread-out distribution, not a flat one
    const maxDiff = (xs: number[]) => Math.max(...xs.map((l, i) => Math.abs(l - f32[i]!)));
    expect(maxDiff(logits.f16!)).toBeLessThan(0.01 * std);
    expect(maxDiff(logits.q8_0!)).toBeLessThan(0.1 * std);
    const corr = (xs: number[]) => xs.reduce((s, l, i) => s + l * f32[i]!, 0) / Math.sqrt(xs.reduce((s, l) => s + l * l, 0) * f32.reduce((s, l) => s + l * l, 0));
    expect(corr(logits.q8_0!)).toBeGreaterThan(0.999); // a misread block layout would give unrelated logits
    expect(maxDiff(logits.q8_0!)).toBeGreaterThan(0); // really quantized
    const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));
    expect(argmax(logits.q8_0!)).toBe(argmax(f32));
  });
});
