import pLimit from "p-limit";
import {z} from "zod";
import {TlrError} from "../../util/errors.ts";
import type {ModelInfo} from "../TokenModel.ts";
import type {Tokenizer} from "../../core/Tokenizer.ts";
import type {VocabularyCheck, VocabularyInfo} from "../vocabulary.ts";
import type {WireProtocol} from "../../wire/WireProtocol.ts";
import {HttpClient} from "./HttpClient.ts";
import {protocolByteModel} from "../../wire/protocolByteModel.ts";
import {replyData, replyJson, tryJson} from "./replies.ts";
import {REMOTE_PROTOCOLS, type RemoteProtocol} from "../../wire/RemoteProtocol.ts";
import {RemoteModel, type RemoteLink} from "./RemoteModel.ts";
import {DEFAULT_RETRY, withRetries, type RetryPolicy} from "./retry.ts";
import {checkRemoteVocabulary} from "./remoteVocabulary.ts";

export interface RemoteOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Default "auto": `session` for tlr serve, `llama` for llama-server, `sglang` for SGLang, else `openai` (vLLM, others). */
  protocol?: RemoteProtocol | "auto";
  /** Bearer token (tlr serve's --token, llama-server's and vLLM's --api-key). */
  apiKey?: string;
  /** Top log-probabilities per step. Default: tlr serve's --top-k; 10 for other servers. */
  topK?: number;
  /** Time limit of one request. Default 30 000 ms. */
  timeoutMs?: number;
  /** Bounded retries with back-off. Default `DEFAULT_RETRY` (4 retries, 0.25 → 2 s, ~3.75 s in all). */
  retry?: Partial<RetryPolicy>;
  /** Most requests in flight to this server across all models made from the connection. Default 8. */
  maxInFlight?: number;
  /** OpenAI `model` field. Default: the first model the server lists at /v1/models. */
  model?: string;
  /** The small model's vocabulary: checked against the server's where the server exposes enough of it. */
  vocabulary?: VocabularyInfo;
  /** The small model's tokenizer: needed by `openai-text`, and to check llama-server's vocabulary token by token. */
  tokenizer?: Tokenizer;
}

/** Which server answered (from what it exposes). */
export type ServerKind = "tlr" | "llama.cpp" | "sglang" | "vllm" | "openai";

/** A connection to a remote large model; `createModel()` gives each question its own client state. */
export interface RemoteBackend {
  url: string;
  server: ServerKind;
  protocol: RemoteProtocol;
  info: ModelInfo;
  /** The vocabulary check's result where one was possible. */
  vocabulary: VocabularyCheck | undefined;
  /** Things the user should know (an unchecked vocabulary, an unknown context size). */
  warnings: string[];
  createModel(): RemoteModel;
  /** The byte model of the protocol in use (decode's `protocol`): simulated bytes are those of these requests. */
  byteModel: WireProtocol;
  /**
   * The served model's chat template where the server shows it (tlr serve's /vocabulary,
   * llama-server's /props): null when the model has none, undefined when the server does not say.
   */
  chatTemplate(): Promise<string | null | undefined>;
  /** Closes idle connections. Models made from it must not be used afterwards. */
  dispose(): void;
}

const TlrHealth = z.object({service: z.literal("tlr serve")}).loose();
const TlrInfo = z.object({
  model: z.object({
    name: z.string(),
    vocabSize: z.number().int(),
    bos: z.number().int().nullable(),
    eos: z.number().int().nullable(),
    /** Since tlr serve 0.1 with end-of-generation sets; older servers lack it. */
    eog: z.array(z.number().int().nonnegative()).optional(),
    contextSize: z.number().int(),
  }),
  topK: z.number().int().positive(),
});
const LlamaProps = z.object({default_generation_settings: z.object({n_ctx: z.number().int()}).loose()}).loose();
/**
 * GET /v1/models. `owned_by` names the server: "llamacpp" (llama-server), "vllm" (vLLM's
 * vllm/entrypoints/openai/protocol.py ModelCard), "sglang" (SGLang's
 * python/sglang/srt/entrypoints/openai/protocol.py ModelCard); vLLM and SGLang give the context in
 * `max_model_len`, llama-server the vocabulary size in `meta.n_vocab`.
 */
const ModelList = z
  .object({
    data: z.array(
      z.object({id: z.string(), owned_by: z.string().optional(), max_model_len: z.number().int().nullable().optional(), meta: z.object({n_vocab: z.number().int()}).loose().optional()}).loose(),
    ),
  })
  .loose();
/** SGLang's GET /get_model_info (http_server.py): the model path and whether it generates. */
const SglangModelInfo = z.object({model_path: z.string(), is_generation: z.boolean()}).loose();

/** What `--protocol auto` speaks to each server: its own native protocol where it has one that carries ids. */
const AUTO_PROTOCOL: Record<ServerKind, RemoteProtocol> = {tlr: "session", "llama.cpp": "llama", sglang: "sglang", vllm: "openai", openai: "openai"};

/** A server that does not say its end-of-generation ids shares the small model's (same vocabulary). */
function smallEog(options: RemoteOptions, eos: number | null): number[] {
  return options.tokenizer ? [...options.tokenizer.eog] : eos === null ? [] : [eos];
}

/** SGLang answers GET /get_model_info with its model path (docs/basic_usage/native_api). */
async function isSglang(get: (path: string) => Promise<{status: number; text: string}>): Promise<boolean> {
  const r = await get("/get_model_info");
  return r.status === 200 && SglangModelInfo.safeParse(tryJson(r.text)).success;
}

/**
 * Connects to a remote large model: finds out which server it is, picks the protocol, reads the
 * model's vocabulary size and context, and checks the vocabulary against the small model's as
 * far as the server allows (tlr serve: token by token; llama-server: size, type, BOS/EOS and
 * the detokenized text of every id; other OpenAI-compatible servers: not at all, with a warning).
 */
export async function connectRemote(options: RemoteOptions): Promise<RemoteBackend> {
  const protocolOption = options.protocol ?? "auto";
  if (protocolOption !== "auto" && !REMOTE_PROTOCOLS.includes(protocolOption)) {
    throw new TlrError(`unknown remote protocol "${protocolOption}": use auto, ${REMOTE_PROTOCOLS.join(", ")}`);
  }
  if (protocolOption === "openai-text" && !options.tokenizer) throw new TlrError("the openai-text protocol needs the small model's tokenizer");
  const http = new HttpClient(options.url, {apiKey: options.apiKey, timeoutMs: options.timeoutMs});
  const retry = {...DEFAULT_RETRY, ...options.retry};
  const url = http.base.href;
  const get = async (path: string) => withRetries(() => http.request("GET", path), retry);
  try {
    const warnings: string[] = [];
    let server: ServerKind;
    let info: ModelInfo;
    let topK = options.topK ?? 10;
    let model = options.model;
    /** The served model's row count, where the server says it (tlr serve, llama-server). */
    let serverVocabSize: number | undefined;
    const root = await get("/");
    if (root.status === 200 && TlrHealth.safeParse(tryJson(root.text)).success) {
      server = "tlr";
      const served = replyData(await get("/info"), http.urlOf("/info"), TlrInfo);
      info = {source: url, ...served.model, eog: served.model.eog ?? smallEog(options, served.model.eos)};
      serverVocabSize = served.model.vocabSize;
      topK = options.topK ?? served.topK;
    } else {
      const props = await get("/props");
      const llama = props.status === 200 ? LlamaProps.safeParse(tryJson(props.text)) : undefined;
      const listed = await get("/v1/models");
      // A server without a model list is usable when the model's name is given.
      const first = listed.status === 404 && options.model ? undefined : replyData(listed, http.urlOf("/v1/models"), ModelList).data[0];
      model ??= first?.id;
      server = llama?.success ? "llama.cpp" : first?.owned_by === "vllm" ? "vllm" : first?.owned_by === "sglang" || (await isSglang(get)) ? "sglang" : "openai";
      serverVocabSize = first?.meta?.n_vocab;
      const vocabSize = serverVocabSize ?? options.vocabulary?.tokens.length;
      const contextSize = llama?.success ? llama.data.default_generation_settings.n_ctx : (first?.max_model_len ?? undefined);
      if (vocabSize === undefined) warnings.push(`${url} does not say its vocabulary size; ids are not range-checked before sending`);
      if (contextSize === undefined) warnings.push(`${url} does not say its context size; a transcript that overflows it fails at the server`);
      info = {
        source: url,
        name: model ?? url,
        vocabSize: vocabSize ?? Number.MAX_SAFE_INTEGER,
        bos: options.vocabulary?.bos ?? null,
        eos: options.vocabulary?.eos ?? null,
        eog: smallEog(options, options.vocabulary?.eos ?? null),
        contextSize: contextSize ?? Number.MAX_SAFE_INTEGER,
      };
    }
    const protocol: RemoteProtocol = protocolOption !== "auto" ? protocolOption : AUTO_PROTOCOL[server];
    if (protocol === "session" && server !== "tlr") throw new TlrError(`${url} is not a tlr serve server, so it has no sessions: use --protocol ${AUTO_PROTOCOL[server]}`);
    if (protocol === "llama" && server !== "llama.cpp") throw new TlrError(`${url} is not llama-server (no /props): use --protocol ${AUTO_PROTOCOL[server]}`);

    let vocabulary: VocabularyCheck | undefined;
    if (options.vocabulary) {
      vocabulary = await checkRemoteVocabulary({http, retry, server, small: options.vocabulary, tokenizer: options.tokenizer});
      if (!vocabulary) warnings.push(`the vocabulary of ${url} cannot be checked (the server does not expose it): make sure its model shares the small model's vocabulary`);
      else warnings.push(...vocabulary.warnings);
    }

    // Ids at or above the shared vocabulary are padding rows the small model lacks (see RemoteModel.next).
    const smallSize = options.vocabulary?.tokens.length;
    const vocabLimit = Math.min(smallSize ?? Number.MAX_SAFE_INTEGER, serverVocabSize ?? Number.MAX_SAFE_INTEGER);
    const link: RemoteLink = {http, protocol, info, topK, retry, limit: pLimit(options.maxInFlight ?? 8), request: {topK, model, tokenizer: options.tokenizer}, vocabLimit, serverVocabSize};
    return {
      url,
      server,
      protocol,
      info,
      vocabulary,
      warnings,
      createModel: () => new RemoteModel(link),
      byteModel: protocolByteModel(protocol, link.request),
      chatTemplate: async () => {
        if (server !== "tlr" && server !== "llama.cpp") return undefined;
        const path = server === "tlr" ? "/vocabulary" : "/props";
        const body = replyJson(await get(path), http.urlOf(path)) as {chatTemplate?: unknown; chat_template?: unknown};
        const t = server === "tlr" ? body.chatTemplate : body.chat_template;
        return typeof t === "string" && t !== "" ? t : t === undefined ? undefined : null;
      },
      dispose: () => http.close(),
    };
  } catch (error) {
    http.close();
    throw error;
  }
}
