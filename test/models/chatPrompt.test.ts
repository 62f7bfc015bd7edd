import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {chatPromptEncoder, loadChatTemplate, loadTokenizer, QWEN25_IDS, readVocabulary, TlrError, type Tokenizer} from "../../src/index.ts";
import {tlr} from "../support/run.ts";
import {qwenTiny} from "../support/helpers.ts";
import {qwenLargeWithBareChatml} from "../support/qwen.ts";

/*
 * Instruct models are trained on their chat template: `"chat"` in configs and `tlr generate
 * --chat` wrap the task prompt in the small model's template. Ids are the truth of a run, so both
 * models must turn the wrapped prompt into the same ids, else the run is refused.
 */
const QUESTION = "Question: Where do fish live?\nAnswer:";
let pair: {small: string; large: string};
let tokenizer: Tokenizer;
let disposeTokenizer: () => Promise<void>;

beforeAll(async () => {
  pair = await qwenTiny();
  ({tokenizer, dispose: disposeTokenizer} = await loadTokenizer(pair.small));
});
afterAll(async () => {
  await disposeTokenizer?.();
});

describe("chat prompts", () => {
  it("wrap the prompt in the small model's template (Qwen2.5's default system message when none is given)", async () => {
    const encoder = await chatPromptEncoder({small: pair.small, large: {path: pair.large}, chat: {}});
    const template = await loadChatTemplate(pair.small);
    try {
      const ids = encoder.encode(QUESTION);
      expect(encoder.format).toBe("chat");
      expect(ids).toEqual(template.encode(QUESTION));
      expect(ids[0]).toBe(QWEN25_IDS.imStart);
      expect(tokenizer.detokenize(ids, undefined, true)).toBe(
        `<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\n${QUESTION}<|im_end|>\n<|im_start|>assistant\n`,
      );
    } finally {
      await encoder.dispose();
      await template.dispose();
    }
  });

  it("take a system message", async () => {
    const encoder = await chatPromptEncoder({small: pair.small, large: {path: pair.large}, chat: {system: "Answer in one word."}});
    try {
      const text = tokenizer.detokenize(encoder.encode(QUESTION), undefined, true);
      expect(text.startsWith("<|im_start|>system\nAnswer in one word.<|im_end|>\n<|im_start|>user\n")).toBe(true);
      expect(text).not.toContain("You are Qwen");
    } finally {
      await encoder.dispose();
    }
  });

  it("are refused with one line when the large model's template wraps the prompt into other ids", async () => {
    const other = await qwenLargeWithBareChatml();
    const encoder = await chatPromptEncoder({small: pair.small, large: {path: other}, chat: {}});
    try {
      expect(() => encoder.encode(QUESTION)).toThrow(TlrError);
      expect(() => encoder.encode(QUESTION)).toThrow(/chat templates of .* wrap the prompt into different ids \(position 1: \d+ vs \d+\): use a plain prompt/);
    } finally {
      await encoder.dispose();
    }
    // With a system message both templates write the same ids: the check is on ids, not on template text.
    const same = await chatPromptEncoder({small: pair.small, large: {path: other}, chat: {system: "Be brief."}});
    try {
      expect(same.encode(QUESTION)[0]).toBe(QWEN25_IDS.imStart);
    } finally {
      await same.dispose();
    }
  });

  it("behind a server: its template text must be the small model's; a server that does not show it gets a warning", async () => {
    const mine = (await readVocabulary(pair.small)).chatTemplate!;
    const warnings: string[] = [];
    const ok = await chatPromptEncoder({small: pair.small, large: {url: "http://gpu-box:8080", template: mine}, chat: {}, onWarning: (w) => warnings.push(w)});
    await ok.dispose();
    expect(warnings).toEqual([]);
    await expect(chatPromptEncoder({small: pair.small, large: {url: "http://gpu-box:8080", template: "{{ messages }}"}, chat: {}})).rejects.toThrow(/chat templates of .* and the model at http:\/\/gpu-box:8080 differ/);
    const unknown = await chatPromptEncoder({small: pair.small, large: {url: "http://gpu-box:8080", template: undefined}, chat: {}, onWarning: (w) => warnings.push(w)});
    await unknown.dispose();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/does not show its chat template/);
  });

  it("tlr generate --chat --system: the prompt ids are the template's, and the run says its prompt format", async () => {
    const args = ["generate", "--small", pair.small, "--large", pair.large, "--router", "max-prob", "--threshold", "0.5", "--max-tokens", "3", "--small-threads", "1", "--large-threads", "1", "--gpu", "false", "--prompt", QUESTION, "--json"];
    const chat = await tlr([...args, "--chat", "--system", "Answer in one word."]);
    expect(chat.code, chat.stderr).toBe(0);
    const run = JSON.parse(chat.stdout) as {run: {promptFormat: string; promptIds: number[]}};
    expect(run.run.promptFormat).toBe("chat");
    expect(tokenizer.detokenize(run.run.promptIds, undefined, true)).toBe(`<|im_start|>system\nAnswer in one word.<|im_end|>\n<|im_start|>user\n${QUESTION}<|im_end|>\n<|im_start|>assistant\n`);
    const bad = await tlr([...args, "--system", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("tlr: error: --system goes with --chat");
  });
});
