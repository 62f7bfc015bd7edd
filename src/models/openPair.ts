import type {Tokenizer} from "../core/Tokenizer.ts";
import {SESSION_PROTOCOL, type WireProtocol} from "../wire/WireProtocol.ts";
import {sha256File} from "../util/sha256.ts";
import type {LocalModel, LocalModelOptions} from "./LocalModel.ts";
import {LaneClock} from "./laneClock.ts";
import {loadPair} from "./pair.ts";
import {chatPromptEncoder, plainPromptEncoder, type ChatOptions, type PromptEncoder} from "./promptEncoder.ts";
import type {RemoteBackend, RemoteOptions} from "./remote/connectRemote.ts";
import {loadRemotePair} from "./remote/loadRemotePair.ts";
import type {TokenModel} from "./TokenModel.ts";
import type {VocabularyCheck} from "./vocabulary.ts";

/** A large model behind a server: its URL, protocol, API key, retries (the vocabulary check is `openPair`'s). */
export type RemoteLargeOptions = Omit<RemoteOptions, "vocabulary" | "tokenizer">;

export interface OpenPairOptions {
  small: Omit<LocalModelOptions, "role">;
  /** A local GGUF (`path`), or a server (`url`). */
  large: Omit<LocalModelOptions, "role"> | RemoteLargeOptions;
  /** Wrap prompts in the small model's chat template (both models must read the same ids); absent: plain prompts. */
  chat?: ChatOptions;
  /** Receives the vocabulary check's warnings and what could not be checked. */
  onWarning?: (message: string) => void;
  /**
   * `workers(n)` gives n lanes instead of forks: sequences of one context per local model
   * (`LocalWeights.createLanes`), so that one evaluation serves them all; a remote large model gets
   * a session per lane. Not exact (README, Lanes); refused with hidden states or exact entropy.
   */
  lanes?: boolean;
}

export function isRemoteLarge(large: OpenPairOptions["large"]): large is RemoteLargeOptions {
  return "url" in large;
}

/** One worker's models: each decodes one question at a time with its own KV states / sessions. */
export interface Worker {
  small: LocalModel;
  large: TokenModel;
}

/** What results and labels files record about a pair: each file's path and sha256, or the server. */
export interface PairProvenance {
  small: {path: string; sha256: string};
  large: {path: string; sha256: string} | {url: string; server: string; protocol: string; name: string};
}

/** A loaded pair, whether the large model is local or behind a server. */
export interface OpenedPair {
  small: LocalModel;
  large: TokenModel;
  /** The small model's tokenizer: prompts and generated text. */
  tokenizer: Tokenizer;
  /** Task prompt text → the ids both models start from (plain, or in the chat template). */
  encoder: PromptEncoder;
  /** How routed tokens are counted in bytes: the protocol the large model is asked with (tlr serve's sessions for a local one). */
  byteModel: WireProtocol;
  /** Ids at or above this are refused (pairs with padded vocabularies). */
  sharedVocabSize: number;
  vocabulary: VocabularyCheck;
  /** The server connection, when the large model is remote. */
  remote: RemoteBackend | undefined;
  /**
   * `count` workers: the first uses the loaded models, the others forks (local) or new sessions
   * (remote). With `lanes`, `count` lanes instead (always the same count: they share contexts).
   */
  workers(count: number): Promise<Worker[]>;
  metadata(): Promise<PairProvenance>;
  dispose(): Promise<void>;
}

/**
 * Opens a small/large pair, the large model local or behind a server, after checking that they
 * share a vocabulary (`loadPair`, `loadRemotePair`): the one way sweeps, `tlr generate` and label
 * collection load their models.
 */
export async function openPair(options: OpenPairOptions): Promise<OpenedPair> {
  const {large} = options;
  const side = isRemoteLarge(large) ? await openRemote(options, large) : await openLocal(options, large);
  const {pair} = side;
  let encoder: PromptEncoder;
  try {
    encoder = !options.chat
      ? plainPromptEncoder(pair.small.tokenizer)
      : await chatPromptEncoder({
          small: options.small.path,
          large: side.remote ? {url: side.remote.url, template: await side.remote.chatTemplate()} : {path: (large as {path: string}).path},
          chat: options.chat,
          onWarning: options.onWarning,
        });
  } catch (error) {
    await pair.dispose();
    throw error;
  }
  const extra: Worker[] = [];
  let lanes: Worker[] | undefined;
  return {
    small: pair.small,
    large: pair.large,
    tokenizer: pair.small.tokenizer,
    encoder,
    byteModel: side.remote ? side.remote.byteModel : SESSION_PROTOCOL,
    sharedVocabSize: pair.vocabulary.sharedSize,
    vocabulary: pair.vocabulary,
    remote: side.remote,
    workers: async (count) => {
      if (options.lanes) {
        lanes ??= await side.lanes(count);
        if (lanes.length !== count) throw new Error(`this pair's lanes were opened ${lanes.length} at a time, not ${count}`);
        return lanes;
      }
      while (extra.length < count - 1) extra.push(await side.fork());
      return [{small: pair.small, large: pair.large}, ...extra.slice(0, Math.max(0, count - 1))];
    },
    metadata: async () => ({small: {path: options.small.path, sha256: await sha256File(options.small.path)}, large: await side.largeMetadata()}),
    dispose: async () => {
      for (const w of [...extra.splice(0), ...(lanes?.splice(0) ?? [])]) await Promise.all([w.small.dispose(), w.large.dispose()]);
      await encoder.dispose();
      await pair.dispose();
    },
  };
}

/** What differs between a local and a remote large model: how a worker is forked (or lanes made) and what provenance says. */
interface LargeSide {
  pair: {small: LocalModel; large: TokenModel; vocabulary: VocabularyCheck; dispose(): Promise<void>};
  remote: RemoteBackend | undefined;
  fork(): Promise<Worker>;
  lanes(count: number): Promise<Worker[]>;
  largeMetadata(): Promise<PairProvenance["large"]>;
}

async function openLocal(options: OpenPairOptions, large: Omit<LocalModelOptions, "role">): Promise<LargeSide> {
  const pair = await loadPair({small: options.small, large, onWarning: options.onWarning});
  return {
    pair,
    remote: undefined,
    fork: async () => ({small: await pair.small.fork(), large: await pair.large.fork()}),
    lanes: async (count) => {
      // One clock: lane i of both models runs the same question, and the two contexts take turns.
      const clock = new LaneClock(count);
      const small = await pair.small.forkLanes(count, clock);
      try {
        return zipLanes(small, await pair.large.forkLanes(count, clock));
      } catch (error) {
        await Promise.all(small.map((s) => s.dispose()));
        throw error;
      }
    },
    largeMetadata: async () => ({path: large.path, sha256: await sha256File(large.path)}),
  };
}

async function openRemote(options: OpenPairOptions, large: RemoteLargeOptions): Promise<LargeSide> {
  const pair = await loadRemotePair({small: options.small, large, onWarning: options.onWarning});
  return {
    pair,
    remote: pair.backend,
    fork: async () => ({small: await pair.small.fork(), large: pair.backend.createModel()}),
    lanes: async (count) => zipLanes(await pair.small.forkLanes(count), Array.from({length: count}, () => pair.backend.createModel())),
    largeMetadata: async () => ({url: large.url, server: pair.backend.server, protocol: pair.backend.protocol, name: pair.backend.info.name}),
  };
}

const zipLanes = (small: LocalModel[], large: TokenModel[]): Worker[] => small.map((s, i) => ({small: s, large: large[i]!}));
