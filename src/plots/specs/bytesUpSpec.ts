import type {TopLevelSpec} from "vega-lite";
import type {PlotRow} from "../plotRows.ts";
import {barPanels} from "./barPanels.ts";
import {CONFIG, isMultiRun, runsSubtitle, VEGA_LITE_SCHEMA} from "./common.ts";

/**
 * Bytes uploaded per question against τ (the routed requests, as the sweep's protocol model
 * counts them); one panel per router beside the baselines and the oracle. Several runs:
 * side-by-side bars, coloured by run.
 */
export function bytesUpSpec(rows: readonly PlotRow[]): TopLevelSpec {
  const multi = isMultiRun(rows);
  const {rows: placed, panels, bars} = barPanels(rows);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {text: "Bytes uploaded per question vs threshold", subtitle: [runsSubtitle(rows), "mean request bytes per question · bars: τ"]},
    data: {values: placed as unknown as Record<string, unknown>[]},
    facet: {column: {field: "panel", type: "nominal", title: null, sort: panels}},
    spec: {
      width: {step: 30},
      height: 240,
      mark: {type: "bar"},
      encoding: {
        x: {field: "bar", type: "ordinal", sort: bars, title: null, axis: {labelAngle: -45}},
        y: {field: "bytesUpPerQuestion", type: "quantitative", title: "bytes up per question"},
        ...(multi ? {xOffset: {field: "run", type: "nominal", sort: null}} : {}),
        color: {field: "run", type: "nominal", title: "run", sort: null, legend: multi ? {orient: "bottom"} : null},
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
    },
    resolve: {scale: {x: "independent"}},
    align: "none",
    bounds: "flush",
    spacing: 14,
    config: CONFIG,
  } as TopLevelSpec;
}
