/*
 * The public library: what README's Library section documents, what the notebooks and bench/
 * use, and what every command is a thin wrapper over. Grouped by floor (README, Layout), lowest
 * first. Everything else is internal: tests reach it by its own path.
 */

// core: the token, the prediction, the tokenizer.
export type {Prediction, Token, TopLogprob} from "./core/Prediction.ts";
export {encodePrompt, type Tokenizer} from "./core/Tokenizer.ts";

// wire: what crosses the network, and what it costs in bytes.
export {REMOTE_PROTOCOLS, type RemoteProtocol} from "./wire/RemoteProtocol.ts";
export {SESSION_PROTOCOL, type WireProtocol} from "./wire/WireProtocol.ts";
export {bytesByProtocol, paperTextProtocol, statelessIdsProtocol, WIRE_PROTOCOLS, type ProtocolBytes} from "./wire/wireProtocols.ts";
export {protocolByteModel} from "./wire/protocolByteModel.ts";

// data and tasks: benchmarks as examples; prompts, answer extraction, scoring.
export type {Choice, Example} from "./data/types.ts";
export {loadDataset, type Dataset, type DatasetProvenance, type LoadDatasetOptions} from "./data/loadDataset.ts";
export {selectExamples, type Selected} from "./data/selectExamples.ts";
export {subset, type SubsetOptions} from "./data/subset.ts";
export {pullDataset, type PullOptions, type PullResult} from "./data/pullDataset.ts";
export {listDatasets, type DatasetInfo} from "./data/listDatasets.ts";
export {datasetStats, type SplitStats} from "./data/datasetStats.ts";
export {DATASET_NAMES} from "./data/registry.ts";
export type {Extraction, Task} from "./tasks/Task.ts";
export {createTask, TASK_FORMATS} from "./tasks/createTask.ts";

// models: backends behind one narrow interface; pairs; presets.
export type {ModelInfo, NextOptions, NextResult, TokenModel, TurnOptions, TurnResult, VerifyResult, WireUse} from "./models/TokenModel.ts";
export {generateTurn} from "./models/generateTurn.ts";
export {LocalModel, type LocalModelOptions} from "./models/LocalModel.ts";
export {loadTokenizer} from "./models/tokenizer.ts";
export {getRuntime, type GpuSetting} from "./models/runtime.ts";
export {inspectModelFile, type GgufSummary} from "./models/gguf.ts";
export {checkVocabularies, readVocabulary, type VocabularyCheck, type VocabularyInfo} from "./models/vocabulary.ts";
export {loadChatTemplate, type ChatTemplate} from "./models/chatTemplate.ts";
export {chatPromptEncoder, plainPromptEncoder, type ChatOptions, type PromptEncoder} from "./models/promptEncoder.ts";
export {loadPair, type ModelPair, type PairOptions} from "./models/pair.ts";
export {loadRemotePair, type RemotePair, type RemotePairOptions} from "./models/remote/loadRemotePair.ts";
export {openPair, type OpenedPair, type OpenPairOptions, type PairProvenance, type RemoteLargeOptions, type Worker} from "./models/openPair.ts";
export {resolveModel, resolveModelPath, type ModelLocation} from "./models/resolveModel.ts";
export {connectRemote, type RemoteBackend, type RemoteOptions, type ServerKind} from "./models/remote/connectRemote.ts";
export {RemoteModel} from "./models/remote/RemoteModel.ts";
export {isRemoteError, RemoteError, type RemoteErrorKind} from "./models/remote/RemoteError.ts";
export {PAIR_PRESETS, pairPreset, type PairPreset} from "./models/pairPresets.ts";
export {MODEL_PRESETS, type ModelPreset} from "./models/modelPresets.ts";
export {cachedModelPath, pullModel, type PullModelResult} from "./models/pullModel.ts";

// routing: what scores a step; the registry of router kinds.
export {routes, type Router, type RouterInput} from "./routing/Router.ts";
export {createRouter, ROUTER_KINDS, type RouterKind, type RouterSpec} from "./routing/routers.ts";
export {ALL_ROUTER_KINDS, fixedThreshold, roleOfKind, routerKindInfo, validateRouterRef, type RouterKindInfo, type RouterRef, type RouterRole} from "./routing/routerKinds.ts";
export {loadRouter, routerNeeds, type LoadRouterOptions, type RouterNeeds} from "./routing/loadRouter.ts";
export {readRouterFile, writeRouterFile, type RouterFile} from "./routing/learned/routerFile.ts";

// decoding: the collaborative decoder, its policies, the event log and the one latency timeline, the exact sweep.
export {decode, type DecodeOptions, type StopRules} from "./decoding/decode.ts";
export {DEFAULT_POLICY, isOptimistic, parsePolicy, POLICY_KINDS, policyName, STITCH_DEFAULTS, usesRouter, withoutOptimism, type PolicyKind, type PolicyParameter, type PolicySpec} from "./decoding/policy.ts";
export type {CallKind, DecodeEvent, VoidRequest} from "./decoding/events.ts";
export {DEVICE_PROFILES, OPTIMISTIC_WINDOW, PAPER_PROFILE, replayTimeline, type DeviceProfile, type Timeline, type TimelineOptions} from "./decoding/timeline.ts";
export {RunModel} from "./decoding/RunModel.ts";
export {MemoModel, SHARE_MODES, type ModelWork, type ShareMode} from "./decoding/memo.ts";
export {sweepRuns, type SweepRunsOptions, type SweepRunsResult} from "./decoding/sweepRuns.ts";
// The names the exact sweep had when it was a hand-walked trajectory tree (same contract: each run equals an independent one).
export {sweepRuns as sweepTree, type SweepRunsOptions as SweepTreeOptions, type SweepRunsResult as SweepTreeResult} from "./decoding/sweepRuns.ts";
export {DEFAULT_NETWORK, type NetworkModel} from "./decoding/networkModel.ts";
export type {DecodeResult, RunStats, StopReason, TokenRecord, TokenSource} from "./decoding/types.ts";

// results: the folder, its three Arrow files, their tables.
export {readResults, type Results, type ResultsMetadata} from "./results/resultsFolder.ts";
export {ResultsStore, type PartProvenance} from "./results/ResultsStore.ts";
export {mergeSweeps} from "./results/mergeSweeps.ts";
export {readSweepState, type Shard, type SweepState} from "./results/sweepState.ts";
export {QUESTION_COLUMNS, RESULT_FILES, RESULTS_SCHEMA_VERSION, SUMMARY_COLUMNS, TOKEN_COLUMNS, type QuestionRow, type RunKey, type SummaryRow, type TokenRow} from "./results/schema.ts";
export {summarize, wilsonInterval} from "./results/summarize.ts";
export {formatSummary, summaryTables, type SummaryTable} from "./results/formatTable.ts";
export {summaryHtml} from "./results/summaryHtml.ts";
export {formatPaperTable1, PAPER_TABLE1, paperTable1, policiesOf, type PaperTable1, type PaperTable1Options, type Table1Column} from "./results/paperTable1.ts";
export {compareAtUpload, type RouterAtUpload} from "./results/compareAtUpload.ts";

// learn: router training.
export {collectRouterData, type CollectRouterDataOptions} from "./learn/collectRouterData.ts";
export {collectLabels, type CollectOptions, type Collected, type LabelRow} from "./learn/collectLabels.ts";
export {readLabels, type LabelsMetadata} from "./learn/labelFile.ts";
export {trainRouter, type TrainedRouter, type TrainRouterOptions} from "./learn/trainRouter.ts";
export {evaluateRouter, type RouterEvaluation} from "./learn/evaluateRouter.ts";

// sweep: experiment configs, plans, the runner.
export {configProfile, experimentJsonSchema, loadExperiment, parseExperiment, type ExperimentConfig} from "./sweep/config.ts";
export {planSweep, type SweepPlan} from "./sweep/plan.ts";
export {runSweep, type SweepOptions, type SweepOutcome, type SweepProgress} from "./sweep/runSweep.ts";
export {parseShard} from "./sweep/shard.ts";
export {shardFromScheduler, type SchedulerShard} from "./sweep/schedulerShard.ts";

// plots: Vega-Lite specs from results folders; SVG, PNG, a self-contained HTML report.
export {plotRows, seriesName, type PlotRole, type PlotRow} from "./plots/plotRows.ts";
export {buildPlots, PLOT_NAMES, type Plot, type PlotName} from "./plots/buildPlots.ts";
export {accuracyUploadSpec} from "./plots/specs/accuracyUploadSpec.ts";
export {accuracyThresholdSpec, uploadThresholdSpec} from "./plots/specs/thresholdSpecs.ts";
export {latencySpec} from "./plots/specs/latencySpec.ts";
export {accuracyLatencySpec} from "./plots/specs/accuracyLatencySpec.ts";
export {bytesUpSpec} from "./plots/specs/bytesUpSpec.ts";
export {renderSvg} from "./plots/renderSvg.ts";
export {renderPng} from "./plots/renderPng.ts";
export {writePlots, type PlotFormat} from "./plots/writePlots.ts";
export {reportHtml} from "./plots/reportHtml.ts";
export {writeReport} from "./plots/writeReport.ts";
export {readResultsFolders} from "./plots/readResultsFolders.ts";

// models/fixtures: synthetic GGUFs (llama, qwen2) with seeded random weights; the Qwen2.5-shaped set.
export {writeSyntheticGguf, type SyntheticModelRecipe} from "./models/fixtures/writeSyntheticGguf.ts";
export {cachedSyntheticGguf, fixtureCacheDir, type CachedFixture} from "./models/fixtures/fixtureCache.ts";
export {QWEN25_IDS} from "./models/fixtures/qwen25Tokenizer.ts";
export {QWEN25_ROWS, QWEN_FIXTURES, qwenFixture, qwenFixturePair, type QwenFixtureName, type QwenFixtureOptions} from "./models/fixtures/qwenFixtures.ts";

// report and demo: the question browser of the HTML report; tlr demo, a live page on a pair.
export {questionBrowserData} from "./report/browserData.ts";
export type {BrowserData, BrowserOutcome, BrowserQuestion, BrowserRun} from "./report/browserTypes.ts";
export {firstDifference} from "./report/firstDifference.ts";
export {TokenMarker, type MarkSink} from "./decoding/markTokens.ts";
export {startDemo, type DemoOptions, type DemoServer} from "./demo/startDemo.ts";
export type {DemoEvents, DemoInfo, DemoRequest} from "./demo/demoTypes.ts";

// server: the large model behind HTTP.
export {startServer, SERVE_DEFAULTS, type ServeOptions, type TlrServer} from "./server/startServer.ts";

// net: a slow network on loopback (tlr slowlink).
export {startSlowLink, type SlowLink, type SlowLinkOptions} from "./net/slowLink.ts";

// util: errors every command reports the same way; the machine's cores.
export {ContextFullError, DataUnavailableError, isTlrError, TlrError} from "./util/errors.ts";
export {InterruptedError, interruptOnSignals, type Interrupt} from "./util/interrupt.ts";
export {physicalCores} from "./util/cpu.ts";
export {sha256File} from "./util/sha256.ts";
