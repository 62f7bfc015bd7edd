import type {Results} from "../results/resultsFolder.ts";
import type {SummaryRow} from "../results/schema.ts";
import {runLabels} from "./runLabels.ts";

/** What a summary row is on a plot: a baseline rule, the oracle ceiling, or a point of a router's curve. */
export type PlotRole = "small-only" | "large-only" | "oracle" | "router";

/**
 * One summary row, flattened for Vega-Lite: the Arrow values unchanged (fractions, milliseconds,
 * bytes) plus the run it belongs to and its role. Specs format units on their axes, so the data
 * inlined in a spec or a report is exactly what the results folder holds.
 */
export interface PlotRow {
  /** The run (results folder × dataset × pair) the row belongs to, as legends and facets name it. */
  run: string;
  role: PlotRole;
  router: string;
  routerKind: string;
  threshold: number;
  /** τ as points are labelled: up to 4 significant digits; "—" for the baselines. */
  tau: string;
  target: number | null;
  questions: number;
  accuracy: number;
  accuracyLow: number;
  accuracyHigh: number;
  uploadFraction: number;
  largeCallsPerQuestion: number;
  bytesUpPerQuestion: number;
  bytesDownPerQuestion: number;
  ttftMs: number;
  tbtMs: number;
  smallMs: number;
  commLargeMs: number;
  /** The rest of the overall time: router scoring (total − SLM − comm + LLM). */
  routerMs: number;
  totalMs: number;
}

export function roleOf(row: SummaryRow): PlotRole {
  if (row.routerKind === "always-small") return "small-only";
  if (row.routerKind === "always-large") return "large-only";
  if (row.routerKind === "oracle") return "oracle";
  return "router";
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
      router: s.router,
      routerKind: s.routerKind,
      threshold: s.threshold,
      tau: tauLabel(s),
      target: s.target,
      questions: s.questions,
      accuracy: s.accuracy,
      accuracyLow: s.accuracyLow,
      accuracyHigh: s.accuracyHigh,
      uploadFraction: s.uploadFraction,
      largeCallsPerQuestion: s.largeCallsPerQuestion,
      bytesUpPerQuestion: s.bytesUpPerQuestion,
      bytesDownPerQuestion: s.bytesDownPerQuestion,
      ttftMs: s.ttftMs,
      tbtMs: s.tbtMs,
      smallMs: s.smallMs,
      commLargeMs: s.commLargeMs,
      routerMs: Math.max(0, s.totalMs - s.smallMs - s.commLargeMs),
      totalMs: s.totalMs,
    })),
  );
}

/** The runs in the order they first appear. */
export function runsOf(rows: readonly PlotRow[]): string[] {
  return [...new Set(rows.map((r) => r.run))];
}
