import {basename} from "node:path";
import type {LocalModel} from "../models/LocalModel.ts";
import {loadPair} from "../models/pair.ts";
import {loadRemotePair} from "../models/remote/loadRemotePair.ts";
import type {RemoteProtocol} from "../models/remote/RemoteModel.ts";
import type {GpuSetting} from "../models/runtime.ts";
import type {TokenModel} from "../models/TokenModel.ts";

/** The demo's pair, as `tlr generate` takes it: GGUF files, or the large model at a server's URL. */
export interface DemoModelOptions {
  small: string;
  /** A GGUF file, or a server's URL (tlr serve, llama-server, OpenAI-compatible). */
  large: string;
  smallThreads?: number;
  largeThreads?: number;
  contextSize?: number;
  /** Top log-probabilities per step. Default 10. */
  topK?: number;
  features?: "full" | "max-prob";
  entropy?: "exact" | "top-k";
  gpu?: GpuSetting;
  /** Learned routers read the small model's hidden state / more top log-probabilities. */
  hidden?: boolean;
  routerTopK?: number;
  /** With a URL: how to ask the server, and its key. */
  remote?: {protocol?: RemoteProtocol | "auto"; apiKey?: string; model?: string; timeoutMs?: number; retries?: number};
}

export interface DemoPair {
  small: LocalModel;
  large: TokenModel;
  sharedVocabSize: number;
  describe: {small: string; large: string};
  dispose(): Promise<void>;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/**
 * Opens the pair for the demo server, local or remote, with the vocabulary check of `loadPair` /
 * `loadRemotePair`. (The same choice `tlr generate` makes; issue 15's single pair opener should
 * replace this and generate's copy.)
 */
export async function openDemoPair(o: DemoModelOptions, onWarning: (w: string) => void): Promise<DemoPair> {
  const common = {contextSize: o.contextSize, topK: o.topK ?? 10, entropy: o.entropy, gpu: o.gpu};
  const small = {...common, topK: Math.max(common.topK, o.routerTopK ?? 0), path: o.small, threads: o.smallThreads, hidden: o.hidden, features: o.features};
  if (isUrl(o.large)) {
    const r = o.remote ?? {};
    const pair = await loadRemotePair({
      small,
      large: {url: o.large, protocol: r.protocol ?? "auto", apiKey: r.apiKey, model: r.model, topK: common.topK, timeoutMs: r.timeoutMs, retry: r.retries === undefined ? undefined : {retries: Math.max(0, r.retries)}},
      onWarning,
    });
    return {small: pair.small, large: pair.large, sharedVocabSize: pair.vocabulary.sharedSize, describe: {small: basename(o.small), large: o.large}, dispose: () => pair.dispose()};
  }
  const pair = await loadPair({small, large: {...common, path: o.large, threads: o.largeThreads}, onWarning});
  return {small: pair.small, large: pair.large, sharedVocabSize: pair.vocabulary.sharedSize, describe: {small: basename(o.small), large: basename(o.large)}, dispose: () => pair.dispose()};
}
