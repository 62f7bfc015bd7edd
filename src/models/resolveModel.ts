import {isAbsolute, resolve} from "node:path";
import {TlrError} from "../util/errors.ts";
import {cachedModelPath} from "./pullModel.ts";

/** Names a Hub-hosted model preset (MODEL_PRESETS) that `tlr models pull NAME` has put in the Hugging Face cache. */
export const MODEL_PREFIX = "model:";

/** Where a model lives: a GGUF file on this machine, or a server. */
export type ModelLocation = {path: string} | {url: string};

/** A server's URL rather than a file. */
export function isModelUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/**
 * Where a model that a config, a flag or a pair preset names lives: `http(s)://…` is a server;
 * `model:NAME` is a pulled model preset in the Hugging Face cache (not pulled yet is a TlrError
 * naming the command that pulls it); anything else is a GGUF path, relative to `baseDir` (a config
 * file's folder) when one is given, else left as written (the working directory's).
 */
export function resolveModel(ref: string, options: {baseDir?: string} = {}): ModelLocation {
  if (isModelUrl(ref)) return {url: ref};
  if (ref.startsWith(MODEL_PREFIX)) return {path: cachedModelPath(ref.slice(MODEL_PREFIX.length))};
  return {path: options.baseDir === undefined || isAbsolute(ref) ? ref : resolve(options.baseDir, ref)};
}

/** `resolveModel` for a model that must run on this machine (the small model, a pair for label collection). */
export function resolveModelPath(ref: string, options: {baseDir?: string; role?: string} = {}): string {
  const location = resolveModel(ref, options);
  if ("url" in location) throw new TlrError(`the ${options.role ?? "model"} runs on this machine: give a GGUF path or model:NAME, not a server URL (${ref})`);
  return location.path;
}
