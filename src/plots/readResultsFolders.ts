import {readResults, type Results} from "../results/resultsFolder.ts";

/**
 * The folders plots and reports read: summaries and metadata only (the per-token file is checked
 * whole, not read). A missing or truncated file is a one-line TlrError naming it.
 */
export function readResultsFolders(dirs: readonly string[]): Results[] {
  return dirs.map((dir) => readResults(dir, {tokens: false}));
}
