import {join} from "node:path";
import type {Results} from "../results/resultsFolder.ts";
import {ensureFolder} from "../util/ensureFolder.ts";
import {TlrError} from "../util/errors.ts";
import {writeFileAtomic} from "../util/fileError.ts";
import {buildPlots, type Plot} from "./buildPlots.ts";
import {compileSpec, type WarningHandler} from "./compileSpec.ts";
import {htmlDocument} from "./htmlDocument.ts";
import {figureHtml} from "./reportHtml.ts";
import {renderPng} from "./renderPng.ts";
import {renderSvg} from "./renderSvg.ts";

/** `vega-lite`: the spec alone (JSON, data inlined), to restyle and render elsewhere. */
export const PLOT_FORMATS = ["svg", "png", "html", "vega-lite"] as const;
export type PlotFormat = (typeof PLOT_FORMATS)[number];

export interface WritePlotsOptions {
  /** Folder to write into (created if missing). */
  out: string;
  /** Default "svg". */
  format?: PlotFormat;
  /** PNG pixels per SVG unit; default 2. */
  scale?: number;
  onWarning?: WarningHandler;
}

const EXTENSION: Record<PlotFormat, string> = {svg: "svg", png: "png", html: "html", "vega-lite": "vl.json"};

export function isPlotFormat(format: string): format is PlotFormat {
  return (PLOT_FORMATS as readonly string[]).includes(format);
}

async function render(plot: Plot, options: WritePlotsOptions): Promise<string | Buffer> {
  switch (options.format ?? "svg") {
    case "svg":
      return renderSvg(plot.spec, options);
    case "png":
      return renderPng(await renderSvg(plot.spec, options), {scale: options.scale});
    case "html":
      return htmlDocument({title: plot.name, body: figureHtml(plot), charts: [{id: `chart-${plot.name}`, spec: compileSpec(plot.spec, options.onWarning)}]});
    case "vega-lite":
      return `${JSON.stringify(plot.spec, null, 2)}\n`;
  }
}

/**
 * Renders every plot of one or more results folders into `out` as `<plot>.<ext>` (svg, png, a
 * self-contained html page, or the Vega-Lite spec as `.vl.json`); returns the files written.
 */
export async function writePlots(results: readonly Results[], options: WritePlotsOptions): Promise<string[]> {
  const format = options.format ?? "svg";
  if (!isPlotFormat(format)) throw new TlrError(`unknown plot format "${format}": use one of ${PLOT_FORMATS.join(", ")}`);
  ensureFolder(options.out, "plots folder");
  const files: string[] = [];
  for (const plot of buildPlots(results)) {
    const file = join(options.out, `${plot.name}.${EXTENSION[format]}`);
    writeFileAtomic(file, await render(plot, options));
    files.push(file);
  }
  return files;
}
