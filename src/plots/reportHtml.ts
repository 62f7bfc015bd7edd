import type {Results} from "../results/resultsFolder.ts";
import {summaryHtml} from "../results/summaryHtml.ts";
import {escapeHtml} from "../util/escapeHtml.ts";
import {buildPlots, type Plot} from "./buildPlots.ts";
import {compileSpec, type WarningHandler} from "./compileSpec.ts";
import {htmlDocument} from "./htmlDocument.ts";
import {provenanceHtml} from "./provenanceHtml.ts";
import type {BrowserData} from "../report/browserTypes.ts";
import {questionBrowserHtml} from "../report/questionBrowserHtml.ts";

export interface ReportOptions {
  /** The page's title; default "tlr report: " and the folders. */
  title?: string;
  onWarning?: WarningHandler;
  /** The question browser's data (`questionBrowserData`); without it the report has no Questions section. */
  questions?: BrowserData;
}

/** A chart's figure: where it renders, its caption, and its Vega-Lite spec to copy. */
export function figureHtml(plot: Plot): string {
  return `<figure id="figure-${plot.name}">
<div class="chart" id="chart-${plot.name}" data-plot="${plot.name}"></div>
<figcaption>${escapeHtml(plot.caption)}</figcaption>
<details><summary>Vega-Lite spec (data inlined)</summary><pre>${escapeHtml(JSON.stringify(plot.spec, null, 1))}</pre></details>
</figure>`;
}

/**
 * The report of one or more results folders as one self-contained HTML page: the plots, the
 * summary tables (the cells of `tlr summary`) and each folder's provenance. Reads only the
 * folders' summary metadata and rows; never runs a model.
 *
 * Why the runtime and not pre-rendered SVGs: in a browser the charts measure their text exactly,
 * show every point's run, τ, CI and upload on hover, and export themselves as SVG or PNG; the
 * runtime costs ~0.6 MB once, however many charts a page holds.
 */
export function reportHtml(results: readonly Results[], options: ReportOptions = {}): string {
  const plots = buildPlots(results);
  const title = options.title ?? `tlr report: ${results.map((r) => r.dir).join(", ")}`;
  const folders = results
    .map((r) => `<section class="folder">\n<h3>${escapeHtml(r.dir)}</h3>\n${provenanceHtml(r)}\n${summaryHtml(r.summary)}\n</section>`)
    .join("\n");
  const questions = options.questions ? `\n${questionBrowserHtml(options.questions)}` : "";
  const contents = options.questions ? `<p>Contents: <a href="#plots">plots</a> · <a href="#summary">summary</a> · <a href="#questions">questions</a></p>\n` : "";
  const body = `<h1>${escapeHtml(title)}</h1>
${contents}<h2 id="plots">Plots</h2>
${plots.map(figureHtml).join("\n")}
<h2 id="summary">Summary</h2>
<p>Per dataset × pair: accuracy with its 95% Wilson interval, upload fraction, large-model calls and bytes up per question, and mean latency per question in seconds (TTFT, TBT, SLM, comm + LLM, overall), as <code>tlr summary</code> prints them.</p>
${folders}${questions}`;
  return htmlDocument({title, body, charts: plots.map((p) => ({id: `chart-${p.name}`, spec: compileSpec(p.spec, options.onWarning)}))});
}
