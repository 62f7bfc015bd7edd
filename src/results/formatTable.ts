import Table from "cli-table3";
import type {RouterRole} from "../routing/routerKinds.ts";
import type {SummaryRow} from "./schema.ts";

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const sec = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 3 : 2);
const num = (x: number, d = 1) => x.toFixed(d);

/** One summary table: its title (dataset, split, task, pair), header and cells, as text. */
export interface SummaryTable {
  title: string;
  head: string[];
  /** Per column: numbers are right-aligned. */
  align: ("left" | "right")[];
  body: string[][];
}

const HEAD = ["router", "τ", "accuracy (95% CI)", "upload", "LLM calls/q", "bytes up/q", "TTFT s", "TBT s", "SLM s", "comm+LLM s", "overall s", "n"];

/**
 * One table per dataset × pair: router, threshold, accuracy ± 95% CI, upload fraction, large
 * calls and bytes up per question, and latency as in the paper's Table 1 (seconds per question:
 * TTFT, TBT, SLM time, comm + LLM time, overall). The terminal table and the HTML report's table
 * both render these cells, so they can never disagree.
 */
export function summaryTables(rows: readonly SummaryRow[]): SummaryTable[] {
  const groups = new Map<string, SummaryRow[]>();
  for (const r of rows) {
    const k = `${r.dataset} (${r.split}, ${r.task}) · pair ${r.pair}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups].map(([title, g]) => ({
    title,
    head: HEAD,
    align: HEAD.map((_, i) => (i === 0 ? "left" : "right")),
    body: g.map((r) => {
      const tau = isBaseline(r.routerRole) ? "—" : r.target !== null ? `${fmtTau(r.threshold)} (target ${pct(r.target)})` : fmtTau(r.threshold);
      return [
        r.router,
        tau,
        `${pct(r.accuracy)} [${pct(r.accuracyLow)}, ${pct(r.accuracyHigh)}]`,
        pct(r.uploadFraction),
        num(r.largeCallsPerQuestion, 2),
        num(r.bytesUpPerQuestion, 0),
        sec(r.ttftMs),
        sec(r.tbtMs),
        sec(r.smallMs),
        sec(r.commLargeMs),
        sec(r.totalMs),
        r.errors > 0 ? `${r.questions} (${r.errors} errors)` : String(r.questions),
      ];
    }),
  }));
}

/** The summary tables for a terminal (cli-table3). */
export function formatSummary(rows: readonly SummaryRow[], options: {color?: boolean} = {}): string {
  const style = options.color ? {} : {head: [], border: []};
  return summaryTables(rows)
    .map((t) => {
      const table = new Table({head: t.head, style, colAligns: t.align});
      for (const row of t.body) table.push(row);
      return `${t.title}\n${table.toString()}`;
    })
    .join("\n\n");
}

/** The small or the large model alone: their threshold means nothing. */
export function isBaseline(role: RouterRole): boolean {
  return role === "baseline-small" || role === "baseline-large";
}

function fmtTau(t: number): string {
  if (!Number.isFinite(t)) return t > 0 ? "∞" : "−∞";
  return Number(t.toPrecision(6)).toString();
}
