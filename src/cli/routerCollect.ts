import {Command, Option} from "commander";
import {collectRouterData, type CollectRouterDataOptions} from "../learn/collectRouterData.ts";
import {pairPreset} from "../models/pairPresets.ts";
import {prepareOutputFile} from "../util/ensureFolder.ts";
import {TlrError} from "../util/errors.ts";
import {interruptOnSignals} from "../util/interrupt.ts";
import {REMOTE_PROTOCOLS, type RemoteProtocol} from "../wire/RemoteProtocol.ts";
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

/** The flags: the library's options as commander parses them, plus what the command turns into options. */
type CollectFlags = Pick<CollectRouterDataOptions, "dataset" | "split" | "task" | "limit" | "seed" | "generate" | "generatorSeed" | "dataDir" | "reference" | "maxTokens" | "smallThreads" | "largeThreads" | "out"> & {
  small?: string;
  large?: string;
  pair?: string;
  labels: NonNullable<CollectRouterDataOptions["labels"]>;
  topK: number;
  hidden: boolean;
  chat?: boolean;
  system?: string;
  protocol: string;
  apiKey?: string;
  remoteModel?: string;
  timeout: number;
  retries: number;
  flushEvery?: number;
};

export function routerCollectCommand(io: CliIO): Command {
  return new Command("collect")
    .description("run both models along reference continuations of training questions and write CITER's per-token labels and the small model's features (Arrow)")
    .option("--small <gguf>", "the small model (routers trained on the file are tied to it); model:NAME for a pulled model preset")
    .option("--large <gguf|url>", "the large model: a GGUF file, model:NAME for a pulled model preset, or a server's URL (tlr serve, llama-server, SGLang, vLLM)")
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
    .option("--chat", "wrap the prompts in the small model's chat template, as a sweep with \"chat\" does")
    .option("--system <text>", "with --chat: the system message (default: the template's own)")
    .addOption(new Option("--protocol <kind>", "with --large URL: how to ask the server").choices(["auto", ...REMOTE_PROTOCOLS]).default("auto"))
    .option("--api-key <key>", "with --large URL: bearer token for the server (default: $TLR_API_KEY)")
    .option("--remote-model <name>", "with --large URL: the OpenAI `model` field (default: the server's first model)")
    .option("--timeout <ms>", "with --large URL: time limit per request", parsePositiveInt, 30_000)
    .option("--retries <n>", "with --large URL: retries of a failed request before the question is recorded with its error", parseInteger, 4)
    .option("--flush-every <n>", "write finished questions to <out>.parts/ every n questions (default 10, or every 30 s)", parsePositiveInt)
    .requiredOption("--out <file>", "the labels file to write (.arrow)")
    .action(async (flags: CollectFlags) => {
      prepareOutputFile(flags.out, "--out"); // before minutes of collection, not after
      prepareOutputFile(flags.out, "--out"); // before minutes of collection, not after
      const start = performance.now();
      const {small, large} = resolvePairArgs(flags);
      if (flags.system !== undefined && !flags.chat) throw new TlrError("--system goes with --chat");
      let lastDecile = -1;
      // Ctrl-C: finish the question in hand, keep what is done in <out>.parts/, exit 130.
      const interrupt = interruptOnSignals(() => io.stderr.write("tlr: stopping after the question in hand (Ctrl-C again to quit at once)…\n"));
      let meta;
      try {
        meta = await collectRouterData({
          ...flags,
          small,
          large,
          remote: {
            protocol: flags.protocol as RemoteProtocol | "auto",
            apiKey: flags.apiKey ?? (io.env.TLR_API_KEY || undefined),
            model: flags.remoteModel,
            timeoutMs: flags.timeout,
            retry: {retries: Math.max(0, flags.retries)},
          },
          chat: flags.chat ? {system: flags.system} : undefined,
          flushQuestions: flags.flushEvery,
          signal: interrupt.signal,
          dataDir: flags.dataDir ?? (io.env.TLR_DATA_DIR || undefined),
          onInfo: (m) => io.stderr.write(`tlr: ${m}\n`),
          onProgress: (done, total, rows) => {
            const decile = Math.floor((10 * done) / total);
            if (decile === lastDecile) return;
            lastDecile = decile;
            io.stderr.write(`tlr: collected ${done}/${total} questions, ${rows} tokens, ${((performance.now() - start) / 1000).toFixed(0)} s\n`);
          },
        });
      } finally {
        interrupt.dispose();
      }
      const total = Object.values(meta.counts).reduce((a, b) => a + b, 0);
      const counts = Object.entries(meta.counts).map(([rule, n]) => `${rule} ${n}`).join(", ");
      const errors = meta.errors?.length ? `; ${meta.errors.length} question${meta.errors.length > 1 ? "s" : ""} recorded with an error` : "";
      io.stdout.write(`${flags.out}: ${total} tokens of ${meta.dataset.questions} questions (reference: ${meta.reference}, labels: ${meta.labels}); ${counts}; ${meta.continuations} small-model continuations${errors}\n`);
    });
}
