import type {TopLevelSpec} from "vega-lite";
import type {PlotRow} from "../plotRows.ts";
import {barPanels} from "./barPanels.ts";
import {CONFIG, isMultiRun, runsSubtitle, VEGA_LITE_SCHEMA} from "./common.ts";

/** The parts of the overall time per question, as in the paper's Table 1, in stacking order. */
const PARTS = [
  {field: "smallMs", name: "SLM"},
  {field: "commLargeMs", name: "comm + LLM"},
  {field: "routerMs", name: "router"},
] as const;

/**
 * Latency per question against τ, stacked: SLM compute, communication + LLM compute, router
 * scoring (the paper's Table 1 and Fig. 6); one panel per router beside the baselines and the
 * oracle. Several runs: one row of panels each.
 */
export function latencySpec(rows: readonly PlotRow[]): TopLevelSpec {
  const multi = isMultiRun(rows);
  const {rows: placed, panels, bars} = barPanels(rows);
  const values = placed.flatMap((r) =>
    PARTS.map((p, order) => ({run: r.run, router: r.router, tau: r.tau, panel: r.panel, bar: r.bar, part: p.name, order, seconds: r[p.field] / 1000, totalSeconds: r.totalMs / 1000, ttftSeconds: r.ttftMs / 1000, tbtSeconds: r.tbtMs / 1000, uploadFraction: r.uploadFraction})),
  );
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {text: "Latency per question vs threshold", subtitle: [runsSubtitle(rows), "mean seconds per question · bars: τ"]},
    data: {values},
    facet: {
      column: {field: "panel", type: "nominal", title: null, sort: panels},
      ...(multi ? {row: {field: "run", type: "nominal", title: null, sort: null}} : {}),
    },
    spec: {
      width: {step: 30},
      height: 240,
      mark: {type: "bar"},
      encoding: {
        x: {field: "bar", type: "ordinal", sort: bars, title: null, axis: {labelAngle: -45}},
        y: {field: "seconds", type: "quantitative", stack: "zero", title: "seconds per question"},
        color: {field: "part", type: "nominal", title: null, sort: PARTS.map((p) => p.name), scale: {range: ["#4c78a8", "#f58518", "#9d9d9d"]}, legend: {orient: "bottom"}},
        order: {field: "order"},
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
    },
    resolve: {scale: {x: "independent"}},
    align: "none",
    bounds: "flush",
    spacing: 14,
    config: CONFIG,
  } as TopLevelSpec;
}
