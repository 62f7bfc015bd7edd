import type {BrowserData, BrowserOutcome, BrowserQuestion, BrowserRun} from "../browserTypes.ts";

/** The filter form's values; "" means any. */
export interface Filters {
  folder: string;
  dataset: string;
  pair: string;
  router: string;
  threshold: string;
  outcome: "" | "correct" | "wrong" | "error" | "mixed";
  search: string;
}

export const OUTCOMES: [Filters["outcome"], string][] = [
  ["", "any outcome"],
  ["correct", "correct (every selected run)"],
  ["wrong", "wrong (some selected run)"],
  ["error", "error (some selected run)"],
  ["mixed", "mixed: the selected runs disagree"],
];

/** Whether a run is among the selected ones (folder, dataset, pair, router, τ). */
export function selectsRun(f: Filters, run: BrowserRun): boolean {
  return (
    (f.folder === "" || String(run.folder) === f.folder) &&
    (f.dataset === "" || run.dataset === f.dataset) &&
    (f.pair === "" || run.pair === f.pair) &&
    (f.router === "" || run.router === f.router) &&
    (f.threshold === "" || String(run.threshold) === f.threshold)
  );
}

/** A question's outcomes under the selected runs. */
export function selectedOutcomes(data: BrowserData, f: Filters, q: BrowserQuestion): BrowserOutcome[] {
  return q.outcomes.filter((o) => selectsRun(f, data.runs[o.run]!));
}

/** Whether a question is listed: it has selected runs, their outcomes pass, and it matches the search (id, #index or prompt text). */
export function showsQuestion(data: BrowserData, f: Filters, q: BrowserQuestion): boolean {
  const outcomes = selectedOutcomes(data, f, q);
  if (outcomes.length === 0) return false;
  const correct = outcomes.filter((o) => o.correct).length;
  const passes =
    f.outcome === "" ||
    (f.outcome === "correct" && correct === outcomes.length) ||
    (f.outcome === "wrong" && outcomes.some((o) => !o.correct && !o.error)) ||
    (f.outcome === "error" && outcomes.some((o) => o.error !== null)) ||
    (f.outcome === "mixed" && correct > 0 && correct < outcomes.length);
  if (!passes) return false;
  const s = f.search.trim().toLowerCase();
  if (s === "") return true;
  if (s.startsWith("#")) return String(q.index) === s.slice(1);
  return q.id.toLowerCase().includes(s) || (q.prompt ?? "").toLowerCase().includes(s);
}
