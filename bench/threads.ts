/**
 * Decode speed with 1 thread vs all physical cores, per model size, on llama-shaped f32 models
 * with random weights (writeSyntheticGguf, src/models/fixtures) plus the real toy pair: where does a second
 * thread start to pay? That crossover sets SINGLE_THREAD_BELOW_PARAMETERS.
 *
 *   npx tsx bench/threads.ts [reps=3] [tokens=64]
 */
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {createRouter, decode, encodePrompt, LocalModel, physicalCores, writeSyntheticGguf} from "../src/index.ts";
import {median, record, repoRoot} from "./lib.ts";

interface SyntheticShape {
  dim: number;
  layers: number;
  heads: number;
  hidden: number;
}

const REPS = Number(process.argv[2] ?? 3);
const TOKENS = Number(process.argv[3] ?? 64);
const cores = physicalCores();
const donor = `${repoRoot}/models/toy-arith/toy-arith-small.gguf`;
const shapes: SyntheticShape[] = [
  {dim: 256, layers: 4, heads: 4, hidden: 768},
  {dim: 384, layers: 6, heads: 6, hidden: 1024},
  {dim: 512, layers: 8, heads: 8, hidden: 1536},
  {dim: 768, layers: 8, heads: 12, hidden: 2048},
  {dim: 1024, layers: 12, heads: 16, hidden: 2816},
  {dim: 1536, layers: 12, heads: 16, hidden: 4096},
];
const dir = mkdtempSync(join(tmpdir(), "tlr-threads-"));
const models: {name: string; path: string; params?: number}[] = [
  {name: "toy-arith-small (real)", path: donor},
  {name: "toy-arith-large (real)", path: `${repoRoot}/models/toy-arith/toy-arith-large.gguf`},
];
for (const [i, s] of shapes.entries()) {
  const path = join(dir, `m${i}.gguf`);
  const {parameters: params} = await writeSyntheticGguf(path, {
    architecture: "llama", name: `synthetic-${s.dim}x${s.layers}`, hidden: s.dim, layers: s.layers, heads: s.heads, kvHeads: s.heads, ffn: s.hidden,
    tiedEmbeddings: false, contextLength: 512, ropeFreqBase: 10_000, rmsEpsilon: 1e-5, weights: "f32", seed: 1, tokenizer: {kind: "copy", path: donor},
  });
  models.push({name: `synthetic dim ${s.dim} × ${s.layers} layers`, path, params});
}

const rows = [];
try {
  for (const m of models) {
    const perThreads: Record<number, number> = {};
    let params = m.params ?? 0;
    for (const threads of [1, cores]) {
      const model = await LocalModel.load({path: m.path, threads, contextSize: 512, gpu: false});
      params = model.file.parameters;
      const prompt = encodePrompt(model.tokenizer, "Question: What is 12 + 34?\nAnswer:");
      const times: number[] = [];
      for (let rep = 0; rep <= REPS; rep++) {
        await model.reset();
        const t0 = performance.now();
        await decode({prompt, small: model, large: model, tokenizer: model.tokenizer, router: createRouter("always-small"), threshold: 0, maxTokens: TOKENS, stop: {eos: false}});
        if (rep > 0) times.push((performance.now() - t0) / TOKENS); // rep 0 warms up
      }
      perThreads[threads] = median(times);
      await model.dispose();
    }
    const row = {model: m.name, parameters: params, msPerToken1: perThreads[1]!, msPerTokenAll: perThreads[cores]!, speedupAll: perThreads[1]! / perThreads[cores]!};
    rows.push(row);
    console.log(`${row.model} (${(params / 1e6).toFixed(1)}M): 1 thread ${row.msPerToken1.toFixed(2)} ms/token, ${cores} threads ${row.msPerTokenAll.toFixed(2)} ms/token, speedup ${row.speedupAll.toFixed(2)}×`);
  }
} finally {
  rmSync(dir, {recursive: true, force: true});
}
record("threads", `npx tsx bench/threads.ts ${REPS} ${TOKENS}`, {cores, rows});
