// The library: every command is a thin wrapper over these exports.
export type {ModelInfo, NextResult, Prediction, Token, TokenModel, Tokenizer, TopLogprob, WireUse} from "./models/TokenModel.ts";
export {encodePrompt} from "./models/TokenModel.ts";
export {LocalModel, LocalWeights, commonPrefixLength, defaultThreads, SINGLE_THREAD_BELOW_PARAMETERS, type LocalModelOptions} from "./models/LocalModel.ts";
export {loadTokenizer, tokenizerOf} from "./models/tokenizer.ts";
export {featuresFromLogits} from "./models/features.ts";
export {inspectModelFile, type GgufSummary} from "./models/gguf.ts";
export {loadPair, type ModelPair, type PairOptions} from "./models/pair.ts";
export {getRuntime, setNativeLogEcho, type GpuSetting} from "./models/runtime.ts";
export {
  checkVocabularies,
  compareVocabularies,
  readVocabulary,
  MAX_VOCAB_SIZE_DIFFERENCE,
  type VocabularyCheck,
  type VocabularyInfo,
} from "./models/vocabulary.ts";
export {routes, type Router, type RouterInput} from "./routing/Router.ts";
export {createRouter, isRouterKind, ROUTER_KINDS, type RouterKind, type RouterSpec} from "./routing/routers.ts";
export {uniformFromKey} from "./routing/random.ts";
export {decode, type DecodeOptions, type StopRules} from "./decoding/decode.ts";
export {DEFAULT_NETWORK, jitterMs, SESSION_PROTOCOL, transferMs, type NetworkModel, type WireContext, type WireProtocol} from "./decoding/network.ts";
export {summarizeRecords, sumWire} from "./decoding/stats.ts";
export type {DecodeResult, RunStats, StopReason, TokenRecord, TokenSource} from "./decoding/types.ts";
export {connectRemote, type RemoteBackend, type RemoteOptions, type ServerKind} from "./models/remote/connectRemote.ts";
export {loadRemotePair, type RemotePair, type RemotePairOptions} from "./models/remote/loadRemotePair.ts";
export {RemoteModel, REMOTE_PROTOCOLS, type RemoteProtocol} from "./models/remote/RemoteModel.ts";
export {RemoteError, isRemoteError, type RemoteErrorKind} from "./models/remote/RemoteError.ts";
export {DEFAULT_RETRY, withRetries, type RetryPolicy} from "./models/remote/retry.ts";
export {predictionFromLogprobs, type ParsedLogprobs} from "./models/remote/logprobs.ts";
export {bytesByProtocol, paperTextProtocol, statelessIdsProtocol, WIRE_PROTOCOLS, type ProtocolBytes} from "./models/remote/wireProtocols.ts";
export {startServer, SERVE_DEFAULTS, type ServeOptions, type TlrServer} from "./server/startServer.ts";
export {physicalCores} from "./util/cpu.ts";
export {settleAll, type Settled} from "./util/settleAll.ts";
export {ContextFullError, TlrError, isTlrError} from "./util/errors.ts";
