import {inspectModelFile} from "../models/gguf.ts";
import {physicalCores} from "../util/cpu.ts";
import {ChildQuestionWorker} from "./ChildQuestionWorker.ts";
import {isRemotePlan, type SweepPlan} from "./plan.ts";
import {openQuestionWorker, type QuestionWorker} from "./questionWorker.ts";
import {likelyGpu, planWorkers, type WorkerPlan} from "./workerPlan.ts";

/** How many workers pair `pairIndex` gets for `questions` questions, and each model's threads (from the GGUF headers). */
export async function sizeWorkers(plan: SweepPlan, pairIndex: number, options: {requested?: number; questions: number; cores?: number}): Promise<WorkerPlan> {
  const {small, large} = plan.pairs[pairIndex]!;
  const size = async (m: {path: string; threads?: number}) => ({parameters: (await inspectModelFile(m.path)).parameters, threads: m.threads});
  return planWorkers(
    {small: await size(small), large: isRemotePlan(large) ? undefined : await size(large)},
    {cores: options.cores ?? physicalCores(), requested: options.requested, questions: options.questions, gpu: likelyGpu(small.gpu) || (!isRemotePlan(large) && likelyGpu(large.gpu))},
  );
}

/**
 * The workers of one pair: with one, the questions run in this process, as they always have;
 * with more, each is a child process (see sweepWorker.ts), none in this one. All open at once;
 * if one fails, the others are closed and its error is thrown.
 */
export async function openWorkers(plan: SweepPlan, pairIndex: number, sizing: WorkerPlan, onInfo?: (message: string) => void): Promise<QuestionWorker[]> {
  const {concurrency, lanes} = plan.config;
  const options = {slots: lanes > 1 ? lanes : concurrency, lanes: lanes > 1, threads: sizing.threads, onInfo};
  if (sizing.workers === 1) return [await openQuestionWorker(plan, pairIndex, options)];
  const opened = await Promise.allSettled(Array.from({length: sizing.workers}, (_, i) => ChildQuestionWorker.open(plan, pairIndex, options, `worker ${i + 1} of ${sizing.workers}`)));
  const failed = opened.find((o) => o.status === "rejected");
  const workers = opened.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
  if (failed) {
    await Promise.allSettled(workers.map((w) => w.dispose()));
    throw failed.reason;
  }
  return workers;
}
