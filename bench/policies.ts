/**
 * Issue 12's figures: the decoding policies of experiments/policies.json side by side, on the
 * measured timeline and on the paper's device profile, and the goal: at equal accuracy (within
 * the 95% CI) to the token policy at the threshold where it first reaches large-only accuracy,
 * the best policy's routing overhead (overall − small-only) against the token policy's.
 *
 *   npx tsx bench/policies.ts [questions=200 | DIR]
 *
 * With a number, runs experiments/policies.json on that many questions into
 * results/policies-<n> (resumable) and analyses it; with a results folder (e.g. after
 * `npx tlr sweep experiments/policies.json`), analyses it alone. Also counts the questions whose
 * speculative output differs from large-only's (batched verification can flip a near-tie).
 */
import {existsSync} from "node:fs";
import {join} from "node:path";
import {loadExperiment, planSweep, readResults, runSweep, type QuestionRow, type SummaryRow} from "../src/index.ts";
import {record, repoRoot} from "./lib.ts";

const arg = process.argv[2] ?? "200";
let dir: string;
if (existsSync(join(arg, "summary.arrow"))) dir = arg;
else {
  const n = Number(arg);
  const file = join(repoRoot, "experiments/policies.json");
  const config = loadExperiment(file);
  config.datasets[0]!.limit = n;
  dir = join(repoRoot, `results/policies-${n}`);
  const plan = await planSweep(config, file);
  await runSweep(plan, {out: dir, onProgress: (p) => process.stderr.write(`\r${p.done}/${p.total} questions`), onInfo: (m) => process.stderr.write(`${m}\n`)});
  process.stderr.write("\n");
}

const {summary, questions} = readResults(dir, {tokens: false});
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const sec = (ms: number | null) => (ms === null ? "—" : (ms / 1000).toFixed(3));
const name = (r: SummaryRow) => `${r.router} · ${r.policy}${r.routerKind.startsWith("always") ? "" : ` · τ ${r.threshold}`}`;
console.log(`${"run".padEnd(44)} ${"accuracy (95% CI)".padEnd(24)} upload  calls/q  overall s  paper s`);
for (const r of summary) {
  console.log(`${name(r).padEnd(44)} ${`${pct(r.accuracy)} [${pct(r.accuracyLow)}, ${pct(r.accuracyHigh)}]`.padEnd(24)} ${pct(r.uploadFraction).padStart(6)}  ${r.largeCallsPerQuestion.toFixed(2).padStart(7)}  ${sec(r.totalMs).padStart(9)}  ${sec(r.profileTotalMs).padStart(7)}`);
}

/** The goal on one timeline: `total` reads a row's overall latency on it. */
function goal(total: (r: SummaryRow) => number | null) {
  const smallOnly = summary.find((r) => r.routerKind === "always-small")!;
  const largeOnly = summary.find((r) => r.routerKind === "always-large" && r.policy === "token")!;
  const token = summary.filter((r) => r.routerKind === "max-prob" && r.policy === "token").sort((a, b) => a.threshold - b.threshold);
  const reference = token.find((r) => r.accuracy >= largeOnly.accuracy) ?? [...token].sort((a, b) => b.accuracy - a.accuracy)[0]!;
  const base = total(smallOnly)!;
  const overhead = (r: SummaryRow) => total(r)! - base;
  // Equal accuracy: inside the reference run's 95% interval.
  const candidates = summary.filter((r) => r.routerKind !== "always-small" && r.accuracy >= reference.accuracyLow && r.accuracy <= reference.accuracyHigh && total(r) !== null);
  const best = candidates.filter((r) => r.policy !== "token").sort((a, b) => overhead(a) - overhead(b))[0];
  return {
    reference: {run: name(reference), accuracy: reference.accuracy, ci: [reference.accuracyLow, reference.accuracyHigh], overheadMs: overhead(reference)},
    best: best && {run: name(best), accuracy: best.accuracy, overheadMs: overhead(best)},
    ratio: best ? overhead(best) / overhead(reference) : null,
  };
}
const measured = goal((r) => r.totalMs);
const paper = goal((r) => r.profileTotalMs);
for (const [label, g] of [["measured timeline", measured], ["paper's device profile", paper]] as const) {
  console.log(`\n${label}: token policy first at large-only accuracy: ${g.reference.run} (${pct(g.reference.accuracy)}), routing overhead ${sec(g.reference.overheadMs)} s`);
  console.log(g.best ? `  best other policy within its CI: ${g.best.run} (${pct(g.best.accuracy)}), overhead ${sec(g.best.overheadMs)} s = ${g.ratio!.toFixed(2)}× the token policy's (goal ≤ 0.5×)` : "  no other policy within its CI");
}

// Speculative decoding writes the large model's greedy output, up to batched numerics.
const ids = (q: QuestionRow) => q.generatedIds.join(",");
const largeOnly = new Map(questions.filter((q) => q.routerKind === "always-large" && q.policy === "token").map((q) => [`${q.dataset}|${q.questionIndex}`, ids(q)]));
const speculative: Record<string, {questions: number; differing: number}> = {};
for (const q of questions.filter((q) => q.routerKind === "always-large" && q.policy.startsWith("speculative"))) {
  const s = (speculative[q.policy] ??= {questions: 0, differing: 0});
  s.questions++;
  if (largeOnly.get(`${q.dataset}|${q.questionIndex}`) !== ids(q)) s.differing++;
}
for (const [policy, s] of Object.entries(speculative)) console.log(`${policy}: output differs from large-only on ${s.differing} of ${s.questions} questions`);

record("policies", `npx tsx bench/policies.ts ${arg}`, {dir, summary, goal: {measured, paper}, speculative});
