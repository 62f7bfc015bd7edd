import {existsSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {qwenFixturePair} from "../../src/models/fixtures/qwenFixtures.ts";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The shared folder of real models and data. CI always sets TLR_SHARED; locally it defaults to
 * ../shared beside the checkout. A missing folder fails the tests that need it (never a skip).
 */
export const shared = resolve(repoRoot, process.env.TLR_SHARED ?? "../shared");

export function sharedPath(...parts: string[]): string {
  const p = resolve(shared, ...parts);
  if (!existsSync(p)) throw new Error(`${p} is missing: set TLR_SHARED to the shared folder (see README, "Tests")`);
  return p;
}

export const tiny = {
  /** The real 260K-parameter TinyStories model: the large model of the plumbing pair. */
  large: () => sharedPath("models/tiny/stories260K.gguf"),
  /** Its first 2 of 5 layers, untrained as an exit: the small model. */
  small: () => sharedPath("models/tiny/stories260K-2layer-synthetic.gguf"),
};

export const vocab = {
  qwen2: () => sharedPath("models/vocab/ggml-vocab-qwen2.gguf"),
  qwen35: () => sharedPath("models/vocab/ggml-vocab-qwen35.gguf"),
  llamaSpm: () => sharedPath("models/vocab/ggml-vocab-llama-spm.gguf"),
};

/** The project's trained toy pair (models/toy-arith, shipped in the repository). */
export const toy = {
  small: () => resolve(repoRoot, "models/toy-arith/toy-arith-small.gguf"),
  large: () => resolve(repoRoot, "models/toy-arith/toy-arith-large.gguf"),
};

/**
 * The tiny Qwen2.5-shaped pair (src/models/fixtures): qwen2 architecture, random weights, the real
 * tokenizer from the shared Qwen2 vocabulary GGUF, 151,936 / 152,064 output rows. Generated into
 * the fixture cache on first use (about a second each), reused after.
 */
export const qwenTiny = () => qwenFixturePair({vocabPath: vocab.qwen2()});
