import type {PlotRow} from "../plotRows.ts";

/** The Vega-Lite schema the specs are written against (vega-lite 6). */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Fixed colours for what is not a router, so routers keep the categorical palette to themselves. */
export const BASELINE_COLOR = "#555555";
export const ORACLE_COLOR = "#000000";

/** Shared look: white background (PNGs are not transparent), readable sizes, no chart border. */
export const CONFIG = {
  background: "white",
  font: "DejaVu Sans, Helvetica, Arial, sans-serif",
  view: {stroke: null},
  axis: {labelFontSize: 11, titleFontSize: 12, grid: true, gridOpacity: 0.5},
  legend: {labelFontSize: 11, titleFontSize: 12, labelLimit: 0},
  header: {labelFontSize: 12, titleFontSize: 12, labelLimit: 0},
  title: {fontSize: 15, anchor: "start" as const, subtitleFontSize: 11, subtitleColor: "#555"},
};

/** Tooltip fields common to every point: what a reader asks of a run at a glance. */
export const TOOLTIP = [
  {field: "run", title: "run"},
  {field: "router", title: "router"},
  {field: "tau", title: "τ"},
  {field: "accuracy", title: "accuracy", format: ".1%"},
  {field: "accuracyLow", title: "95% CI low", format: ".1%"},
  {field: "accuracyHigh", title: "95% CI high", format: ".1%"},
  {field: "uploadFraction", title: "upload", format: ".2%"},
  {field: "questions", title: "questions"},
];

/** Several runs: Vega-Lite needs the field in a facet, one run needs none. */
export function isMultiRun(rows: readonly PlotRow[]): boolean {
  return new Set(rows.map((r) => r.run)).size > 1;
}

/**
 * The subtitle's first line names the run(s), so a PNG lifted out of a report still says what it
 * shows. Subtitles stay short lines: headless vega (no canvas) estimates text widths generously and
 * sizes the chart to them.
 */
export function runsSubtitle(rows: readonly PlotRow[]): string {
  const runs = [...new Set(rows.map((r) => r.run))];
  return runs.length === 1 ? runs[0]! : `${runs.length} runs`;
}

export const oneOf = (field: string, values: readonly string[]) => ({field, oneOf: [...values]});
