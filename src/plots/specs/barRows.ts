import type {PlotRow} from "../plotRows.ts";

/** A summary row on a bar chart, with the label of its bar. */
export type BarRow = PlotRow & {bar: string};

/**
 * Bar charts have one bar per router and τ, labelled "max-prob · τ 0.9" (the baselines and the
 * oracle by name), in reading order: small-only, each router by rising τ, the oracle, large-only.
 * The order is returned as a list: a sort by field would add a data source to the spec.
 */
export function barRows(rows: readonly PlotRow[]): {rows: BarRow[]; order: string[]} {
  const oracles = new Set(rows.filter((r) => r.role === "oracle").map((r) => r.tau)).size;
  const bar = (r: PlotRow) => (r.role === "router" ? `${r.router} · τ ${r.tau}` : r.role === "oracle" && oracles > 1 ? `oracle · τ ${r.tau}` : r.router);
  const out = rows.map((r): BarRow => ({...r, bar: bar(r)}));
  const routers = [...new Set(rows.filter((r) => r.role === "router").map((r) => r.router))];
  const rank = (r: PlotRow) => (r.role === "baseline-small" ? 0 : r.role === "router" ? 1 + routers.indexOf(r.router) : r.role === "oracle" ? 1 + routers.length : 2 + routers.length);
  const order = [...new Map(out.map((r) => [r.bar, [rank(r), r.threshold] as const])).entries()]
    .sort(([, a], [, b]) => a[0] - b[0] || a[1] - b[1])
    .map(([b]) => b);
  return {rows: out, order};
}
