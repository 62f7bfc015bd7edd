/**
 * Loading all 1221 CommonsenseQA validation rows from $TLR_SHARED/data (read, sha256 against the
 * manifest, parse and validate every row) and building their CITER prompts, as text and as token
 * ids for a Qwen2 tokenizer (vocabulary-only GGUF). Target: < 1 s.
 *
 * - cold: a fresh process per run (`--once`), timing the first load in it (module imports excluded)
 *   and the whole process (Node + tsx start-up + imports + the work);
 * - warm: REPS runs in this process after one warm-up.
 *
 *   TLR_SHARED=../shared npx tsx bench/dataset-load.ts [reps=7]
 */
import {spawnSync} from "node:child_process";
import {fileURLToPath} from "node:url";
import {createTask, encodePrompt, loadDataset, loadTokenizer, type Tokenizer} from "../src/index.ts";
import {median, record, repoRoot, shared} from "./lib.ts";

const dataDir = `${shared}/data`;
const task = createTask("commonsense_qa:citer");

async function once(tokenizer?: Tokenizer): Promise<{loadMs: number; promptsMs: number; idsMs: number; tokens: number}> {
  const t0 = performance.now();
  const d = await loadDataset("commonsense_qa", {split: "validation", dataDir});
  const t1 = performance.now();
  const prompts = d.examples.map((e) => task.prompt(e));
  const t2 = performance.now();
  let tokens = 0;
  if (tokenizer) for (const p of prompts) tokens += encodePrompt(tokenizer, p).length;
  const t3 = performance.now();
  if (d.examples.length !== 1221) throw new Error(`expected 1221 rows, got ${d.examples.length}`);
  return {loadMs: t1 - t0, promptsMs: t2 - t1, idsMs: t3 - t2, tokens};
}

if (process.argv[2] === "--once") {
  const r = await once();
  process.stdout.write(JSON.stringify(r) + "\n");
} else {
  const REPS = Number(process.argv[2] ?? 7);
  const self = fileURLToPath(import.meta.url);
  const cold = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, ["--import", "tsx", self, "--once"], {cwd: repoRoot, encoding: "utf8", env: process.env});
    const processMs = performance.now() - t0;
    if (run.status !== 0) throw new Error(run.stderr);
    const r = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
    cold.push({...r, processMs});
  }

  const {tokenizer, dispose} = await loadTokenizer(`${shared}/models/vocab/ggml-vocab-qwen2.gguf`);
  await once(tokenizer); // warm-up
  const warm = [];
  for (let i = 0; i < REPS; i++) warm.push(await once(tokenizer));
  await dispose();

  const med = (rows: Record<string, number>[], key: string) => Number(median(rows.map((r) => r[key]!)).toFixed(2));
  const figures = {
    rows: 1221,
    reps: REPS,
    cold: {loadPlusPromptsMs: med(cold.map((r) => ({x: r.loadMs + r.promptsMs})), "x"), loadMs: med(cold, "loadMs"), promptsMs: med(cold, "promptsMs"), wholeProcessMs: med(cold, "processMs")},
    warm: {
      loadPlusPromptsMs: med(warm.map((r) => ({x: r.loadMs + r.promptsMs})), "x"),
      loadMs: med(warm, "loadMs"),
      promptsMs: med(warm, "promptsMs"),
      qwen2TokenIdsMs: med(warm, "idsMs"),
      promptTokens: warm[0]!.tokens,
    },
  };
  console.log(JSON.stringify(figures, null, 2));
  record("dataset-load", `TLR_SHARED=../shared npx tsx bench/dataset-load.ts ${REPS}`, figures);
}
