import {basename} from "node:path";
import type {Results} from "../results/resultsFolder.ts";
import type {SummaryRow} from "../results/schema.ts";

type Label = (folder: {dir: string; index: number}, row: SummaryRow) => string;

const full = (r: SummaryRow) => `${r.pair} · ${r.dataset} (${r.split}, ${r.task})`;

// From the shortest to the longest: the first under which every run has its own label wins, so a
// single folder reads "toy-arith · toy_arith" and two shards of one sweep read "s1: …", "s2: …".
const LABELS: Label[] = [
  (_f, r) => `${r.pair} · ${r.dataset}`,
  (_f, r) => full(r),
  (f, r) => `${basename(f.dir)}: ${r.pair} · ${r.dataset}`,
  (f, r) => `${basename(f.dir)}: ${full(r)}`,
  (f, r) => `${f.dir}: ${full(r)}`,
  (f, r) => `#${f.index + 1} ${f.dir}: ${full(r)}`, // the same folder given twice
];

/**
 * A run is one results folder × dataset × split × task × pair (a folder may hold several
 * datasets and pairs). Returns, per folder, the function that names the run of a summary row.
 */
export function runLabels(results: readonly Results[]): ((row: SummaryRow) => string)[] {
  const runs = new Map<string, {folder: {dir: string; index: number}; row: SummaryRow}>();
  results.forEach((r, index) => {
    for (const row of r.summary) runs.set(JSON.stringify([index, row.dataset, row.split, row.task, row.pair]), {folder: {dir: r.dir, index}, row});
  });
  const unique = (f: Label) => new Set([...runs.values()].map(({folder, row}) => f(folder, row))).size === runs.size;
  const label = LABELS.find(unique) ?? LABELS[LABELS.length - 1]!;
  return results.map((r, index) => (row: SummaryRow) => label({dir: r.dir, index}, row));
}
