import {LocalModel, type LocalModelOptions} from "./LocalModel.ts";
import {checkVocabularies, type VocabularyCheck} from "./vocabulary.ts";

export interface PairOptions {
  small: Omit<LocalModelOptions, "role">;
  large: Omit<LocalModelOptions, "role">;
  /** Receives the vocabulary check's warnings (compatible pairs that tokenize text differently). */
  onWarning?: (message: string) => void;
}

export interface ModelPair {
  small: LocalModel;
  large: LocalModel;
  vocabulary: VocabularyCheck;
  dispose(): Promise<void>;
}

/**
 * Loads a small/large pair after checking, from GGUF metadata alone, that they share a
 * vocabulary: an incompatible pair is refused before any weights are read.
 */
export async function loadPair(options: PairOptions): Promise<ModelPair> {
  const vocabulary = await checkVocabularies(options.small.path, options.large.path);
  for (const w of vocabulary.warnings) options.onWarning?.(w);
  // Padded vocabularies (Qwen2.5-32B's 152,064 rows against 0.5B's 151,936): neither model may pick an id the other lacks.
  const vocabLimit = vocabulary.sharedSize;
  const small = await LocalModel.load({...options.small, vocabLimit, role: "small model"});
  let large: LocalModel;
  try {
    large = await LocalModel.load({...options.large, vocabLimit, role: "large model"});
  } catch (error) {
    await small.dispose();
    throw error;
  }
  return {
    small,
    large,
    vocabulary,
    dispose: async () => {
      await small.dispose();
      await large.dispose();
    },
  };
}
