// The library: every command is a thin wrapper over these exports.
export type {ModelInfo, NextOptions, NextResult, Prediction, Token, TokenModel, Tokenizer, TopLogprob, WireUse} from "./models/TokenModel.ts";
export {commonPrefixLength, planEvaluation, ScheduleMirror, type EvaluationPlan} from "./models/schedule.ts";
export {encodePrompt} from "./models/TokenModel.ts";
export {LocalModel, LocalWeights, defaultThreads, SINGLE_THREAD_BELOW_PARAMETERS, type LocalModelOptions} from "./models/LocalModel.ts";
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
export {createRouter, isRouterKind, ROUTER_KINDS, type BuiltinRouter, type RouterKind, type RouterSpec} from "./routing/routers.ts";
export {ALL_ROUTER_KINDS, loadRouter, type LoadRouterOptions, type RouterRef} from "./routing/loadRouter.ts";
export {uniformFromKey} from "./routing/random.ts";
export {decode, type DecodeOptions, type StopRules} from "./decoding/decode.ts";
export {sweepTree, type SweepTreeOptions, type SweepTreeResult} from "./decoding/tree.ts";
export {PredictionMemo, type ModelWork} from "./decoding/memo.ts";
export {PathAccount, type StepOutcome} from "./decoding/account.ts";
export {DEFAULT_NETWORK, jitterMs, SESSION_PROTOCOL, transferMs, type NetworkModel, type WireContext, type WireProtocol} from "./decoding/network.ts";
export {summarizeRecords, sumWire} from "./decoding/stats.ts";
export type {DecodeResult, RunStats, StopReason, TokenRecord, TokenSource} from "./decoding/types.ts";
export {loadChatTemplate, type ChatEncodeOptions, type ChatTemplate} from "./models/chatTemplate.ts";
export {connectRemote, type RemoteBackend, type RemoteOptions, type ServerKind} from "./models/remote/connectRemote.ts";
export {loadRemotePair, type RemotePair, type RemotePairOptions} from "./models/remote/loadRemotePair.ts";
export {RemoteModel, REMOTE_PROTOCOLS, type RemoteProtocol} from "./models/remote/RemoteModel.ts";
export {RemoteError, isRemoteError, type RemoteErrorKind} from "./models/remote/RemoteError.ts";
export {DEFAULT_RETRY, withRetries, type RetryPolicy} from "./models/remote/retry.ts";
export {predictionFromLogprobs, type ParsedLogprobs} from "./models/remote/logprobs.ts";
export {bytesByProtocol, paperTextProtocol, statelessIdsProtocol, WIRE_PROTOCOLS, type ProtocolBytes} from "./models/remote/wireProtocols.ts";
export {startServer, SERVE_DEFAULTS, type ServeOptions, type TlrServer} from "./server/startServer.ts";
export {settleAll, type Settled} from "./util/settleAll.ts";
// Datasets: loaders, sources (data directory, Hugging Face Hub + cache), manifests.
export type {Choice, Example, ExampleSource} from "./data/types.ts";
export {loadDataset, type Dataset, type DatasetProvenance, type LoadDatasetOptions} from "./data/loadDataset.ts";
export {pullDataset, type PullOptions, type PullResult} from "./data/pullDataset.ts";
export {datasetStats, type SplitStats} from "./data/datasetStats.ts";
export {listDatasets, type DatasetInfo} from "./data/listDatasets.ts";
export {DATASET_NAMES, isDatasetName} from "./data/registry.ts";
export {subset, type SubsetOptions} from "./data/subset.ts";
export {hubParquetFiles, resolveCommit, type HubOptions} from "./data/hub.ts";
export {readManifest, type Manifest} from "./data/manifest.ts";
export type {BadRow} from "./data/rows.ts";
export {generateToyItems, toyExample, isHeldOut, type ToyItem} from "./data/toyArith.ts";
export {canonicalNumber} from "./data/gsm8k.ts";
// Tasks: prompt formats, answer extraction, scoring.
export type {Extraction, Task} from "./tasks/Task.ts";
export {createTask, TASK_FORMATS} from "./tasks/createTask.ts";
export {PROMPT_FORMATS, type PromptFormat} from "./tasks/promptFormats.ts";
export {extractChoice} from "./tasks/extractChoice.ts";
export {extractNumber} from "./tasks/extractNumber.ts";
// Sweeps: configs, the runner, resume, shards.
export {ExperimentSchema, experimentJsonSchema, loadExperiment, parseExperiment, resolvePath, type ExperimentConfig, type RouterConfig} from "./sweep/config.ts";
export {planSweep, type DatasetPlan, type PairPlan, type RouterPlan, type SweepPlan} from "./sweep/plan.ts";
export {runSweep, type SweepOptions, type SweepOutcome, type SweepProgress} from "./sweep/runSweep.ts";
export {isRecordable, openQuestionWorker, failedQuestionRows, type QuestionWorker, type QuestionWorkerOptions, type QuestionRows, type PreparedDataset} from "./sweep/questionWorker.ts";
export {ChildQuestionWorker, WorkerCrashError} from "./sweep/ChildQuestionWorker.ts";
export {openWorkers, sizeWorkers} from "./sweep/openWorkers.ts";
export {planWorkers, likelyGpu, type ModelSize, type WorkerPlan} from "./sweep/workerPlan.ts";
export {runQuestions, type RunQuestionsOptions} from "./sweep/runQuestions.ts";
export {experimentIdentity} from "./sweep/plan.ts";
export {calibrate, thresholdsForTargets, type Calibrated} from "./sweep/calibrate.ts";
export {consolidate, readSweepState, type SweepState} from "./sweep/consolidate.ts";
export {mergeSweeps} from "./sweep/merge.ts";
export {parseShard, inShard, type Shard} from "./sweep/shard.ts";
export {shardFromScheduler, type SchedulerShard} from "./sweep/schedulerShard.ts";
export {PAIR_PRESETS, pairPreset, type PairPreset} from "./models/presets.ts";
// Results: Arrow files, schema, summaries, tables.
export {readResults, writeResults, type Results, type ResultsMetadata} from "./results/resultsFolder.ts";
export {readArrowFile, writeArrowFile} from "./results/arrowFile.ts";
export {QUESTION_COLUMNS, RESULT_FILES, RESULTS_SCHEMA_VERSION, SUMMARY_COLUMNS, TOKEN_COLUMNS, type QuestionRow, type RunKey, type SummaryRow, type TokenRow} from "./results/schema.ts";
export {buildTable, readTable, type Column, type ColumnType} from "./results/columns.ts";
export {summarize, wilsonInterval} from "./results/summarize.ts";
export {formatSummary} from "./results/formatTable.ts";
export {codeVersion, machineInfo, type CodeVersion, type MachineInfo} from "./results/provenance.ts";
export {sha256File} from "./util/sha256.ts";
export {PyRandom} from "./util/PyRandom.ts";
export {ContextFullError, DataUnavailableError, TlrError, isTlrError} from "./util/errors.ts";
export {physicalCores} from "./util/cpu.ts";
// Plots and reports: Vega-Lite specs from results folders; SVG, PNG and self-contained HTML.
export {summaryTables, type SummaryTable} from "./results/formatTable.ts";
export {summaryHtml} from "./results/summaryHtml.ts";
export {checkArrowFile} from "./results/arrowFile.ts";
export {plotRows, runsOf, type PlotRole, type PlotRow} from "./plots/plotRows.ts";
export {runLabels} from "./plots/runLabels.ts";
export {buildPlots, PLOT_NAMES, type Plot, type PlotName} from "./plots/buildPlots.ts";
export {accuracyUploadSpec, type AccuracyUploadOptions} from "./plots/specs/accuracyUploadSpec.ts";
export {accuracyThresholdSpec, uploadThresholdSpec} from "./plots/specs/thresholdSpecs.ts";
export {latencySpec} from "./plots/specs/latencySpec.ts";
export {bytesUpSpec} from "./plots/specs/bytesUpSpec.ts";
export {compileSpec, type WarningHandler} from "./plots/compileSpec.ts";
export {renderSvg} from "./plots/renderSvg.ts";
export {renderPng, type PngOptions} from "./plots/renderPng.ts";
export {reportHtml, type ReportOptions} from "./plots/reportHtml.ts";
export {writeReport} from "./plots/writeReport.ts";
export {writePlots, isPlotFormat, PLOT_FORMATS, type PlotFormat, type WritePlotsOptions} from "./plots/writePlots.ts";
export {readResultsFolders} from "./plots/readResultsFolders.ts";
// Learned routers: hidden states, label collection, training, evaluation, router files, ONNX.
export {HIDDEN_STATE_CONTEXT_OPTIONS, readHiddenState} from "./models/hiddenState.ts";
export {installTopLogits, TOP_LOGITS_MARKER, TOP_LOGITS_MIN_VOCABULARY, TOP_LOGITS_REQUEST, type TopLogitsHandle, type TopLogitsSide} from "./models/topLogits.ts";
// Fixtures: synthetic GGUFs (llama, qwen2) with seeded random weights; the Qwen2.5-shaped set.
export {writeGguf, tensorBytes, type GgufContents, type GgufValue, type TensorSpec} from "./models/fixtures/ggufWriter.ts";
export {encodeQ8_0, encodeTensor, fromHalfBits, toHalfBits, TENSOR_TYPES, type TensorType} from "./models/fixtures/tensorEncoding.ts";
export {syntheticTensors, tokenizerMetadata, writeSyntheticGguf, type SyntheticModelRecipe, type TokenizerSource} from "./models/fixtures/writeSyntheticGguf.ts";
export {cachedSyntheticGguf, fixtureCacheDir, FIXTURE_WRITER_VERSION, recipeKey, type CachedFixture} from "./models/fixtures/fixtureCache.ts";
export {QWEN25_ADDED_TOKENS, QWEN25_IDS, QWEN25_REGULAR_TOKENS, QWEN25_TOKENS, qwen25TokenizerMetadata, TOKEN_TYPE} from "./models/fixtures/qwen25Tokenizer.ts";
export {QWEN25_CHAT_TEMPLATE} from "./models/fixtures/qwen25ChatTemplate.ts";
export {defaultQwenVocabPath, QWEN25_ROWS, QWEN_FIXTURES, qwenFixture, qwenFixturePair, qwenFixtureRecipe, type QwenFixtureName, type QwenFixtureOptions} from "./models/fixtures/qwenFixtures.ts";
export {routerNeeds, type RouterNeeds} from "./routing/loadRouter.ts";
export {
  describeFeatureSpec,
  featureDimension,
  featureVector,
  FeatureSpecSchema,
  LOGPROB_FLOOR,
  parseFeatureSpec,
  predictionFeatures,
  type FeatureSpec,
  type StepFeatures,
} from "./routing/learned/featureSpec.ts";
export {decodeFloats, encodeFloats, networkLogit, sigmoid, type Layer, type Network} from "./routing/learned/network.ts";
export {isLearnedRouterKind, LEARNED_ROUTER_KINDS, readRouterFile, RouterFileSchema, writeRouterFile, type LearnedRouterKind, type RouterFile, type RouterFileInput} from "./routing/learned/routerFile.ts";
export {createLearnedRouter, learnedRouterName, networkOf} from "./routing/learned/learnedRouter.ts";
export {checkRouterModel, modelHiddenSize} from "./routing/learned/checkRouterModel.ts";
export {collectLabels, type CollectOptions, type Collected, type LabelMode, type LabelRow, type LabelRule, type ReferenceKind} from "./routing/learned/collectLabels.ts";
export {collectRouterData, type CollectRouterDataOptions} from "./routing/learned/collectRouterData.ts";
export {LABEL_COLUMNS, LABELS_SCHEMA_VERSION, readLabels, writeLabels, type LabelsMetadata} from "./routing/learned/labelFile.ts";
export {trainNetwork, type EpochReport, type TrainNetworkOptions} from "./routing/learned/trainNetwork.ts";
export {rowFeatures, trainRouter, validationQuestions, type TrainedRouter, type TrainRouterOptions} from "./routing/learned/trainRouter.ts";
export {evaluateRouter, EVAL_FRACTIONS, rowPrediction, type RouterEvaluation} from "./routing/learned/evaluateRouter.ts";
export {rocAuc, routingQuality, type RoutingQuality} from "./routing/learned/metrics.ts";
// Hub-hosted model presets.
export {MODEL_PRESETS, type ModelFile, type ModelPreset} from "./models/modelPresets.ts";
export {cachedModelPath, modelPreset, pullModel, type PulledFile, type PullModelResult} from "./models/pullModel.ts";
export {formatPaperTable1, PAPER_TABLE1, paperTable1, type Table1Column, type Table1Metric} from "./results/paperTable1.ts";
export {compareAtUpload, type RouterAtUpload, type UploadPoint} from "./results/compareAtUpload.ts";
