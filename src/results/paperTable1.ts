import {TlrError} from "../util/errors.ts";
import {isBaseline, terminalTable} from "./formatTable.ts";
import type {QuestionRow} from "./schema.ts";

/** She et al. (2025), Table 1: seconds per 100-token generation, by threshold of their MLP router. */
export const PAPER_TABLE1 = {
  thresholds: [0.4, 0.5, 0.6, 0.7, 0.72, 0.76, 0.8, 0.9],
  rows: {
    "routing number": [0, 0, 1, 14, 17, 38, 65, 76],
    "SLM inference time": [28.19, 28.1, 28.4, 28.04, 27.58, 27.59, 28.02, 28.2],
    TTFT: [0.67, 0.5, 0.45, 0.34, 0.46, 0.41, 0.47, 0.49],
    "TBT for SLM": [0.28, 0.28, 0.28, 0.33, 0.33, 0.45, 0.8, 1.18],
    "comm + LLM inference": [0.0, 0.0, 0.94, 11.97, 13.43, 34.0, 58.23, 72.76],
    overall: [28.14, 28.15, 28.4, 40.06, 41.3, 61.65, 86.32, 101.05],
  },
} as const;

export type Table1Metric = keyof typeof PAPER_TABLE1.rows;

export interface Table1Column {
  threshold: number;
  questions: number;
  /** Per-question means, Table 1's rows (routing number in tokens, the rest in seconds). */
  values: Record<Table1Metric, number>;
  accuracy: number;
  uploadFraction: number;
  generatedPerQuestion: number;
}

export interface PaperTable1Options {
  /** Which policy's runs (default "token", else the router's first). */
  policy?: string;
  /** Latency on the results' device profile (the profile_* columns, this profile's name) instead of the measured timeline. */
  profile?: string;
}

export interface PaperTable1 {
  router: string;
  policy: string;
  /** The device profile the latencies are on, when `profile` was asked for. */
  profile?: string;
  columns: Table1Column[];
}

/** The policies a router ran with, in the order the results hold them. */
export function policiesOf(questions: readonly QuestionRow[], router: string): string[] {
  return [...new Set(questions.filter((q) => q.router === router).map((q) => q.policy))];
}

/**
 * Table 1's rows from a sweep's per-question rows for one router and policy: per threshold, the
 * mean over questions of the routed tokens (requests, for a policy whose request writes several
 * tokens), the small model's compute, TTFT, the time between tokens, network + large-model time
 * and the overall latency (seconds), plus accuracy and upload fraction.
 */
export function paperTable1(questions: readonly QuestionRow[], router?: string, options: PaperTable1Options = {}): PaperTable1 {
  const routed = questions.filter((q) => !isBaseline(q.routerRole));
  const names = [...new Set(routed.map((q) => q.router))];
  const name = router ?? names[0];
  if (name === undefined) throw new TlrError("the results hold no router runs besides the baselines: sweep a router first");
  if (!names.includes(name)) throw new TlrError(`the results hold no router "${name}": use one of ${names.join(", ")}`);
  const policies = policiesOf(routed, name);
  const policy = options.policy ?? (policies.includes("token") ? "token" : policies[0]!);
  if (!policies.includes(policy)) throw new TlrError(`router ${name} ran with no policy "${policy}": use one of ${policies.join(", ")}`);
  const rows = routed.filter((q) => q.router === name && q.policy === policy && q.error === null);
  if (options.profile && rows.some((q) => q.profileTotalMs === null)) throw new TlrError(`these results have no device-profile latencies: give the sweep's config a "profile" (e.g. "paper") and run it again`);
  const p = options.profile !== undefined;
  const thresholds = [...new Set(rows.map((q) => q.threshold))].sort((a, b) => a - b);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const columns = thresholds.map((threshold) => {
    const qs = rows.filter((q) => q.threshold === threshold);
    const generated = qs.reduce((s, q) => s + q.generated, 0);
    return {
      threshold,
      questions: qs.length,
      values: {
        "routing number": mean(qs.map((q) => (policy === "token" || policy === "token+optimistic" ? q.largeTokens : q.largeCalls))),
        "SLM inference time": mean(qs.map((q) => (p ? q.profileSmallMs! : q.smallMs) / 1000)),
        TTFT: mean(qs.map((q) => (p ? q.profileTtftMs! : q.ttftMs) / 1000)),
        "TBT for SLM": mean(qs.map((q) => (p ? q.profileTbtMs! : q.tbtMs) / 1000)),
        "comm + LLM inference": mean(qs.map((q) => (p ? q.profileCommLargeMs! : q.networkMs + q.largeMs) / 1000)),
        overall: mean(qs.map((q) => (p ? q.profileTotalMs! : q.totalMs) / 1000)),
      },
      accuracy: mean(qs.map((q) => Number(q.correct))),
      uploadFraction: generated ? qs.reduce((s, q) => s + q.largeTokens, 0) / generated : 0,
      generatedPerQuestion: generated / Math.max(1, qs.length),
    };
  });
  return {router: name, policy, ...(p ? {profile: options.profile} : {}), columns};
}

/** Table 1's layout: a row per metric, a column per threshold, each cell "ours (paper)" where the paper has that threshold. */
export function formatPaperTable1(table: PaperTable1, options: {color?: boolean} = {}): string {
  const t = terminalTable(["threshold", ...table.columns.map((c) => c.threshold.toFixed(2))], ["left", ...table.columns.map(() => "right" as const)], options);
  const paperAt = (metric: Table1Metric, threshold: number) => {
    const i = PAPER_TABLE1.thresholds.findIndex((x) => Math.abs(x - threshold) < 1e-9);
    return i < 0 ? undefined : PAPER_TABLE1.rows[metric][i];
  };
  for (const metric of Object.keys(PAPER_TABLE1.rows) as Table1Metric[]) {
    const digits = metric === "routing number" ? 1 : 2;
    t.push([metric, ...table.columns.map((c) => {
      const paper = paperAt(metric, c.threshold);
      const ours = c.values[metric].toFixed(digits);
      return paper === undefined ? ours : `${ours} (${paper.toFixed(metric === "routing number" ? 0 : 2)})`;
    })]);
  }
  t.push(["accuracy", ...table.columns.map((c) => `${(100 * c.accuracy).toFixed(1)}%`)]);
  t.push(["upload fraction", ...table.columns.map((c) => `${(100 * c.uploadFraction).toFixed(1)}%`)]);
  t.push(["tokens / question", ...table.columns.map((c) => c.generatedPerQuestion.toFixed(1))]);
  const n = table.columns[0]?.questions ?? 0;
  const routing = table.policy === "token" || table.policy === "token+optimistic" ? "tokens from the large model" : "requests to the large model";
  return [
    `Table 1 layout (She et al. 2025): router ${table.router}, policy ${table.policy}${table.profile ? `, latency on the ${table.profile} device profile` : ""}, means over ${n} question${n === 1 ? "" : "s"}; seconds except routing number (${routing}). In brackets: the paper's figures (one 100-token generation, M1 CPU SLM, SGLang 32B LLM).`,
    t.toString(),
  ].join("\n");
}
