/**
 * How far sweeps with share "tokens" drift from exact ones, on the toy pair: the same questions
 * and max-prob thresholds as bench/sweep-tree.ts, each question swept twice from empty KV states
 * (share "exact": every run equals its independent run, tested; share "tokens": calls shared by
 * tokens alone), then compared run by run:
 *   - runs whose generated tokens differ, and the first step where they do;
 *   - runs whose extracted answer (the toy task's extraction) or correctness changes;
 *   - the largest |Δ max-prob| of either model over the steps both runs share (before the first
 *     differing token), and the runs where any probability moved at all.
 * No timing: counts only (the work each mode did is printed too). Writes bench/results/share-drift.json.
 *
 *   npx tsx bench/share-drift.ts [questions=60]
 */
import {readFileSync} from "node:fs";
import {createRouter, createTask, encodePrompt, loadPair, sweepRuns, type DecodeResult, type Example} from "../src/index.ts";
import {record, repoRoot, shared} from "./lib.ts";

const QUESTIONS = Number(process.argv[2] ?? 60);
const THRESHOLDS = [0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99];
const task = createTask("toy_arith:toy");
const pair = await loadPair({
  small: {path: `${repoRoot}/models/toy-arith/toy-arith-small.gguf`, gpu: false},
  large: {path: `${repoRoot}/models/toy-arith/toy-arith-large.gguf`, gpu: false},
});
const rows = readFileSync(`${shared}/models/toy-arith/eval_reference.jsonl`, "utf8").trim().split("\n").slice(0, QUESTIONS).map((l) => JSON.parse(l));
const router = createRouter("max-prob");

/** Per threshold, over all questions. */
const perThreshold = THRESHOLDS.map((threshold) => ({threshold, runs: 0, tokensDiffer: 0, answerChanged: 0, correctnessChanged: 0, probMoved: 0, maxProbDelta: 0, smallMaxProbDelta: 0}));
const firstDiffSteps: number[] = [];
const work = {exact: {small: 0, large: 0}, tokens: {small: 0, large: 0}};

for (const [q, row] of rows.entries()) {
  const example: Example = {id: row.id, question: row.question.stem, choices: row.question.choices, answer: row.answerKey, source: {dataset: "toy_arith", split: "eval"}};
  const prompt = encodePrompt(pair.small.tokenizer, row.prompt);
  const base = {prompt, small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, router, maxTokens: 200, key: String(q), thresholds: THRESHOLDS};
  const swept = {} as Record<"exact" | "tokens", DecodeResult[]>;
  for (const share of ["exact", "tokens"] as const) {
    await pair.small.reset();
    await pair.large.reset();
    const r = await sweepRuns({...base, share});
    swept[share] = r.runs.map((run) => run!);
    work[share].small += r.work.small.evaluated + r.work.small.replayed;
    work[share].large += r.work.large.evaluated + r.work.large.replayed;
  }
  THRESHOLDS.forEach((_, i) => {
    const exact = swept.exact[i]!, tokens = swept.tokens[i]!, t = perThreshold[i]!;
    t.runs++;
    const first = firstDifference(exact.generated, tokens.generated);
    if (first !== null) {
      t.tokensDiffer++;
      firstDiffSteps.push(first);
    }
    const answers = [exact, tokens].map((r) => task.extract(r.text, example).answer);
    if (answers[0] !== answers[1]) t.answerChanged++;
    if (task.score(answers[0]!, example) !== task.score(answers[1]!, example)) t.correctnessChanged++;
    const delta = maxProbDelta(exact, tokens, first ?? exact.records.length);
    if (delta.small > 0 || delta.large > 0) t.probMoved++;
    t.maxProbDelta = Math.max(t.maxProbDelta, delta.small, delta.large);
    t.smallMaxProbDelta = Math.max(t.smallMaxProbDelta, delta.small);
  });
  process.stderr.write(`\r${q + 1}/${rows.length} questions`);
}
process.stderr.write("\n");
await pair.dispose();

function firstDifference(a: readonly number[], b: readonly number[]): number | null {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return null;
}

/** Per model, the largest |Δ max-prob| at the first `steps` steps, where both runs have that model's prediction. */
function maxProbDelta(a: DecodeResult, b: DecodeResult, steps: number): {small: number; large: number} {
  const max = {small: 0, large: 0};
  for (let k = 0; k < steps; k++) {
    for (const side of ["small", "large"] as const) {
      const x = a.records[k]?.[side], y = b.records[k]?.[side];
      if (x && y) max[side] = Math.max(max[side], Math.abs(x.maxProb - y.maxProb));
    }
  }
  return max;
}

const sum = (key: "runs" | "tokensDiffer" | "answerChanged" | "correctnessChanged" | "probMoved") => perThreshold.reduce((n, t) => n + t[key], 0);
const figures = {
  questions: rows.length,
  thresholds: THRESHOLDS,
  runs: sum("runs"),
  tokensDiffer: sum("tokensDiffer"),
  answerChanged: sum("answerChanged"),
  correctnessChanged: sum("correctnessChanged"),
  probMoved: sum("probMoved"),
  maxProbDelta: Math.max(...perThreshold.map((t) => t.maxProbDelta)),
  smallMaxProbDelta: Math.max(...perThreshold.map((t) => t.smallMaxProbDelta)),
  firstDiffStep: firstDiffSteps.length ? {min: Math.min(...firstDiffSteps), max: Math.max(...firstDiffSteps), all: firstDiffSteps} : null,
  perThreshold,
  work,
};
console.log("τ      runs  tokens differ  answer changed  correctness changed  prob moved  max |Δ max-prob| (small model's)");
for (const t of perThreshold) {
  console.log(`${String(t.threshold).padEnd(6)} ${String(t.runs).padStart(4)}  ${String(t.tokensDiffer).padStart(13)}  ${String(t.answerChanged).padStart(14)}  ${String(t.correctnessChanged).padStart(19)}  ${String(t.probMoved).padStart(10)}  ${t.maxProbDelta.toExponential(2)} (${t.smallMaxProbDelta.toExponential(2)})`);
}
console.log(`all: ${figures.runs} runs; tokens differ in ${figures.tokensDiffer} (first at step ${figures.firstDiffStep ? `${figures.firstDiffStep.min}–${figures.firstDiffStep.max}` : "—"}), answers in ${figures.answerChanged}, correctness in ${figures.correctnessChanged}; probabilities moved in ${figures.probMoved}, by at most ${figures.maxProbDelta.toExponential(2)} (the small model's by ${figures.smallMaxProbDelta.toExponential(2)})`);
console.log(`work (tokens evaluated): exact small ${work.exact.small} / large ${work.exact.large}; tokens small ${work.tokens.small} / large ${work.tokens.large}`);
record("share-drift", `npx tsx bench/share-drift.ts ${QUESTIONS}`, figures);
