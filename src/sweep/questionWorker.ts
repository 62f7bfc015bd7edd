import {subset} from "../data/subset.ts";
import type {Example} from "../data/types.ts";
import {MemoModel} from "../decoding/memo.ts";
import {DEFAULT_POLICY, isOptimistic, policyName, type PolicySpec} from "../decoding/policy.ts";
import {sweepRuns} from "../decoding/sweepRuns.ts";
import {replayTimeline, type DeviceProfile} from "../decoding/timeline.ts";
import type {TokenModel} from "../models/TokenModel.ts";
import type {StopRules} from "../decoding/decode.ts";
import {openPair, type OpenedPair, type Worker} from "../models/openPair.ts";
import {isRemoteError} from "../models/remote/RemoteError.ts";
import type {QuestionRow, RunKey, TokenRow} from "../results/schema.ts";
import {loadRouter} from "../routing/loadRouter.ts";
import {createRouter} from "../routing/routers.ts";
import {fixedThreshold, roleOfKind} from "../routing/routerKinds.ts";
import type {Router} from "../routing/Router.ts";
import {TlrError} from "../util/errors.ts";
import {calibrate, type Calibrated} from "./calibrate.ts";
import {pairOptions, type DatasetPlan, type SweepPlan} from "./plan.ts";
import {errorRow, runRows} from "./runRows.ts";

/** One question's rows: a row per run in `questions`, a row per generated token of each in `tokens`. */
export interface QuestionRows {
  questions: QuestionRow[];
  tokens: TokenRow[];
}

/**
 * Runs the questions of one pair: in this process (`openQuestionWorker`) or in a worker process
 * (`ChildQuestionWorker`), which the sweep cannot tell apart. Each question's rows depend only on
 * the question, never on which worker or slot ran it, nor on what ran before: a sweep's results
 * are the same with any number of workers (timings aside).
 */
export interface QuestionWorker {
  /** Questions it runs at once (`concurrency`, or `lanes`). */
  readonly slots: number;
  /** What the results record about the pair's models (`OpenedPair.metadata()`). */
  readonly metadata: unknown;
  /**
   * Loads a dataset's routers; calibrates those with targets, unless `calibration` (from another
   * worker) is given. Returns the calibration and the runs of each question.
   */
  prepare(dataset: number, calibration?: Calibrated[]): Promise<PreparedDataset>;
  /** One question's rows; `onStart` gets its prompt length before it decodes. */
  run(dataset: number, question: number, onStart?: (promptTokens: number) => void): Promise<QuestionRows>;
  dispose(): Promise<void>;
}

export interface PreparedDataset {
  calibration: Calibrated[];
  /** The runs of each question, in the order its rows come: baselines, then routers and thresholds. */
  runs: RunKey[];
}

export interface QuestionWorkerOptions {
  /** Questions at once: each with its own contexts, or (with `lanes`) a sequence of shared ones. */
  slots: number;
  lanes?: boolean;
  /** Threads per model where the config sets none (chosen by `planWorkers`). */
  threads?: {small?: number; large?: number};
  onInfo?: (message: string) => void;
}

/**
 * A thrown error that belongs to one question, not to the sweep: a remote model that still failed
 * after its retries. The question is recorded with it (counted wrong) and the sweep goes on.
 */
export function isRecordable(error: unknown): boolean {
  return isRemoteError(error);
}

interface RunnableRouter {
  name: string;
  router: Router;
  thresholds: number[];
  targets: (number | null)[];
  policies: PolicySpec[];
}

/** The sweep's questions of pair `pairIndex`, run in this process on a pair opened by `openPair`. */
export async function openQuestionWorker(plan: SweepPlan, pairIndex: number, options: QuestionWorkerOptions): Promise<QuestionWorker> {
  const pairPlan = plan.pairs[pairIndex]!;
  const opened = pairOptions(pairPlan, {topK: plan.config.topK, hidden: plan.routers.some((r) => r.needsHidden), features: plan.config.features});
  // Threads chosen for the worker count fill in only what the config left unset.
  const withThreads = <M extends object>(m: M, threads: number | undefined): M => ("url" in m || threads === undefined || ("threads" in m && m.threads !== undefined) ? m : {...m, threads});
  const pair = await openPair({
    ...opened,
    small: withThreads(opened.small, options.threads?.small),
    large: withThreads(opened.large, options.threads?.large),
    lanes: options.lanes,
    chat: plan.config.chat,
    onWarning: (w) => options.onInfo?.(`warning: ${w}`),
  });
  try {
    const slots = await pair.workers(options.slots); // freed by pair.dispose()
    const metadata = await pair.metadata();
    const free = [...slots];
    const prepared = new Map<number, RunnableRouter[]>();
    return {
      slots: options.slots,
      metadata,
      async prepare(d, given) {
        const {routers, calibration} = await prepareRouters(plan, plan.datasets[d]!, pair, slots[0]!, given);
        prepared.set(d, routers);
        return {calibration, runs: routers.flatMap((r) => r.policies.flatMap((policy) => r.thresholds.map((_, i) => keyOf(plan.datasets[d]!, pairPlan.name, r, policy, i))))};
      },
      async run(d, q, onStart) {
        const routers = prepared.get(d);
        if (!routers) throw new Error(`dataset ${d} was not prepared`);
        const worker = free.pop();
        if (!worker) throw new Error(`more than ${options.slots} questions at once`);
        try {
          return await runQuestion(worker, pair, plan.datasets[d]!, pairPlan.name, routers, q, plan.config, plan.profile, onStart);
        } finally {
          free.push(worker);
        }
      },
      dispose: () => pair.dispose(),
    };
  } catch (error) {
    await pair.dispose();
    throw error;
  }
}

const keyOf = (dataset: DatasetPlan, pair: string, r: RunnableRouter, policy: PolicySpec, i: number): RunKey => ({
  dataset: dataset.name,
  split: dataset.split,
  task: dataset.task.name,
  pair,
  router: r.name,
  routerKind: r.router.kind,
  routerRole: roleOfKind(r.router.kind),
  policy: policyName(policy),
  threshold: r.thresholds[i]!,
  target: r.targets[i] ?? null,
});

/**
 * Error rows for every run of a question that could not be run (its worker process died, say).
 * `promptTokens` is 0 when the question never reached its worker's tokenizer.
 */
export function failedQuestionRows(runs: readonly RunKey[], question: number, dataset: DatasetPlan, promptTokens: number, message: string): QuestionRows {
  const example = dataset.examples[question]!;
  const prompt = {text: dataset.task.prompt(example), tokens: promptTokens};
  return {questions: runs.map((key) => errorRow(key, question, example, prompt, message)), tokens: []};
}

async function runQuestion(
  worker: Worker,
  pair: OpenedPair,
  dataset: DatasetPlan,
  pairName: string,
  routers: RunnableRouter[],
  q: number,
  config: SweepPlan["config"],
  profile: DeviceProfile | undefined,
  onStart?: (promptTokens: number) => void,
): Promise<QuestionRows> {
  const example: Example = dataset.examples[q]!;
  const tokenizer = pair.tokenizer;
  const prompt = pair.encoder.encode(dataset.task.prompt(example));
  onStart?.(prompt.length);
  // Once the large model failed for good in this question (its retries spent), later calls of the
  // question fail at once with that error instead of waiting through the retries again.
  let largeDown: Error | undefined;
  const down = () => Promise.reject(largeDown);
  const large = new Proxy(worker.large, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      return largeDown && (prop === "next" || prop === "generate" || prop === "verify") ? down : value.bind(target);
    },
  }) as TokenModel;
  // One memo per question: every router, policy and threshold shares the evaluations they have in
  // common (by tokens and batch history, or by tokens alone with share "tokens").
  const memo = {small: new MemoModel(worker.small, prompt.length, config.share), large: new MemoModel(large, prompt.length, config.share)};
  const questions: QuestionRow[] = [];
  const tokens: TokenRow[] = [];
  for (const r of routers) {
    for (const policy of r.policies) {
      const swept = await sweepRuns({
        prompt,
        small: worker.small,
        large: worker.large,
        tokenizer,
        router: r.router,
        policy,
        thresholds: r.thresholds,
        maxTokens: config.maxTokens,
        stop: stopRules(config, dataset),
        network: config.network,
        protocol: pair.byteModel,
        key: example.id,
        sharedVocabSize: pair.sharedVocabSize,
        onLargeError: config.onLargeError,
        memo,
        share: config.share,
        // A large model unreachable after its retries ends only the runs that needed it: the
        // small-only baseline, and runs that never routed, are recorded as usual.
        recordLargeError: (error) => {
          if (!isRecordable(error)) return false;
          largeDown ??= error as Error;
          return true;
        },
      });
      swept.runs.forEach((run, i) => {
        const key = keyOf(dataset, pairName, r, policy, i);
        const error = swept.errors[i];
        if (!run || error) {
          questions.push(failedQuestionRows([key], q, dataset, prompt.length, error?.message ?? "no run").questions[0]!);
          return;
        }
        const onProfile = profile && replayTimeline(run.events, {network: config.network, profile, optimistic: isOptimistic(policy)});
        const rows = runRows(key, q, example, dataset.task, run, onProfile);
        questions.push(rows.question);
        tokens.push(...rows.tokens);
      });
    }
  }
  return {questions, tokens};
}

/** Baselines first, then the configured routers, thresholds ascending (calibrated where targets are given). */
async function prepareRouters(plan: SweepPlan, dataset: DatasetPlan, pair: OpenedPair, worker: Worker, given?: Calibrated[]): Promise<{routers: RunnableRouter[]; calibration: Calibrated[]}> {
  const routers: RunnableRouter[] = [
    {name: "small-only", router: createRouter("always-small"), thresholds: [fixedThreshold("always-small")!], targets: [null], policies: [DEFAULT_POLICY]},
    // Speculative decoding writes the large model's output: it runs as a policy of the large-only baseline.
    {name: "large-only", router: createRouter("always-large"), thresholds: [fixedThreshold("always-large")!], targets: [null], policies: plan.baselinePolicies},
  ];
  const toCalibrate: {index: number; router: Router; targets: number[]}[] = [];
  for (const r of plan.routers) {
    const router = await loadRouter({kind: r.kind, seed: r.seed, file: r.file}, {smallModel: worker.small.file.path});
    if (r.targets) toCalibrate.push({index: routers.length, router, targets: r.targets});
    routers.push({name: router.name, router, thresholds: r.thresholds ?? [], targets: r.thresholds ? r.thresholds.map(() => null) : r.targets!, policies: r.policies});
  }
  let calibration: Calibrated[] = [];
  if (toCalibrate.length > 0) {
    calibration = given ?? (await calibrateRouters(plan, dataset, pair, worker, toCalibrate));
    toCalibrate.forEach((t, i) => (routers[t.index]!.thresholds = calibration[i]!.thresholds));
  }
  return {routers, calibration};
}

async function calibrateRouters(plan: SweepPlan, dataset: DatasetPlan, pair: OpenedPair, worker: Worker, toCalibrate: {router: Router; targets: number[]}[]): Promise<Calibrated[]> {
  const c = plan.config.calibration;
  const evaluated = new Set(dataset.examples.map((e) => e.id));
  const pool = c.split && c.split !== dataset.split ? undefined : dataset.all.filter((e) => !evaluated.has(e.id));
  if (!pool) throw new TlrError(`${plan.configFile}: calibration.split: calibrating on another split than the evaluated one is not supported yet; leave it out to use the evaluation split's other questions`);
  const examples = subset(pool, {limit: c.limit, seed: c.seed});
  if (examples.length === 0) throw new TlrError(`${plan.configFile}: calibration: ${dataset.name} has no questions left outside the evaluated subset to calibrate on; lower datasets[].limit`);
  return calibrate({
    routers: toCalibrate.map(({router, targets}) => ({router, targets})),
    examples,
    task: dataset.task,
    small: worker.small,
    large: worker.large,
    tokenizer: pair.tokenizer,
    maxTokens: plan.config.maxTokens,
    stop: stopRules(plan.config, dataset),
    encodePrompt: (text) => pair.encoder.encode(text),
  });
}

/** Where a sweep's generations stop besides the small model's end-of-generation tokens: the task's and the config's strings, the config's ids. */
function stopRules(config: SweepPlan["config"], dataset: DatasetPlan): StopRules {
  return {strings: [...dataset.task.stop, ...(config.stop ?? [])], tokens: config.stopTokens ?? []};
}
