import type * as vega from "vega";
import {escapeHtml, scriptJson} from "../util/escapeHtml.ts";
import {vegaRuntime} from "./vegaRuntime.ts";

/** A chart on a page: the element id it renders into and its compiled Vega spec. */
export interface PageChart {
  id: string;
  spec: vega.Spec;
}

const STYLE = `
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; } h3 { font-size: 1em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; white-space: nowrap; } th { background: #f3f3f3; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5em 0; } figcaption { color: #555; font-size: 0.9em; max-width: 60em; margin-top: 0.4em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; font-size: 0.9em; } dt { color: #555; }
details { font-size: 0.85em; margin: 0.3em 0; } pre { background: #f7f7f7; padding: 0.6em; overflow: auto; max-height: 30em; }
.chart-error { color: #b00; }
`;

// Renders every chart, then marks the page: data-rendered="N" once all N are drawn, or data-error
// with the first failure (also logged as a console error, so a browser test sees it).
const EMBED = `
(async () => {
  const charts = JSON.parse(document.getElementById("tlr-charts").textContent);
  try {
    for (const chart of charts) {
      await vegaEmbed("#" + chart.id, chart.spec, {mode: "vega", renderer: "svg", actions: {export: true, source: false, compiled: false, editor: false}});
    }
    document.body.dataset.rendered = String(charts.length);
    performance.mark("tlr-charts-rendered");
  } catch (error) {
    document.body.dataset.error = String(error && error.message || error);
    console.error("tlr: a chart failed to render:", error);
  }
})();
`;

/**
 * A self-contained HTML page: the vega runtime and the charts' specs (with their data) inlined,
 * nothing fetched, so it opens offline and keeps working as a single e-mailed or archived file.
 */
export function htmlDocument(page: {title: string; body: string; charts: readonly PageChart[]}): string {
  // "</script" cannot occur in the minified runtime outside a string; escaping it keeps that safe.
  const scripts = vegaRuntime().map((js) => `<script>${js.replace(/<\/script/gi, "<\\/script")}</script>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tlr">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
${scripts.join("\n")}
</head>
<body>
${page.body}
<script type="application/json" id="tlr-charts">${scriptJson(page.charts)}</script>
<script>${EMBED}</script>
</body>
</html>
`;
}
