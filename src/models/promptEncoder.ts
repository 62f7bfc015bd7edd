import {TlrError} from "../util/errors.ts";
import {loadChatTemplate, type ChatTemplate} from "./chatTemplate.ts";
import type {Token} from "../core/Prediction.ts";
import {encodePrompt, type Tokenizer} from "../core/Tokenizer.ts";
import {readVocabulary} from "./vocabulary.ts";

/** Wrap prompts in the small model's chat template (`"chat"` in configs, `tlr generate --chat`). */
export interface ChatOptions {
  /** A system message. Absent: the template's own default (Qwen2.5-Instruct's adds "You are Qwen, …"), or none. */
  system?: string;
}

/** How a pair turns a task's prompt text into the ids both models start from. */
export interface PromptEncoder {
  /** "plain": the text as it is (BOS where the model wants one); "chat": inside the chat template. */
  readonly format: "plain" | "chat";
  encode(text: string): Token[];
  dispose(): Promise<void>;
}

export function plainPromptEncoder(tokenizer: Tokenizer, options: {special?: boolean} = {}): PromptEncoder {
  return {format: "plain", encode: (text) => encodePrompt(tokenizer, text, options), dispose: async () => {}};
}

/** Where the large model's chat template comes from: its GGUF, or what its server says (undefined: it does not say). */
export type LargeTemplateSource = {path: string} | {url: string; template: string | null | undefined};

/**
 * Prompts wrapped in the small model's chat template (its GGUF `tokenizer.chat_template`,
 * rendered by node-llama-cpp as Python's apply_chat_template would: see chatTemplate.ts). Token
 * ids are the truth of a run, so both models must turn the wrapped prompt into the same ids: with
 * the same template text (and the vocabulary the pair check already found shared) they do by
 * construction; a local large model with another template text has its own rendering compared
 * with the small model's for every prompt, and a difference is refused. A server that shows its
 * template (tlr serve, llama-server) must show the same text; one that does not (vLLM, SGLang)
 * cannot be checked, which `onWarning` says.
 */
export async function chatPromptEncoder(options: {small: string; large: LargeTemplateSource; chat: ChatOptions; onWarning?: (w: string) => void}): Promise<PromptEncoder> {
  const {small, large, chat} = options;
  const smallText = (await readVocabulary(small, "small model")).chatTemplate;
  if (smallText === undefined) throw new TlrError(`${small} has no chat template (GGUF tokenizer.chat_template): use a plain prompt (drop "chat" / --chat)`);
  let largeTemplate: ChatTemplate | undefined;
  if ("path" in large) {
    const largeText = (await readVocabulary(large.path, "large model")).chatTemplate;
    if (largeText === undefined) throw new TlrError(`${large.path} has no chat template, so the large model cannot read the prompt as the small model's template wraps it: use a plain prompt`);
    if (largeText !== smallText) largeTemplate = await loadChatTemplate(large.path);
  } else if (large.template === undefined) {
    options.onWarning?.(`${large.url} does not show its chat template: make sure its model uses the small model's, or the wrapped prompt means something else to it`);
  } else if (large.template !== smallText) {
    throw new TlrError(`the chat templates of ${small} and the model at ${large.url} differ, so a wrapped prompt would not be the same ids on both sides: use a plain prompt or a pair with one template`);
  }
  let smallTemplate: ChatTemplate;
  try {
    smallTemplate = await loadChatTemplate(small);
  } catch (error) {
    await largeTemplate?.dispose();
    throw error;
  }
  const encodeOptions = chat.system === undefined ? {} : {systemPrompt: chat.system};
  return {
    format: "chat",
    encode(text) {
      const ids = smallTemplate.encode(text, encodeOptions);
      if (largeTemplate) {
        const other = largeTemplate.encode(text, encodeOptions);
        const at = firstDifference(ids, other);
        if (at >= 0) {
          throw new TlrError(
            `the chat templates of ${small} and ${(large as {path: string}).path} wrap the prompt into different ids (position ${at}: ${ids[at] ?? "end"} vs ${other[at] ?? "end"}): use a plain prompt or a pair with one template`,
          );
        }
      }
      return ids;
    },
    dispose: async () => {
      await smallTemplate.dispose();
      await largeTemplate?.dispose();
    },
  };
}

function firstDifference(a: readonly Token[], b: readonly Token[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
