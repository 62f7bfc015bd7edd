import type {TopLevelSpec} from "vega-lite";
import type {PlotRow} from "../plotRows.ts";
import {barRows} from "./barRows.ts";
import {CONFIG, isMultiRun, runsSubtitle, VEGA_LITE_SCHEMA} from "./common.ts";

/** The parts of the overall time per question, as in the paper's Table 1, in stacking order. */
const PARTS = [
  {field: "smallMs", name: "SLM"},
  {field: "commLargeMs", name: "comm + LLM"},
  {field: "routerMs", name: "router"},
] as const;

/**
 * Mean latency per question for each router and τ, stacked: SLM compute, communication + LLM
 * compute, router scoring (the paper's Table 1 and Fig. 6); a horizontal bar each, from
 * small-only through the routers' thresholds to large-only. Several runs: one panel each.
 */
export function latencySpec(rows: readonly PlotRow[]): TopLevelSpec {
  const {rows: bars, order} = barRows(rows);
  const values = bars.flatMap((r) =>
    PARTS.map((p, stack) => ({run: r.run, router: r.router, tau: r.tau, bar: r.bar, part: p.name, stack, seconds: r[p.field] / 1000, totalSeconds: r.totalMs / 1000, ttftSeconds: r.ttftMs / 1000, tbtSeconds: r.tbtMs / 1000, uploadFraction: r.uploadFraction})),
  );
  const chart = {
    width: 420,
    height: {step: 18},
    mark: {type: "bar"},
    encoding: {
      y: {field: "bar", type: "nominal", sort: order, title: null, axis: {labelLimit: 0}},
      x: {field: "seconds", type: "quantitative", stack: "zero", title: "mean seconds per question"},
      color: {field: "part", type: "nominal", title: null, sort: PARTS.map((p) => p.name), scale: {range: ["#4c78a8", "#f58518", "#9d9d9d"]}, legend: {orient: "bottom"}},
      order: {field: "stack"},
      tooltip: [
        {field: "run"},
        {field: "router"},
        {field: "tau", title: "τ"},
        {field: "part"},
        {field: "seconds", format: ".3f"},
        {field: "totalSeconds", title: "overall s", format: ".3f"},
        {field: "ttftSeconds", title: "TTFT s", format: ".3f"},
        {field: "tbtSeconds", title: "TBT s", format: ".4f"},
        {field: "uploadFraction", title: "upload", format: ".2%"},
      ],
    },
  };
  const base = {
    $schema: VEGA_LITE_SCHEMA,
    title: {text: "Latency per question", subtitle: [runsSubtitle(rows), "stacked: SLM, comm + LLM, router"]},
    data: {values},
    config: CONFIG,
  };
  if (!isMultiRun(rows)) return {...base, ...chart} as TopLevelSpec;
  return {...base, facet: {column: {field: "run", type: "nominal", title: null, sort: null}}, spec: chart} as TopLevelSpec;
}
