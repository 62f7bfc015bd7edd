import {statSync} from "node:fs";
import type {Shard} from "../results/sweepState.ts";
import {isRemotePlan, type ModelPlan, type RemotePlan, type SweepPlan} from "./plan.ts";
import {inShard} from "./shard.ts";

/** What a sweep would do, from its plan alone (no weights loaded): `tlr sweep CONFIG --plan`. */
export interface PlanDescription {
  datasets: {name: string; split: string; task: string; questions: number; source: string}[];
  pairs: {name: string; small: ModelDescription; large: ModelDescription}[];
  /** Each router with its thresholds (or the targets calibration will turn into thresholds). */
  routers: {name: string; thresholds: number[] | null; targets: number[] | null}[];
  /** Runs and trajectory trees per question: the two baselines plus every threshold; a tree per router. */
  runsPerQuestion: number;
  treesPerQuestion: number;
  /** How each question's runs share model calls (config `share`): "exact", or "tokens" (not exact). */
  share: "exact" | "tokens";
  /** Questions (datasets × pairs, after --shard) and runs in all. */
  questions: number;
  runs: number;
  maxTokens: number;
  /** Tokens generated at most: every run to maxTokens. */
  maxGenerated: number;
  /** Rough time bounds (ms): the two baselines alone, and every run alone with nothing shared (see `tokenMs`). */
  estimateMs: {baselines: number; unshared: number};
}

export interface ModelDescription {
  /** A GGUF path, or a server URL. */
  at: string;
  bytes?: number;
  /** Rough milliseconds per evaluated token (`tokenMs`); undefined for a server. */
  tokenMs?: number;
}

/**
 * A rough cost of one evaluated token on a CPU, from the model file's size: a decode step reads
 * every weight once, at ~25 GB/s of memory bandwidth, plus ~0.4 ms of fixed overhead (the toy
 * models' floor). Matches the measured 20–27 ms of a 0.5B Q8_0 model on two cores to within its
 * spread; a GPU is much faster. An estimate to size a run, never a measurement.
 */
export function tokenMs(bytes: number): number {
  return 0.4 + bytes / 25e6;
}

function describeModel(m: ModelPlan | RemotePlan): ModelDescription {
  if (isRemotePlan(m)) return {at: m.url};
  const bytes = statSync(m.path).size;
  return {at: m.path, bytes, tokenMs: tokenMs(bytes)};
}

export function describePlan(plan: SweepPlan, shard?: Shard): PlanDescription {
  const {config} = plan;
  const datasets = plan.datasets.map((d) => ({
    name: d.name,
    split: d.split,
    task: d.task.name,
    questions: d.examples.filter((_, i) => inShard(i, shard)).length,
    source: d.provenance.source,
  }));
  const routers = plan.routers.map((r) => ({name: r.file ? `${r.kind}(${r.file})` : r.seed !== undefined ? `${r.kind}(seed=${r.seed})` : r.kind, thresholds: r.thresholds, targets: r.targets}));
  const runsPerQuestion = 2 + plan.routers.reduce((n, r) => n + (r.thresholds ?? r.targets ?? []).length, 0);
  const pairs = plan.pairs.map((p) => ({name: p.name, small: describeModel(p.small), large: describeModel(p.large)}));
  const perPair = datasets.reduce((n, d) => n + d.questions, 0);
  const questions = perPair * pairs.length;
  // A run to maxTokens evaluates the small model each step, and the large one where it routes (every step for large-only).
  const stepMs = (p: (typeof pairs)[number]) => (p.small.tokenMs ?? 0) + (p.large.tokenMs ?? 0);
  const baselines = pairs.reduce((ms, p) => ms + perPair * config.maxTokens * (2 * (p.small.tokenMs ?? 0) + (p.large.tokenMs ?? 0)), 0);
  const unshared = pairs.reduce((ms, p) => ms + perPair * runsPerQuestion * config.maxTokens * stepMs(p), 0);
  return {
    datasets,
    pairs,
    routers,
    runsPerQuestion,
    treesPerQuestion: 2 + plan.routers.length,
    share: config.share,
    questions,
    runs: questions * runsPerQuestion,
    maxTokens: config.maxTokens,
    maxGenerated: questions * runsPerQuestion * config.maxTokens,
    estimateMs: {baselines, unshared},
  };
}

const mb = (bytes: number) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`);
const duration = (ms: number) => (ms < 60_000 ? `${Math.ceil(ms / 1000)} s` : ms < 3_600_000 ? `${Math.ceil(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

/** The plan as text for the terminal. */
export function formatPlan(d: PlanDescription, configFile: string, out: string): string {
  const model = (m: ModelDescription) => (m.bytes === undefined ? `${m.at} (a server)` : `${m.at} (${mb(m.bytes)}, ~${m.tokenMs!.toFixed(1)} ms/token on a CPU, rough)`);
  const taus = (r: PlanDescription["routers"][number]) => (r.thresholds ? `τ ${r.thresholds.join(", ")}` : `targets ${r.targets!.join(", ")} (τ calibrated first)`);
  return [
    `plan of ${configFile} → ${out} (nothing loaded, nothing written)`,
    "datasets:",
    ...d.datasets.map((x) => `  ${x.name} (${x.split}, ${x.task}, ${x.source}): ${x.questions} questions`),
    "pairs:",
    ...d.pairs.flatMap((p) => [`  ${p.name}`, `    small ${model(p.small)}`, `    large ${model(p.large)}`]),
    "routers (besides the small-only and large-only baselines):",
    ...d.routers.map((r) => `  ${r.name}: ${taus(r)}`),
    `runs: ${d.runsPerQuestion} per question in ${d.treesPerQuestion} trajectory trees; ${d.questions} questions, ${d.runs} runs`,
    d.share === "exact" ? "sharing: exact (every run equals an independent run)" : "sharing: tokens (runs share model calls by tokens alone: cheaper, not exact; README, Shared prefixes)",
    `tokens: at most ${d.maxGenerated.toLocaleString("en-US")} generated (every run to maxTokens ${d.maxTokens}; runs stop at EOS sooner)`,
    `time (rough, CPU, from the model sizes): the baselines alone ≤ ${duration(d.estimateMs.baselines)}; every run alone, nothing shared, ≤ ${duration(d.estimateMs.unshared)}; the trees share the runs' common prefixes, so expect between`,
  ].join("\n");
}
