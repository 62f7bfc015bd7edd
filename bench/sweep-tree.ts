/**
 * The exact trajectory-tree sweep against running thresholds one by one, on the toy pair:
 *   tree         all 10 max-prob thresholds of a question as one exact sweep: 10 decode() runs over
 *                the question's memoised models (sweepRuns)
 *   highest      the single highest threshold (τ = 0.99) alone (decode)
 *   independent  the 10 thresholds as 10 separate runs (decode), models reset before each
 *   tokens       as tree, with share "tokens": calls shared by tokens alone (not exact; its drift
 *                against the exact runs: bench/share-drift.ts)
 * Same questions, same process, alternating; median of REPS passes; with the model evaluations
 * each needed (steps = calls, tokens = tokens evaluated).
 *
 *   npx tsx bench/sweep-tree.ts [questions=60] [reps=3]
 */
import {readFileSync} from "node:fs";
import {createRouter, decode, encodePrompt, loadPair, sweepRuns} from "../src/index.ts";
import {median, record, repoRoot, shared} from "./lib.ts";

const QUESTIONS = Number(process.argv[2] ?? 60);
const REPS = Number(process.argv[3] ?? 3);
const THRESHOLDS = [0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99];
const pair = await loadPair({
  small: {path: `${repoRoot}/models/toy-arith/toy-arith-small.gguf`, gpu: false},
  large: {path: `${repoRoot}/models/toy-arith/toy-arith-large.gguf`, gpu: false},
});
const prompts = readFileSync(`${shared}/models/toy-arith/eval_reference.jsonl`, "utf8")
  .trim().split("\n").slice(0, QUESTIONS)
  .map((l) => encodePrompt(pair.small.tokenizer, JSON.parse(l).prompt));
const router = createRouter("max-prob");
const base = {small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, router, maxTokens: 200};

type Work = {smallSteps: number; smallTokens: number; largeSteps: number; largeTokens: number};
const zero = (): Work => ({smallSteps: 0, smallTokens: 0, largeSteps: 0, largeTokens: 0});

async function tree(share: "exact" | "tokens"): Promise<Work> {
  const w = zero();
  for (const [q, prompt] of prompts.entries()) {
    const r = await sweepRuns({...base, prompt, thresholds: THRESHOLDS, key: String(q), share});
    w.smallSteps += r.work.small.calls;
    w.smallTokens += r.work.small.evaluated + r.work.small.replayed;
    w.largeSteps += r.work.large.calls;
    w.largeTokens += r.work.large.evaluated + r.work.large.replayed;
  }
  return w;
}
async function alone(thresholds: number[]): Promise<Work> {
  const w = zero();
  for (const [q, prompt] of prompts.entries()) {
    for (const threshold of thresholds) {
      await pair.small.reset();
      await pair.large.reset();
      const r = await decode({...base, prompt, threshold, key: String(q)});
      w.smallSteps += r.records.length;
      w.smallTokens += r.stats.smallEvaluated;
      w.largeSteps += r.stats.largeCalls;
      w.largeTokens += r.stats.largeEvaluated;
    }
  }
  return w;
}

const schemes = {tree: () => tree("exact"), highest: () => alone([THRESHOLDS.at(-1)!]), independent: () => alone(THRESHOLDS), tokens: () => tree("tokens")};
const times: Record<string, number[]> = {tree: [], highest: [], independent: [], tokens: []};
const work: Record<string, Work> = {};
for (let rep = 0; rep < REPS; rep++) {
  for (const [name, run] of Object.entries(schemes)) {
    // Every scheme starts from empty KV states (a tree carries its last run's state into the next scheme otherwise).
    await pair.small.reset();
    await pair.large.reset();
    const t0 = performance.now();
    work[name] = await run();
    times[name]!.push(performance.now() - t0);
  }
}
await pair.dispose();
const ms = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const figures = {
  questions: QUESTIONS,
  thresholds: THRESHOLDS,
  medianMs: ms,
  runsMs: times,
  work,
  treeOverHighest: ms.tree! / ms.highest!,
  independentOverTree: ms.independent! / ms.tree!,
  tokensOverHighest: ms.tokens! / ms.highest!,
  independentOverTokens: ms.independent! / ms.tokens!,
};
for (const name of Object.keys(schemes)) {
  const w = work[name]!;
  console.log(`${name.padEnd(12)} ${(ms[name]! / 1000).toFixed(2)} s   small ${w.smallSteps} steps / ${w.smallTokens} tokens   large ${w.largeSteps} steps / ${w.largeTokens} tokens`);
}
console.log(`tree / highest = ${figures.treeOverHighest.toFixed(2)}×, independent / tree = ${figures.independentOverTree.toFixed(2)}×`);
console.log(`tokens / highest = ${figures.tokensOverHighest.toFixed(2)}×, independent / tokens = ${figures.independentOverTokens.toFixed(2)}× (share "tokens": not exact)`);
record("sweep-tree", `npx tsx bench/sweep-tree.ts ${QUESTIONS} ${REPS}`, figures);
