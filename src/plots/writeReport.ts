import {mkdirSync} from "node:fs";
import {writeFileAtomic} from "../util/writeFileAtomic.ts";
import {dirname} from "node:path";
import type {Results} from "../results/resultsFolder.ts";
import {reportHtml, type ReportOptions} from "./reportHtml.ts";

/** Writes the self-contained HTML report of one or more results folders to `file`; returns its size in bytes. */
export function writeReport(results: readonly Results[], file: string, options: ReportOptions = {}): number {
  const html = reportHtml(results, options);
  mkdirSync(dirname(file), {recursive: true});
  writeFileAtomic(file, html);
  return Buffer.byteLength(html);
}
