import {SESSION_PROTOCOL, type WireProtocol} from "../decoding/network.ts";
import {loadPair} from "../models/pair.ts";
import {chatPromptEncoder, plainPromptEncoder, type ChatOptions, type PromptEncoder} from "../models/promptEncoder.ts";
import type {LocalModel} from "../models/LocalModel.ts";
import {loadRemotePair} from "../models/remote/loadRemotePair.ts";
import type {TokenModel, Tokenizer} from "../models/TokenModel.ts";
import {sha256File} from "../util/sha256.ts";
import {isRemotePlan, type PairPlan} from "./plan.ts";

/** One worker's models: each decodes one question at a time with its own KV states / sessions. */
export interface Worker {
  small: LocalModel;
  large: TokenModel;
}

/** A loaded pair as the sweep uses it, whether the large model is local or behind a server. */
export interface SweepPair {
  tokenizer: Tokenizer;
  /** Task prompt text → the ids both models start from (plain, or in the chat template). */
  encoder: PromptEncoder;
  /** How routed tokens are counted in bytes: the protocol the large model is really asked with (session for a local one). */
  byteModel: WireProtocol;
  sharedVocabSize: number;
  /** `count` workers: the first uses the loaded models, the others forks (local) or new sessions (remote). */
  workers(count: number): Promise<Worker[]>;
  /** What the results record about the models. */
  metadata(): Promise<unknown>;
  dispose(): Promise<void>;
}

/** `hidden`: give the small model's predictions their hidden states (a learned router reads them). */
export async function openSweepPair(plan: PairPlan, options: {topK: number; hidden: boolean; features: "full" | "max-prob"; chat?: ChatOptions}, onWarning: (w: string) => void): Promise<SweepPair> {
  const {topK, hidden, features} = options;
  const extra: Worker[] = [];
  const disposeExtra = async () => {
    for (const w of extra.splice(0)) await Promise.all([w.small.dispose(), w.large.dispose()]);
  };
  const smallMeta = async () => ({path: plan.small.path, sha256: await sha256File(plan.small.path)});
  const large = plan.large;
  if (isRemotePlan(large)) {
    const pair = await loadRemotePair({
      small: {...plan.small, topK, hidden, features},
      large: {url: large.url, protocol: large.protocol, apiKey: process.env[large.apiKeyEnv], topK, timeoutMs: large.timeoutMs, retry: large.retries === undefined ? undefined : {retries: large.retries}, maxInFlight: large.maxInFlight},
      onWarning,
    });
    let encoder: PromptEncoder;
    try {
      encoder = options.chat
        ? await chatPromptEncoder({small: plan.small.path, large: {url: large.url, template: await pair.backend.chatTemplate()}, chat: options.chat, onWarning})
        : plainPromptEncoder(pair.small.tokenizer);
    } catch (error) {
      await pair.dispose();
      throw error;
    }
    return {
      tokenizer: pair.small.tokenizer,
      encoder,
      byteModel: pair.backend.byteModel,
      sharedVocabSize: pair.vocabulary.sharedSize,
      workers: async (count) => {
        for (let i = 1; i < count; i++) extra.push({small: await pair.small.fork(), large: pair.backend.createModel()});
        return [{small: pair.small, large: pair.large}, ...extra];
      },
      metadata: async () => ({small: await smallMeta(), large: {url: large.url, server: pair.backend.server, protocol: pair.backend.protocol, name: pair.backend.info.name}}),
      dispose: async () => {
        await disposeExtra();
        await encoder.dispose();
        await pair.dispose();
      },
    };
  }
  const pair = await loadPair({small: {...plan.small, topK, hidden, features}, large: {...large, topK}, onWarning});
  let encoder: PromptEncoder;
  try {
    encoder = options.chat ? await chatPromptEncoder({small: plan.small.path, large: {path: large.path}, chat: options.chat, onWarning}) : plainPromptEncoder(pair.small.tokenizer);
  } catch (error) {
    await pair.dispose();
    throw error;
  }
  return {
    tokenizer: pair.small.tokenizer,
    encoder,
    byteModel: SESSION_PROTOCOL, // a local large model: counted as tlr serve's sessions would carry it
    sharedVocabSize: pair.vocabulary.sharedSize,
    workers: async (count) => {
      for (let i = 1; i < count; i++) extra.push({small: await pair.small.fork(), large: await pair.large.fork()});
      return [{small: pair.small, large: pair.large}, ...extra];
    },
    metadata: async () => ({small: await smallMeta(), large: {path: large.path, sha256: await sha256File(large.path)}}),
    dispose: async () => {
      await disposeExtra();
      await encoder.dispose();
      await pair.dispose();
    },
  };
}
