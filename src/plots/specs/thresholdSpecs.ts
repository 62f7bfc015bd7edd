import type {TopLevelSpec} from "vega-lite";
import type {RouterRole} from "../../routing/routerKinds.ts";
import type {PlotRow} from "../plotRows.ts";
import {BASELINE_COLOR, CONFIG, isMultiRun, runsSubtitle, TOOLTIP, VEGA_LITE_SCHEMA} from "./common.ts";

/** A routed row with its run's baseline accuracies beside it (null where the run has none). */
type RoutedRow = PlotRow & {smallOnly: number | null; largeOnly: number | null};

// The baselines travel as fields of the routed rows rather than as rows of their own: every layer
// then reads one data source, which Vega-Lite needs to size facets with independent τ axes.
function routedRows(rows: readonly PlotRow[]): RoutedRow[] {
  const baseline = (run: string, role: RouterRole) => rows.find((r) => r.run === run && r.role === role)?.accuracy ?? null;
  return rows.filter((r) => r.role === "router").map((r) => ({...r, smallOnly: baseline(r.run, "baseline-small"), largeOnly: baseline(r.run, "baseline-large")}));
}

/** A dashed grey rule at a baseline's accuracy, named at its right end. */
function baselineLayers(field: "smallOnly" | "largeOnly", name: string) {
  return [
    {mark: {type: "rule", strokeDash: [6, 4], color: BASELINE_COLOR}, encoding: {y: {field, aggregate: "max", type: "quantitative"}}},
    {
      transform: [{filter: `datum.${field} != null`}, {aggregate: [{op: "max", field, as: field}], groupby: ["run", "panel"]}, {calculate: `'${name} ' + format(datum.${field}, '.1%')`, as: "label"}],
      mark: {type: "text", align: "right", baseline: "bottom", dy: -2, color: BASELINE_COLOR, fontSize: 10},
      encoding: {x: {value: "width"}, y: {field, type: "quantitative"}, text: {field: "label"}},
    },
  ];
}

/**
 * Width per τ: at least enough for the narrowest panel's header, as headless vega estimates text
 * (0.8 em per character), so a router swept at one τ does not squeeze its name into its neighbour's.
 */
function stepWidth(rows: readonly PlotRow[]): number {
  const taus = new Map<string, Set<string>>();
  for (const r of rows) if (r.role === "router") (taus.get(r.router) ?? taus.set(r.router, new Set()).get(r.router)!).add(r.tau);
  return Math.max(44, ...[...taus].map(([router, t]) => Math.ceil((0.8 * 12 * router.length + 12) / t.size)));
}

/**
 * One panel per router (τ means something else to each: a probability, a margin, a random
 * router's p), each with its own τ axis, evenly spaced in sweep order as in the paper's Table 1.
 * Several runs: a row of panels each, coloured by run, on a shared y axis.
 */
function thresholdSpec(rows: readonly PlotRow[], measure: "accuracy" | "uploadFraction"): TopLevelSpec {
  const multi = isMultiRun(rows);
  const accuracy = measure === "accuracy";
  // τ labels in numeric order, given as a list: a sort by field would add a data source of its own.
  const taus = [...new Map(rows.filter((r) => r.role === "router").map((r) => [r.tau, r.threshold])).entries()].sort((a, b) => a[1] - b[1]).map(([t]) => t);
  const X = {field: "tau", type: "ordinal", sort: taus, title: "τ", axis: {labelAngle: 0}} as const;
  const color = {field: "run", type: "nominal", title: "run", sort: null, legend: multi ? {orient: "bottom", direction: "vertical"} : null} as const;
  const Y = accuracy
    ? ({field: "accuracy", type: "quantitative", title: "accuracy (95% Wilson CI)", axis: {format: ".0%"}, scale: {zero: false}} as const)
    : ({field: "uploadFraction", type: "quantitative", title: "upload fraction", axis: {format: ".0%"}} as const);
  const layer: unknown[] = [
    ...(accuracy
      ? [
          ...baselineLayers("smallOnly", "small-only"),
          ...baselineLayers("largeOnly", "large-only"),
          {mark: {type: "errorbar", ticks: {size: 5}}, encoding: {x: X, y: {field: "accuracyLow", type: "quantitative", title: Y.title}, y2: {field: "accuracyHigh"}, color}},
        ]
      : []),
    {mark: {type: "line", point: {filled: true, size: 36}}, encoding: {x: X, y: Y, color, tooltip: TOOLTIP}},
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {text: accuracy ? "Accuracy vs threshold" : "Upload fraction vs threshold", subtitle: [runsSubtitle(rows), `one panel per router · route when score < τ${accuracy ? " · dashed: baselines" : ""}`]},
    data: {values: routedRows(rows) as unknown as Record<string, unknown>[]},
    transform: [{calculate: "datum.router", as: "panel"}],
    facet: {column: {field: "panel", type: "nominal", title: null, sort: null}, ...(multi ? {row: {field: "run", type: "nominal", title: null, sort: null}} : {})},
    spec: {width: {step: stepWidth(rows)}, height: 260, layer},
    resolve: {scale: {x: "independent"}},
    // Panels as wide as their own τ axes, placed by their plot areas alone.
    align: "none",
    bounds: "flush",
    spacing: {column: 16, row: 44},
    config: CONFIG,
  } as TopLevelSpec;
}

/** Accuracy (with its 95% CI) against τ, one panel per router, the baselines as dashed rules. */
export function accuracyThresholdSpec(rows: readonly PlotRow[]): TopLevelSpec {
  return thresholdSpec(rows, "accuracy");
}

/** Upload fraction against τ, one panel per router: how a threshold translates into uploads. */
export function uploadThresholdSpec(rows: readonly PlotRow[]): TopLevelSpec {
  return thresholdSpec(rows, "uploadFraction");
}
