import {Command, Option} from "commander";
import {collectRouterData} from "../learn/collectRouterData.ts";
import {pairPreset} from "../models/pairPresets.ts";
import {TlrError} from "../util/errors.ts";
import {parseInteger, parsePositiveInt, type CliIO} from "./io.ts";

/** --pair, or --small and --large (each a path or model:NAME, resolved by collectRouterData). */
function resolvePairArgs(flags: {small?: string; large?: string; pair?: string}): {small: string; large: string} {
  if (flags.pair !== undefined) {
    if (flags.small !== undefined || flags.large !== undefined) throw new TlrError("give --pair or --small and --large, not both");
    const p = pairPreset(flags.pair);
    return {small: p.small, large: p.large};
  }
  if (flags.small === undefined || flags.large === undefined) throw new TlrError("give --small and --large (or --pair)");
  return {small: flags.small, large: flags.large};
}

interface CollectFlags {
  small?: string;
  large?: string;
  pair?: string;
  dataset: string;
  split?: string;
  task?: string;
  limit?: number;
  seed?: number;
  generate?: number;
  generatorSeed?: number;
  dataDir?: string;
  reference?: "gold" | "large";
  labels: "citer" | "outcome";
  maxTokens: number;
  topK: number;
  smallThreads?: number;
  largeThreads?: number;
  hidden: boolean;
  out: string;
}

export function routerCollectCommand(io: CliIO): Command {
  return new Command("collect")
    .description("run both models along reference continuations of training questions and write CITER's per-token labels and the small model's features (Arrow)")
    .option("--small <gguf>", "the small model (routers trained on the file are tied to it); model:NAME for a pulled model preset")
    .option("--large <gguf>", "the large model; model:NAME for a pulled model preset")
    .option("--pair <preset>", "a pair preset instead of --small and --large (tlr models list)")
    .requiredOption("--dataset <name>", "a registered dataset (tlr data list) or a JSONL file; use a training split")
    .option("--split <split>", "the split (e.g. train); default: the dataset's default")
    .option("--task <name>", "the task (dataset:format); default: the dataset's")
    .option("--limit <n>", "questions to collect (default: all of the split)", parsePositiveInt)
    .option("--seed <n>", "sample the questions with this seed (Python's random.Random(seed).sample), as sweeps do; default: the first --limit", parseInteger)
    .option("--generate <n>", "a generated dataset (toy_arith): generate n items instead of the manifest's (the split to choose from)", parsePositiveInt)
    .option("--generator-seed <n>", "a generated dataset: the generator's seed (default: the manifest's)", parseInteger)
    .option("--data-dir <dir>", "a local data folder (default: $TLR_DATA_DIR, else the Hugging Face Hub)")
    .addOption(new Option("--reference <kind>", "gold: the dataset's chain of thought; large: the large model's greedy output (default: gold where every question has one)").choices(["gold", "large"]))
    .addOption(new Option("--labels <mode>", "citer: 0 where only the large model is right, the continuation check where both are wrong; outcome: the continuation check for every wrong small token").choices(["citer", "outcome"]).default("citer"))
    .option("--max-tokens <n>", "reference tokens per question at most", parsePositiveInt, 200)
    .option("--top-k <k>", "top log-probabilities kept per token (the most a router can read)", parsePositiveInt, 10)
    .option("--small-threads <n>", "CPU threads of the small model", parsePositiveInt)
    .option("--large-threads <n>", "CPU threads of the large model", parsePositiveInt)
    .option("--no-hidden", "do not collect hidden states (logit features only; faster prefill)")
    .requiredOption("--out <file>", "the labels file to write (.arrow)")
    .action(async (flags: CollectFlags) => {
      const start = performance.now();
      const {small, large} = resolvePairArgs(flags);
      let lastDecile = -1;
      const meta = await collectRouterData({
        ...flags,
        small,
        large,
        dataDir: flags.dataDir ?? (io.env.TLR_DATA_DIR || undefined),
        onProgress: (done, total, rows) => {
          const decile = Math.floor((10 * done) / total);
          if (decile === lastDecile) return;
          lastDecile = decile;
          io.stderr.write(`tlr: collected ${done}/${total} questions, ${rows} tokens, ${((performance.now() - start) / 1000).toFixed(0)} s\n`);
        },
      });
      const total = Object.values(meta.counts).reduce((a, b) => a + b, 0);
      const counts = Object.entries(meta.counts).map(([rule, n]) => `${rule} ${n}`).join(", ");
      io.stdout.write(`${flags.out}: ${total} tokens of ${meta.dataset.questions} questions (reference: ${meta.reference}, labels: ${meta.labels}); ${counts}; ${meta.continuations} small-model continuations\n`);
    });
}
