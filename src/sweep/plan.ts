import {createHash} from "node:crypto";
import {dirname} from "node:path";
import type {Dataset} from "../data/loadDataset.ts";
import {selectExamples} from "../data/selectExamples.ts";
import type {Example} from "../data/types.ts";
import {inspectModelFile} from "../models/gguf.ts";
import {pairPreset} from "../models/pairPresets.ts";
import {resolveModel, resolveModelPath} from "../models/resolveModel.ts";
import {routerNeeds} from "../routing/loadRouter.ts";
import {fixedThreshold} from "../routing/routerKinds.ts";
import type {OpenPairOptions} from "../models/openPair.ts";
import type {GpuSetting} from "../models/runtime.ts";
import {createTask} from "../tasks/createTask.ts";
import type {Task} from "../tasks/Task.ts";
import {TlrError} from "../util/errors.ts";
import {DEFAULT_POLICY, parsePolicy, usesRouter, type PolicySpec} from "../decoding/policy.ts";
import type {DeviceProfile} from "../decoding/timeline.ts";
import type {RemoteProtocol} from "../wire/RemoteProtocol.ts";
import {configProfile, resolvePath, type ExperimentConfig} from "./config.ts";

export interface ModelPlan {
  path: string;
  threads?: number;
  contextSize?: number;
  gpu?: GpuSetting;
}

/** A large model behind a server. */
export interface RemotePlan {
  url: string;
  protocol?: RemoteProtocol | "auto";
  /** Environment variable holding the API key. */
  apiKeyEnv: string;
  timeoutMs?: number;
  retries?: number;
  maxInFlight?: number;
}

export interface PairPlan {
  name: string;
  small: ModelPlan;
  large: ModelPlan | RemotePlan;
}

export function isRemotePlan(m: ModelPlan | RemotePlan): m is RemotePlan {
  return "url" in m;
}

/** What `openPair` needs to load a planned pair. `hidden`: the small model's predictions carry hidden states (a learned router reads them). */
export function pairOptions(plan: PairPlan, options: {topK: number; hidden: boolean; features: "full" | "max-prob"}): OpenPairOptions {
  const {topK, hidden, features} = options;
  const large = plan.large;
  return {
    small: {...plan.small, topK, hidden, features},
    large: isRemotePlan(large)
      ? {url: large.url, protocol: large.protocol, apiKey: process.env[large.apiKeyEnv], topK, timeoutMs: large.timeoutMs, retry: large.retries === undefined ? undefined : {retries: large.retries}, maxInFlight: large.maxInFlight}
      : {...large, topK},
  };
}

export interface DatasetPlan {
  name: string;
  split: string;
  task: Task;
  /** The evaluated questions, in sweep order (question_index = position here). */
  examples: Example[];
  /** All examples of the split (calibration draws from the ones not evaluated). */
  all: Example[];
  provenance: Dataset["provenance"];
}

export interface RouterPlan {
  kind: string;
  seed?: number;
  /** A trained router's file, resolved against the config's folder. */
  file?: string;
  /** Fixed thresholds, or null when they come from calibration. */
  thresholds: number[] | null;
  targets: number[] | null;
  /** The router reads the small model's hidden state (learned routers), so the small model loads with it. */
  needsHidden?: boolean;
  /** The policies it runs with (its own, or the sweep's that use a router). */
  policies: PolicySpec[];
}

/** A config resolved into everything a sweep needs, checked before any model loads. */
export interface SweepPlan {
  config: ExperimentConfig;
  configFile: string;
  /** sha256 of the resolved config less how it is run (`experimentIdentity`): a results folder belongs to exactly one. */
  configHash: string;
  pairs: PairPlan[];
  datasets: DatasetPlan[];
  routers: RouterPlan[];
  /** The large-only baseline's policies: token, then every speculative policy of the sweep. */
  baselinePolicies: PolicySpec[];
  /** The device profile every run is also replayed on, if the config declares one. */
  profile?: DeviceProfile;
}

/**
 * Resolves and checks a config: model files exist and are GGUF (headers only), datasets load and
 * tasks exist, dataset names are unique. Every failure is one TlrError naming the config field,
 * raised before a model is loaded.
 */
export async function planSweep(config: ExperimentConfig, configFile: string): Promise<SweepPlan> {
  const field = (path: string, error: unknown): never => {
    throw new TlrError(`${configFile}: ${path}: ${(error as Error).message}`, {cause: error});
  };
  const pairs: PairPlan[] = [];
  for (const [i, p] of config.pairs.entries()) {
    let plan: PairPlan;
    if ("preset" in p) {
      let preset;
      try {
        preset = pairPreset(p.preset);
      } catch (error) {
        return field(`pairs[${i}].preset`, error);
      }
      plan = {name: p.name ?? p.preset, small: {path: preset.small}, large: {path: preset.large}};
    } else {
      // Paths relative to the config's folder, model:NAME (a pulled preset) or a server URL (resolveModel).
      const baseDir = dirname(configFile);
      const model = (m: typeof p.small): ModelPlan | RemotePlan => {
        if (typeof m === "string") {
          const at = resolveModel(m, {baseDir});
          return "url" in at ? {url: at.url, apiKeyEnv: "TLR_API_KEY"} : {path: at.path};
        }
        if ("url" in m) return {...m, apiKeyEnv: m.apiKeyEnv ?? "TLR_API_KEY"};
        return {path: resolveModelPath(m.path, {baseDir}), threads: m.threads, contextSize: m.contextSize, gpu: m.gpu === "false" ? false : m.gpu};
      };
      let small: ModelPlan | RemotePlan;
      let large: ModelPlan | RemotePlan;
      try {
        small = model(p.small);
        large = model(p.large);
      } catch (error) {
        return field(`pairs[${i}]`, error);
      }
      if (isRemotePlan(small)) field(`pairs[${i}].small`, new Error("the small model runs on the device: give a GGUF path, not a server URL"));
      plan = {name: p.name, small: small as ModelPlan, large};
    }
    if (pairs.some((q) => q.name === plan.name)) field(`pairs[${i}]`, new Error(`pair name "${plan.name}" is used twice`));
    for (const role of ["small", "large"] as const) {
      const m = plan[role];
      if (isRemotePlan(m)) continue; // reached (and its vocabulary checked) when the sweep connects
      try {
        await inspectModelFile(m.path, `${role} model`);
      } catch (error) {
        field(`pairs[${i}].${role}`, error);
      }
    }
    pairs.push(plan);
  }

  const datasets: DatasetPlan[] = [];
  for (const [i, d] of config.datasets.entries()) {
    const name = d.name.endsWith(".jsonl") ? resolvePath(configFile, d.name) : d.name;
    if (datasets.some((x) => x.name === name)) field(`datasets[${i}].name`, new Error(`${name} appears twice: sweep each split or format in its own config`));
    let task: Task;
    try {
      task = createTask(d.task ? `${name}:${d.task}` : name);
    } catch (error) {
      return field(`datasets[${i}].task`, error);
    }
    let loaded: Dataset;
    let examples: Example[];
    try {
      ({dataset: loaded, examples} = await selectExamples(name, {limit: d.limit, seed: d.seed}, {split: d.split, dataDir: d.dataDir && resolvePath(configFile, d.dataDir), source: d.source, skipBadRows: d.skipBadRows}));
    } catch (error) {
      return field(`datasets[${i}]`, error);
    }
    datasets.push({name, split: loaded.split, task, examples, all: loaded.examples, provenance: loaded.provenance});
  }

  const sweepPolicies = config.policies.map(parsePolicy);
  const routers = config.routers.map((r): RouterPlan => {
    const fixed = fixedThreshold(r.kind);
    return {
      policies: r.policies ? r.policies.map(parsePolicy) : sweepPolicies.filter(usesRouter),
      kind: r.kind,
      seed: r.seed,
      file: r.file === undefined ? undefined : resolvePath(configFile, r.file),
      thresholds: fixed !== undefined ? [fixed] : r.thresholds ? [...r.thresholds].sort((a, b) => a - b) : null,
      targets: r.targets ? [...r.targets].sort((a, b) => a - b) : null,
    };
  });
  // Router files are read and checked against every pair's small model now, before any weights load.
  for (const [i, r] of routers.entries()) {
    let needs;
    try {
      needs = await routerNeeds(r, pairs.map((p) => p.small.path));
      if (needs.topK > config.topK) throw new TlrError(`the router reads ${needs.topK} top log-probabilities but topK is ${config.topK}: raise topK`);
    } catch (error) {
      return field(`routers[${i}].file`, error);
    }
    r.needsHidden = needs.hidden;
    if (needs.hidden && config.lanes > 1) field(`routers[${i}]`, new Error(`router ${r.kind} reads the small model's hidden state, which lanes cannot carry (one sequence per context): set lanes to 1`));
    if (needs.distribution && config.features === "max-prob") {
      field(`routers[${i}]`, new Error(`router ${r.kind} reads the small model's top-K, margin or entropy, which features "max-prob" does not compute: use features "full"`));
    }
  }
  const configHash = createHash("sha256").update(JSON.stringify(experimentIdentity(config))).digest("hex");
  const baselinePolicies = [DEFAULT_POLICY, ...sweepPolicies.filter((p) => !usesRouter(p))];
  for (const [i, r] of routers.entries()) if (r.policies.length === 0) field(`routers[${i}]`, new Error(`the sweep's policies are all speculative, which need no router: give this router its own "policies"`));
  return {config, configFile, configHash, pairs, datasets, routers, baselinePolicies, ...(configProfile(config) ? {profile: configProfile(config)} : {})};
}

/**
 * What decides a sweep's results: the config less `workers` and `concurrency`, which change only
 * how fast it runs (a folder started with one worker resumes with four, and shards run with
 * different counts merge). `lanes` stays: lane-batched numbers differ. So does `share` "tokens"
 * (its runs may drift); "exact", the default, is left out, so folders written before the field
 * existed keep their hash.
 */
export function experimentIdentity(config: ExperimentConfig): Omit<ExperimentConfig, "workers" | "concurrency" | "share"> & {share?: "tokens"} {
  const {workers: _workers, concurrency: _concurrency, share, ...identity} = config;
  return share === "exact" ? identity : {...identity, share};
}
