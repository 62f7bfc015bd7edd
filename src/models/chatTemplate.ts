import {resolveChatWrapper, type ChatHistoryItem, type LlamaModel} from "node-llama-cpp";
import {TlrError, errorMessage} from "../util/errors.ts";
import {readHeader} from "./gguf.ts";
import {getRuntime} from "./runtime.ts";
import type {Token} from "../core/Prediction.ts";

export interface ChatEncodeOptions {
  /** A system message before the user's. Default: none (templates that insist on one add their own). */
  systemPrompt?: string;
}

/** A model's own chat template, turning a prompt text into the ids of a chat ready for the model's reply. */
export interface ChatTemplate {
  /** The node-llama-cpp chat wrapper that renders the template ("JinjaTemplate"). */
  readonly wrapper: string;
  /** `text` as the user's message, then the opening of the model's turn, as token ids (BOS as the template writes it). */
  encode(text: string, options?: ChatEncodeOptions): Token[];
  dispose(): Promise<void>;
}

/**
 * The chat template of a GGUF (its `tokenizer.chat_template`), through node-llama-cpp:
 * resolveChatWrapper (its Jinja template) → generateContextState with an empty model turn last →
 * tokenize. Loads the
 * vocabulary only. A model without a template is an error: a task's plain prompt is the honest
 * choice then, not a guessed template.
 */
export async function loadChatTemplate(path: string): Promise<ChatTemplate> {
  const header = await readHeader(path, "model");
  if (!header.metadata.tokenizer?.chat_template) {
    throw new TlrError(`${path} has no chat template (GGUF tokenizer.chat_template): use a plain prompt format instead`);
  }
  const llama = await getRuntime(false);
  let model: LlamaModel;
  try {
    model = await llama.loadModel({modelPath: path, vocabOnly: true});
  } catch (error) {
    throw new TlrError(`tokenizer of ${path} could not be loaded: ${errorMessage(error)}`, {cause: error});
  }
  // The template itself, rendered as Python's apply_chat_template would: "auto" may pick a
  // look-alike built-in wrapper (for Qwen2, ChatML with a BOS the template never writes and
  // without the template's default system message).
  const wrapper = resolveChatWrapper(model, {type: "jinjaTemplate"});
  return {
    wrapper: wrapper.wrapperName,
    encode(text, options = {}) {
      const system: ChatHistoryItem[] = options.systemPrompt === undefined ? [] : [{type: "system", text: options.systemPrompt}];
      const chatHistory: ChatHistoryItem[] = [...system, {type: "user", text}, {type: "model", response: []}];
      const {contextText} = wrapper.generateContextState({chatHistory});
      return contextText.tokenize(model.tokenizer) as Token[];
    },
    dispose: () => model.dispose(),
  };
}
