import {basename} from "node:path";
import {describe, expect, it} from "vitest";
import {checkVocabularies, inspectModelFile, readVocabulary, TlrError, type VocabularyInfo} from "../../src/index.ts";
import {compareVocabularies} from "../../src/models/vocabulary.ts";
import {vocab} from "../support/helpers.ts";

describe("vocabulary check from GGUF metadata", () => {
  it("refuses qwen2 against llama-spm, naming both files and the first difference", async () => {
    const run = checkVocabularies(vocab.qwen2(), vocab.llamaSpm());
    await expect(run).rejects.toThrow(TlrError);
    await expect(run).rejects.toThrow(vocab.qwen2());
    await expect(run).rejects.toThrow(vocab.llamaSpm());
    await expect(run).rejects.toThrow(/tokenizer type \(ggml-vocab-qwen2.gguf: gpt2, ggml-vocab-llama-spm.gguf: llama\)/);
  });

  it("accepts qwen2 against qwen35 with a pre-tokenizer warning", async () => {
    const check = await checkVocabularies(vocab.qwen2(), vocab.qwen35());
    expect(check.sharedSize).toBe(151936);
    expect(check.warnings).toHaveLength(1);
    expect(check.warnings[0]).toMatch(/pre-tokenizers differ \(ggml-vocab-qwen2.gguf: qwen2, ggml-vocab-qwen35.gguf: qwen35\)/);
  });

  it("reads vocabulary-only files, which hold no weights a model load could use", async () => {
    // These files have tokenizers and zero tensors: the check above cannot have loaded weights.
    await expect(inspectModelFile(vocab.qwen2())).rejects.toThrow(/holds no weights/);
    const v = await readVocabulary(vocab.qwen2());
    expect(v.tokens).toHaveLength(151936);
  });

  describe("on constructed vocabularies", () => {
    const base: VocabularyInfo = {
      path: "/m/small.gguf",
      type: "llama",
      pre: "default",
      tokens: ["<unk>", "<s>", "</s>", "a", "b", "c"],
      merges: undefined,
      bos: 1,
      eos: 2,
      addBos: true,
      addEos: false,
    };
    const other = (change: Partial<VocabularyInfo>): VocabularyInfo => ({...base, path: "/m/large.gguf", ...change});

    it("names the first differing token id", () => {
      expect(() => compareVocabularies(base, other({tokens: ["<unk>", "<s>", "</s>", "a", "B", "C"]}))).toThrow(
        'differ in token 4 (small.gguf: "b", large.gguf: "B")',
      );
    });

    it("refuses different BOS/EOS ids and add-BOS/EOS flags", () => {
      expect(() => compareVocabularies(base, other({bos: 0}))).toThrow(/BOS id \(small.gguf: 1, large.gguf: 0\)/);
      expect(() => compareVocabularies(base, other({eos: 3}))).toThrow(/EOS id/);
      expect(() => compareVocabularies(base, other({addBos: false}))).toThrow(/add_bos_token/);
      expect(() => compareVocabularies(base, other({addEos: undefined}))).toThrow(/add_eos_token \(small.gguf: false, large.gguf: unset\)/);
    });

    it("allows up to 128 padding ids with a warning, refuses more", () => {
      const padded = (n: number) => other({tokens: [...base.tokens, ...Array.from({length: n}, (_, i) => `<pad${i}>`)]});
      const ok = compareVocabularies(base, padded(128));
      expect(ok.sharedSize).toBe(6);
      expect(ok.warnings.join()).toMatch(/differ by 128 padding ids/);
      expect(() => compareVocabularies(base, padded(129))).toThrow(/vocabulary size/);
    });

    it("warns, without refusing, when merges differ", () => {
      const check = compareVocabularies({...base, merges: ["a b"]}, other({merges: ["b c"]}));
      expect(check.warnings.join()).toMatch(/BPE merges differ/);
    });

    it("accepts identical vocabularies silently", () => {
      expect(compareVocabularies(base, other({}))).toEqual({warnings: [], sharedSize: 6});
      expect(basename(base.path)).toBe("small.gguf");
    });
  });
});
