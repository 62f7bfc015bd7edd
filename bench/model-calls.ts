/**
 * Where an exact sweep's time goes on the toy pair: what one model call costs by batch size, and
 * how much of a quickstart question is each model's calls.
 *
 *   npx tsx bench/model-calls.ts [questions=20] [reps=15]
 *
 * 1. Batch cost: after a question's prompt (evaluated apart), one `next()` evaluating b tokens as
 *    one batch, for b from 1 to 96, each model on one thread; median of REPS fresh states.
 * 2. The quickstart (`experiments/quickstart.json`, first QUESTIONS questions, one worker in this
 *    process) with every model call timed: per model, calls that evaluated something and their
 *    summed time, against the sweep's wall time; then the same with only the max-prob
 *    thresholds, only the oracle, only the random router (each beside the two baselines).
 */
import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {encodePrompt, loadPair, planSweep, runSweep} from "../src/index.ts";
import {LocalModel} from "../src/models/LocalModel.ts";
import {parseExperiment} from "../src/sweep/config.ts";
import {median, record, repoRoot, shared} from "./lib.ts";

const QUESTIONS = Number(process.argv[2] ?? 20);
const REPS = Number(process.argv[3] ?? 15);
const SIZES = [1, 2, 4, 8, 16, 32, 48, 64, 96];

// 1. One call's cost by batch size.
const pair = await loadPair({
  small: {path: `${repoRoot}/models/toy-arith/toy-arith-small.gguf`, gpu: false, threads: 1},
  large: {path: `${repoRoot}/models/toy-arith/toy-arith-large.gguf`, gpu: false, threads: 1},
});
const prompt = encodePrompt(pair.small.tokenizer, JSON.parse(readFileSync(`${shared}/models/toy-arith/eval_reference.jsonl`, "utf8").split("\n")[0]!).prompt);
const P = prompt.length;
const transcript = [...prompt];
for (let i = 0; i < Math.max(...SIZES); i++) transcript.push(prompt[i % P]!);
const batchMs: Record<string, Record<number, number>> = {};
for (const [name, model] of [["small", pair.small], ["large", pair.large]] as const) {
  batchMs[name] = {};
  for (const b of SIZES) {
    const times: number[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      await model.reset();
      await model.next(transcript.slice(0, P), {cuts: []});
      const t0 = performance.now();
      await model.next(transcript.slice(0, P + b), {cuts: [P]});
      times.push(performance.now() - t0);
    }
    batchMs[name]![b] = median(times);
  }
  console.log(`${name} model, ms per call by batch size: ${SIZES.map((b) => `${b}: ${batchMs[name]![b]!.toFixed(2)}`).join(" · ")}`);
}
await pair.dispose();

// 2. The quickstart's model calls, timed.
const timed: Record<string, {calls: number; ms: number}> = {};
const proto = LocalModel.prototype as unknown as Record<string, (...args: unknown[]) => Promise<{fromState?: boolean}>>;
for (const kind of ["next", "generate", "verify"] as const) {
  const original = proto[kind];
  if (!original) continue;
  proto[kind] = async function (this: LocalModel, ...args: unknown[]) {
    const t0 = performance.now();
    const result = await original.apply(this, args);
    const entry = (timed[this.info.name] ??= {calls: 0, ms: 0});
    entry.ms += performance.now() - t0;
    if (!result?.fromState) entry.calls++;
    return result;
  };
}
const base = JSON.parse(readFileSync(join(repoRoot, "experiments/quickstart.json"), "utf8"));
const variants: Record<string, unknown[]> = {
  quickstart: base.routers,
  "max-prob only": [base.routers[0]],
  "oracle only": [base.routers[1]],
  "random only": [base.routers[2]],
};
const sweeps: Record<string, {wallMs: number; models: typeof timed}> = {};
for (const [name, routers] of Object.entries(variants)) {
  const file = join(repoRoot, "experiments/quickstart.json");
  const config = parseExperiment(JSON.stringify({...base, $schema: undefined, routers, datasets: [{...base.datasets[0], limit: QUESTIONS}]}), file);
  const out = mkdtempSync(join(tmpdir(), "tlr-model-calls-"));
  for (const k of Object.keys(timed)) delete timed[k];
  const t0 = performance.now();
  await runSweep(await planSweep(config, file), {out, workers: 1});
  sweeps[name] = {wallMs: performance.now() - t0, models: structuredClone(timed)};
  rmSync(out, {recursive: true, force: true});
  const parts = Object.entries(timed).map(([m, t]) => `${m} ${t.calls} calls ${(t.ms / 1000).toFixed(2)} s`).join(" · ");
  console.log(`${name.padEnd(14)} (+ small-only, large-only) ${QUESTIONS} questions: ${(sweeps[name]!.wallMs / 1000).toFixed(2)} s wall; ${parts}`);
}
record("model-calls", `npx tsx bench/model-calls.ts ${QUESTIONS} ${REPS}`, {questions: QUESTIONS, reps: REPS, batchMs, sweeps});
