import {LocalModel, type LocalModelOptions} from "../LocalModel.ts";
import {readVocabulary, type VocabularyCheck} from "../vocabulary.ts";
import {connectRemote, type RemoteBackend, type RemoteOptions} from "./connectRemote.ts";
import type {RemoteModel} from "./RemoteModel.ts";

export interface RemotePairOptions {
  small: Omit<LocalModelOptions, "role">;
  /** The large model behind a server (`url`, protocol, API key, retries). */
  large: Omit<RemoteOptions, "vocabulary" | "tokenizer">;
  /** Receives the vocabulary check's warnings and what could not be checked. */
  onWarning?: (message: string) => void;
}

export interface RemotePair {
  small: LocalModel;
  /** The first client of the connection; `backend.createModel()` makes more (one per concurrent question). */
  large: RemoteModel;
  backend: RemoteBackend;
  vocabulary: VocabularyCheck;
  dispose(): Promise<void>;
}

/**
 * `loadPair`'s sibling for a large model behind a server: loads the small model, connects to
 * the server and checks that their vocabularies agree (see `connectRemote` for what each kind of
 * server allows), before anything is decoded.
 */
export async function loadRemotePair(options: RemotePairOptions): Promise<RemotePair> {
  const smallVocabulary = await readVocabulary(options.small.path, "small model");
  const small = await LocalModel.load({...options.small, role: "small model"});
  let backend: RemoteBackend;
  try {
    backend = await connectRemote({...options.large, vocabulary: smallVocabulary, tokenizer: small.tokenizer});
  } catch (error) {
    await small.dispose();
    throw error;
  }
  for (const w of backend.warnings) options.onWarning?.(w);
  const vocabulary = backend.vocabulary ?? {warnings: [], sharedSize: Math.min(small.info.vocabSize, backend.info.vocabSize)};
  // The server's model may have fewer rows than the small one: the small model then keeps to the shared ids too.
  await small.limitVocabulary(vocabulary.sharedSize);
  const large = backend.createModel();
  return {
    small,
    large,
    backend,
    vocabulary,
    dispose: async () => {
      await large.dispose();
      backend.dispose();
      await small.dispose();
    },
  };
}
