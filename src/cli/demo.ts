import {Command, Option} from "commander";
import {DEFAULT_NETWORK} from "../decoding/networkModel.ts";
import {startDemo} from "../demo/startDemo.ts";
import {pairPreset} from "../models/pairPresets.ts";
import {REMOTE_PROTOCOLS, type RemoteProtocol} from "../wire/RemoteProtocol.ts";
import type {GpuSetting} from "../models/runtime.ts";
import {TlrError} from "../util/errors.ts";
import {addSourceOptions, loadOptions, type SourceFlags} from "./dataOptions.ts";
import {collect, parseInteger, parseNumber, parsePositiveInt, type CliIO} from "./io.ts";
import {untilStopped} from "./untilStopped.ts";

interface DemoFlags extends SourceFlags {
  small?: string;
  large?: string;
  pair?: string;
  routerFile: string[];
  router: string;
  threshold?: number;
  maxTokens: number;
  maxTokensLimit: number;
  dataset?: string;
  split?: string;
  task?: string;
  limit: number;
  seed?: number;
  host: string;
  port: number;
  token?: string;
  smallThreads?: number;
  largeThreads?: number;
  contextSize?: number;
  topK: number;
  features: "full" | "max-prob";
  entropy: "exact" | "top-k";
  gpu: string;
  rtt: number;
  upMbps: number;
  downMbps: number;
  protocol: string;
  apiKey?: string;
  remoteModel?: string;
  timeout: number;
  retries: number;
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;

export function demoCommand(io: CliIO): Command {
  const command = new Command("demo")
    .description("a local web page on a pair: ask a question, stream the answer with the large model's tokens marked beside live latency and upload figures")
    .option("--small <gguf>", "the small (on-device) model")
    .option("--large <gguf|url>", "the large model: a GGUF file, or a server's URL (tlr serve, llama-server, OpenAI-compatible)")
    .option("--pair <preset>", "a named pair instead of --small/--large (toy-arith, …; tlr models list)")
    .option("--router-file <path>", "a learned router to offer besides the built-in kinds (repeatable)", collect, [])
    .option("--router <kind>", "the router the page starts with", "max-prob")
    .option("--threshold <tau>", "the τ the page starts with (default: the router's usual value)", parseNumber)
    .option("--max-tokens <n>", "the max tokens the page starts with", parsePositiveInt, 100)
    .option("--max-tokens-limit <n>", "most tokens a request may ask for", parsePositiveInt, 1000)
    .option("--dataset <name>", "offer this dataset's questions to pick from (a registered name or a TAU-format .jsonl)")
    .option("--split <split>", "the dataset's split (default: its first)")
    .option("--task <format>", "the prompt format (default: the dataset's)")
    .option("--limit <n>", "questions offered", parsePositiveInt, 50)
    .option("--seed <n>", "offer a seeded random sample instead of the first questions", parseInteger)
    .option("--host <address>", "address to bind (loopback by default; expose it only with --token)", "127.0.0.1")
    .option("--port <n>", "port (0 picks a free one)", parseInteger, 8090)
    .option("--token <secret>", "require Authorization: Bearer <secret>, as tlr serve (default: $TLR_DEMO_TOKEN); the printed URL carries it")
    .option("--small-threads <n>", "CPU threads of the small model (default: 1 below 50M parameters, else the physical cores)", parsePositiveInt)
    .option("--large-threads <n>", "CPU threads of the large model (same default)", parsePositiveInt)
    .option("--context-size <n>", "context size of both models (default: training context, at most 4096)", parsePositiveInt)
    .option("--top-k <k>", "top log-probabilities kept per step", parsePositiveInt, 10)
    .addOption(new Option("--features <mode>", "full: top-K, margin and entropy each step; max-prob: only the max-probability (faithful latency)").choices(["full", "max-prob"]).default("full"))
    .addOption(new Option("--entropy <mode>", "entropy over the whole vocabulary (exact) or a top-K estimate").choices(["top-k", "exact"]).default("top-k"))
    .addOption(new Option("--gpu <kind>", "GPU backend").choices(["auto", "false", "cuda", "vulkan", "metal"]).default("auto"))
    .option("--rtt <ms>", "the simulated round trip the page starts with", parseNumber, DEFAULT_NETWORK.rttMs)
    .option("--up-mbps <n>", "the simulated upload bandwidth the page starts with", parseNumber, DEFAULT_NETWORK.upMbps)
    .option("--down-mbps <n>", "the simulated download bandwidth the page starts with", parseNumber, DEFAULT_NETWORK.downMbps)
    .addOption(new Option("--protocol <kind>", "with --large URL: how to ask the server").choices(["auto", ...REMOTE_PROTOCOLS]).default("auto"))
    .option("--api-key <key>", "with --large URL: bearer token for the server (default: $TLR_API_KEY)")
    .option("--remote-model <name>", "with --large URL: the OpenAI `model` field")
    .option("--timeout <ms>", "with --large URL: time limit per request", parsePositiveInt, 30_000)
    .option("--retries <n>", "with --large URL: retries of a failed request, with back-off", parseInteger, 4);
  return addSourceOptions(command).action(async (flags: DemoFlags) => runDemo(flags, io));
}

async function runDemo(flags: DemoFlags, io: CliIO): Promise<void> {
  if (flags.pair !== undefined && (flags.small !== undefined || flags.large !== undefined)) throw new TlrError("give --pair or --small and --large, not both");
  const preset = flags.pair === undefined ? undefined : pairPreset(flags.pair);
  const small = preset?.small ?? flags.small;
  const large = preset?.large ?? flags.large;
  if (small === undefined || large === undefined) throw new TlrError("give the pair: --pair NAME, or --small GGUF and --large GGUF|URL");
  const token = flags.token ?? (io.env.TLR_DEMO_TOKEN || undefined);
  if (!LOOPBACK.test(flags.host) && !token) io.stderr.write(`tlr: warning: serving the demo on ${flags.host} without --token: anyone who can reach it can run the models\n`);
  io.stderr.write("tlr demo: loading the pair…\n");
  const demo = await startDemo({
    small,
    large,
    pairName: flags.pair,
    smallThreads: flags.smallThreads,
    largeThreads: flags.largeThreads,
    contextSize: flags.contextSize,
    topK: flags.topK,
    features: flags.features,
    entropy: flags.entropy,
    gpu: flags.gpu === "false" ? false : (flags.gpu as GpuSetting),
    remote: {protocol: flags.protocol as RemoteProtocol | "auto", apiKey: flags.apiKey ?? (io.env.TLR_API_KEY || undefined), model: flags.remoteModel, timeoutMs: flags.timeout, retries: flags.retries},
    routerFiles: flags.routerFile,
    router: flags.router,
    threshold: flags.threshold,
    maxTokens: flags.maxTokens,
    maxTokensLimit: flags.maxTokensLimit,
    network: {rttMs: flags.rtt, upMbps: flags.upMbps, downMbps: flags.downMbps},
    dataset: flags.dataset === undefined ? undefined : {name: flags.dataset, split: flags.split, task: flags.task, limit: flags.limit, seed: flags.seed, load: loadOptions(flags, io)},
    host: flags.host,
    port: flags.port,
    token,
    onWarning: (w) => io.stderr.write(`tlr: warning: ${w}\n`),
  });
  io.stderr.write(`tlr demo: open ${demo.url}/${token ? `#token=${encodeURIComponent(token)}` : ""} (Ctrl-C stops it)\n`);
  await untilStopped();
  await demo.close();
  io.stderr.write("tlr demo: stopped\n");
}
