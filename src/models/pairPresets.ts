import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {TlrError} from "../util/errors.ts";
import {MODEL_PREFIX, resolveModelPath} from "./resolveModel.ts";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * A named small/large pair that configs can refer to instead of file paths. Each model is a GGUF
 * path, or `model:NAME`: a Hub-hosted model preset (MODEL_PRESETS) that `tlr models pull NAME`
 * has put in the Hugging Face cache.
 */
export interface PairPreset {
  description: string;
  small: string;
  large: string;
}

export const PAIR_PRESETS: Record<string, PairPreset> = {
  "toy-arith": {
    description: "the project's trained toy pair for the arithmetic task (models/toy-arith/MODEL_CARD.md)",
    small: resolve(packageRoot, "models/toy-arith/toy-arith-small.gguf"),
    large: resolve(packageRoot, "models/toy-arith/toy-arith-large.gguf"),
  },
  "qwen2.5-0.5b+32b": {
    description: "the paper's pair: Qwen2.5-0.5B-Instruct (Q8_0) and Qwen2.5-32B-Instruct (Q4_K_M); tlr models pull both first",
    small: `${MODEL_PREFIX}qwen2.5-0.5b-instruct`,
    large: `${MODEL_PREFIX}qwen2.5-32b-instruct`,
  },
  "qwen2.5-0.5b+7b": {
    description: "a one-machine pair: Qwen2.5-0.5B-Instruct (Q8_0) and Qwen2.5-7B-Instruct (Q4_K_M); tlr models pull both first",
    small: `${MODEL_PREFIX}qwen2.5-0.5b-instruct`,
    large: `${MODEL_PREFIX}qwen2.5-7b-instruct`,
  },
};

/** The preset with its models as file paths (Hub-hosted ones in the Hugging Face cache; not pulled yet is a TlrError). */
export function pairPreset(name: string): PairPreset {
  const preset = PAIR_PRESETS[name];
  if (!preset) throw new TlrError(`unknown pair preset "${name}": use one of ${Object.keys(PAIR_PRESETS).join(", ")}`);
  return {...preset, small: resolveModelPath(preset.small, {role: "small model"}), large: resolveModelPath(preset.large, {role: "large model"})};
}
