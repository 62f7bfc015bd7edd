import type {TopLevelSpec} from "vega-lite";
import type {PlotRow} from "../plotRows.ts";
import {barRows} from "./barRows.ts";
import {CONFIG, isMultiRun, runsSubtitle, VEGA_LITE_SCHEMA} from "./common.ts";

/**
 * Mean bytes uploaded per question (the routed requests, as the sweep's protocol model counts
 * them) for each router and τ; a horizontal bar each, from small-only to large-only. Several
 * runs: their bars side by side, coloured by run.
 */
export function bytesUpSpec(rows: readonly PlotRow[]): TopLevelSpec {
  const multi = isMultiRun(rows);
  const {rows: bars, order} = barRows(rows);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {text: "Bytes uploaded per question", subtitle: [runsSubtitle(rows), "mean request bytes per question"]},
    data: {values: bars as unknown as Record<string, unknown>[]},
    width: 420,
    height: {step: multi ? 10 : 18}, // with several runs, the step is per run within a bar
    mark: {type: "bar"},
    encoding: {
      y: {field: "bar", type: "nominal", sort: order, title: null, axis: {labelLimit: 0}},
      x: {field: "bytesUpPerQuestion", type: "quantitative", title: "bytes up per question", axis: {format: ",.0f"}},
      ...(multi ? {yOffset: {field: "run", type: "nominal", sort: null}} : {}),
      color: {field: "run", type: "nominal", title: "run", sort: null, legend: multi ? {orient: "bottom", direction: "vertical"} : null},
      tooltip: [
        {field: "run"},
        {field: "router"},
        {field: "tau", title: "τ"},
        {field: "bytesUpPerQuestion", title: "bytes up / question", format: ",.0f"},
        {field: "bytesDownPerQuestion", title: "bytes down / question", format: ",.0f"},
        {field: "largeCallsPerQuestion", title: "LLM calls / question", format: ".2f"},
        {field: "uploadFraction", title: "upload", format: ".2%"},
      ],
    },
    config: CONFIG,
  } as TopLevelSpec;
}
