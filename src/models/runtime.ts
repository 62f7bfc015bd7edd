import {getLlama, LlamaLogLevel, type Llama, type LlamaOptions} from "node-llama-cpp";
import {physicalCores} from "../util/cpu.ts";

export type GpuSetting = false | "auto" | "cuda" | "vulkan" | "metal";

const NATIVE_LOG_KEEP = 50;
/** The last native (llama.cpp) log lines with their running numbers, kept so a failed load can say why. */
const nativeLog: {n: number; line: string}[] = [];
let nativeLogCount = 0;
let echoNativeLog = process.env.TLR_VERBOSE === "1";

/** Print llama.cpp's own log lines on stderr (the CLI's --verbose). */
export function setNativeLogEcho(on: boolean): void {
  echoNativeLog = on;
}

/** A mark to pass to `nativeLogSince` later. */
export function nativeLogMark(): number {
  return nativeLogCount;
}

/** Native warnings and errors logged since `mark` (at most the last 50). */
export function nativeLogSince(mark: number): string[] {
  return nativeLog.filter((e) => e.n >= mark).map((e) => e.line);
}

function logger(level: LlamaLogLevel, message: string): void {
  const line = message.trim();
  if (!line) return;
  nativeLog.push({n: nativeLogCount++, line});
  if (nativeLog.length > NATIVE_LOG_KEEP) nativeLog.shift();
  // Read at each line: the CLI sets TLR_VERBOSE after this module may have loaded.
  if (echoNativeLog || process.env.TLR_VERBOSE === "1") process.stderr.write(`[llama.cpp ${level}] ${line}\n`);
}

const runtimes = new Map<string, Promise<Llama>>();

/**
 * One node-llama-cpp runtime per GPU setting per process, shared by every model. Its thread
 * budget is the physical core count: ggml's busy-waiting threads on an oversubscribed CPU make
 * decoding ~150× slower (node-llama-cpp's default is at least 4).
 */
export function getRuntime(gpu: GpuSetting = "auto"): Promise<Llama> {
  const key = String(gpu);
  let runtime = runtimes.get(key);
  if (!runtime) {
    const options: LlamaOptions = {gpu, maxThreads: physicalCores(), logLevel: LlamaLogLevel.warn, logger};
    runtime = getLlama(options);
    runtimes.set(key, runtime);
  }
  return runtime;
}
