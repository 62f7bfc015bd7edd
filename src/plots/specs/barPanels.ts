import type {PlotRow} from "../plotRows.ts";

/** The panel that gathers the baselines and the oracle, whose τ means nothing on a τ axis. */
export const REFERENCE_PANEL = "baselines & oracle";

/** A summary row placed on a bar chart: its panel (a router, or the reference panel) and its bar's label. */
export type BarRow = PlotRow & {panel: string; bar: string};

/**
 * Bar charts against τ get one panel per router and one reference panel where small-only, the
 * oracle and large-only stand side by side, labelled by name. Returns the rows with their panel
 * and bar, and the panels' and bars' order (given as lists: a sort by field would add a data
 * source, which breaks the sizing of facets with independent axes).
 */
export function barPanels(rows: readonly PlotRow[]): {rows: BarRow[]; panels: string[]; bars: string[]} {
  const oracles = new Set(rows.filter((r) => r.role === "oracle").map((r) => r.tau)).size;
  const bar = (r: PlotRow) => (r.role === "router" ? r.tau : r.role === "oracle" && oracles > 1 ? `oracle τ ${r.tau}` : r.router);
  const out = rows.map((r): BarRow => ({...r, panel: r.role === "router" ? r.router : REFERENCE_PANEL, bar: bar(r)}));
  const routers = [...new Set(out.filter((r) => r.role === "router").map((r) => r.panel))];
  const panels = out.some((r) => r.panel === REFERENCE_PANEL) ? [REFERENCE_PANEL, ...routers] : routers;
  const rank = {"small-only": 0, oracle: 1, "large-only": 2, router: 3};
  const bars = [...new Map(out.map((r) => [r.bar, [rank[r.role], r.threshold] as const])).entries()]
    .sort(([, a], [, b]) => a[0] - b[0] || a[1] - b[1])
    .map(([b]) => b);
  return {rows: out, panels, bars};
}
