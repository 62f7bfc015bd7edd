import {escapeHtml} from "../util/escapeHtml.ts";
import {summaryTables} from "./formatTable.ts";
import type {SummaryRow} from "./schema.ts";

/** The summary tables as HTML (`<section class="summary">` per dataset × pair): the same cells as `tlr summary`. */
export function summaryHtml(rows: readonly SummaryRow[]): string {
  return summaryTables(rows)
    .map((t) => {
      const cell = (tag: "th" | "td", text: string, i: number) => `<${tag}${t.align[i] === "right" ? ' class="num"' : ""}>${escapeHtml(text)}</${tag}>`;
      const head = `<tr>${t.head.map((h, i) => cell("th", h, i)).join("")}</tr>`;
      const body = t.body.map((row) => `<tr>${row.map((c, i) => cell("td", c, i)).join("")}</tr>`).join("\n");
      return `<section class="summary">\n<h3>${escapeHtml(t.title)}</h3>\n<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>\n</section>`;
    })
    .join("\n");
}
