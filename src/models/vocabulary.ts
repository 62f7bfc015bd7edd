import {basename} from "node:path";
import {TlrError} from "../util/errors.ts";
import {readHeader} from "./gguf.ts";

/** The tokenizer part of a GGUF header (tokenizer.ggml.*). */
export interface VocabularyInfo {
  path: string;
  type: string;
  pre: string | undefined;
  tokens: readonly string[];
  merges: readonly string[] | undefined;
  bos: number | undefined;
  eos: number | undefined;
  addBos: boolean | undefined;
  addEos: boolean | undefined;
  /** GGUF tokenizer.chat_template (Jinja), where the model has one. */
  chatTemplate?: string;
}

export interface VocabularyCheck {
  /** Compatible but worth knowing (different pre-tokenizers or merges, padded vocabularies). */
  warnings: string[];
  /** Ids both models may exchange: below this bound. */
  sharedSize: number;
}

/** llama.cpp's speculative decoding allows vocabularies padded to different sizes by up to this many ids. */
export const MAX_VOCAB_SIZE_DIFFERENCE = 128;

/** Reads the tokenizer from GGUF metadata alone: no weights are loaded (works on vocabulary-only files). */
export async function readVocabulary(path: string, role = "model"): Promise<VocabularyInfo> {
  const info = await readHeader(path, role);
  const tokenizer = (info.metadata as {tokenizer?: {ggml?: Record<string, unknown>; chat_template?: unknown}}).tokenizer;
  const tk = tokenizer?.ggml;
  if (!tk || !Array.isArray(tk.tokens)) throw new TlrError(`${role} file ${path} has no tokenizer.ggml.tokens in its metadata`);
  return {
    path,
    type: String(tk.model),
    pre: tk.pre === undefined ? undefined : String(tk.pre),
    tokens: tk.tokens as string[],
    merges: Array.isArray(tk.merges) ? (tk.merges as string[]) : undefined,
    bos: tk.bos_token_id as number | undefined,
    eos: tk.eos_token_id as number | undefined,
    addBos: tk.add_bos_token as boolean | undefined,
    addEos: tk.add_eos_token as boolean | undefined,
    ...(typeof tokenizer?.chat_template === "string" ? {chatTemplate: tokenizer.chat_template} : {}),
  };
}

/**
 * Can two models route tokens between them? They must share a vocabulary: same tokenizer
 * type, BOS/EOS ids and add-BOS/EOS flags, and identical token text for every shared id (sizes
 * may differ by up to 128 padding ids, as llama.cpp's speculative decoding allows). Throws a
 * TlrError naming both files and the first difference; returns warnings for compatible pairs
 * that tokenize text differently (pre-tokenizer, merges), which matters only for prompts.
 */
export function compareVocabularies(small: VocabularyInfo, large: VocabularyInfo): VocabularyCheck {
  const a = basename(small.path);
  const b = basename(large.path);
  const refuse = (what: string) => {
    throw new TlrError(`incompatible vocabularies: ${small.path} and ${large.path} differ in ${what}; token-level routing needs one shared vocabulary`);
  };
  if (small.type !== large.type) refuse(`tokenizer type (${a}: ${small.type}, ${b}: ${large.type})`);
  const flag = (v: unknown) => (v === undefined ? "unset" : String(v));
  if (small.bos !== large.bos) refuse(`BOS id (${a}: ${flag(small.bos)}, ${b}: ${flag(large.bos)})`);
  if (small.eos !== large.eos) refuse(`EOS id (${a}: ${flag(small.eos)}, ${b}: ${flag(large.eos)})`);
  if (small.addBos !== large.addBos) refuse(`add_bos_token (${a}: ${flag(small.addBos)}, ${b}: ${flag(large.addBos)})`);
  if (small.addEos !== large.addEos) refuse(`add_eos_token (${a}: ${flag(small.addEos)}, ${b}: ${flag(large.addEos)})`);
  const sizeDiff = Math.abs(small.tokens.length - large.tokens.length);
  if (sizeDiff > MAX_VOCAB_SIZE_DIFFERENCE) {
    refuse(`vocabulary size (${a}: ${small.tokens.length}, ${b}: ${large.tokens.length}; at most ${MAX_VOCAB_SIZE_DIFFERENCE} padding ids may differ)`);
  }
  const sharedSize = Math.min(small.tokens.length, large.tokens.length);
  for (let id = 0; id < sharedSize; id++) {
    if (small.tokens[id] !== large.tokens[id]) {
      refuse(`token ${id} (${a}: ${JSON.stringify(small.tokens[id])}, ${b}: ${JSON.stringify(large.tokens[id])})`);
    }
  }
  const warnings: string[] = [];
  if (small.pre !== large.pre) {
    warnings.push(`pre-tokenizers differ (${a}: ${small.pre ?? "unset"}, ${b}: ${large.pre ?? "unset"}): ids are shared, but the same text may tokenize differently; prompts are tokenized by the small model`);
  }
  if (!sameList(small.merges, large.merges)) {
    warnings.push(`BPE merges differ (${a} vs ${b}): ids are shared, but the same text may tokenize differently; prompts are tokenized by the small model`);
  }
  if (sizeDiff > 0) {
    warnings.push(`vocabulary sizes differ by ${sizeDiff} padding ids (${a}: ${small.tokens.length}, ${b}: ${large.tokens.length}); where a model ranks a padding id (≥ ${sharedSize}) first, its best shared id is taken and the token marked padded`);
  }
  return {warnings, sharedSize};
}

/** `compareVocabularies` on two GGUF files, reading metadata only. */
export async function checkVocabularies(smallPath: string, largePath: string): Promise<VocabularyCheck> {
  const [small, large] = await Promise.all([readVocabulary(smallPath, "small model"), readVocabulary(largePath, "large model")]);
  return compareVocabularies(small, large);
}

function sameList(x: readonly string[] | undefined, y: readonly string[] | undefined): boolean {
  if (x === y) return true;
  if (!x || !y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
