import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {connectRemote, loadTokenizer, readVocabulary} from "../../src/index.ts";
import {tiny, vocab} from "../support/helpers.ts";
import {spawnLlamaServer, spawnTlrServe, type ServerProcess} from "../support/spawn.ts";

let tlr: ServerProcess, llama: ServerProcess;
beforeAll(async () => {
  [tlr, llama] = await Promise.all([spawnTlrServe(tiny.large()), spawnLlamaServer(tiny.large())]);
});
afterAll(async () => {
  await Promise.all([tlr?.stop(), llama?.stop()]);
});

describe("the remote vocabulary check, before anything is decoded", () => {
  it("tlr serve: token by token, as for a local pair", async () => {
    const ok = await connectRemote({url: tlr.url, vocabulary: await readVocabulary(tiny.small())});
    expect(ok.vocabulary).toEqual({warnings: [], sharedSize: 512});
    ok.dispose();
    await expect(connectRemote({url: tlr.url, vocabulary: await readVocabulary(vocab.qwen2())})).rejects.toThrow(
      new RegExp(`incompatible vocabularies: .*ggml-vocab-qwen2.gguf and ${tlr.url}/ differ in tokenizer type`),
    );
  });

  it("llama-server: size, type, BOS/EOS and the text of every id", async () => {
    const small = await loadTokenizer(tiny.small());
    try {
      const ok = await connectRemote({url: llama.url, vocabulary: await readVocabulary(tiny.small()), tokenizer: small.tokenizer});
      expect(ok.server).toBe("llama.cpp");
      expect(ok.warnings).toEqual([]);
      ok.dispose();
      await expect(connectRemote({url: llama.url, vocabulary: await readVocabulary(vocab.qwen2())})).rejects.toThrow(/incompatible vocabularies: .* differ in vocabulary size \(151\d+ vs 512\)/);
      // Without the small model's tokenizer the token text cannot be compared, and the user is told.
      const partial = await connectRemote({url: llama.url, vocabulary: await readVocabulary(tiny.small())});
      expect(partial.warnings.join("\n")).toMatch(/token text of .* was not checked/);
      partial.dispose();
    } finally {
      await small.dispose();
    }
  });
});
