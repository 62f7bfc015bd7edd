// The library: every command is a thin wrapper over these exports.
export type {ModelInfo, NextOptions, NextResult, Prediction, Token, TokenModel, Tokenizer, TopLogprob} from "./models/TokenModel.ts";
export {commonPrefixLength, planEvaluation, type EvaluationPlan} from "./models/schedule.ts";
export {encodePrompt} from "./models/TokenModel.ts";
export {LocalModel, defaultThreads, SINGLE_THREAD_BELOW_PARAMETERS, type LocalModelOptions} from "./models/LocalModel.ts";
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
export {sweepTree, type SweepTreeOptions, type SweepTreeResult} from "./decoding/tree.ts";
export {PredictionMemo, type ModelWork} from "./decoding/memo.ts";
export {PathAccount, type StepOutcome} from "./decoding/account.ts";
export {DEFAULT_NETWORK, SESSION_PROTOCOL, transferMs, type NetworkModel, type WireProtocol} from "./decoding/network.ts";
export {summarizeRecords} from "./decoding/stats.ts";
export type {DecodeResult, RunStats, StopReason, TokenRecord, TokenSource} from "./decoding/types.ts";
export {physicalCores} from "./util/cpu.ts";
export {ContextFullError, TlrError, isTlrError} from "./util/errors.ts";
