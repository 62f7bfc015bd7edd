import Table from "cli-table3";
import type {RouterRole} from "../routing/routerKinds.ts";
import type {QuestionRow, SummaryRow} from "./schema.ts";

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

export interface SummaryTableOptions {
  /** Latency on the results' device profile (the profile_* columns) instead of the measured timeline. */
  profile?: boolean;
}

/**
 * One table per dataset × pair: router, threshold, accuracy ± 95% CI, upload fraction, large
 * calls and bytes up per question, and latency as in the paper's Table 1 (seconds per question:
 * TTFT, TBT, SLM time, comm + LLM time, overall). A policy column follows the router where some
 * run used a policy other than `token`. The terminal table and the HTML report's table both
 * render these cells, so they can never disagree.
 */
export function summaryTables(rows: readonly SummaryRow[], options: SummaryTableOptions = {}): SummaryTable[] {
  const withPolicy = rows.some((r) => r.policy !== "token");
  const head = withPolicy ? [HEAD[0]!, "policy", ...HEAD.slice(1)] : HEAD;
  const latency = (r: SummaryRow) => {
    if (!options.profile) return [r.ttftMs, r.tbtMs, r.smallMs, r.commLargeMs, r.totalMs].map(sec);
    const p = [r.profileTtftMs, r.profileTbtMs, r.profileSmallMs, r.profileCommLargeMs, r.profileTotalMs];
    return p.map((x) => (x === null ? "—" : sec(x)));
  };
  const groups = new Map<string, SummaryRow[]>();
  for (const r of rows) {
    const k = `${r.dataset} (${r.split}, ${r.task}) · pair ${r.pair}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const profileName = options.profile ? rows.find((r) => r.profile !== null)?.profile : undefined;
  return [...groups].map(([title, g]) => ({
    title: profileName ? `${title} · latency on the ${profileName} device profile` : title,
    head,
    align: head.map((_, i) => (i === 0 || (withPolicy && i === 1) ? "left" : "right")),
    body: g.map((r) => {
      const tau = isBaseline(r.routerRole) ? "—" : r.target !== null ? `${fmtTau(r.threshold)} (target ${pct(r.target)})` : fmtTau(r.threshold);
      const notes = [r.errors > 0 ? `${r.errors} errors` : "", r.fallbackQuestions > 0 ? `${r.fallbackQuestions} fell back` : ""].filter(Boolean);
      return [
        r.router,
        ...(withPolicy ? [r.policy] : []),
        tau,
        `${pct(r.accuracy)} [${pct(r.accuracyLow)}, ${pct(r.accuracyHigh)}]`,
        pct(r.uploadFraction),
        num(r.largeCallsPerQuestion, 2),
        num(r.bytesUpPerQuestion, 0),
        ...latency(r),
        notes.length > 0 ? `${r.questions} (${notes.join(", ")})` : String(r.questions),
      ];
    }),
  }));
}

/**
 * A terminal table (cli-table3), one line per row: compact (no rule between rows, which would
 * double a long sweep's height); colours only with `color`.
 */
export function terminalTable(head: string[], align: ("left" | "right")[], options: {color?: boolean} = {}): Table.Table {
  const style = options.color ? {compact: true} : {head: [], border: [], compact: true};
  return new Table({head, style, colAligns: align});
}

/** The summary tables for a terminal. */
export function formatSummary(rows: readonly SummaryRow[], options: {color?: boolean} & SummaryTableOptions = {}): string {
  return summaryTables(rows, options)
    .map((t) => {
      const table = terminalTable(t.head, t.align, options);
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

/**
 * The errors behind a table's "(n errors)", one line each: every distinct message with the runs
 * and questions it ended, so a reader sees why without opening questions.arrow. Empty when none.
 */
export function formatErrors(questions: readonly QuestionRow[]): string {
  const byMessage = new Map<string, {runs: Set<string>; questions: Set<number>}>();
  for (const q of questions) {
    if (q.error === null) continue;
    const e = byMessage.get(q.error) ?? {runs: new Set(), questions: new Set()};
    e.runs.add(`${q.router}${isBaseline(q.routerRole) ? "" : ` τ=${fmtTau(q.threshold)}`}`);
    e.questions.add(q.questionIndex);
    byMessage.set(q.error, e);
  }
  if (byMessage.size === 0) return "";
  const list = (xs: Iterable<string | number>, n = 6) => {
    const all = [...xs];
    return all.length > n ? `${all.slice(0, n).join(", ")}, … (${all.length})` : all.join(", ");
  };
  const lines = [...byMessage].map(([message, e]) => `- ${message}\n  in ${list(e.runs, 4)} of question${e.questions.size === 1 ? "" : "s"} ${list(e.questions)}`);
  return `errors (recorded, counted wrong; tlr sweep --retry-errors runs those questions again):\n${lines.join("\n")}`;
}
