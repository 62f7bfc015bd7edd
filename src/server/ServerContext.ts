import type {ModelInfo} from "../models/TokenModel.ts";
import type {Tokenizer} from "../core/Tokenizer.ts";
import type {VocabularyReply} from "../wire/vocabularyReply.ts";
import type {SessionPool} from "./SessionPool.ts";

/** What the route handlers of one server share. */
export interface ServerContext {
  pool: SessionPool;
  info: ModelInfo;
  tokenizer: Tokenizer;
  vocabulary: VocabularyReply;
  /** Top log-probabilities per step (session replies and the most /v1/completions may ask for). */
  topK: number;
  /** Most tokens one /v1/completions request may generate. */
  maxNewTokens: number;
}
