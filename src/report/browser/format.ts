// Number and label formats the question browser and the demo page share.
import type {BrowserRun} from "../browserTypes.ts";

/** HTML-escapes text for element content and quoted attributes (the library's own escaper). */
export {escapeHtml as esc} from "../../util/escapeHtml.ts";

/** A router score: ±∞ for the baselines, else 6 significant digits (thresholds such as 0.9999 need them). */
export function fmtScore(x: number): string {
  if (x === Infinity) return "+∞";
  if (x === -Infinity) return "−∞";
  return String(Number(x.toPrecision(6)));
}

export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export const duration = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

// Kinds whose τ is fixed by the kind (the baselines, and the oracle at 0.5): their τ says nothing.
const FIXED_TAU = new Set(["always-small", "always-large", "oracle"]);

/** Whether a run's τ is worth showing. */
export const showsTau = (run: BrowserRun): boolean => !FIXED_TAU.has(run.routerKind);

/** "max-prob τ 0.8", "small-only", "oracle". */
export function runLabel(run: BrowserRun): string {
  return showsTau(run) ? `${run.router} τ ${fmtScore(run.threshold)}` : run.router;
}
