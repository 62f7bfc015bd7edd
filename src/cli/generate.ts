import {readFile} from "node:fs/promises";
import {Command, Option} from "commander";
import {decode} from "../decoding/decode.ts";
import {DEFAULT_NETWORK} from "../decoding/networkModel.ts";
import {openPair} from "../models/openPair.ts";
import {resolveModel, resolveModelPath} from "../models/resolveModel.ts";
import {REMOTE_PROTOCOLS, type RemoteProtocol} from "../wire/RemoteProtocol.ts";
import type {GpuSetting} from "../models/runtime.ts";
import {encodePrompt} from "../core/Tokenizer.ts";
import {loadRouter} from "../routing/loadRouter.ts";
import {ALL_ROUTER_KINDS, degenerateThreshold, fixedThreshold, routerKindInfo, validateRouterRef} from "../routing/routerKinds.ts";
import {TlrError} from "../util/errors.ts";
import {collect, collectTokenId, parseInteger, parseNumber, parsePositiveInt, toJson, useColor, type CliIO} from "./io.ts";
import {formatProfile, formatStats, MarkedTextWriter} from "./render.ts";
import {isOptimistic, parsePolicy, usesRouter} from "../decoding/policy.ts";
import {DEVICE_PROFILES, replayTimeline} from "../decoding/timeline.ts";

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
  policy: string;
  onLargeError: "fail" | "small";
  profile?: string;
}

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
    .option("--policy <name>", "decoding policy: token, span:K, stitch[:σ[:cap]], speculative:γ, with +optimistic for token/span/stitch (README, Policies)", "token")
    .addOption(new Option("--on-large-error <what>", "when the large model still fails after its retries: fail, or go on with the small model alone").choices(["fail", "small"]).default("fail"))
    .addOption(new Option("--profile <name>", "also show the latency on a declared device profile").choices(Object.keys(DEVICE_PROFILES)))
    .action(async (flags: GenerateFlags) => runGenerate(flags, io));
}

async function runGenerate(flags: GenerateFlags, io: CliIO): Promise<void> {
  // Everything that can be checked without a model is checked first.
  const policy = parsePolicy(flags.policy);
  // Speculative decoding asks no router: a threshold is then not needed.
  const given = flags.threshold ?? (usesRouter(policy) ? undefined : 0);
  const ref = {kind: flags.router, seed: routerKindInfo(flags.router)?.seeded ? flags.seed : undefined, file: flags.routerFile};
  validateRouterRef({...ref, thresholds: given === undefined ? undefined : [given]}, {thresholds: true, labels: {file: "--router-file", threshold: "--threshold"}});
  const threshold = given ?? fixedThreshold(flags.router)!; // validated: a kind without a fixed threshold has --threshold
  if (flags.json && flags.plain) throw new TlrError("--json and --plain cannot be combined");
  if ((flags.prompt === undefined) === (flags.promptFile === undefined)) throw new TlrError("give exactly one of --prompt and --prompt-file");
  if (flags.system !== undefined && !flags.chat) throw new TlrError("--system goes with --chat");
  if (flags.chat && flags.special) throw new TlrError("--special parses template tokens in a plain prompt; with --chat the template writes them: drop one");
  const promptText = flags.prompt ?? (await readPromptFile(flags.promptFile!));
  if (promptText === "") throw new TlrError(flags.promptFile ? `prompt file ${flags.promptFile} is empty: write the prompt into it` : "--prompt is empty: give the prompt text");
  // A τ outside the router's scores decides nothing; allowed here (README shows --threshold 0 as the small model alone), but said.
  const degenerate = degenerateThreshold(flags.router, threshold);
  if (degenerate) io.stderr.write(`tlr: warning: --threshold ${degenerate.message}: the ${degenerate.always} model alone (--router always-${degenerate.always}); use τ in ${degenerate.useful} to route\n`);
  const smallPath = resolveModelPath(flags.small, {role: "small model"});
  const largeAt = resolveModel(flags.large);
  const router = await loadRouter(ref, {smallModel: smallPath});
  const network = {rttMs: flags.rtt, upMbps: flags.upMbps, downMbps: flags.downMbps, jitterMs: flags.jitter, seed: flags.seed};
  const gpu: GpuSetting = flags.gpu === "false" ? false : (flags.gpu as GpuSetting);

  if (flags.features === "max-prob" && router.needsDistribution) {
    throw new TlrError(`router ${router.name} reads the small model's top-K, margin or entropy, which --features max-prob does not compute: use --features full`);
  }
  const common = {contextSize: flags.contextSize, topK: flags.topK, entropy: flags.entropy, gpu};
  const onWarning = (w: string) => io.stderr.write(`tlr: warning: ${w}\n`);
  // A learned router may read the hidden state and more top log-probabilities than --top-k.
  const small = {...common, topK: Math.max(flags.topK, router.needsTopK ?? 0), path: smallPath, threads: flags.smallThreads, hidden: router.needsHidden, features: flags.features};
  const large =
    "url" in largeAt
      ? {
          url: largeAt.url,
          protocol: flags.protocol as RemoteProtocol | "auto",
          apiKey: flags.apiKey ?? (io.env.TLR_API_KEY || undefined),
          model: flags.remoteModel,
          topK: flags.topK,
          timeoutMs: flags.timeout,
          retry: {retries: Math.max(0, flags.retries)},
        }
      : {...common, path: largeAt.path, threads: flags.largeThreads};
  const pair = await openPair({small, large, chat: flags.chat ? {system: flags.system} : undefined, onWarning});
  try {
    // --special parses template tokens in a plain prompt (refused with --chat above).
    const prompt = flags.special ? encodePrompt(pair.tokenizer, promptText, {special: true}) : pair.encoder.encode(promptText);
    const writer = flags.json ? undefined : new MarkedTextWriter((s) => io.stdout.write(s), !flags.plain && useColor(io));
    const result = await decode({
      prompt,
      small: pair.small,
      large: pair.large,
      tokenizer: pair.tokenizer,
      router,
      threshold,
      maxTokens: flags.maxTokens,
      stop: {strings: flags.stop, tokens: flags.stopToken},
      network,
      protocol: pair.byteModel, // simulated bytes of the protocol in use
      sharedVocabSize: pair.sharedVocabSize,
      policy,
      onLargeError: flags.onLargeError,
      // With a server, optimistic continuation runs for real (requests in flight while the small model decodes).
      overlap: "url" in largeAt ? "real" : "simulate",
      onToken: writer ? (r) => writer.push(flags.plain ? {piece: r.piece, source: "small"} : r) : undefined,
    });
    const profile = flags.profile ? DEVICE_PROFILES[flags.profile] : undefined;
    const onProfile = profile && replayTimeline(result.events, {network, profile, optimistic: isOptimistic(policy)});
    if (writer) {
      writer.end();
      io.stdout.write("\n");
      if (!flags.plain) io.stdout.write(`\n${formatStats(result.stats, network.rttMs, result.policy)}${onProfile ? `\n${formatProfile(onProfile, flags.profile!)}` : ""}\n`);
    } else {
      const run = {
        small: pair.small.info,
        large: pair.large.info,
        router: router.name,
        policy: result.policy,
        threshold,
        maxTokens: flags.maxTokens,
        network,
        prompt: promptText,
        promptFormat: pair.encoder.format,
        promptIds: prompt,
      };
      io.stdout.write(toJson({run, text: result.text, generated: result.generated, stats: result.stats, ...(onProfile ? {profile: {name: flags.profile, ...onProfile}} : {}), records: result.records, events: result.events}, 2) + "\n");
    }
  } finally {
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
