import type {Results} from "../results/resultsFolder.ts";
import {prepareOutputFile} from "../util/ensureFolder.ts";
import {writeFileAtomic} from "../util/fileError.ts";
import {reportHtml, type ReportOptions} from "./reportHtml.ts";

/** Writes the self-contained HTML report of one or more results folders to `file`; returns its size in bytes. */
export function writeReport(results: readonly Results[], file: string, options: ReportOptions = {}): number {
  const html = reportHtml(results, options);
  prepareOutputFile(file, "report file");
  writeFileAtomic(file, html);
  return Buffer.byteLength(html);
}
