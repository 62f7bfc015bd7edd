import {readFile} from "node:fs/promises";
import {Command, Option} from "commander";
import {decode} from "../decoding/decode.ts";
import {DEFAULT_NETWORK} from "../decoding/network.ts";
import {loadPair} from "../models/pair.ts";
import {loadRemotePair} from "../models/remote/loadRemotePair.ts";
import {REMOTE_PROTOCOLS, type RemoteProtocol} from "../models/remote/RemoteModel.ts";
import type {GpuSetting} from "../models/runtime.ts";
import {chatPromptEncoder, plainPromptEncoder, type PromptEncoder} from "../models/promptEncoder.ts";
import {ALL_ROUTER_KINDS, loadRouter} from "../routing/loadRouter.ts";
import {isLearnedRouterKind} from "../routing/learned/routerFile.ts";
import {TlrError} from "../util/errors.ts";
import {collect, collectTokenId, parseInteger, parseNumber, parsePositiveInt, toJson, useColor, type CliIO} from "./io.ts";
import {formatStats, MarkedTextWriter} from "./render.ts";

interface GenerateFlags {
  small: string;
  large: string;
  router: string;
  routerFile?: string;
  threshold?: number;
  seed: number;
  maxTokens: number;
  prompt?: string;
  promptFile?: string;
  special?: boolean;
  stop: string[];
  stopToken: number[];
  chat?: boolean;
  system?: string;
  json?: boolean;
  plain?: boolean;
  smallThreads?: number;
  largeThreads?: number;
  contextSize?: number;
  topK: number;
  entropy: "exact" | "top-k";
  features: "full" | "max-prob";
  gpu: string;
  rtt: number;
  upMbps: number;
  downMbps: number;
  jitter: number;
  protocol: string;
  apiKey?: string;
  remoteModel?: string;
  timeout: number;
  retries: number;
}

/** `--large` names a server rather than a file. */
export function isModelUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** Routers whose threshold has a natural default; the others need --threshold. */
const DEFAULT_THRESHOLDS: Record<string, number> = {"always-small": 0, "always-large": 0, oracle: 0.5};

export function generateCommand(io: CliIO): Command {
  return new Command("generate")
    .description("decode one prompt collaboratively and print the text with the large model's tokens marked")
    .requiredOption("--small <gguf>", "the small (on-device) model")
    .requiredOption("--large <gguf|url>", "the large (cloud) model: a GGUF file, or a server's URL (tlr serve, llama-server, OpenAI-compatible)")
    .option("--router <kind>", `one of ${ALL_ROUTER_KINDS.join(", ")}`, "max-prob")
    .option("--router-file <path>", "the router file of a learned router (mlp, logreg, onnx; tlr router train writes one)")
    .option("--threshold <tau>", "route a token when the router's score is below this", parseNumber)
    .option("--seed <n>", "seed of the random router", parseInteger, 0)
    .option("--max-tokens <n>", "most tokens to generate", parsePositiveInt, 100)
    .option("--prompt <text>", "the prompt text (BOS is added when the model wants one)")
    .option("--prompt-file <path>", "read the prompt from a file")
    .option("--special", "parse special-token text (e.g. <|im_start|>) in the prompt")
    .option("--stop <text>", "stop once the text contains this (repeatable)", collect, [])
    .option("--stop-token <id>", "stop after this token id, besides the small model's end-of-generation tokens (repeatable)", collectTokenId, [])
    .option("--chat", "wrap the prompt in the small model's chat template (both models must read it as the same ids)")
    .option("--system <text>", "with --chat: the system message (default: the template's own)")
    .option("--json", "print every per-token record and the run's figures as JSON")
    .option("--plain", "print only the generated text")
    .option("--small-threads <n>", "CPU threads of the small model (default: 1 below 50M parameters, else the physical cores)", parsePositiveInt)
    .option("--large-threads <n>", "CPU threads of the large model (same default)", parsePositiveInt)
    .option("--context-size <n>", "context size of both models (default: training context, at most 4096)", parsePositiveInt)
    .option("--top-k <k>", "top log-probabilities kept per step", parsePositiveInt, 10)
    .addOption(new Option("--features <mode>", "full: the small model's top-K, margin and entropy each step; max-prob: only its max-probability (no vocabulary sort: faithful latency)").choices(["full", "max-prob"]).default("full"))
    .addOption(new Option("--entropy <mode>", "entropy over the whole vocabulary (exact, slower) or a top-K lower-bound estimate").choices(["top-k", "exact"]).default("top-k"))
    .addOption(new Option("--gpu <kind>", "GPU backend").choices(["auto", "false", "cuda", "vulkan", "metal"]).default("auto"))
    .option("--rtt <ms>", "simulated network round trip per routed token", parseNumber, DEFAULT_NETWORK.rttMs)
    .option("--up-mbps <n>", "simulated upload bandwidth", parseNumber, DEFAULT_NETWORK.upMbps)
    .option("--down-mbps <n>", "simulated download bandwidth", parseNumber, DEFAULT_NETWORK.downMbps)
    .option("--jitter <ms>", "simulated extra delay per request, uniform in [0, ms), seeded by --seed", parseNumber, 0)
    .addOption(new Option("--protocol <kind>", "with --large URL: how to ask the server").choices(["auto", ...REMOTE_PROTOCOLS]).default("auto"))
    .option("--api-key <key>", "with --large URL: bearer token for the server (default: $TLR_API_KEY)")
    .option("--remote-model <name>", "with --large URL: the OpenAI `model` field (default: the server's first model)")
    .option("--timeout <ms>", "with --large URL: time limit per request", parsePositiveInt, 30_000)
    .option("--retries <n>", "with --large URL: retries of a failed request, with back-off", parseInteger, 4)
    .action(async (flags: GenerateFlags) => runGenerate(flags, io));
}

async function runGenerate(flags: GenerateFlags, io: CliIO): Promise<void> {
  // Everything that can be checked without a model is checked first.
  if (!ALL_ROUTER_KINDS.includes(flags.router)) throw new TlrError(`unknown router "${flags.router}": use one of ${ALL_ROUTER_KINDS.join(", ")}`);
  if (isLearnedRouterKind(flags.router) !== (flags.routerFile !== undefined)) {
    throw new TlrError(isLearnedRouterKind(flags.router) ? `router ${flags.router} needs --router-file` : `--router-file goes with a learned router (mlp, logreg, onnx), not ${flags.router}`);
  }
  const threshold = flags.threshold ?? DEFAULT_THRESHOLDS[flags.router];
  if (threshold === undefined) throw new TlrError(`router ${flags.router} needs --threshold`);
  if (flags.json && flags.plain) throw new TlrError("--json and --plain cannot be combined");
  if ((flags.prompt === undefined) === (flags.promptFile === undefined)) throw new TlrError("give exactly one of --prompt and --prompt-file");
  if (flags.system !== undefined && !flags.chat) throw new TlrError("--system goes with --chat");
  if (flags.chat && flags.special) throw new TlrError("--special parses template tokens in a plain prompt; with --chat the template writes them: drop one");
  const promptText = flags.prompt ?? (await readPromptFile(flags.promptFile!));
  const router = await loadRouter({kind: flags.router, seed: flags.router === "random" ? flags.seed : undefined, file: flags.routerFile}, {smallModel: flags.small});
  const network = {rttMs: flags.rtt, upMbps: flags.upMbps, downMbps: flags.downMbps, jitterMs: flags.jitter, seed: flags.seed};
  const gpu: GpuSetting = flags.gpu === "false" ? false : (flags.gpu as GpuSetting);

  if (flags.features === "max-prob" && router.needsDistribution) {
    throw new TlrError(`router ${router.name} reads the small model's top-K, margin or entropy, which --features max-prob does not compute: use --features full`);
  }
  const common = {contextSize: flags.contextSize, topK: flags.topK, entropy: flags.entropy, gpu};
  const onWarning = (w: string) => io.stderr.write(`tlr: warning: ${w}\n`);
  // A learned router may read the hidden state and more top log-probabilities than --top-k.
  const small = {...common, topK: Math.max(flags.topK, router.needsTopK ?? 0), path: flags.small, threads: flags.smallThreads, hidden: router.needsHidden, features: flags.features};
  const pair = isModelUrl(flags.large)
    ? await loadRemotePair({
        small,
        large: {
          url: flags.large,
          protocol: flags.protocol as RemoteProtocol | "auto",
          apiKey: flags.apiKey ?? (io.env.TLR_API_KEY || undefined),
          model: flags.remoteModel,
          topK: flags.topK,
          timeoutMs: flags.timeout,
          retry: {retries: Math.max(0, flags.retries)},
        },
        onWarning,
      })
    : await loadPair({small, large: {...common, path: flags.large, threads: flags.largeThreads}, onWarning});
  let encoder: PromptEncoder | undefined;
  try {
    encoder = !flags.chat
      ? plainPromptEncoder(pair.small.tokenizer, {special: flags.special})
      : await chatPromptEncoder({
          small: flags.small,
          large: "backend" in pair ? {url: flags.large, template: await pair.backend.chatTemplate()} : {path: flags.large},
          chat: {system: flags.system},
          onWarning,
        });
    const prompt = encoder.encode(promptText);
    const writer = flags.json ? undefined : new MarkedTextWriter((s) => io.stdout.write(s), !flags.plain && useColor(io));
    const result = await decode({
      prompt,
      small: pair.small,
      large: pair.large,
      tokenizer: pair.small.tokenizer,
      router,
      threshold,
      maxTokens: flags.maxTokens,
      stop: {strings: flags.stop, tokens: flags.stopToken},
      network,
      protocol: "backend" in pair ? pair.backend.byteModel : undefined, // simulated bytes of the protocol in use
      sharedVocabSize: pair.vocabulary.sharedSize,
      onToken: writer ? (r) => writer.push(flags.plain ? {piece: r.piece, source: "small"} : r) : undefined,
    });
    if (writer) {
      writer.end();
      io.stdout.write("\n");
      if (!flags.plain) io.stdout.write(`\n${formatStats(result.stats, network.rttMs)}\n`);
    } else {
      const run = {
        small: pair.small.info,
        large: pair.large.info,
        router: router.name,
        threshold,
        maxTokens: flags.maxTokens,
        network,
        prompt: promptText,
        promptFormat: encoder.format,
        promptIds: prompt,
      };
      io.stdout.write(toJson({run, text: result.text, generated: result.generated, stats: result.stats, records: result.records}, 2) + "\n");
    }
  } finally {
    await encoder?.dispose();
    await pair.dispose();
  }
}

async function readPromptFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new TlrError(`prompt file not found: ${path}`, {cause: error});
  }
}
