import {z} from "zod";

/** tlr serve's GET /vocabulary: the tokenizer part of its GGUF header. */
export const VocabularyReply = z.object({
  type: z.string(),
  pre: z.string().nullable(),
  tokens: z.array(z.string()),
  merges: z.array(z.string()).nullable(),
  bos: z.number().int().nullable(),
  eos: z.number().int().nullable(),
  addBos: z.boolean().nullable(),
  addEos: z.boolean().nullable(),
  /** The GGUF chat template (absent from servers older than chat-template support). */
  chatTemplate: z.string().nullable().optional(),
});
export type VocabularyReply = z.infer<typeof VocabularyReply>;

/** The tokenizer facts of a GGUF header (models/vocabulary.ts's `VocabularyInfo` is one). */
export interface VocabularyFacts {
  type: string;
  pre?: string;
  tokens: readonly string[];
  merges?: readonly string[];
  bos?: number;
  eos?: number;
  addBos?: boolean;
  addEos?: boolean;
  chatTemplate?: string;
}

export function vocabularyReply(v: VocabularyFacts): VocabularyReply {
  return {
    type: v.type,
    pre: v.pre ?? null,
    tokens: [...v.tokens],
    merges: v.merges ? [...v.merges] : null,
    bos: v.bos ?? null,
    eos: v.eos ?? null,
    addBos: v.addBos ?? null,
    addEos: v.addEos ?? null,
    chatTemplate: v.chatTemplate ?? null,
  };
}
