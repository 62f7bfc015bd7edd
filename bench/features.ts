/**
 * What the small model's per-step features cost, by vocabulary size. node-llama-cpp sorts the
 * whole vocabulary for any top-K request, so top-K features fetched that way cost time
 * proportional to the vocabulary; "max-prob" (LocalModelOptions.features) reads only the max
 * logit and the total logit weight, with no sort, and "full" now takes its top K from llama.cpp's
 * partial top-k (models/topLogits.ts). Per token, on llama-shaped f32 models with random weights
 * (writeSyntheticGguf, src/models/fixtures) and real-size synthetic vocabularies:
 *   bare       greedy token only (a plain node-llama-cpp loop)
 *   max-prob   the lean request
 *   full       top-10 by llama.cpp's partial top-k + total logit weight (what LocalModel sends from 8,192 ids up)
 *   full-sort  node-llama-cpp sorts the vocabulary for its top 10 (what LocalModel sends below 8,192 ids, and did everywhere before)
 * Alternating, median of REPS runs of TOKENS tokens, 1 thread.
 *
 *   npx tsx bench/features.ts [reps=5] [tokens=40]
 */
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Token as LlamaToken} from "node-llama-cpp";
import {getRuntime, writeSyntheticGguf} from "../src/index.ts";
import {installTopLogits, TOP_LOGITS_REQUEST} from "../src/models/topLogits.ts";
import {median, record} from "./lib.ts";

const REPS = Number(process.argv[2] ?? 5);
const TOKENS = Number(process.argv[3] ?? 40);
const REQUESTS: Record<string, object> = {
  bare: {token: true},
  "max-prob": {token: true, totalLogitWeight: true, logits: {filter: {tokens: [], includeMax: true}}},
  full: TOP_LOGITS_REQUEST,
  "full-sort": {token: true, totalLogitWeight: true, logits: {filter: {tokens: [], includeTop: 10}}},
};
const dir = mkdtempSync(join(tmpdir(), "tlr-features-"));
const llama = await getRuntime(false);
const rows = [];
try {
  for (const vocab of [512, 32_000, 151_936]) {
    const path = join(dir, `v${vocab}.gguf`);
    const {parameters} = await writeSyntheticGguf(path, {
      architecture: "llama", name: `synthetic-v${vocab}`, hidden: 256, layers: 4, heads: 4, kvHeads: 4, ffn: 768,
      tiedEmbeddings: false, contextLength: 512, ropeFreqBase: 10_000, rmsEpsilon: 1e-5, weights: "f32", seed: 1, tokenizer: {kind: "synthetic", size: vocab},
    });
    const model = await llama.loadModel({modelPath: path});
    const context = await model.createContext({contextSize: 512, threads: 1});
    const seq = context.getSequence();
    const topLogits = installTopLogits(llama, model, context, 10, false);
    const ms: Record<string, number[]> = {};
    for (let rep = 0; rep <= REPS; rep++) {
      const names = rep % 2 ? Object.keys(REQUESTS).reverse() : Object.keys(REQUESTS);
      for (const name of names) {
        await seq.clearHistory();
        let pending = [1, 300, 301, 302, 303] as LlamaToken[];
        const t0 = performance.now();
        for (let i = 0; i < TOKENS; i++) {
          const last = pending.length - 1;
          const out = await seq.controlledEvaluate(pending.map((t, j) => (j === last ? [t, {generateNext: REQUESTS[name]}] : t)) as never);
          pending = [out[last]!.next.token!];
        }
        if (rep > 0) (ms[name] ??= []).push((performance.now() - t0) / TOKENS); // rep 0 warms up
      }
    }
    const row = {vocabulary: vocab, parameters, msPerToken: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)])), runs: ms};
    rows.push(row);
    const m = row.msPerToken as Record<string, number>;
    console.log(`vocab ${vocab} (${(parameters / 1e6).toFixed(0)}M params): bare ${m.bare!.toFixed(2)} ms, max-prob ${m["max-prob"]!.toFixed(2)} ms (${(m["max-prob"]! / m.bare!).toFixed(2)}×), full ${m.full!.toFixed(2)} ms (${(m.full! / m.bare!).toFixed(2)}×), full-sort ${m["full-sort"]!.toFixed(2)} ms (${(m["full-sort"]! / m.bare!).toFixed(2)}×)`);
    topLogits.dispose();
    await context.dispose();
    await model.dispose();
  }
} finally {
  rmSync(dir, {recursive: true, force: true});
}
record("features", `npx tsx bench/features.ts ${REPS} ${TOKENS}`, rows);
