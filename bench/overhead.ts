/**
 * Harness overhead: `decode()` with a never-routing router (max-prob, τ = 0: features, router,
 * records and accounting all computed, the large model never asked) against a bare
 * node-llama-cpp greedy loop (`controlledEvaluate`, greedy token only, one token per call) on the
 * same model, prompt and runtime. Runs alternate side by side; each generates TOKENS tokens (EOS ignored).
 *
 *   npx tsx bench/overhead.ts [reps=5] [tokens=256]
 */
import type {Token as LlamaToken} from "node-llama-cpp";
import {createRouter, decode, encodePrompt, getRuntime, LocalModel} from "../src/index.ts";
import {median, record, repoRoot, shared} from "./lib.ts";

const REPS = Number(process.argv[2] ?? 5);
const TOKENS = Number(process.argv[3] ?? 256);
const TOY_PROMPT = "Question: What is 453 - 99?\nChoices:\nA. 354\nB. 344\nC. 254\nD. 464\nE. 353\nAnswer:";
const cases = [
  {model: "stories260K (0.26M params, vocab 512)", path: `${shared}/models/tiny/stories260K.gguf`, prompt: "Once upon a time"},
  {model: "toy-arith-small (0.13M, vocab 354)", path: `${repoRoot}/models/toy-arith/toy-arith-small.gguf`, prompt: TOY_PROMPT},
  {model: "toy-arith-large (2.7M, vocab 354)", path: `${repoRoot}/models/toy-arith/toy-arith-large.gguf`, prompt: TOY_PROMPT},
];

// One runtime for both sides, so only the harness differs.
const llama = await getRuntime(false);
const rows = [];
for (const c of cases) {
  const bareModel = await llama.loadModel({modelPath: c.path});
  const bareCtx = await bareModel.createContext({contextSize: 512, threads: 1});
  const seq = bareCtx.getSequence();
  const small = await LocalModel.load({path: c.path, threads: 1, contextSize: 512, gpu: false});
  const large = await LocalModel.load({path: c.path, threads: 1, contextSize: 512, gpu: false});
  const prompt = encodePrompt(small.tokenizer, c.prompt);

  async function bare(): Promise<{ms: number; ids: number[]}> {
    await seq.clearHistory();
    const ids: number[] = [];
    const t0 = performance.now();
    let pending: LlamaToken[] = [...prompt] as LlamaToken[];
    for (let i = 0; i < TOKENS; i++) {
      const last = pending.length - 1;
      const out = await seq.controlledEvaluate(pending.map((t, j) => (j === last ? [t, {generateNext: {token: true}}] : t)) as never);
      const token = out[last]!.next.token!;
      ids.push(token);
      pending = [token];
    }
    return {ms: performance.now() - t0, ids};
  }
  async function harness(): Promise<{ms: number; ids: number[]}> {
    await small.reset();
    const t0 = performance.now();
    const r = await decode({prompt, small, large, tokenizer: small.tokenizer, router: createRouter("max-prob"), threshold: 0, maxTokens: TOKENS, stop: {eos: false}});
    return {ms: performance.now() - t0, ids: r.generated};
  }

  await bare(); // warm-up, not counted
  await harness();
  const bareMs: number[] = [];
  const harnessMs: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const order = rep % 2 === 0 ? [bare, harness] : [harness, bare];
    for (const run of order) {
      const r = await run();
      (run === bare ? bareMs : harnessMs).push(r.ms);
    }
  }
  const a = await bare();
  const b = await harness();
  if (a.ids.join() !== b.ids.join()) throw new Error(`${c.model}: the harness and the bare loop generated different tokens`);
  const row = {
    model: c.model,
    tokens: TOKENS,
    bareMsPerToken: median(bareMs) / TOKENS,
    harnessMsPerToken: median(harnessMs) / TOKENS,
    ratio: median(harnessMs) / median(bareMs),
    // Each rep's two runs are adjacent, so their ratio cancels slow drifts of the machine.
    pairedRatio: median(harnessMs.map((h, i) => h / bareMs[i]!)),
    bareRuns: bareMs,
    harnessRuns: harnessMs,
  };
  rows.push(row);
  console.log(`${row.model}: bare ${row.bareMsPerToken.toFixed(4)} ms/token, harness ${row.harnessMsPerToken.toFixed(4)} ms/token, ratio ${row.ratio.toFixed(3)}, paired ${row.pairedRatio.toFixed(3)}`);
  await Promise.all([small.dispose(), large.dispose(), bareCtx.dispose()]);
  await bareModel.dispose();
}
record("overhead", `npx tsx bench/overhead.ts ${REPS} ${TOKENS}`, rows);
