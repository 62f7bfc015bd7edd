import {existsSync} from "node:fs";
import {defaultThreads} from "../models/LocalModel.ts";
import {TlrError} from "../util/errors.ts";

/** What sizing a sweep's workers needs to know about one model of a pair (absent: a remote large model). */
export interface ModelSize {
  parameters: number;
  /** Threads set in the config, if any. */
  threads?: number;
}

/** How a pair's questions are spread: worker processes, and each model's threads within one. */
export interface WorkerPlan {
  workers: number;
  threads: {small: number; large?: number};
  /** Why this many, for the progress line (e.g. "2 workers × 1 thread on 2 cores"). */
  reason: string;
}

/**
 * Workers for a pair on a machine with `cores` physical cores. A worker decodes one question at a
 * time with its own models, calling the small and the large model in turn, so it keeps busy as many
 * cores as the larger of the two models' thread counts; the default runs as many workers as fit:
 * the toy pair (1 thread per model, bench/threads.ts: tiny models are fastest on one) gets one worker
 * per core, a 0.5B model (all cores) gets one. With `requested` workers, models that would take all
 * cores get an equal share instead. On a GPU the default is one worker: the device is shared, and
 * lanes, not processes, are what batch work onto it.
 */
export function planWorkers(pair: {small: ModelSize; large?: ModelSize}, options: {cores: number; requested?: number; questions: number; gpu?: boolean}): WorkerPlan {
  const {cores, requested, questions} = options;
  if (requested !== undefined && (!Number.isInteger(requested) || requested < 1)) throw new TlrError(`workers must be a positive integer, got ${requested}`);
  const alone = (m: ModelSize) => m.threads ?? defaultThreads(m.parameters, cores);
  const widest = Math.max(alone(pair.small), pair.large ? alone(pair.large) : 1);
  const fit = options.gpu ? 1 : Math.max(1, Math.floor(cores / widest));
  // More workers than questions would only load models for nothing.
  const workers = Math.max(1, Math.min(requested ?? fit, Math.max(questions, 1)));
  const share = Math.max(1, Math.floor(cores / workers));
  const threads = (m: ModelSize) => m.threads ?? Math.min(defaultThreads(m.parameters, cores), share);
  const plan = {workers, threads: {small: threads(pair.small), large: pair.large ? threads(pair.large) : undefined}};
  const t = Math.max(plan.threads.small, plan.threads.large ?? 0);
  const why = requested !== undefined ? "as requested" : options.gpu ? "one per GPU" : `on ${cores} core${cores === 1 ? "" : "s"}`;
  return {...plan, reason: `${workers} worker${workers === 1 ? "" : "s"} × ${t} thread${t === 1 ? "" : "s"} ${why}`};
}

/**
 * Whether a GPU is likely to take the models: an NVIDIA driver, or Apple silicon (Metal). A cheap
 * look at the machine, not node-llama-cpp's own detection (loading its bindings in the parent
 * would cost ~0.7 s and a runtime the parent never uses); `workers` overrides it.
 */
export function likelyGpu(gpu: false | string | undefined): boolean {
  if (gpu === false) return false;
  if (process.platform === "darwin" && process.arch === "arm64") return true;
  return existsSync("/proc/driver/nvidia/version") || existsSync("/dev/nvidia0");
}
