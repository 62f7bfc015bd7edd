import type {Token} from "./Prediction.ts";

/** Text <-> ids for prompts and for printing generated tokens. */
export interface Tokenizer {
  readonly bos: Token | null;
  readonly eos: Token | null;
  /** End-of-generation ids (EOS, EOT, `<|im_end|>`, `<|endoftext|>`, … as llama.cpp's `llama_vocab_is_eog`), ascending. */
  readonly eog: readonly Token[];
  /** Whether prompts for this model start with BOS (GGUF add_bos_token, as llama.cpp reads it). */
  readonly addsBos: boolean;
  /** Plain tokenization: never adds BOS. `special` parses special-token text such as `<|im_start|>`. */
  tokenize(text: string, special?: boolean): Token[];
  /**
   * `context` is the ids just before `ids`, so a piece's leading space comes out right.
   * `special` renders control tokens as their text (`<s>`) instead of nothing.
   */
  detokenize(ids: readonly Token[], context?: readonly Token[], special?: boolean): string;
}

/** A prompt as the model expects it: BOS first exactly when the model wants one. */
export function encodePrompt(tokenizer: Tokenizer, text: string, options: {special?: boolean} = {}): Token[] {
  const ids = tokenizer.tokenize(text, options.special ?? false);
  if (tokenizer.addsBos && tokenizer.bos !== null && ids[0] !== tokenizer.bos) return [tokenizer.bos, ...ids];
  return ids;
}
