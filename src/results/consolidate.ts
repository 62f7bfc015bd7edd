import {existsSync} from "node:fs";
import {join} from "node:path";
import {readResults, writeResults} from "./resultsFolder.ts";
import {RESULT_FILES, RESULTS_SCHEMA_VERSION, type SummaryRow} from "./schema.ts";
import {summarize} from "./summarize.ts";
import {readFinished, removeParts} from "./readFinished.ts";
import {partNames, removeEmptyPartsDir} from "./parts.ts";
import {readSweepState} from "./sweepState.ts";

/**
 * Rebuilds DIR's results files from what it has finished (the previous results files and the
 * parts written since), then deletes the parts they now include: rows ordered by pair and dataset (config order),
 * question index, then the order each question's runs were written in (baselines, then the
 * routers as configured, thresholds ascending), so the files do not depend on how the sweep was
 * interrupted, sharded or parallelised. With no parts to fold in, the results files are already
 * whole and are left as they are (a finished sweep run again rewrites nothing).
 */
export async function consolidate(dir: string): Promise<SummaryRow[]> {
  const state = readSweepState(dir);
  if (partNames(dir).length === 0 && Object.values(RESULT_FILES).every((f) => existsSync(join(dir, f)))) {
    removeEmptyPartsDir(dir);
    return readResults(dir).summary;
  }
  const {questions, tokenRuns, provenance, partFiles} = readFinished(dir, {tokens: true});
  const pairOrder = new Map(state.pairs.map((p, i) => [p, i]));
  const datasetOrder = new Map(state.datasets.map((d, i) => [d.name, i]));
  const order = (r: {pair: string; dataset: string; questionIndex: number}) => [pairOrder.get(r.pair) ?? 0, datasetOrder.get(r.dataset) ?? 0, r.questionIndex];
  const byQuestion = <R extends {pair: string; dataset: string; questionIndex: number}>(a: R, b: R) => {
    const x = order(a);
    const y = order(b);
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  };
  // Array.prototype.sort is stable: each question's runs keep the order they were written in.
  questions.sort(byQuestion);
  tokenRuns.sort(byQuestion);
  const summary = summarize(questions, profileName(state.config));
  const unique = (xs: unknown[]) => [...new Map(xs.map((x) => [JSON.stringify(x), x])).values()];
  await writeResults(dir, {summary, questions, tokens: tokenRuns.map((r) => r.rows)}, {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    config: state.config,
    models: Object.assign({}, ...provenance.map((p) => p.models)),
    datasets: state.datasets,
    calibration: Object.assign({}, ...provenance.map((p) => p.calibration)),
    code: unique(provenance.flatMap((p) => p.code)),
    machines: unique(provenance.flatMap((p) => p.machines)),
    shards: unique(provenance.flatMap((p) => p.shards)),
    created: new Date().toISOString(),
  });
  // The results files now hold every part's rows (each written atomically): the parts can go.
  removeParts(partFiles);
  removeEmptyPartsDir(dir);
  return summary;
}

/** The name of the device profile a sweep's config declares (a name, or a declared profile's), else null. */
function profileName(config: unknown): string | null {
  const p = (config as {profile?: string | {name: string}}).profile;
  return p === undefined ? null : typeof p === "string" ? p : p.name;
}
