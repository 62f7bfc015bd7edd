import {basename} from "node:path";
import type {LocalModel} from "../models/LocalModel.ts";
import {openPair} from "../models/openPair.ts";
import type {GpuSetting} from "../models/runtime.ts";
import type {TokenModel} from "../models/TokenModel.ts";
import type {RemoteProtocol} from "../wire/RemoteProtocol.ts";

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

/** Opens the pair for the demo server through the library's one pair opener (`openPair`), as `tlr generate` does. */
export async function openDemoPair(o: DemoModelOptions, onWarning: (w: string) => void): Promise<DemoPair> {
  const common = {contextSize: o.contextSize, topK: o.topK ?? 10, entropy: o.entropy, gpu: o.gpu};
  const small = {...common, topK: Math.max(common.topK, o.routerTopK ?? 0), path: o.small, threads: o.smallThreads, hidden: o.hidden, features: o.features};
  const r = o.remote ?? {};
  const large = isUrl(o.large)
    ? {url: o.large, protocol: r.protocol ?? "auto", apiKey: r.apiKey, model: r.model, topK: common.topK, timeoutMs: r.timeoutMs, retry: r.retries === undefined ? undefined : {retries: Math.max(0, r.retries)}}
    : {...common, path: o.large, threads: o.largeThreads};
  const pair = await openPair({small, large, onWarning});
  return {
    small: pair.small,
    large: pair.large,
    sharedVocabSize: pair.sharedVocabSize,
    describe: {small: basename(o.small), large: isUrl(o.large) ? o.large : basename(o.large)},
    dispose: () => pair.dispose(),
  };
}
