/**
 * The paper's small model at its real shape: a Qwen2.5-0.5B-shaped GGUF (src/models/fixtures:
 * qwen2, hidden 896, 24 layers, 14/2 heads, FFN 4864, tied embeddings, 151,936 rows, Q8_0,
 * random weights), with 1 thread and with all physical cores. Per token, alternating, median of
 * REPS runs of TOKENS tokens after the prompt (prefill included, EOS ignored):
 *   bare        a plain node-llama-cpp greedy loop (controlledEvaluate, greedy token only)
 *   max-prob    tlr's decode() with `features: "max-prob"` and a never-routing router
 *   full        decode() with `features: "full"` (top-10 by llama.cpp's partial top-k, models/topLogits.ts)
 *   full-exact  decode() with `features: "full"`, `entropy: "exact"`
 *   full-sort   a plain loop with the request `features: "full"` made before (node-llama-cpp sorts
 *               all 152k logits for its top 10)
 *   exact-map   a plain loop with the request `entropy: "exact"` made before (every logit, sorted,
 *               as a 152k-entry Map)
 * Figures: ms/token of each; harness overhead = max-prob / bare (goal ≤ 1.03); full / max-prob
 * (goal ≤ 1.15); the SLM time of one 100-token generation (prompt: a CommonsenseQA question in
 * CITER's format), beside the paper's Table 1 (28 s on an M1); peak RSS.
 *
 *   npx tsx bench/qwen-shape.ts [reps=5] [tokens=100] [fixture=0.5b]
 *
 * `fixture` tiny-small runs the same code in seconds (to check the script, not for figures).
 * The 0.5B fixture is generated into the fixture cache on first use (~0.5 GB, see README).
 */
import type {Token as LlamaToken} from "node-llama-cpp";
import {createRouter, decode, encodePrompt, getRuntime, physicalCores, qwenFixture, type LocalModel, type QwenFixtureName, type Token} from "../src/index.ts";
import {LocalWeights} from "../src/models/LocalModel.ts";
import {median, record, shared} from "./lib.ts";

const REPS = Number(process.argv[2] ?? 5);
const TOKENS = Number(process.argv[3] ?? 100);
const FIXTURE = (process.argv[4] ?? "0.5b") as QwenFixtureName;
const PROMPT =
  "Question: The sanctions against the school were a punishing blow, and they seemed to what the efforts the school had made to change?\nChoices:\nA. ignore\nB. enforce\nC. authoritarian\nD. yell at\nE. avoid\n" +
  "Please format your response in the following way:\n[Explanation]. Therefore, the answer is answer (label).\nEnsure the final sentence includes the answer followed by the label in parentheses.\nAnswer and Reasoning:";

const fixture = await qwenFixture(FIXTURE, {vocabPath: `${shared}/models/vocab/ggml-vocab-qwen2.gguf`});
process.stderr.write(`${fixture.created ? "wrote" : "using"} ${fixture.path} (${(fixture.bytes / 2 ** 20).toFixed(0)} MiB${fixture.created ? `, ${(fixture.ms / 1000).toFixed(1)} s` : ""})\n`);
const llama = await getRuntime(false);
const weights = await LocalWeights.load(fixture.path, false, "small model");
const SORT_REQUEST = {token: true, totalLogitWeight: true, logits: {filter: {tokens: [] as LlamaToken[], includeTop: 10}}};

type Run = () => Promise<{ms: number; ids: Token[]}>;
const rows = [];
for (const threads of [...new Set([1, physicalCores()])]) {
  const options = {threads, contextSize: 512, batchSize: 512};
  const make = (o: object) => weights.createModel({...options, ...o});
  const models: Record<string, LocalModel> = {
    "max-prob": await make({features: "max-prob"}),
    full: await make({features: "full"}),
    "full-exact": await make({features: "full", entropy: "exact"}),
  };
  const never = await make({features: "max-prob", role: "large model"}); // never asked (τ = 0)
  const prompt = encodePrompt(models.full!.tokenizer, PROMPT);
  const plain = await weights.model.createContext({...options, sequences: 1});
  const seq = plain.getSequence();
  const loop = (generateNext: object): Run => async () => {
    await seq.clearHistory();
    const ids: Token[] = [];
    const t0 = performance.now();
    let pending = [...prompt] as LlamaToken[];
    for (let i = 0; i < TOKENS; i++) {
      const last = pending.length - 1;
      const out = await seq.controlledEvaluate(pending.map((t, j) => (j === last ? [t, {generateNext}] : t)) as never);
      const token = out[last]!.next.token!;
      ids.push(token as Token);
      pending = [token];
    }
    return {ms: performance.now() - t0, ids};
  };
  const harness = (small: LocalModel): Run => async () => {
    await small.reset();
    const t0 = performance.now();
    const r = await decode({prompt, small, large: never, tokenizer: small.tokenizer, router: createRouter("max-prob"), threshold: 0, maxTokens: TOKENS, stop: {eos: false}});
    return {ms: performance.now() - t0, ids: r.generated};
  };
  const runs: Record<string, Run> = {
    bare: loop({token: true}),
    "max-prob": harness(models["max-prob"]!),
    full: harness(models.full!),
    "full-exact": harness(models["full-exact"]!),
    "full-sort": loop(SORT_REQUEST),
    "exact-map": loop({token: true, totalLogitWeight: true, logits: true}),
  };
  const ms: Record<string, number[]> = {};
  let reference: string | undefined;
  for (let rep = 0; rep <= REPS; rep++) {
    const names = rep % 2 ? Object.keys(runs).reverse() : Object.keys(runs);
    for (const name of names) {
      const r = await runs[name]!();
      // Features never change the greedy token: every variant must generate the same ids.
      reference ??= r.ids.join();
      if (r.ids.join() !== reference) throw new Error(`${name} (${threads} threads) generated other tokens than the bare loop`);
      if (rep > 0) (ms[name] ??= []).push(r.ms); // rep 0 warms up
    }
  }
  const perToken = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v) / TOKENS]));
  const paired = (a: string, b: string) => median(ms[a]!.map((x, i) => x / ms[b]![i]!));
  const row = {
    fixture: FIXTURE,
    parameters: weights.file.parameters,
    threads,
    tokens: TOKENS,
    promptTokens: prompt.length,
    msPerToken: perToken,
    harnessOverhead: paired("max-prob", "bare"),
    fullOverMaxProb: paired("full", "max-prob"),
    fullExactOverMaxProb: paired("full-exact", "max-prob"),
    fullSortOverMaxProb: paired("full-sort", "max-prob"),
    exactMapOverMaxProb: paired("exact-map", "max-prob"),
    // One generation of TOKENS tokens by the small model alone, prompt included (the paper's "SLM inference time").
    slmSecondsPerGeneration: median(ms["max-prob"]!) / 1000,
    runs: ms,
  };
  rows.push(row);
  const f = (x: number) => x.toFixed(2);
  console.log(
    `${FIXTURE}, ${threads} thread(s): ms/token bare ${f(perToken.bare!)}, max-prob ${f(perToken["max-prob"]!)}, full ${f(perToken.full!)}, full-exact ${f(perToken["full-exact"]!)}, full-sort ${f(perToken["full-sort"]!)}, exact-map ${f(perToken["exact-map"]!)}; ` +
      `harness/bare ${row.harnessOverhead.toFixed(3)}, full/max-prob ${row.fullOverMaxProb.toFixed(3)} (exact ${row.fullExactOverMaxProb.toFixed(3)}, sort ${row.fullSortOverMaxProb.toFixed(3)}, exact-map ${row.exactMapOverMaxProb.toFixed(3)}); ` +
      `${TOKENS}-token generation ${row.slmSecondsPerGeneration.toFixed(2)} s`,
  );
  for (const m of [...Object.values(models), never]) await m.dispose();
  await plain.dispose();
}
await weights.dispose();
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(`peak RSS ${peakRssMiB.toFixed(0)} MiB`);
record(`qwen-shape-${FIXTURE}`, `npx tsx bench/qwen-shape.ts ${REPS} ${TOKENS} ${FIXTURE}`, {rows, peakRssMiB, llamaBuild: llama.buildType});
