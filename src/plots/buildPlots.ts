import type {TopLevelSpec} from "vega-lite";
import type {Results} from "../results/resultsFolder.ts";
import {TlrError} from "../util/errors.ts";
import {plotRows, type PlotRow} from "./plotRows.ts";
import {accuracyLatencySpec} from "./specs/accuracyLatencySpec.ts";
import {accuracyUploadSpec} from "./specs/accuracyUploadSpec.ts";
import {bytesUpSpec} from "./specs/bytesUpSpec.ts";
import {latencySpec} from "./specs/latencySpec.ts";
import {accuracyThresholdSpec, uploadThresholdSpec} from "./specs/thresholdSpecs.ts";

export const PLOT_NAMES = ["accuracy-upload", "accuracy-threshold", "upload-threshold", "latency", "bytes-up", "accuracy-latency"] as const;
export type PlotName = (typeof PLOT_NAMES)[number];

/** One chart: its file name, a caption saying what it shows, and its Vega-Lite spec (data inlined). */
export interface Plot {
  name: PlotName;
  caption: string;
  spec: TopLevelSpec;
}

const PLOTS: {name: PlotName; caption: string; needsRouters: boolean; spec: (rows: readonly PlotRow[]) => TopLevelSpec}[] = [
  {
    name: "accuracy-upload",
    caption: "Accuracy against upload fraction: a line per router through its thresholds (points labelled with τ, 95% Wilson CI as error bars), small-only and large-only as dashed rules with their CI as a band, the oracle dotted from small-only to its point.",
    needsRouters: false,
    spec: accuracyUploadSpec,
  },
  {name: "accuracy-threshold", caption: "Accuracy (95% Wilson CI) against the threshold τ, one panel per router, the baselines as dashed rules.", needsRouters: true, spec: accuracyThresholdSpec},
  {name: "upload-threshold", caption: "Upload fraction (tokens from the large model) against the threshold τ, one panel per router.", needsRouters: true, spec: uploadThresholdSpec},
  {
    name: "latency",
    caption: "Mean latency per question for each router and τ, stacked as in the paper's Table 1: SLM compute, communication + LLM compute, router scoring; from small-only through the routers to large-only.",
    needsRouters: false,
    spec: latencySpec,
  },
  {name: "bytes-up", caption: "Mean bytes uploaded per question (the routed requests) for each router and τ, from small-only through the routers to large-only.", needsRouters: false, spec: bytesUpSpec},
  {
    name: "accuracy-latency",
    caption: "Accuracy (95% Wilson CI) against overall latency per question, coloured by decoding policy: a line per router and policy through its thresholds, the baselines as labelled points.",
    needsRouters: false,
    spec: accuracyLatencySpec,
  },
];

/**
 * The charts of one or more results folders, from their summary rows alone. Charts against τ are
 * left out when no folder holds a thresholded router (only baselines and the oracle).
 */
export function buildPlots(results: readonly Results[]): Plot[] {
  const rows = plotRows(results);
  if (rows.length === 0) throw new TlrError(`${results.map((r) => r.dir).join(", ")}: no summary rows to plot`);
  const routed = rows.some((r) => r.role === "router");
  return PLOTS.filter((p) => routed || !p.needsRouters).map((p) => ({name: p.name, caption: p.caption, spec: p.spec(rows)}));
}
