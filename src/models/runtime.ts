import {getLlama, LlamaLogLevel, NoBinaryFoundError, type Llama, type LlamaOptions} from "node-llama-cpp";
import {physicalCores} from "../util/cpu.ts";
import {TlrError} from "../util/errors.ts";
import {poolSamplers} from "./samplerPool.ts";

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
    // Prebuilt binaries only: node-llama-cpp's default would clone and compile llama.cpp (minutes,
    // pages of compiler output) when no prebuilt binary works, e.g. for --gpu cuda without a GPU.
    const options: LlamaOptions = {gpu, build: "never", skipDownload: true, progressLogs: false, maxThreads: physicalCores(), logLevel: LlamaLogLevel.warn, logger};
    runtime = getLlama(options).then((llama) => (poolSamplers(llama), llama)).catch((error: unknown) => {
      runtimes.delete(key);
      if (!(error instanceof NoBinaryFoundError)) throw error;
      throw new TlrError(`gpu "${gpu}": node-llama-cpp has no prebuilt binary for it that works on this machine (no such GPU, or its driver is missing): use gpu "auto" (the best that works) or "false" (the CPU)`, {cause: error});
    });
    runtimes.set(key, runtime);
  }
  return runtime;
}
