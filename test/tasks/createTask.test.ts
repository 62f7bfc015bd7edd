import {describe, expect, it} from "vitest";
import {createTask, encodePrompt, loadChatTemplate, loadDataset, loadTokenizer, type Example} from "../../src/index.ts";
import {sharedPath, tiny, vocab} from "../support/helpers.ts";

const door: Example = {
  id: "1afa02df02c908a558b4036e80242fac",
  question: "A revolving door is convenient for two direction travel, but it also serves as a security measure at a what?",
  choices: ["bank", "library", "department store", "mall", "new york"].map((text, i) => ({label: "ABCDE"[i]!, text})),
  answer: "A",
  source: {dataset: "commonsense_qa", split: "validation"},
};

// CITER's prompt as DESIGN §1 quotes it from the paper's code.
const CITER_DOOR =
  "Question: A revolving door is convenient for two direction travel, but it also serves as a security measure at a what?\n" +
  "Choices:\nA. bank\nB. library\nC. department store\nD. mall\nE. new york\n" +
  "Please format your response in the following way:\n" +
  "[Explanation]. Therefore, the answer is answer (label).\n" +
  "Ensure the final sentence includes the answer followed by the label in parentheses.\n" +
  "Answer and Reasoning:";

describe("createTask: prompt format + extractor + scorer, named dataset:format", () => {
  it("CommonsenseQA defaults to CITER's prompt, verbatim", () => {
    const task = createTask("commonsense_qa");
    expect(task).toMatchObject({name: "commonsense_qa:citer", dataset: "commonsense_qa", format: "citer"});
    expect(task.prompt(door)).toBe(CITER_DOOR);
  });

  it("the zero-shot letter prompt in lm-evaluation-harness style", () => {
    const task = createTask("commonsense_qa:letter");
    expect(task.prompt(door)).toBe(`Question: ${door.question}\nA. bank\nB. library\nC. department store\nD. mall\nE. new york\nAnswer:`);
    expect(task.stop).toEqual(["\n"]);
    expect(task.extract(" A", door)).toEqual({answer: "A", rule: "letter-at-start"});
    expect(task.score("A", door)).toBe(true);
    expect(task.score("B", door)).toBe(false);
    expect(task.score(null, door)).toBe(false);
  });

  it("defaults per dataset, and any JSONL path in CommonsenseQA's format is a multiple-choice dataset", () => {
    expect(["toy_arith", "gsm8k", "arc_challenge", "mmlu", "piqa", "data/my_questions.jsonl", "C:\\data\\mine.jsonl:letter"].map((n) => createTask(n).name)).toEqual([
      "toy_arith:toy",
      "gsm8k:qa",
      "arc_challenge:citer",
      "mmlu:citer",
      "piqa:citer",
      "data/my_questions.jsonl:citer",
      "C:\\data\\mine.jsonl:letter",
    ]);
  });

  it("GSM8K's prompt and stop", () => {
    const task = createTask("gsm8k:qa");
    const q: Example = {id: "x", question: "Janet has 3 ducks. How many?", choices: [], answer: "3", source: {dataset: "gsm8k", split: "test"}};
    expect(task.prompt(q)).toBe("Question: Janet has 3 ducks. How many?\nAnswer:");
    expect(task.stop).toEqual(["Question:"]);
  });

  it("a format that does not fit the dataset, or none that exists, is a one-line error", () => {
    expect(() => createTask("gsm8k:citer")).toThrow('format "citer" does not fit gsm8k (a numeric dataset): use qa');
    expect(() => createTask("commonsense_qa:qa")).toThrow('format "qa" does not fit commonsense_qa (a multiple-choice dataset): use citer or letter or toy');
    expect(() => createTask("commonsense_qa:chat")).toThrow('unknown task format "chat": use one of citer, letter, toy, qa');
    expect(() => createTask("squad")).toThrow(/^unknown dataset "squad"/);
  });
});

describe("prompts as token ids for a model", () => {
  it("BOS exactly when the model wants one: Llama's SentencePiece vocabulary yes, Qwen2's no", async () => {
    const prompt = createTask("commonsense_qa").prompt(door);
    const llama = await loadTokenizer(vocab.llamaSpm());
    const qwen = await loadTokenizer(vocab.qwen2());
    try {
      const llamaIds = encodePrompt(llama.tokenizer, prompt);
      expect(llama.tokenizer.addsBos).toBe(true);
      expect(llamaIds[0]).toBe(llama.tokenizer.bos);
      expect(llamaIds.slice(1)).toEqual(llama.tokenizer.tokenize(prompt));
      const qwenIds = encodePrompt(qwen.tokenizer, prompt);
      expect(qwen.tokenizer.addsBos).toBe(false);
      expect(qwenIds).toEqual(qwen.tokenizer.tokenize(prompt));
      expect(qwen.tokenizer.detokenize(qwenIds)).toBe(prompt);
    } finally {
      await Promise.all([llama.dispose(), qwen.dispose()]);
    }
  });

  it("a model's own chat template wraps the task prompt as the user's turn, ready for the reply", async () => {
    const prompt = createTask("commonsense_qa").prompt(door);
    const chat = await loadChatTemplate(vocab.qwen2());
    const qwen = await loadTokenizer(vocab.qwen2());
    try {
      // Qwen2's template, rendered as Python's apply_chat_template(add_generation_prompt=True) does.
      const expected = `<|im_start|>system\nYou are a helpful assistant<|im_end|>\n<|im_start|>user\n${prompt}<|im_end|>\n<|im_start|>assistant\n`;
      expect(chat.wrapper).toBe("JinjaTemplate");
      expect(chat.encode(prompt)).toEqual(qwen.tokenizer.tokenize(expected, true));
      expect(chat.encode("Hi", {systemPrompt: "Answer briefly."})).toEqual(
        qwen.tokenizer.tokenize("<|im_start|>system\nAnswer briefly.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", true),
      );
    } finally {
      await Promise.all([chat.dispose(), qwen.dispose()]);
    }
  });

  it("a model without a chat template is an error, not a guessed template", async () => {
    await expect(loadChatTemplate(tiny.large())).rejects.toThrow(/stories260K\.gguf has no chat template \(GGUF tokenizer\.chat_template\): use a plain prompt format instead$/);
  });

  it("building all 1221 CommonsenseQA validation prompts gives distinct prompts that each end CITER's way", async () => {
    const d = await loadDataset("commonsense_qa", {dataDir: sharedPath("data")});
    const task = createTask("commonsense_qa");
    const prompts = d.examples.map((e) => task.prompt(e));
    expect(new Set(prompts).size).toBe(1221);
    expect(prompts.every((p) => p.startsWith("Question: ") && p.endsWith("\nAnswer and Reasoning:") && p.includes("\nE. "))).toBe(true);
  });
});
