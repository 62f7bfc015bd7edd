import type {QuestionRow, RunKey, SummaryRow} from "./schema.ts";

/** Wilson score interval for a binomial proportion (95% by default). */
export function wilsonInterval(successes: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

export function runKeyOf(r: RunKey): string {
  return JSON.stringify([r.dataset, r.split, r.task, r.pair, r.router, r.routerKind, r.routerRole, r.threshold, r.target]);
}

/**
 * One summary row per run (dataset × pair × router × threshold), in the order runs first appear.
 * Errored questions count as wrong; latency, bytes and upload are averaged over the others.
 */
export function summarize(rows: readonly QuestionRow[]): SummaryRow[] {
  const groups = new Map<string, QuestionRow[]>();
  for (const r of rows) {
    const k = runKeyOf(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()].map((g) => {
    const ok = g.filter((r) => r.error === null);
    const n = g.length;
    const correct = g.filter((r) => r.correct).length;
    const [low, high] = wilsonInterval(correct, n);
    const mean = (f: (r: QuestionRow) => number) => (ok.length === 0 ? 0 : ok.reduce((s, r) => s + f(r), 0) / ok.length);
    const generated = ok.reduce((s, r) => s + r.generated, 0);
    const first = g[0]!;
    return {
      dataset: first.dataset,
      split: first.split,
      task: first.task,
      pair: first.pair,
      router: first.router,
      routerKind: first.routerKind,
      routerRole: first.routerRole,
      threshold: first.threshold,
      target: first.target,
      questions: n,
      errors: n - ok.length,
      correct,
      accuracy: n === 0 ? 0 : correct / n,
      accuracyLow: low,
      accuracyHigh: high,
      uploadFraction: generated === 0 ? 0 : ok.reduce((s, r) => s + r.largeTokens, 0) / generated,
      generatedPerQuestion: mean((r) => r.generated),
      largeCallsPerQuestion: mean((r) => r.largeCalls),
      bytesUpPerQuestion: mean((r) => r.bytesUp),
      bytesDownPerQuestion: mean((r) => r.bytesDown),
      ttftMs: mean((r) => r.ttftMs),
      tbtMs: mean((r) => r.tbtMs),
      smallMs: mean((r) => r.smallMs),
      commLargeMs: mean((r) => r.networkMs + r.largeMs),
      totalMs: mean((r) => r.totalMs),
    };
  });
}
