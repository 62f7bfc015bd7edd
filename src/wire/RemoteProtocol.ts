import {SGLANG_GENERATE} from "./sglangProtocol.ts";
import {LLAMA_COMPLETION, OPENAI_COMPLETIONS, OPENAI_TEXT, type StatelessProtocol} from "./statelessProtocols.ts";

/**
 * How a client talks to the server:
 *   session      tlr serve's incremental sessions: only the ids the server has not seen
 *   llama        llama-server's native POST /completion, token-id prompts
 *   openai       POST /v1/completions, token-id prompts (llama-server, vLLM, SGLang, tlr serve)
 *   openai-text  POST /v1/completions with the whole decoded text (the paper's demo; lossy)
 *   sglang       SGLang's native POST /generate, token-id prompts (`input_ids`)
 */
export type RemoteProtocol = "session" | "llama" | "openai" | "openai-text" | "sglang";
export const REMOTE_PROTOCOLS: readonly RemoteProtocol[] = ["session", "llama", "openai", "openai-text", "sglang"];

/** The request and reply shapes of each stateless protocol. */
export const STATELESS_PROTOCOLS: Record<Exclude<RemoteProtocol, "session">, StatelessProtocol> = {
  llama: LLAMA_COMPLETION,
  openai: OPENAI_COMPLETIONS,
  "openai-text": OPENAI_TEXT,
  sglang: SGLANG_GENERATE,
};
