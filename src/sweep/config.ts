import {readFileSync} from "node:fs";
import {dirname, isAbsolute, resolve} from "node:path";
import {z} from "zod";
import {parsePolicy, usesRouter, type PolicySpec} from "../decoding/policy.ts";
import {DEVICE_PROFILES, type DeviceProfile} from "../decoding/timeline.ts";
import {ALL_ROUTER_KINDS, degenerateThreshold, fixedThreshold, routerKindInfo, validateRouterRef} from "../routing/routerKinds.ts";
import {TlrError} from "../util/errors.ts";
import {describeZodIssue} from "../util/zodIssue.ts";
import {REMOTE_PROTOCOLS} from "../wire/RemoteProtocol.ts";

const Network = z
  .object({
    rttMs: z.number().nonnegative().default(170).describe("round trip per routed token, ms (the paper assumed 170)"),
    upMbps: z.number().positive().default(20).describe("upload bandwidth, Mbit/s"),
    downMbps: z.number().positive().default(100).describe("download bandwidth, Mbit/s"),
  })
  .strict();

const RemoteModelConfig = z
  .object({
    url: z.string().regex(/^https?:\/\//, "must start with http:// or https://").describe("a server holding the large model (tlr serve, llama-server, vLLM, SGLang)"),
    protocol: z.enum(["auto", ...REMOTE_PROTOCOLS]).optional().describe("default auto: session for tlr serve, llama for llama-server, sglang for SGLang, else openai (vLLM and others)"),
    apiKeyEnv: z.string().optional().describe("name of the environment variable holding the API key (default TLR_API_KEY); keys never go in configs"),
    timeoutMs: z.number().int().positive().optional(),
    retries: z.number().int().nonnegative().optional().describe("retries of a failed request before the question is recorded with its error (default 4)"),
    maxInFlight: z.number().int().positive().optional(),
  })
  .strict();

const Model = z.union([
  z.string().describe("a GGUF path (relative to this file), model:NAME for a pulled model preset (tlr models list), or, for the large model, a server URL"),
  RemoteModelConfig,
  z
    .object({
      path: z.string().describe("a GGUF path (relative to this file), or model:NAME for a pulled model preset (tlr models list)"),
      threads: z.number().int().positive().optional().describe("CPU threads (default: 1 below 50M parameters, else the physical cores)"),
      contextSize: z.number().int().positive().optional(),
      gpu: z.enum(["auto", "false", "cuda", "vulkan", "metal"]).optional(),
    })
    .strict(),
]);

const Pair = z.union([
  z.object({preset: z.string().describe("a named pair, e.g. toy-arith"), name: z.string().optional()}).strict(),
  z.object({name: z.string().min(1), small: Model, large: Model}).strict().describe("small must be a local GGUF; large may be a server URL"),
]);

const Dataset = z
  .object({
    name: z.string().min(1).describe("a registered dataset (tlr data list) or a JSONL file in CommonsenseQA's format"),
    split: z.string().optional().describe("default: the dataset's evaluation split"),
    task: z.string().optional().describe('prompt format, e.g. "citer" or "letter" (default: the dataset\'s own)'),
    limit: z.number().int().positive().optional().describe("questions to run (default: all)"),
    seed: z.number().int().optional().describe("sample `limit` questions with this seed (default: the first `limit`)"),
    dataDir: z.string().optional().describe("a local data folder (default: $TLR_DATA_DIR, else the Hugging Face Hub)"),
    source: z.enum(["local", "hub"]).optional(),
    skipBadRows: z.boolean().optional(),
  })
  .strict();

const PolicyName = z.string().describe('a decoding policy: token, span:K, stitch, stitch:σ:cap, speculative:γ, each but speculative optionally +optimistic (README, Policies)');

const Profile = z.union([
  z.enum(Object.keys(DEVICE_PROFILES) as [string, ...string[]]).describe("a named device profile (paper: She et al.'s M1 CPU SLM and SGLang 32B LLM)"),
  z
    .object({
      name: z.string().min(1),
      smallStepMs: z.number().nonnegative().describe("small model: ms per evaluation call"),
      smallTokenMs: z.number().nonnegative().describe("small model: ms per further token in a batch"),
      routerMs: z.number().nonnegative().optional().describe("router ms per step (default: measured)"),
      largeRequestMs: z.number().nonnegative().describe("large model: ms per request (its first token included)"),
      largeTokenMs: z.number().nonnegative().describe("large model: ms per further token written in a turn"),
    })
    .strict(),
]);

const Router = z
  .object({
    kind: z.enum(ALL_ROUTER_KINDS as [string, ...string[]]),
    seed: z.number().int().optional().describe("seed of the random router"),
    file: z.string().optional().describe("a trained router's file, for learned router kinds (relative to this file)"),
    thresholds: z.array(z.number()).min(1).optional().describe("τ values: a token is routed when score < τ"),
    targets: z.array(z.number().min(0).max(1)).min(1).optional().describe("upload fractions to calibrate τ for (see calibration)"),
    policies: z.array(PolicyName).min(1).optional().describe("this router's policies (default: the sweep's policies); thresholds × policies form its grid"),
  })
  .strict();

const Calibration = z
  .object({
    split: z.string().optional().describe("default: the evaluation split, excluding the evaluated questions"),
    limit: z.number().int().positive().default(50),
    seed: z.number().int().default(0),
  })
  .strict();

export const ExperimentSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).describe("names the run; default output folder results/<name>"),
    description: z.string().optional(),
    datasets: z.array(Dataset).min(1),
    pairs: z.array(Pair).min(1),
    routers: z.array(Router).min(1).describe("small-only and large-only baselines are always added"),
    maxTokens: z.number().int().positive().default(100),
    stop: z.array(z.string()).optional().describe("stop strings besides the end-of-generation tokens"),
    stopTokens: z.array(z.number().int().nonnegative()).optional().describe("token ids that end a generation besides the small model's end-of-generation set (EOS, EOT, <|im_end|>, <|endoftext|>, …)"),
    chat: z
      .object({system: z.string().optional().describe("a system message (default: the template's own, e.g. Qwen2.5-Instruct's)")})
      .strict()
      .optional()
      .describe("wrap each task prompt in the small model's chat template (both models must turn it into the same ids); absent: the plain prompt"),
    topK: z.number().int().positive().default(10).describe("top log-probabilities kept per token"),
    features: z
      .enum(["full", "max-prob"])
      .default("full")
      .describe('"full": the small model\'s top-K, margin and entropy each step (a vocabulary sort: ~10 ms a step at 152k tokens); "max-prob": only its max-probability, for latency-faithful runs of routers that read nothing else'),
    policies: z
      .array(PolicyName)
      .min(1)
      .default(["token"])
      .describe("decoding policies every router runs with (thresholds × policies); speculative:γ needs no router and runs as a policy of the large-only baseline"),
    onLargeError: z.enum(["fail", "small"]).default("fail").describe('a large model that still fails after its retries: "fail" records the question with its error, "small" goes on with the small model alone (marked fallback)'),
    profile: Profile.optional().describe("replay every run's event log on these compute speeds too: the profile_* latency columns (tlr table1 --profile)"),
    network: Network.default({rttMs: 170, upMbps: 20, downMbps: 100}),
    calibration: Calibration.default({limit: 50, seed: 0}),
    out: z.string().optional().describe("output folder (default results/<name>, relative to the working directory)"),
    concurrency: z.number().int().positive().default(1).describe("questions decoded at once per worker (each with its own contexts or server sessions): pays with a remote large model"),
    workers: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("worker processes, each with its own models (default: as many as the machine's physical cores hold at the models' thread counts; see README, Workers); results are identical for any number"),
    lanes: z
      .number()
      .int()
      .positive()
      .default(1)
      .describe("questions decoded at once per worker as sequences of one context, so one evaluation serves them all (big models, GPUs); not exact: lane-batched numbers differ slightly from a model alone (README, Lanes)"),
    share: z
      .enum(["exact", "tokens"])
      .default("exact")
      .describe('how the runs of one question share model calls: "exact" (default) by tokens and batch history, so every run equals an independent run; "tokens" by tokens alone: cheaper, not exact (README, Shared prefixes)'),
  })
  .strict()
  .describe("A tlr sweep: datasets × model pairs × routers × thresholds");

export type ExperimentConfig = z.output<typeof ExperimentSchema>;
export type RouterConfig = ExperimentConfig["routers"][number];

/** The JSON Schema of experiment configs, generated from the validator (experiments/schema.json). */
export function experimentJsonSchema(): object {
  return z.toJSONSchema(ExperimentSchema, {io: "input"});
}

/**
 * Parses and validates a config: the first problem becomes one TlrError naming the file and the
 * field ("experiments/x.json: routers[1].thresholds: …"). Paths stay as written; `resolvePath`
 * resolves them against the config's folder.
 */
export function parseExperiment(text: string, file: string): ExperimentConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TlrError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = ExperimentSchema.safeParse(raw);
  if (!parsed.success) throw new TlrError(`${file}: ${describeZodIssue(parsed.error.issues[0]!)}`);
  const config = parsed.data;
  if (config.lanes > 1 && config.concurrency > 1) throw new TlrError(`${file}: lanes: give lanes or concurrency, not both (lanes ${config.lanes}, concurrency ${config.concurrency})`);
  config.routers.forEach((r, i) => {
    validateRouterRef(r, {thresholds: true, at: (f) => `${file}: routers[${i}]${f ? `.${f}` : ""}: `});
    r.policies?.forEach((name, j) => {
      const policy = policyAt(`${file}: routers[${i}].policies[${j}]`, name);
      if (!usesRouter(policy)) throw new TlrError(`${file}: routers[${i}].policies[${j}]: ${name} needs no router: list it in the sweep's "policies", where it runs as a policy of the large-only baseline`);
    });
    checkSweepRouter(config.routers, i, `${file}: routers[${i}]`, config.policies);
  });
  config.policies.forEach((name, j) => policyAt(`${file}: policies[${j}]`, name));
  return config;
}

function policyAt(at: string, name: string): PolicySpec {
  try {
    return parsePolicy(name);
  } catch (error) {
    throw new TlrError(`${at}: ${(error as Error).message}`);
  }
}

/** A config's device profile, resolved (a name or a declared one). */
export function configProfile(config: Pick<ExperimentConfig, "profile">): DeviceProfile | undefined {
  const p = config.profile;
  return p === undefined ? undefined : typeof p === "string" ? DEVICE_PROFILES[p] : p;
}

/**
 * What a sweep adds to the rules of a router ref (`validateRouterRef`): no run counted twice, and no
 * baseline in disguise (every sweep already runs small-only and large-only).
 */
function checkSweepRouter(routers: readonly RouterConfig[], i: number, at: string, sweepPolicies: readonly string[]): void {
  const r = routers[i]!;
  const role = routerKindInfo(r.kind)!.role;
  if (role === "baseline-small" || role === "baseline-large") {
    throw new TlrError(`${at}.kind: every sweep runs ${role === "baseline-small" ? "small-only" : "large-only"} as a baseline; remove this router`);
  }
  const fixed = fixedThreshold(r.kind);
  if (fixed !== undefined && r.thresholds) throw new TlrError(`${at}.thresholds: router ${r.kind} has a fixed threshold (${fixed}); remove "thresholds"`);
  for (const field of ["thresholds", "targets"] as const) {
    const values = r[field] ?? [];
    const j = values.findIndex((v, k) => values.indexOf(v) !== k);
    if (j >= 0) throw new TlrError(`${at}.${field}[${j}]: ${values[j]} is already in the list; give each value once (a run is counted once)`);
  }
  (r.thresholds ?? []).forEach((tau, j) => {
    const degenerate = degenerateThreshold(r.kind, tau);
    if (degenerate) {
      throw new TlrError(`${at}.thresholds[${j}]: ${degenerate.message}: that is the ${degenerate.always}-only baseline, which every sweep runs; use τ in ${degenerate.useful}`);
    }
  });
  // The same router twice (kind, seed, file), both with thresholds or both with targets: its runs would be counted twice.
  // (Entries of one router under different policies are different runs.)
  const policies = (o: RouterConfig) => o.policies ?? sweepPolicies;
  const sharePolicy = (o: RouterConfig) => policies(o).some((p) => policies(r).includes(p));
  const same = (o: RouterConfig) => o.kind === r.kind && (o.seed ?? 0) === (r.seed ?? 0) && o.file === r.file && (o.targets === undefined) === (r.targets === undefined) && sharePolicy(o);
  const k = routers.findIndex(same);
  if (k < i) throw new TlrError(`${at}: the same router as routers[${k}] (${r.kind}); give all its ${r.targets ? "targets" : "thresholds"} in one entry`);
}

export function loadExperiment(file: string): ExperimentConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new TlrError(`config file not found: ${file}`, {cause: error});
  }
  return parseExperiment(text, file);
}

/** A path in a config, relative to the config file's folder. */
export function resolvePath(configFile: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(configFile), path);
}
