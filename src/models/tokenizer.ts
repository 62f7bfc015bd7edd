import type {LlamaModel, Token as LlamaToken} from "node-llama-cpp";
import {TlrError, errorMessage} from "../util/errors.ts";
import {readHeader} from "./gguf.ts";
import {getRuntime} from "./runtime.ts";
import type {Token} from "../core/Prediction.ts";
import type {Tokenizer} from "../core/Tokenizer.ts";

const eogCache = new WeakMap<LlamaModel, readonly Token[]>();

/**
 * Every id llama.cpp treats as end of generation (`llama_vocab_is_eog`): EOS, EOT, and the
 * control tokens it recognises by text, e.g. `<|im_end|>` and `<|endoftext|>` for Qwen2.5. There
 * is no list API, so each id is asked once per model (~50 ms at a 152k vocabulary) and cached.
 */
export function eogTokens(model: LlamaModel): readonly Token[] {
  let ids = eogCache.get(model);
  if (!ids) {
    const found: Token[] = [];
    for (const id of model.iterateAllTokens()) if (model.isEogToken(id)) found.push(id as Token);
    ids = Object.freeze(found);
    eogCache.set(model, ids);
  }
  return ids;
}

/** The `Tokenizer` view of a loaded node-llama-cpp model. */
export function tokenizerOf(model: LlamaModel): Tokenizer {
  return {
    bos: model.tokens.bos as Token | null,
    eos: model.tokens.eos as Token | null,
    eog: eogTokens(model),
    addsBos: model.tokens.shouldPrependBosToken,
    tokenize: (text, special = false) => model.tokenize(text, special) as Token[],
    detokenize: (ids, context, special = false) => model.detokenize(ids as LlamaToken[], special, context as LlamaToken[] | undefined),
  };
}

/** A GGUF's tokenizer alone (no weights read; works on vocabulary-only files). Dispose the model when done. */
export async function loadTokenizer(path: string): Promise<{tokenizer: Tokenizer; dispose(): Promise<void>}> {
  await readHeader(path, "tokenizer");
  const llama = await getRuntime(false);
  try {
    const model = await llama.loadModel({modelPath: path, vocabOnly: true});
    return {tokenizer: tokenizerOf(model), dispose: () => model.dispose()};
  } catch (error) {
    throw new TlrError(`tokenizer of ${path} could not be loaded: ${errorMessage(error)}`, {cause: error});
  }
}
