import type {TopLevelSpec} from "vega-lite";
import type {RouterRole} from "../../routing/routerKinds.ts";
import type {PlotRow} from "../plotRows.ts";
import {BASELINE_COLOR, CONFIG, isMultiRun, ORACLE_COLOR, oneOf, runsSubtitle, TOOLTIP, VEGA_LITE_SCHEMA} from "./common.ts";

export interface AccuracyUploadOptions {
  /**
   * The upload axis; default "sqrt": the interesting part of a sweep is its first few percent of
   * uploads, which a linear axis squeezes into the left edge as soon as one threshold uploads half.
   */
  scale?: "sqrt" | "linear";
}

// Round upload fractions for the ticks: a square-root axis left to itself drops the small ones.
const TICKS = [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

function xEncoding(rows: readonly PlotRow[], scale: "sqrt" | "linear") {
  const title = `upload fraction (tokens from the large model${scale === "sqrt" ? ", √ scale" : ""})`;
  if (scale === "linear") return {field: "uploadFraction", type: "quantitative", title, axis: {format: ".1~%"}} as const;
  const max = Math.max(0, ...rows.filter((r) => r.role === "router" || r.role === "oracle").map((r) => r.uploadFraction));
  // Half a percent only where the axis ends below 10%: further out it would crowd 0% and 1%.
  const values = TICKS.filter((t) => t <= max * 1.1 + 1e-9 && (t !== 0.005 || max < 0.1));
  return {field: "uploadFraction", type: "quantitative", title, scale: {type: "sqrt"}, axis: {format: ".1~%", ...(values.length >= 3 ? {values} : {})}} as const;
}
const Y = {field: "accuracy", type: "quantitative", title: "accuracy (95% Wilson CI)", axis: {format: ".0%"}, scale: {zero: false}} as const;
const BASELINES: RouterRole[] = ["baseline-small", "baseline-large"];

/**
 * The centrepiece: accuracy against upload fraction. A line per router through its thresholds
 * (in τ order, each point labelled with τ, with its 95% CI as an error bar); dashed rules, with a
 * faint CI band, for small-only and large-only; the oracle drawn from small-only at 0% to its
 * measured point(s): the most any router can reach at that upload. Several runs: one panel each,
 * on a shared accuracy axis.
 */
export function accuracyUploadSpec(rows: readonly PlotRow[], options: AccuracyUploadOptions = {}): TopLevelSpec {
  const X = xEncoding(rows, options.scale ?? "sqrt");
  const layer = [
    // Baselines: a faint band for the CI, a dashed rule, and the name at the right end.
    {transform: [{filter: oneOf("role", BASELINES)}], mark: {type: "rect", color: BASELINE_COLOR, opacity: 0.08}, encoding: {y: {field: "accuracyLow", type: "quantitative"}, y2: {field: "accuracyHigh"}}},
    {
      name: "baseline_rules",
      transform: [{filter: oneOf("role", BASELINES)}],
      mark: {type: "rule", color: BASELINE_COLOR, strokeDash: [6, 4], strokeWidth: 1.5},
      encoding: {y: Y, tooltip: TOOLTIP},
    },
    {
      transform: [{filter: oneOf("role", BASELINES)}, {calculate: "datum.router + ' ' + format(datum.accuracy, '.1%')", as: "label"}],
      mark: {type: "text", align: "left", baseline: "middle", dx: 4, color: BASELINE_COLOR, fontSize: 11},
      encoding: {x: {value: "width"}, y: Y, text: {field: "label"}},
    },
    // The oracle: from small-only (0% upload) through its measured point(s), in upload order.
    {
      transform: [{filter: oneOf("role", ["baseline-small", "oracle"])}],
      mark: {type: "line", color: ORACLE_COLOR, strokeDash: [2, 2], strokeWidth: 1.5},
      encoding: {x: X, y: Y, order: {field: "uploadFraction"}},
    },
    {
      name: "oracle_points",
      transform: [{filter: oneOf("role", ["oracle"])}],
      mark: {type: "point", shape: "diamond", filled: true, size: 70, color: ORACLE_COLOR},
      encoding: {x: X, y: Y, tooltip: TOOLTIP},
    },
    {
      transform: [{filter: oneOf("role", ["oracle"])}],
      mark: {type: "text", align: "left", dx: 7, dy: 10, color: ORACLE_COLOR, fontSize: 10},
      encoding: {x: X, y: Y, text: {value: "oracle"}},
    },
    // Routers: CI error bars, the line through the thresholds, points, τ labels.
    {
      transform: [{filter: oneOf("role", ["router"])}],
      mark: {type: "errorbar", ticks: {size: 5}},
      encoding: {x: X, y: {field: "accuracyLow", type: "quantitative", title: Y.title}, y2: {field: "accuracyHigh"}, color: {field: "router", type: "nominal", title: "router"}},
    },
    {
      transform: [{filter: oneOf("role", ["router"])}],
      mark: {type: "line", strokeWidth: 1.5},
      encoding: {x: X, y: Y, color: {field: "router", type: "nominal", title: "router"}, order: {field: "threshold"}},
    },
    {
      name: "router_points", // named marks: the SVG's groups say what they draw (tests count them)
      transform: [{filter: oneOf("role", ["router"])}],
      mark: {type: "point", filled: true, size: 36, opacity: 1},
      encoding: {x: X, y: Y, color: {field: "router", type: "nominal", title: "router", legend: {orient: "bottom"}}, tooltip: TOOLTIP},
    },
    {
      transform: [{filter: oneOf("role", ["router"])}],
      mark: {type: "text", align: "left", baseline: "bottom", dx: 4, dy: -2, fontSize: 9},
      encoding: {x: X, y: Y, text: {field: "tau"}, color: {field: "router", type: "nominal", title: "router"}},
    },
  ];
  const base = {
    $schema: VEGA_LITE_SCHEMA,
    title: {text: "Accuracy vs upload fraction", subtitle: [runsSubtitle(rows), "points labelled with τ · dashed: baselines · dotted: oracle"]},
    data: {values: rows as unknown as Record<string, unknown>[]},
    config: CONFIG,
  };
  if (!isMultiRun(rows)) return {...base, width: 520, height: 340, layer} as TopLevelSpec;
  return {
    ...base,
    facet: {column: {field: "run", type: "nominal", title: null, sort: null}},
    spec: {width: 420, height: 320, layer},
    resolve: {scale: {x: "independent"}},
  } as TopLevelSpec;
}
