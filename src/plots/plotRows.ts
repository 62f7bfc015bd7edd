import type {Results} from "../results/resultsFolder.ts";
import type {SummaryRow} from "../results/schema.ts";
import {runLabels} from "./runLabels.ts";

/**
 * What a summary row is on a plot: a baseline rule, the oracle ceiling, a point of a router's
 * curve, or a baseline under another policy (large-only by speculative decoding: the same output,
 * another latency), which only the bar charts and accuracy against latency show.
 */
export type PlotRole = "small-only" | "large-only" | "oracle" | "router" | "policy-baseline";

/**
 * One summary row, flattened for Vega-Lite: the Arrow values unchanged (fractions, milliseconds,
 * bytes) plus the run it belongs to and its role. Specs format units on their axes, so the data
 * inlined in a spec or a report is exactly what the results folder holds.
 */
/** The summary columns a plot row carries unchanged. */
const KEPT = ["router", "routerKind", "policy", "threshold", "target", "questions", "accuracy", "accuracyLow", "accuracyHigh", "uploadFraction", "largeCallsPerQuestion", "bytesUpPerQuestion", "bytesDownPerQuestion", "ttftMs", "tbtMs", "smallMs", "commLargeMs", "totalMs"] as const;

export interface PlotRow extends Pick<SummaryRow, (typeof KEPT)[number]> {
  /** The run (results folder × dataset × pair) the row belongs to, as legends and facets name it. */
  run: string;
  role: PlotRole;
  /** τ as points are labelled: up to 4 significant digits; "—" for the baselines. */
  tau: string;
  /** The rest of the overall time: router scoring (total − SLM − comm + LLM). */
  routerMs: number;
}

export function roleOf(row: SummaryRow): PlotRole {
  const baseline = row.routerKind === "always-small" || row.routerKind === "always-large";
  if (row.policy !== "token") return baseline ? "policy-baseline" : "router";
  if (row.routerKind === "always-small") return "small-only";
  if (row.routerKind === "always-large") return "large-only";
  if (row.routerKind === "oracle") return "oracle";
  return "router";
}

/** How a row's router is named on charts: with its policy where that is not `token` ("max-prob · span:4"). */
export function seriesName(row: Pick<SummaryRow, "router" | "policy">): string {
  return row.policy === "token" ? row.router : `${row.router} · ${row.policy}`;
}

export function tauLabel(row: SummaryRow): string {
  if (row.routerKind === "always-small" || row.routerKind === "always-large") return "—";
  if (!Number.isFinite(row.threshold)) return row.threshold > 0 ? "∞" : "−∞";
  return String(Number(row.threshold.toPrecision(4)));
}

/** The summary rows of one or more results folders, each labelled with its run. */
export function plotRows(results: readonly Results[]): PlotRow[] {
  const labels = runLabels(results);
  return results.flatMap((r, i) =>
    r.summary.map((s): PlotRow => ({
      run: labels[i]!(s),
      role: roleOf(s),
      ...(Object.fromEntries(KEPT.map((k) => [k, s[k]])) as Pick<SummaryRow, (typeof KEPT)[number]>),
      router: seriesName(s),
      tau: tauLabel(s),
      routerMs: Math.max(0, s.totalMs - s.smallMs - s.commLargeMs),
    })),
  );
}

/** The runs in the order they first appear. */
export function runsOf(rows: readonly PlotRow[]): string[] {
  return [...new Set(rows.map((r) => r.run))];
}
