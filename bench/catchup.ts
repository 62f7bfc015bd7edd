/**
 * Incremental catch-up vs re-sending the whole prefix, on the toy pair at a max-prob threshold
 * calibrated to route about 20% of tokens.
 *   incremental  the project's decoder: each model evaluates only the tokens it has not seen
 *   resend       the large model re-evaluates the whole transcript for every routed token
 *                (what the paper's published demo did; the small model keeps its KV cache)
 *   resend-both  also the small model re-evaluates the whole prefix at every step (the demo ran
 *                the SLM without a KV cache)
 * Each scheme runs in its own process (peak RSS is per process); time is the median of REPS
 * runs over the same questions. All schemes must produce identical transcripts.
 *
 *   npx tsx bench/catchup.ts [questions=40] [reps=3]
 */
import {execFileSync} from "node:child_process";
import {readFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {createRouter, decode, encodePrompt, loadPair, type NextResult, type Token, type TokenModel} from "../src/index.ts";
import {median, record, repoRoot, shared} from "./lib.ts";

const QUESTIONS = Number(process.env.BENCH_QUESTIONS ?? process.argv[2] ?? 40);
const REPS = Number(process.env.BENCH_REPS ?? process.argv[3] ?? 3);
const SCHEMES = ["incremental", "resend", "resend-both"] as const;
type Scheme = (typeof SCHEMES)[number];

/** A model that forgets its state before every call: it re-evaluates the whole transcript. */
function resend(model: TokenModel): TokenModel {
  return {
    info: model.info,
    next: async (transcript: readonly Token[]): Promise<NextResult> => {
      const t0 = performance.now();
      await model.reset();
      const r = await model.next(transcript);
      return {...r, ms: performance.now() - t0};
    },
    reset: () => model.reset(),
    dispose: () => model.dispose(),
  };
}

function prompts(): string[] {
  const rows = readFileSync(`${shared}/models/toy-arith/eval.jsonl`, "utf8").trim().split("\n").slice(0, QUESTIONS);
  return rows.map((line) => {
    const q = JSON.parse(line).question as {stem: string; choices: {label: string; text: string}[]};
    return `Question: ${q.stem}\nChoices:\n${q.choices.map((c) => `${c.label}. ${c.text}\n`).join("")}Answer:`;
  });
}

async function child(scheme: Scheme, threshold: number) {
  const pair = await loadPair({
    small: {path: `${repoRoot}/models/toy-arith/toy-arith-small.gguf`, gpu: false},
    large: {path: `${repoRoot}/models/toy-arith/toy-arith-large.gguf`, gpu: false},
  });
  const small = scheme === "resend-both" ? resend(pair.small) : pair.small;
  const large = scheme === "incremental" ? pair.large : resend(pair.large);
  const texts = prompts();
  const times: number[] = [];
  let totals = {transcriptTokens: 0, generated: 0, largeTokens: 0, smallEvaluated: 0, largeEvaluated: 0};
  let transcripts: number[][] = [];
  for (let rep = 0; rep < REPS; rep++) {
    totals = {transcriptTokens: 0, generated: 0, largeTokens: 0, smallEvaluated: 0, largeEvaluated: 0};
    transcripts = [];
    const t0 = performance.now();
    for (const [i, text] of texts.entries()) {
      const r = await decode({prompt: encodePrompt(pair.small.tokenizer, text), small, large, tokenizer: pair.small.tokenizer, router: createRouter("max-prob"), threshold, maxTokens: 200, key: String(i)});
      totals.transcriptTokens += r.transcript.length;
      totals.generated += r.stats.generated;
      totals.largeTokens += r.stats.largeTokens;
      totals.smallEvaluated += r.stats.smallEvaluated;
      totals.largeEvaluated += r.stats.largeEvaluated;
      transcripts.push(r.transcript);
    }
    times.push(performance.now() - t0);
  }
  await pair.dispose();
  return {scheme, ...totals, ms: median(times), runsMs: times, peakRssMiB: process.resourceUsage().maxRSS / 1024, transcripts};
}

/** τ at the 20% quantile of the small model's max-prob along its own greedy runs. */
async function calibrate(): Promise<number> {
  const pair = await loadPair({
    small: {path: `${repoRoot}/models/toy-arith/toy-arith-small.gguf`, gpu: false},
    large: {path: `${repoRoot}/models/toy-arith/toy-arith-large.gguf`, gpu: false},
  });
  const scores: number[] = [];
  for (const text of prompts()) {
    const r = await decode({prompt: encodePrompt(pair.small.tokenizer, text), small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, router: createRouter("always-small"), threshold: 0, maxTokens: 200});
    for (const rec of r.records) scores.push(rec.small!.maxProb);
  }
  await pair.dispose();
  scores.sort((a, b) => a - b);
  return scores[Math.floor(0.2 * scores.length)]!;
}

if (process.argv[2] === "--child") {
  process.stdout.write(JSON.stringify(await child(process.argv[3] as Scheme, Number(process.argv[4]))));
} else {
  const threshold = await calibrate();
  const self = fileURLToPath(import.meta.url);
  const rows = SCHEMES.map((scheme) => {
    const out = execFileSync(process.execPath, ["--import", "tsx", self, "--child", scheme, String(threshold)], {
      env: {...process.env, BENCH_QUESTIONS: String(QUESTIONS), BENCH_REPS: String(REPS)},
      maxBuffer: 1 << 28,
    });
    return JSON.parse(String(out)) as Awaited<ReturnType<typeof child>>;
  });
  const reference = JSON.stringify(rows[0]!.transcripts);
  for (const r of rows) if (JSON.stringify(r.transcripts) !== reference) throw new Error(`${r.scheme} produced different transcripts`);
  const figures = {
    threshold,
    questions: QUESTIONS,
    uploadFraction: rows[0]!.largeTokens / rows[0]!.generated,
    rows: rows.map(({transcripts: _t, ...r}) => r),
  };
  for (const r of figures.rows) {
    console.log(`${r.scheme.padEnd(12)} large evaluated ${r.largeEvaluated} (transcripts ${r.transcriptTokens}), small evaluated ${r.smallEvaluated}, ${(r.ms / 1000).toFixed(2)} s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`);
  }
  console.log(`τ = ${threshold.toFixed(5)}, upload fraction ${(100 * figures.uploadFraction).toFixed(1)}%`);
  record("catchup", `npx tsx bench/catchup.ts ${QUESTIONS} ${REPS}`, figures);
}
