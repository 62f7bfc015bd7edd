import {z} from "zod";
import {VocabularyReply} from "../../wire/vocabularyReply.ts";
import {TlrError} from "../../util/errors.ts";
import type {Token} from "../../core/Prediction.ts";
import type {Tokenizer} from "../../core/Tokenizer.ts";
import {compareVocabularies, MAX_VOCAB_SIZE_DIFFERENCE, type VocabularyCheck, type VocabularyInfo} from "../vocabulary.ts";
import type {HttpClient} from "./HttpClient.ts";
import {RemoteError} from "./RemoteError.ts";
import {replyJson} from "./replies.ts";
import {withRetries, type RetryPolicy} from "./retry.ts";

/** GGUF tokenizer.ggml.model → llama.cpp's `llama_vocab_type` (what llama-server's /v1/models reports). */
const LLAMA_VOCAB_TYPE: Record<string, number> = {llama: 1, gpt2: 2, bert: 3, t5: 4, rwkv: 5, plamo2: 6};

const LlamaVocabFacts = z.object({
  props: z.object({bos_token: z.string().optional(), eos_token: z.string().optional()}).loose(),
  models: z.object({data: z.array(z.object({meta: z.object({vocab_type: z.number().int(), n_vocab: z.number().int()}).loose()}).loose()).min(1)}).loose(),
});

export interface RemoteVocabularyInput {
  http: HttpClient;
  retry: RetryPolicy;
  server: "tlr" | "llama.cpp" | "sglang" | "vllm" | "openai";
  small: VocabularyInfo;
  tokenizer: Tokenizer | undefined;
}

/**
 * Checks a server's vocabulary against the small model's, as far as the server shows it.
 * tlr serve sends its GGUF tokenizer, so the check is `compareVocabularies`, the one used for
 * local pairs. llama-server does not expose its token list: its size, type and BOS/EOS text are
 * compared, and, given the small model's tokenizer, the detokenized text of every shared id
 * (one /detokenize call). Other servers expose nothing: undefined (the caller warns).
 */
export async function checkRemoteVocabulary(input: RemoteVocabularyInput): Promise<VocabularyCheck | undefined> {
  const {http, retry, server, small} = input;
  const url = http.base.href;
  const getJson = async (method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> =>
    replyJson(await withRetries(() => http.request(method, path, body === undefined ? undefined : JSON.stringify(body)), retry), http.urlOf(path));
  if (server === "tlr") {
    const r = VocabularyReply.safeParse(await getJson("GET", "/vocabulary"));
    if (!r.success) throw new RemoteError("malformed", url, `${http.urlOf("/vocabulary")} answered an unexpected body`);
    const v = r.data;
    return compareVocabularies(small, {
      path: url,
      type: v.type,
      pre: v.pre ?? undefined,
      tokens: v.tokens,
      merges: v.merges ?? undefined,
      bos: v.bos ?? undefined,
      eos: v.eos ?? undefined,
      addBos: v.addBos ?? undefined,
      addEos: v.addEos ?? undefined,
    });
  }
  if (server !== "llama.cpp") return undefined;

  const facts = LlamaVocabFacts.safeParse({props: await getJson("GET", "/props"), models: await getJson("GET", "/v1/models")});
  if (!facts.success) throw new RemoteError("malformed", url, `${url}: /props or /v1/models lack the vocabulary facts llama-server gives`);
  const refuse = (what: string): never => {
    throw new TlrError(`incompatible vocabularies: ${small.path} and ${url} differ in ${what}; token-level routing needs one shared vocabulary`);
  };
  const meta = facts.data.models.data[0]!.meta;
  const sizeDiff = Math.abs(meta.n_vocab - small.tokens.length);
  if (sizeDiff > MAX_VOCAB_SIZE_DIFFERENCE) refuse(`vocabulary size (${small.tokens.length} vs ${meta.n_vocab})`);
  const type = LLAMA_VOCAB_TYPE[small.type];
  if (type !== undefined && type !== meta.vocab_type) refuse(`tokenizer type (${small.type} vs llama.cpp vocab type ${meta.vocab_type})`);
  const text = (id: number | undefined) => (id === undefined ? undefined : small.tokens[id]);
  for (const [name, mine, theirs] of [["BOS", text(small.bos), facts.data.props.bos_token], ["EOS", text(small.eos), facts.data.props.eos_token]] as const) {
    if (mine !== undefined && theirs !== undefined && mine !== theirs) refuse(`${name} token (${JSON.stringify(mine)} vs ${JSON.stringify(theirs)})`);
  }
  const sharedSize = Math.min(meta.n_vocab, small.tokens.length);
  const warnings = sizeDiff > 0 ? [`vocabulary sizes differ by ${sizeDiff} padding ids; where a model ranks a padding id (≥ ${sharedSize}) first, its best shared id is taken and the token marked padded`] : [];
  if (input.tokenizer) {
    const ids: Token[] = Array.from({length: sharedSize}, (_, i) => i);
    const reply = z.object({content: z.string()}).safeParse(await getJson("POST", "/detokenize", {tokens: ids}));
    if (!reply.success) throw new RemoteError("malformed", url, `${http.urlOf("/detokenize")} answered an unexpected body`);
    const local = input.tokenizer.detokenize(ids, undefined, true); // llama-server renders control tokens as text
    if (reply.data.content !== local) {
      let i = 0;
      while (i < local.length && local[i] === reply.data.content[i]) i++;
      refuse(`token text (the detokenized vocabulary first differs at character ${i}: ${JSON.stringify(local.slice(i, i + 12))} vs ${JSON.stringify(reply.data.content.slice(i, i + 12))})`);
    }
  } else {
    warnings.push(`the token text of ${url} was not checked (no small-model tokenizer given); only its size, type and BOS/EOS were`);
  }
  return {warnings, sharedSize};
}
