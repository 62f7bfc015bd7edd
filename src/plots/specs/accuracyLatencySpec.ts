import type {TopLevelSpec} from "vega-lite";
import type {PlotRow} from "../plotRows.ts";
import {CONFIG, isMultiRun, runsSubtitle, TOOLTIP, VEGA_LITE_SCHEMA} from "./common.ts";

const X = {field: "seconds", type: "quantitative", title: "overall latency per question (s, the run's timeline)", scale: {zero: false}} as const;
const Y = {field: "accuracy", type: "quantitative", title: "accuracy (95% Wilson CI)", axis: {format: ".0%"}, scale: {zero: false}} as const;
const COLOR = {field: "policy", type: "nominal", title: "policy", legend: {orient: "bottom"}} as const;

/**
 * Accuracy against overall latency, coloured by policy: what each policy buys. A line per router
 * and policy through its thresholds (95% CI as error bars), the baselines (small-only, large-only
 * and large-only under speculative decoding) as labelled points in their policy's colour. The
 * router's shape tells routers apart. Several runs: one panel each.
 */
export function accuracyLatencySpec(rows: readonly PlotRow[]): TopLevelSpec {
  const values = rows.map((r) => ({...r, seconds: r.totalMs / 1000, routerName: r.role === "router" || r.role === "oracle" ? r.routerKind : r.router}));
  const routed = {field: "role", oneOf: ["router", "oracle"]};
  const layer = [
    {transform: [{filter: routed}], mark: {type: "errorbar", ticks: {size: 4}}, encoding: {x: X, y: {field: "accuracyLow", type: "quantitative", title: Y.title}, y2: {field: "accuracyHigh"}, color: COLOR}},
    {transform: [{filter: routed}], mark: {type: "line", strokeWidth: 1.5}, encoding: {x: X, y: Y, color: COLOR, detail: {field: "router"}, order: {field: "threshold"}}},
    {
      name: "policy_points",
      mark: {type: "point", filled: true, size: 40, opacity: 1},
      encoding: {x: X, y: Y, color: COLOR, shape: {field: "routerName", type: "nominal", title: "router"}, tooltip: [...TOOLTIP, {field: "policy", title: "policy"}, {field: "seconds", title: "overall s", format: ".3f"}]},
    },
    {
      transform: [{filter: {field: "role", oneOf: ["baseline-small", "baseline-large", "policy-baseline"]}}],
      mark: {type: "text", align: "left", dx: 6, dy: -6, fontSize: 10},
      encoding: {x: X, y: Y, text: {field: "router"}, color: COLOR},
    },
  ];
  const base = {
    $schema: VEGA_LITE_SCHEMA,
    title: {text: "Accuracy vs overall latency", subtitle: [runsSubtitle(rows), "colour: policy · shape: router · lines through the thresholds"]},
    data: {values: values as unknown as Record<string, unknown>[]},
    config: CONFIG,
  };
  if (!isMultiRun(rows)) return {...base, width: 520, height: 340, layer} as TopLevelSpec;
  return {...base, facet: {column: {field: "run", type: "nominal", title: null, sort: null}}, spec: {width: 420, height: 320, layer}, resolve: {scale: {x: "independent"}}} as TopLevelSpec;
}
