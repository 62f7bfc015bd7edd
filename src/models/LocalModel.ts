import type {LlamaContext, LlamaContextSequence, LlamaModel} from "node-llama-cpp";
import {physicalCores} from "../util/cpu.ts";
import {ContextFullError, TlrError, errorMessage} from "../util/errors.ts";
import {featuresFromLogits} from "../core/featuresFromLogits.ts";
import {HIDDEN_STATE_CONTEXT_OPTIONS, readHiddenState} from "./hiddenState.ts";
import {installTopLogits, TOP_LOGITS_MIN_VOCABULARY, TOP_LOGITS_REQUEST, type TopLogitsHandle} from "./topLogits.ts";
import {inspectModelFile, type GgufSummary} from "./gguf.ts";
import {tokenizerOf} from "./tokenizer.ts";
import {getRuntime, nativeLogMark, nativeLogSince, type GpuSetting} from "./runtime.ts";
import {planEvaluation} from "./schedule.ts";
import {LaneClock, type LaneGate} from "./laneClock.ts";
import {releasePooledSamplers} from "./samplerPool.ts";
import type {ModelInfo, NextOptions, NextResult, TokenModel, VerifyResult} from "./TokenModel.ts";
import type {Prediction, Token} from "../core/Prediction.ts";
import type {Tokenizer} from "../core/Tokenizer.ts";

export interface LocalModelOptions {
  /** Path to a GGUF file. */
  path: string;
  /** CPU threads for this model's evaluations. Default: `defaultThreads(parameters)`. */
  threads?: number;
  /** Context size in tokens. Default: the model's training context, at most 4096. */
  contextSize?: number;
  /** Tokens per evaluation batch. Default: min(contextSize, 512). */
  batchSize?: number;
  /** How many top log-probabilities each prediction carries. Default: 10. */
  topK?: number;
  /**
   * "top-k" (default) estimates the entropy from the top K (see `Prediction.entropyExact`);
   * "exact" sums it (and Z) over the whole vocabulary in float64, which needs every logit copied
   * out of the native side, sorted there (models/topLogits.ts; bench/qwen-shape.ts measures it).
   */
  entropy?: "exact" | "top-k";
  /**
   * "full" (default): top-K log-probabilities, max-probability, margin and entropy. From 8,192
   * ids up the top K come from llama.cpp's partial top-k selection, not from node-llama-cpp's
   * sort of the whole vocabulary (models/topLogits.ts, `topKPath`). "max-prob": only the greedy token and its exact
   * probability; `top` holds just the greedy token and margin and entropy are NaN.
   */
  features?: "full" | "max-prob";
  /** Default "auto": a GPU when node-llama-cpp finds one, else the CPU. */
  gpu?: GpuSetting;
  /**
   * The pair's shared vocabulary: ids at or above it are padding rows the other model lacks, and
   * the greedy token is the best id below it (`Prediction.padded` marks a step whose argmax was
   * padding). Default: the whole vocabulary. `loadPair` sets it when the two sizes differ.
   */
  vocabLimit?: number;
  /** How messages name this model ("small model", "large model"). Default "model". */
  role?: string;
  /**
   * Attach the last-layer hidden state to every prediction (`Prediction.hidden`), for routers
   * that read it. Default false: the path slows prefill and changes prefill logits in the last
   * float bits (see models/hiddenState.ts).
   */
  hidden?: boolean;
}

/**
 * Models below this many parameters decode fastest on one thread: thread synchronisation costs
 * more than their arithmetic. Measured by bench/threads.ts on a 2-core VM: two threads were
 * 0.04–0.16× as fast below 11M parameters, 0.56× at 28M, 1.09× at 57M, 1.38× at 155M, 1.82×
 * at 341M. Machines with more cores may cross over elsewhere: `threads` overrides.
 */
export const SINGLE_THREAD_BELOW_PARAMETERS = 50_000_000;

/** Threads for a model of this size: its physical cores, or 1 for tiny models. */
export function defaultThreads(parameters: number, cores = physicalCores()): number {
  return parameters < SINGLE_THREAD_BELOW_PARAMETERS ? 1 : cores;
}

const DEFAULT_CONTEXT_CAP = 4096;

/** The exact max-probability without a vocabulary sort: the native side scans for the max and sums Z. */
const LEAN_REQUEST = {token: true, totalLogitWeight: true, logits: {filter: {tokens: [] as Token[], includeMax: true}}};

function maxProbOnly(token: number, totalLogitWeight: number): Prediction {
  const maxProb = 1 / totalLogitWeight;
  return {token, top: [{id: token, logprob: -Math.log(totalLogitWeight)}], maxProb, margin: Number.NaN, entropy: Number.NaN, entropyExact: false};
}

/** A GGUF model evaluated in-process by node-llama-cpp, holding one KV-cached sequence. */
export class LocalModel implements TokenModel {
  readonly info: ModelInfo;
  readonly tokenizer: Tokenizer;
  readonly threads: number;
  readonly file: GgufSummary;
  private readonly model: LlamaModel;
  /** Whether dispose() also frees the weights (false when they are shared through `LocalWeights`). */
  private readonly ownsModel: boolean;
  private readonly context: LlamaContext;
  private readonly sequence: LlamaContextSequence;
  private readonly topK: number;
  private readonly exactEntropy: boolean;
  private readonly lean: boolean;
  private readonly generateNext: object;
  /** Ids at or above this are never the greedy token (`LocalModelOptions.vocabLimit`). */
  private vocabLimit: number;
  /** The partial top-K path on this model's context (vocabularies of TOP_LOGITS_MIN_VOCABULARY ids and more, "full" features). */
  private readonly topLogits: TopLogitsHandle | undefined;
  /** How "full" features get their top K: "partial" (llama.cpp's top-k, models/topLogits.ts), "sort" (node-llama-cpp's sort; small vocabularies), or "none" (max-prob). */
  readonly topKPath: "partial" | "sort" | "none";
  /** Whether predictions carry the hidden state (`LocalModelOptions.hidden`). */
  readonly hidden: boolean;
  /** Mirror of the tokens in the sequence's KV state (reading `contextTokens` copies the array). */
  private held: Token[] = [];
  /** The KV state as evaluation batches: each segment's end and the prediction made there (see schedule.ts). */
  private segments: {end: number; prediction: Prediction}[] = [];
  /** `segments[i].end`, kept alongside so planning a step allocates nothing in the common case. */
  private ends: number[] = [];

  private readonly options: LocalModelOptions;

  private constructor(
    private readonly weights: LocalWeights,
    ownsModel: boolean,
    context: LlamaContext,
    threads: number,
    options: LocalModelOptions,
    /** Set for one lane of a context shared by several (`LocalWeights.createLanes`): it frees the context when its last lane is disposed. */
    private readonly lanes?: LaneGroup,
    /** This lane's slot on its group's `LaneClock` (the same index in the small and the large model's lanes). */
    private readonly laneSlot = 0,
  ) {
    const {file, model} = weights;
    this.file = file;
    this.options = options;
    this.model = model;
    this.ownsModel = ownsModel;
    this.context = context;
    this.threads = threads;
    this.topK = options.topK ?? 10;
    this.hidden = options.hidden ?? false;
    const vocabSize = file.info.metadata.tokenizer.ggml.tokens.length;
    this.vocabLimit = checkedVocabLimit(options.vocabLimit, vocabSize, options.role ?? "model");
    this.exactEntropy = options.entropy === "exact";
    this.lean = options.features === "max-prob";
    const role = options.role ?? "model";
    this.topKPath = this.lean ? "none" : vocabSize >= TOP_LOGITS_MIN_VOCABULARY ? "partial" : "sort";
    this.generateNext =
      this.topKPath === "none" ? LEAN_REQUEST
      : this.topKPath === "partial" ? TOP_LOGITS_REQUEST
      : {token: true, totalLogitWeight: true, logits: this.exactEntropy ? true : {filter: {tokens: [] as Token[], includeTop: Math.max(2, this.topK)}}};
    const install = () => installTopLogits(model.llama, model, context, Math.max(2, this.topK), this.exactEntropy, role);
    // One path per context: the lanes of a shared context share it (createLanes refuses exact entropy, whose side value is per evaluation).
    this.topLogits = this.topKPath !== "partial" ? undefined : lanes ? (lanes.topLogits ??= install()) : install();
    this.sequence = context.getSequence({
      contextShift: {
        strategy: () => {
          throw new ContextFullError(`${role} ${file.path}: context of ${context.contextSize} tokens is full`);
        },
      },
    });
    this.tokenizer = tokenizerOf(model);
    this.info = {
      source: file.path,
      name: file.name,
      vocabSize,
      bos: model.tokens.bos as Token | null,
      eos: model.tokens.eos as Token | null,
      eog: this.tokenizer.eog,
      contextSize: context.contextSize,
    };
  }

  static async load(options: LocalModelOptions): Promise<LocalModel> {
    const weights = await LocalWeights.load(options.path, options.gpu ?? "auto", options.role);
    try {
      return await weights.createModel(options, true);
    } catch (error) {
      await weights.dispose();
      throw error;
    }
  }

  /** Another independent KV state on the same weights (for decoding several questions at once). */
  async fork(): Promise<LocalModel> {
    return this.weights.createModel({...this.options, threads: this.threads, contextSize: this.info.contextSize});
  }

  /** `count` lanes on the same weights with this model's settings (see `LocalWeights.createLanes`). */
  async forkLanes(count: number, clock?: LaneClock): Promise<LocalModel[]> {
    return this.weights.createLanes(count, {...this.options, threads: this.threads, contextSize: this.info.contextSize}, clock);
  }

  /**
   * Predicts after `transcript`, evaluating only what the KV state lacks. `options.cuts` are the
   * batch boundaries of earlier calls to reproduce (see `planEvaluation`); by default the held
   * state is reused wherever it is a prefix of the transcript, in whole evaluation batches.
   */
  async next(transcript: readonly Token[], options: NextOptions = {}): Promise<NextResult> {
    const start = performance.now();
    const n = transcript.length;
    if (n === 0) throw new TlrError(`${this.info.name}: cannot predict after an empty transcript (a prompt needs at least one token)`);
    if (n > this.info.contextSize) {
      throw new ContextFullError(`${this.info.name}: transcript of ${n} tokens exceeds the context of ${this.info.contextSize} tokens`);
    }
    const plan = planEvaluation(this.held, this.ends, transcript, options.cuts);
    if (plan.evaluate.length === 0) {
      const k = plan.keepSegments;
      const evaluated = this.segments[k - 1]!.end - (k > 1 ? this.segments[k - 2]!.end : 0);
      const prediction = await this.withTop(this.segments[k - 1]!.prediction, options.top);
      return {prediction, evaluated, fromState: true, replayed: 0, ms: performance.now() - start};
    }
    for (let i = plan.keepLength; i < n; i++) {
      const id = transcript[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.info.vocabSize) {
        throw new TlrError(`${this.info.name}: token id ${id} is outside its vocabulary of ${this.info.vocabSize}`);
      }
    }
    let segmentStart = performance.now();
    try {
      if (plan.keepLength < this.held.length) {
        await this.sequence.eraseContextTokenRanges([{start: plan.keepLength, end: this.held.length}]);
        this.held.length = plan.keepLength;
      }
      this.segments.length = plan.keepSegments;
      this.ends.length = plan.keepSegments;
      for (const end of plan.evaluate) {
        segmentStart = performance.now();
        await this.evaluateSegment(transcript.slice(this.held.length, end), false);
      }
    } catch (error) {
      // Resynchronise with the real state; its batch history is unknown, so no segment is trusted.
      await this.reset();
      throw error;
    }
    const finalStart = plan.evaluate.length > 1 ? plan.evaluate.at(-2)! : plan.keepLength;
    const prediction = await this.withTop(this.segments.at(-1)!.prediction, options.top);
    return {
      prediction,
      evaluated: n - finalStart,
      fromState: false,
      replayed: finalStart - plan.keepLength,
      ms: performance.now() - segmentStart,
      replayMs: segmentStart - start,
    };
  }

  /**
   * Evaluates `pending` as one batch appended to the held state, as one segment, predicting after
   * its last token (and, with `everyPosition`, after each of its tokens: verification's drafts).
   */
  private async evaluateSegment(pending: readonly Token[], everyPosition: boolean): Promise<Prediction[]> {
    const batchStart = this.held.length;
    const last = pending.length - 1;
    const items = pending.map((id, i) => (i === last || everyPosition ? ([id, {generateNext: this.generateNext}] as const) : id));
    const out = await this.evaluate(items);
    for (const id of pending) this.held.push(id);
    const predictions: Prediction[] = [];
    for (let i = everyPosition ? 0 : last; i <= last; i++) {
      const next = out[i]?.next;
      if (next?.token == null || (!this.lean && !next.logits) || next.totalLogitWeight === undefined) {
        throw new Error("node-llama-cpp returned no next-token logits");
      }
      let prediction = this.lean
        ? maxProbOnly(next.token, next.totalLogitWeight)
        : featuresFromLogits(next.token, next.logits!, next.totalLogitWeight, this.topK, this.exactEntropy && !this.topLogits);
      // The top-K path hands over the exact entropy of the position it sampled last: the segment's
      // end. A verification's earlier positions keep the top-K estimate (entropyExact false).
      if (this.exactEntropy && this.topLogits && i === last) {
        prediction.entropy = this.topLogits.last.entropy;
        prediction.entropyExact = true;
      }
      if (prediction.token >= this.vocabLimit) {
        // A padding row won: the batch's last position can be read again for more logits; a
        // verification's earlier positions take the best shared id among the top K read.
        if (i === last) prediction = await this.sharedToken(prediction, next as NextOutput, batchStart);
        else {
          const best = next.logits && firstBelow(next.logits, this.vocabLimit);
          if (!best) throw new Error(`${this.info.name}: a draft position's argmax is a padding row and no id below ${this.vocabLimit} is among its top logits`);
          prediction = {...prediction, token: best[0], padded: true};
        }
      }
      predictions.push(prediction);
    }
    // Read at once: the next evaluation on this context overwrites it (it is the last position's).
    if (this.hidden) predictions.at(-1)!.hidden = readHiddenState(this.context, role(this.options));
    this.segments.push({end: this.held.length, prediction: predictions.at(-1)!});
    this.ends.push(this.held.length);
    return predictions;
  }

  /**
   * Speculative decoding's verification: catches up on `transcript` as `next` does (its own batch,
   * predicting after it), then evaluates the drafts as one more batch with a prediction after
   * each. Keeping the catch-up a batch of its own means a rejected draft never invalidates it: the
   * next call rolls back to the transcript's end, a whole batch, and re-evaluates at most the
   * accepted drafts (see models/schedule.ts: state is reused in whole batches only).
   */
  async verify(transcript: readonly Token[], drafts: readonly Token[], options: NextOptions = {}): Promise<VerifyResult> {
    const first = await this.next(transcript, options);
    if (drafts.length === 0) return {predictions: [first.prediction], accepted: 0, evaluated: first.evaluated, ms: first.ms};
    for (const id of drafts) {
      if (!Number.isInteger(id) || id < 0 || id >= this.info.vocabSize) throw new TlrError(`${this.info.name}: token id ${id} is outside its vocabulary of ${this.info.vocabSize}`);
    }
    if (transcript.length + drafts.length > this.info.contextSize) {
      throw new ContextFullError(`${this.info.name}: transcript of ${transcript.length + drafts.length} tokens exceeds the context of ${this.info.contextSize} tokens`);
    }
    const start = performance.now();
    let after: Prediction[];
    try {
      // The drafts batch is always evaluated anew: the segments keep only each batch's last prediction.
      const n = transcript.length;
      const k = this.ends.indexOf(n) + 1;
      if (this.held.length > n) await this.sequence.eraseContextTokenRanges([{start: n, end: this.held.length}]);
      this.held.length = n;
      this.segments.length = k;
      this.ends.length = k;
      after = await this.evaluateSegment(drafts, true);
    } catch (error) {
      await this.reset();
      throw error;
    }
    const predictions = [first.prediction];
    let accepted = 0;
    while (accepted < drafts.length && predictions[accepted]!.token === drafts[accepted]) predictions.push(after[accepted++]!);
    return {predictions, accepted, evaluated: first.evaluated + drafts.length, ms: first.ms + (performance.now() - start)};
  }

  /** One `controlledEvaluate` on this model's sequence; a lane's waits at its gate to go with the other lanes (see laneClock.ts). */
  private evaluate(items: readonly unknown[]): ReturnType<LlamaContextSequence["controlledEvaluate"]> {
    const run = () => this.sequence.controlledEvaluate(items as Parameters<LlamaContextSequence["controlledEvaluate"]>[0]);
    return this.lanes ? this.lanes.gate.run(this.laneSlot, run) : run();
  }

  /** Evaluates `pending` (appended to the KV state) as one batch, asking `generateNext` of its last token. */
  private async evaluateBatch(pending: readonly Token[], generateNext: object): Promise<NextOutput> {
    const last = pending.length - 1;
    const items = pending.map((id, i) => (i === last ? ([id, {generateNext}] as const) : id));
    const out = await this.evaluate(items);
    for (const id of pending) this.held.push(id);
    const next = out[last]?.next;
    if (next?.token == null || next.totalLogitWeight === undefined) throw new Error("node-llama-cpp returned no next-token logits");
    return next as NextOutput;
  }

  /**
   * Evaluates the last batch of the KV state again (from `start`) with another request: the same
   * batch gives bit-identical logits (NODE-LLAMA-CPP.md), so the state is unchanged and only
   * more of the same distribution is read. Used where a prediction needs more than its top-K.
   */
  private async reevaluateLastBatch(start: number, generateNext: object): Promise<NextOutput> {
    const pending = this.held.slice(start);
    await this.sequence.eraseContextTokenRanges([{start, end: this.held.length}]);
    this.held.length = start;
    return this.evaluateBatch(pending, generateNext);
  }

  /**
   * The argmax was a padding row (≥ vocabLimit): the token becomes the best shared id. It is
   * usually among the logits already read (full features read the top K); else the batch is read
   * again with as many top logits as there are padding rows plus one, which must hold a shared id.
   * Only the token changes: the other features describe the model's whole distribution.
   */
  private async sharedToken(raw: Prediction, next: NextOutput, batchStart: number): Promise<Prediction> {
    let logits = next.logits;
    let best = logits && firstBelow(logits, this.vocabLimit);
    if (!best) {
      const includeTop = this.info.vocabSize - this.vocabLimit + 1;
      logits = (await this.reevaluateLastBatch(batchStart, {token: true, totalLogitWeight: true, logits: {filter: {tokens: [], includeTop}}})).logits;
      best = logits && firstBelow(logits, this.vocabLimit);
      if (!best) throw new Error(`no id below ${this.vocabLimit} among the ${includeTop} most likely tokens`);
    }
    const maxLogit = logits!.values().next().value!;
    const logprob = best[1] - maxLogit - Math.log(next.totalLogitWeight);
    return {...raw, token: best[0], padded: true, top: this.lean ? [{id: best[0], logprob}] : raw.top};
  }

  /** `prediction`, or (for `NextOptions.top` beyond what it holds) the final batch read again for more top log-probabilities. */
  private async withTop(prediction: Readonly<Prediction>, top: number | undefined): Promise<Readonly<Prediction>> {
    if (top === undefined || top <= prediction.top.length || prediction.top.length >= this.info.vocabSize) return prediction;
    const start = this.ends.length > 1 ? this.ends.at(-2)! : 0;
    let next: NextOutput;
    try {
      next = await this.reevaluateLastBatch(start, {token: true, totalLogitWeight: true, logits: {filter: {tokens: [], includeTop: Math.max(2, top)}}});
    } catch (error) {
      await this.reset(); // the state's last batch may be gone
      throw error;
    }
    const wide = featuresFromLogits(next.token, next.logits!, next.totalLogitWeight, top, false);
    // The token, the padding flag and the hidden state stay those of the kept prediction.
    return {...wide, token: prediction.token, ...(prediction.padded ? {padded: true} : {}), ...(prediction.hidden ? {hidden: prediction.hidden} : {})};
  }

  /**
   * Narrows the greedy token to ids below `limit` (a remote pair learns its shared vocabulary only
   * after connecting). Forgets the state, so every prediction is made under the new limit.
   */
  async limitVocabulary(limit: number): Promise<void> {
    const checked = checkedVocabLimit(limit, this.info.vocabSize, role(this.options));
    if (checked === this.vocabLimit) return;
    this.vocabLimit = checked;
    this.options.vocabLimit = checked;
    await this.reset();
  }

  /** Ends of the evaluation batches the KV state holds (see models/schedule.ts). */
  get batchEnds(): number[] {
    return [...this.ends];
  }

  /**
   * Input tokens the native sequence has evaluated since load, counted by node-llama-cpp's
   * TokenMeter: an independent check of the catch-up sizes this class reports.
   */
  get nativeEvaluatedTokens(): number {
    // The meter splits each evaluation into "input" tokens and the "output" ones that produced logits.
    return this.sequence.tokenMeter.usedInputTokens + this.sequence.tokenMeter.usedOutputTokens;
  }

  async reset(): Promise<void> {
    await this.sequence.clearHistory();
    this.held = [];
    this.segments = [];
    this.ends = [];
  }

  async dispose(): Promise<void> {
    if (this.lanes) {
      this.sequence.dispose();
      if (--this.lanes.open > 0) return;
    }
    this.topLogits?.dispose();
    await this.context.dispose();
    if (this.ownsModel) await this.model.dispose();
  }

  /** @internal Used by `LocalWeights.createModel` and `createLanes`. */
  static fromLoaded(weights: LocalWeights, ownsModel: boolean, context: LlamaContext, threads: number, options: LocalModelOptions, lanes?: LaneGroup, laneSlot?: number): LocalModel {
    return new LocalModel(weights, ownsModel, context, threads, options, lanes, laneSlot);
  }
}

/**
 * A GGUF's weights loaded once, from which several `LocalModel`s can be made, each with its own
 * context and KV state: `tlr serve` gives every session its own context this way, so sessions
 * never share a KV cache or an evaluation batch (either would change their numerics).
 */
export class LocalWeights {
  private constructor(
    readonly file: GgufSummary,
    readonly model: LlamaModel,
  ) {}

  static async load(path: string, gpu: GpuSetting = "auto", role = "model"): Promise<LocalWeights> {
    const file = await inspectModelFile(path, role);
    const llama = await getRuntime(gpu);
    const mark = nativeLogMark();
    try {
      return new LocalWeights(file, await llama.loadModel({modelPath: path}));
    } catch (error) {
      const why = nativeLogSince(mark).filter((l) => /error|fail/i.test(l)).at(0) ?? errorMessage(error);
      throw new TlrError(`${role} file ${path} could not be loaded: ${why}`, {cause: error});
    }
  }

  /** A model with its own context over these weights (`options.path` and `gpu` are ignored). */
  async createModel(options: Omit<LocalModelOptions, "path" | "gpu"> = {}, ownsWeights = false): Promise<LocalModel> {
    const role = options.role ?? "model";
    const {file, model} = this;
    const threads = checkedThreads(options.threads ?? defaultThreads(file.parameters), role);
    const contextSize = options.contextSize ?? Math.min(model.trainContextSize, DEFAULT_CONTEXT_CAP);
    let context: LlamaContext;
    try {
      const hidden = options.hidden ? HIDDEN_STATE_CONTEXT_OPTIONS : {};
      context = await model.createContext({contextSize, batchSize: options.batchSize ?? Math.min(contextSize, 512), threads, sequences: 1, ...hidden});
    } catch (error) {
      throw new TlrError(`${role} ${file.path}: could not create a context of ${contextSize} tokens: ${errorMessage(error)}`, {cause: error});
    }
    return LocalModel.fromLoaded(this, ownsWeights, context, threads, {...options, path: file.path});
  }

  /**
   * `count` models that are sequences of one context ("lanes"): node-llama-cpp gathers the
   * evaluations that the lanes start in the same event-loop cycle into one native decode, so
   * several questions decoded at once share each pass over the weights (what pays for big models
   * and on GPUs). A `LaneClock` (laneClock.ts) holds each lane's evaluations back until the other
   * lanes join them; pass the same clock to the lanes of the other model of a pair, whose lane i
   * runs the same question, so that the two contexts take turns. Their numbers are not those of a model alone: a decode step of several lanes is a
   * batch of several tokens, which the CPU backend computes with other kernels than a single token
   * (bench/README.md, "Lanes"), and which lanes meet in one batch depends on timing. Each lane still
   * has its own KV cells (node-llama-cpp keeps sequences apart), and rolls back on its own.
   * Lanes cannot read hidden states (the internal embeddings path serves one sequence).
   */
  async createLanes(count: number, options: Omit<LocalModelOptions, "path" | "gpu"> = {}, clock = new LaneClock(count)): Promise<LocalModel[]> {
    const role = options.role ?? "model";
    if (!Number.isInteger(count) || count < 1) throw new TlrError(`${role}: lanes must be a positive integer, got ${count}`);
    if (clock.slots !== count) throw new Error(`${role}: a lane clock of ${clock.slots} slots for ${count} lanes`);
    if (options.hidden) throw new TlrError(`${role}: lanes cannot carry hidden states (a learned router that reads them needs one sequence per context): use lanes 1`);
    if (options.entropy === "exact") throw new TlrError(`${role}: lanes cannot compute the exact entropy (it is read off the context after each evaluation, which lanes share): use lanes 1 or entropy "top-k"`);
    const threads = checkedThreads(options.threads ?? defaultThreads(this.file.parameters), role);
    const contextSize = options.contextSize ?? Math.min(this.model.trainContextSize, DEFAULT_CONTEXT_CAP);
    let context: LlamaContext;
    try {
      // contextSize is per sequence (node-llama-cpp allocates contextSize × sequences cells); one
      // batch must hold a step of every lane and, ideally, a prompt.
      context = await this.model.createContext({contextSize, batchSize: options.batchSize ?? Math.min(contextSize, 512), threads, sequences: count});
    } catch (error) {
      throw new TlrError(`${role} ${this.file.path}: could not create a context of ${count} lanes × ${contextSize} tokens: ${errorMessage(error)}`, {cause: error});
    }
    const group: LaneGroup = {open: count, gate: clock.gate(role)};
    return Array.from({length: count}, (_, slot) => LocalModel.fromLoaded(this, false, context, threads, {...options, path: this.file.path}, group, slot));
  }

  async dispose(): Promise<void> {
    releasePooledSamplers(this.model);
    await this.model.dispose();
  }
}

/** The lanes of one shared context still open, and the context's top-K path if it has one. */
interface LaneGroup {
  open: number;
  /** Where its lanes wait for each other (see laneClock.ts). */
  gate: LaneGate;
  topLogits?: TopLogitsHandle;
}

function checkedThreads(threads: number, role: string): number {
  if (!Number.isInteger(threads) || threads < 1) throw new TlrError(`${role}: threads must be a positive integer, got ${threads}`);
  return threads;
}

const role = (options: LocalModelOptions) => options.role ?? "model";

/** What `controlledEvaluate` gives for the token that asked for a next-token prediction. */
interface NextOutput {
  token: Token;
  totalLogitWeight: number;
  logits?: ReadonlyMap<Token, number>;
}

/** The first (most likely) entry of logits sorted high to low whose id is below `limit`. */
function firstBelow(logits: ReadonlyMap<Token, number>, limit: number): [Token, number] | undefined {
  for (const entry of logits) if (entry[0] < limit) return entry;
  return undefined;
}

function checkedVocabLimit(limit: number | undefined, vocabSize: number, who: string): number {
  if (limit === undefined) return vocabSize;
  if (!Number.isInteger(limit) || limit < 1) throw new TlrError(`${who}: vocabLimit must be a positive integer, got ${limit}`);
  return Math.min(limit, vocabSize);
}
