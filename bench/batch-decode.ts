/**
 * What lanes can reach: the time of ONE native decode (llama_decode, no sampling, no JS work
 * between) of a batch of n tokens on the Qwen2.5-0.5B-shaped fixture (Q8_0, 151,936 output rows),
 * at 1 thread and at all physical cores, median of REPS runs, interleaved:
 *
 *   lanes n       one token of each of n sequences of one context (a lanes step), logits for each
 *   prefill n     n consecutive tokens of one sequence, logits for the last only
 *   alone 1       one token in a context of one sequence (a model alone, not a lane)
 *
 * Every sequence first holds the same ~90-token CommonsenseQA prompt (different sequences' KV
 * cells, as lanes have); each timed token is erased again afterwards, so every run decodes at the
 * same positions. Figures: ms per decode, and lanes n / lanes 1 (the ceiling of n lanes'
 * tokens/s is n / that ratio, with nothing else in the way); and what one native sampler costs to
 * make (node-llama-cpp makes one per evaluation; tlr pools them, models/samplerPool.ts).
 *
 *   npx tsx bench/batch-decode.ts [reps=15] [fixture=0.5b] [tag]
 *
 * Writes bench/results/batch-decode.json (another fixture: batch-decode-NAME.json; tiny-small
 * checks the script in seconds; a tag: batch-decode-TAG.json, e.g. for another llama.cpp build:
 * getRuntime loads node-llama-cpp's local build made with the cmake options named by
 * NODE_LLAMA_CPP_CMAKE_OPTION_* variables, see bench/README.md).
 *
 * Calls node-llama-cpp's internal AddonContext (initBatch/addToBatch/decodeBatch) directly, as
 * its own batch dispatcher does (node-llama-cpp 3.22.1).
 */
import type {LlamaContext, Token as LlamaToken} from "node-llama-cpp";
import {encodePrompt, getRuntime, physicalCores, qwenFixture, type QwenFixtureName} from "../src/index.ts";
import {LocalWeights} from "../src/models/LocalModel.ts";
import {unpooledSamplerClass} from "../src/models/samplerPool.ts";
import {tokenizerOf} from "../src/models/tokenizer.ts";
import {median, record, shared} from "./lib.ts";

const REPS = Number(process.argv[2] ?? 15);
const FIXTURE = (process.argv[3] ?? "0.5b") as QwenFixtureName;
const TAG = process.argv[4];
const SIZES = [1, 2, 4, 8];
const PROMPT =
  "Question: The sanctions against the school were a punishing blow, and they seemed to what the efforts the school had made to change?\nChoices:\nA. ignore\nB. enforce\nC. authoritarian\nD. yell at\nE. avoid\n" +
  "Please format your response in the following way:\n[Explanation]. Therefore, the answer is answer (label).\nEnsure the final sentence includes the answer followed by the label in parentheses.\nAnswer and Reasoning:";

interface AddonContext {
  initBatch(size: number): void;
  addToBatch(sequenceId: number, firstTokenSequenceIndex: number, tokens: Uint32Array, logitIndexes: Uint32Array): Uint32Array;
  decodeBatch(): Promise<void>;
  removeTokenCellsFromSequence(sequenceId: number, startPos: number, endPos: number): boolean;
  setThreads(threads: number): void;
}
const addon = (context: LlamaContext) => (context as unknown as {_ctx: AddonContext})._ctx;

const fixture = await qwenFixture(FIXTURE, {vocabPath: `${shared}/models/vocab/ggml-vocab-qwen2.gguf`});
const llama = await getRuntime(false);
const weights = await LocalWeights.load(fixture.path, false, "small model");
const cores = physicalCores();
const build = {type: llama.buildType, cmakeOptions: {...llama.cmakeOptions}, systemInfo: llama.systemInfo};
console.log(`llama.cpp build: ${build.type} ${JSON.stringify(build.cmakeOptions)}\n  ${build.systemInfo}`);
const prompt = encodePrompt(tokenizerOf(weights.model), PROMPT) as unknown as LlamaToken[];
const P = prompt.length;
const next = prompt.slice(0, 8); // the tokens decoded at position P (any ids do)

// Contexts as LocalWeights.createModel / createLanes make them (contextSize per sequence).
const lanesContext = await weights.model.createContext({contextSize: 512, batchSize: 512, threads: cores, sequences: 8});
const aloneContext = await weights.model.createContext({contextSize: 512, batchSize: 512, threads: cores, sequences: 1});
const laneSeqs = Array.from({length: 8}, () => lanesContext.getSequence());
const aloneSeq = aloneContext.getSequence();
for (const s of [...laneSeqs, aloneSeq]) await s.evaluateWithoutGeneratingNewTokens(prompt);
const seqId = (s: unknown) => (s as {_sequenceId: number})._sequenceId;

/** One native decode of `items` (sequence id, tokens at P…), logits on each item's last token; then the cells are erased. */
async function decodeOnce(ctx: AddonContext, items: {id: number; tokens: LlamaToken[]}[]): Promise<number> {
  ctx.initBatch(items.reduce((n, i) => n + i.tokens.length, 0));
  for (const i of items) ctx.addToBatch(i.id, P, Uint32Array.from(i.tokens), Uint32Array.of(i.tokens.length - 1));
  const t0 = performance.now();
  await ctx.decodeBatch();
  const ms = performance.now() - t0;
  for (const i of items) if (!ctx.removeTokenCellsFromSequence(i.id, P, P + i.tokens.length)) throw new Error("erase failed");
  return ms;
}

const lanesCtx = addon(lanesContext);
const aloneCtx = addon(aloneContext);
const cases: {name: string; n: number; run: () => Promise<number>}[] = [
  {name: "alone 1", n: 1, run: () => decodeOnce(aloneCtx, [{id: seqId(aloneSeq), tokens: [next[0]!]}])},
  ...SIZES.map((n) => ({name: `lanes ${n}`, n, run: () => decodeOnce(lanesCtx, laneSeqs.slice(0, n).map((s, i) => ({id: seqId(s), tokens: [next[i]!]})))})),
  ...SIZES.filter((n) => n > 1).map((n) => ({name: `prefill ${n}`, n, run: () => decodeOnce(lanesCtx, [{id: seqId(laneSeqs[0]!), tokens: next.slice(0, n)}])})),
];

const rows = [];
for (const threads of [...new Set([1, cores])]) {
  lanesCtx.setThreads(threads);
  aloneCtx.setThreads(threads);
  const ms: Record<string, number[]> = {};
  for (let rep = -2; rep < REPS; rep++) {
    const order = rep % 2 ? [...cases].reverse() : cases;
    for (const c of order) {
      const t = await c.run();
      if (rep >= 0) (ms[c.name] ??= []).push(t); // two warm-up rounds
    }
  }
  const msPerDecode = Object.fromEntries(cases.map((c) => [c.name, median(ms[c.name]!)]));
  const one = msPerDecode["lanes 1"]!;
  const overLanes1 = Object.fromEntries(cases.map((c) => [c.name, msPerDecode[c.name]! / one]));
  // Tokens/s a lane count could reach if nothing but the decode took time: n / (ms of n) vs 1 / (ms of 1).
  const lanesCeiling = Object.fromEntries(SIZES.map((n) => [n, (n * one) / msPerDecode[`lanes ${n}`]!]));
  rows.push({threads, promptTokens: P, msPerDecode, overLanes1, lanesCeiling, runs: ms});
  console.log(`${FIXTURE}, ${threads} thread(s), ms per decode (median of ${REPS}):`);
  for (const c of cases) console.log(`  ${c.name.padEnd(10)} ${msPerDecode[c.name]!.toFixed(2).padStart(8)} ms  (${overLanes1[c.name]!.toFixed(2)}× lanes 1)`);
  console.log(`  lanes ceiling (n lanes' tokens/s over one lane's): ${SIZES.map((n) => `${n}: ${lanesCeiling[n]!.toFixed(2)}×`).join(", ")}`);
}
// node-llama-cpp makes a native sampler per controlledEvaluate (a candidate entry per vocabulary
// row, on the JS main thread); tlr pools them (models/samplerPool.ts). What one costs:
const Sampler = unpooledSamplerClass(llama)!;
const nativeModel = (weights.model as unknown as {_model: unknown})._model;
const samplerMs: number[] = [];
for (let i = 0; i < 5 * REPS; i++) {
  const t0 = performance.now();
  new Sampler(nativeModel).dispose();
  samplerMs.push(performance.now() - t0);
}
const newSamplerMs = median(samplerMs);
console.log(`a new native sampler (${weights.file.info.metadata.tokenizer.ggml.tokens.length} rows): ${newSamplerMs.toFixed(2)} ms (median of ${samplerMs.length})`);
await lanesContext.dispose();
await aloneContext.dispose();
await weights.dispose();
const name = ["batch-decode", ...(FIXTURE === "0.5b" ? [] : [FIXTURE]), ...(TAG ? [TAG] : [])].join("-");
record(name, `npx tsx bench/batch-decode.ts ${REPS} ${FIXTURE}${TAG ? ` ${TAG}` : ""}`, {fixture: FIXTURE, parameters: weights.file.parameters, rows, newSamplerMs, llamaBuild: llama.buildType, build});
