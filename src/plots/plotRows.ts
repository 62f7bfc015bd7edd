import {isBaseline} from "../results/formatTable.ts";
import type {Results} from "../results/resultsFolder.ts";
import type {SummaryRow} from "../results/schema.ts";
import type {RouterRole} from "../routing/routerKinds.ts";
import {runLabels} from "./runLabels.ts";


/**
 * One summary row, flattened for Vega-Lite: the Arrow values unchanged (fractions, milliseconds,
 * bytes) plus the run it belongs to and its role. Specs format units on their axes, so the data
 * inlined in a spec or a report is exactly what the results folder holds.
 */
/** The summary columns a plot row carries unchanged. */
const KEPT = ["router", "routerKind", "threshold", "target", "questions", "accuracy", "accuracyLow", "accuracyHigh", "uploadFraction", "largeCallsPerQuestion", "bytesUpPerQuestion", "bytesDownPerQuestion", "ttftMs", "tbtMs", "smallMs", "commLargeMs", "totalMs"] as const;

export interface PlotRow extends Pick<SummaryRow, (typeof KEPT)[number]> {
  /** The run (results folder × dataset × pair) the row belongs to, as legends and facets name it. */
  run: string;
  /** The run's router role (results' `router_role`): a baseline rule, the oracle, or a point of a router's curve. */
  role: RouterRole;
  /** τ as points are labelled: up to 4 significant digits; "—" for the baselines. */
  tau: string;
  /** The rest of the overall time: router scoring (total − SLM − comm + LLM). */
  routerMs: number;
}

export function tauLabel(row: SummaryRow): string {
  if (isBaseline(row.routerRole)) return "—";
  if (!Number.isFinite(row.threshold)) return row.threshold > 0 ? "∞" : "−∞";
  return String(Number(row.threshold.toPrecision(4)));
}

/** The summary rows of one or more results folders, each labelled with its run. */
export function plotRows(results: readonly Results[]): PlotRow[] {
  const labels = runLabels(results);
  return results.flatMap((r, i) =>
    r.summary.map((s): PlotRow => ({
      run: labels[i]!(s),
      role: s.routerRole,
      ...(Object.fromEntries(KEPT.map((k) => [k, s[k]])) as Pick<SummaryRow, (typeof KEPT)[number]>),
      tau: tauLabel(s),
      routerMs: Math.max(0, s.totalMs - s.smallMs - s.commLargeMs),
    })),
  );
}

/** The runs in the order they first appear. */
export function runsOf(rows: readonly PlotRow[]): string[] {
  return [...new Set(rows.map((r) => r.run))];
}
