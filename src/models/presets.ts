import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {TlrError} from "../util/errors.ts";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** A named small/large pair that configs can refer to instead of file paths. */
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
};

export function pairPreset(name: string): PairPreset {
  const preset = PAIR_PRESETS[name];
  if (!preset) throw new TlrError(`unknown pair preset "${name}": use one of ${Object.keys(PAIR_PRESETS).join(", ")}`);
  return preset;
}
