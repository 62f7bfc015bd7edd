import Table from "cli-table3";
import type {SummaryRow} from "./schema.ts";

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const sec = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 3 : 2);
const num = (x: number, d = 1) => x.toFixed(d);

/**
 * One table per dataset × pair: router, threshold, accuracy ± 95% CI, upload fraction, large
 * calls and bytes up per question, and latency as in the paper's Table 1 (seconds per question:
 * TTFT, TBT, SLM time, comm + LLM time, overall).
 */
export function formatSummary(rows: readonly SummaryRow[], options: {color?: boolean} = {}): string {
  const groups = new Map<string, SummaryRow[]>();
  for (const r of rows) {
    const k = `${r.dataset} (${r.split}, ${r.task}) · pair ${r.pair}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const style = options.color ? {} : {head: [], border: []};
  const out: string[] = [];
  for (const [title, g] of groups) {
    const table = new Table({
      head: ["router", "τ", "accuracy (95% CI)", "upload", "LLM calls/q", "bytes up/q", "TTFT s", "TBT s", "SLM s", "comm+LLM s", "overall s", "n"],
      style,
      colAligns: ["left", "right", "right", "right", "right", "right", "right", "right", "right", "right", "right", "right"],
    });
    for (const r of g) {
      const tau = r.routerKind === "always-small" || r.routerKind === "always-large" ? "—" : r.target !== null ? `${fmtTau(r.threshold)} (target ${pct(r.target)})` : fmtTau(r.threshold);
      table.push([
        r.router,
        tau,
        `${pct(r.accuracy)} [${pct(r.accuracyLow)}, ${pct(r.accuracyHigh)}]`,
        pct(r.uploadFraction),
        num(r.largeCallsPerQuestion, 2),
        num(r.bytesUpPerQuestion, 0),
        sec(r.ttftMs),
        sec(r.tbtMs),
        sec(r.smallMs),
        sec(r.commLargeMs),
        sec(r.totalMs),
        r.errors > 0 ? `${r.questions} (${r.errors} errors)` : String(r.questions),
      ]);
    }
    out.push(`${title}\n${table.toString()}`);
  }
  return out.join("\n\n");
}

function fmtTau(t: number): string {
  if (!Number.isFinite(t)) return t > 0 ? "∞" : "−∞";
  return Number(t.toPrecision(6)).toString();
}
