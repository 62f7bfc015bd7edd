import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import pl from "nodejs-polars";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {readResults, readRouterFile} from "../../src/index.ts";
import {sigmoid} from "../../src/routing/learned/network.ts";
import {tiny, toy} from "../support/helpers.ts";
import {tlr} from "../support/run.ts";

const root = mkdtempSync(join(tmpdir(), "tlr-router-"));
const labels = join(root, "labels.arrow");
const mlp = join(root, "mlp.json");
const logreg = join(root, "logreg.json");
const PROMPT = "Question: What is 47 + 385?\nChoices:\nA. 432\nB. 422\nC. 532\nD. 431\nE. 442\nAnswer:";
let collectRun: Awaited<ReturnType<typeof tlr>>;

beforeAll(async () => {
  collectRun = await tlr(["router", "collect", "--pair", "toy-arith", "--dataset", "toy_arith", "--split", "train", "--limit", "24", "--seed", "5", "--out", labels]);
  expect(collectRun.code, collectRun.stderr).toBe(0);
  const [a, b] = await Promise.all([
    tlr(["router", "train", "--data", labels, "--kind", "mlp", "--epochs", "3", "--out", mlp]),
    tlr(["router", "train", "--data", labels, "--kind", "logreg", "--features", "logits", "--epochs", "5", "--out", logreg]),
  ]);
  expect(a.code, a.stderr).toBe(0);
  expect(b.code, b.stderr).toBe(0);
});
afterAll(() => rmSync(root, {recursive: true, force: true}));

function expectOneLineError(run: {code: number | null; stderr: string}, pattern: RegExp) {
  expect(run.code).toBe(2);
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tlr: error: /);
  expect(lines[0]).toMatch(pattern);
}

describe("tlr router collect / train / eval on the toy pair", () => {
  it("collect writes per-token labels and features that another Arrow implementation reads", () => {
    expect(collectRun.stdout).toMatch(/labels\.arrow: \d+ tokens of 24 questions \(reference: gold, labels: citer\); small-right \d+, large-right \d+/);
    const df = pl.readIPC(readFileSync(labels));
    expect(df.columns).toEqual(["question_index", "question_id", "step", "ref_token", "small_token", "large_token", "label", "rule", "small_max_prob", "small_margin", "small_entropy", "small_top_ids", "small_top_logprobs", "hidden"]);
    expect(df.height).toBe(Number(/: (\d+) tokens/.exec(collectRun.stdout)![1]));
    expect(new Set((df.getColumn("hidden").toArray() as unknown as unknown[][]).map((h) => h.length))).toEqual(new Set([64]));
    expect(df.getColumn("question_id").nUnique()).toBe(24);
  });

  it("train writes a router file: CITER's shape, split by question, with the small model's sha256", () => {
    const file = readRouterFile(mlp);
    if (file.kind !== "mlp") throw new Error(`expected an mlp router, got ${file.kind}`);
    expect(file.features).toEqual({hidden: true, topLogprobs: 10, entropy: true, margin: true});
    const d = 64 + 10 + 2;
    const linear = file.network.layers.flatMap((l) => (l.type === "linear" ? [[l.in, l.out]] : []));
    expect(linear).toEqual([[d, 2 * d], [2 * d, d], [d, 1]]);
    expect(file.network.layers.filter((l) => l.type === "batchnorm")).toHaveLength(2);
    expect(file.model).toMatchObject({name: "toy-arith-small", hiddenSize: 64});
    expect(file.model.sha256).toMatch(/^bfff9c5b/);
    const split = (file.training as {split: {trainQuestions: number; validationQuestions: number; by: string}}).split;
    expect(split).toMatchObject({by: "question", trainQuestions: 20, validationQuestions: 4});
    const lr = readRouterFile(logreg);
    expect(lr.kind === "logreg" ? lr.network.layers.length : 0).toBe(1);
  });

  it("eval reports AUC and precision/recall beside max-probability", async () => {
    const run = await tlr(["router", "eval", logreg, "--data", labels]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^logreg\(logreg\.json#[0-9a-f]{8}\): \d+ tokens of 24 questions, \d+\.\d% need the large model/);
    expect(run.stdout).toMatch(/AUC 0\.\d{4} \(max-prob 0\.\d{4}\)/);
    expect(run.stdout.split("\n").filter((l) => /^\s+\d+\.\d%\s+\d/.test(l))).toHaveLength(5);
  });

  it("generate routes with a learned router: scores are the network's confidences", async () => {
    const run = await tlr(["generate", "--small", toy.small(), "--large", toy.large(), "--router", "mlp", "--router-file", mlp, "--threshold", "0.9", "--max-tokens", "150", "--json", "--prompt", PROMPT]);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {run: {router: string}; records: {score: number; source: string; small: {hidden: number[]}}[]};
    expect(out.run.router).toMatch(/^mlp\(mlp\.json#[0-9a-f]{8}\)$/);
    for (const r of out.records) {
      expect(r.score).toBeGreaterThan(0);
      expect(r.score).toBeLessThan(1);
      expect(r.source).toBe(r.score < 0.9 ? "large" : "small");
      expect(r.small.hidden).toHaveLength(64);
    }
    expect(sigmoid(0)).toBe(0.5);
  });

  it("sweep runs learned routers beside built-ins, from a config's router files", async () => {
    const config = join(root, "exp.json");
    writeFileSync(config, JSON.stringify({
      name: "learned",
      datasets: [{name: "toy_arith", split: "eval", limit: 4}],
      pairs: [{preset: "toy-arith"}],
      routers: [{kind: "mlp", file: "mlp.json", thresholds: [0.5, 0.9]}, {kind: "logreg", file: "logreg.json", thresholds: [0.9]}, {kind: "max-prob", thresholds: [0.9]}],
      maxTokens: 200,
    }));
    const run = await tlr(["sweep", config, "--out", join(root, "out")]);
    expect(run.code, run.stderr).toBe(0);
    const results = readResults(join(root, "out"), {tokens: false});
    const runs = results.summary.map((s) => `${s.routerKind}@${s.threshold}`);
    expect(runs).toEqual(["always-small@0", "always-large@0", "mlp@0.5", "mlp@0.9", "logreg@0.9", "max-prob@0.9"]);
    for (const s of results.summary) expect(s.questions).toBe(4);

    // Table 1's layout, from the per-question rows: routing number and seconds per question, the paper's figures beside.
    const table = await tlr(["table1", join(root, "out"), "--json"]);
    expect(table.code, table.stderr).toBe(0);
    const t1 = JSON.parse(table.stdout) as {router: string; columns: {threshold: number; values: Record<string, number>}[]};
    expect(t1.router).toMatch(/^mlp\(mlp\.json#/);
    const qs = results.questions.filter((q) => q.router === t1.router);
    for (const c of t1.columns) {
      const at = qs.filter((q) => q.threshold === c.threshold);
      const mean = (f: (q: (typeof at)[number]) => number) => at.reduce((s, q) => s + f(q), 0) / at.length;
      expect(c.values["routing number"]).toBeCloseTo(mean((q) => q.largeTokens), 9);
      expect(c.values["comm + LLM inference"]).toBeCloseTo(mean((q) => (q.networkMs + q.largeMs) / 1000), 9);
      expect(c.values.overall).toBeCloseTo(mean((q) => q.totalMs / 1000), 9);
    }
    const printed = await tlr(["table1", join(root, "out")]);
    expect(printed.stdout).toMatch(/routing number .*\n/);
    expect(printed.stdout).toMatch(/0\.50.*\n/);
    expect(printed.stdout).toMatch(/\(28\.15\)/); // the paper's overall at τ = 0.5, beside ours
    // Equal-upload comparison: the curve through small-only (0) and the router's runs.
    const cmp = await tlr(["compare", join(root, "out"), "--at", "0", "--json"]);
    const c0 = JSON.parse(cmp.stdout) as {routers: {router: string; accuracy: number[]}[]};
    const smallOnly = results.summary.find((s) => s.routerKind === "always-small")!.accuracy;
    for (const r of c0.routers) expect(r.accuracy[0]).toBe(smallOnly);
    expect(c0.routers.map((r) => r.router)).toEqual(results.summary.filter((s) => ["mlp", "logreg", "max-prob"].includes(s.routerKind)).map((s) => s.router).filter((x, i, a) => a.indexOf(x) === i));
  });

  it("refuses a router file for another small model (sha256, or hidden size) with one line", async () => {
    const other = await tlr(["generate", "--small", tiny.small(), "--large", tiny.large(), "--router", "mlp", "--router-file", mlp, "--threshold", "0.5", "--prompt", "Once"]);
    // (The tiny TinyStories model's hidden size is 64 too: its sha256 tells it apart.)
    expectOneLineError(other, /router file .*mlp\.json was trained for toy-arith-small \(sha256 bfff9c5b19e6…\), not for the small model .*stories260K-2layer-synthetic\.gguf \(stories260K-first2layers, sha256 [0-9a-f]{12}…\): train a router for this model \(tlr router collect, tlr router train\)/);
    // Same hidden size, other weights: the sha256 tells.
    const edited = join(root, "edited.json");
    const file = JSON.parse(readFileSync(mlp, "utf8"));
    writeFileSync(edited, JSON.stringify({...file, model: {...file.model, sha256: "0".repeat(64)}}));
    const sha = await tlr(["generate", "--small", toy.small(), "--large", toy.large(), "--router", "mlp", "--router-file", edited, "--threshold", "0.5", "--prompt", "Q"]);
    expectOneLineError(sha, /was trained for toy-arith-small \(sha256 000000000000…\), not for the small model .*toy-arith-small\.gguf \(toy-arith-small, sha256 bfff9c5b/);
    const wider = join(root, "wider.json");
    writeFileSync(wider, JSON.stringify({...file, model: {...file.model, hiddenSize: 128}}));
    const size = await tlr(["generate", "--small", toy.small(), "--large", toy.large(), "--router", "mlp", "--router-file", wider, "--threshold", "0.5", "--prompt", "Q"]);
    expectOneLineError(size, /trained for toy-arith-small \(sha256 bfff9c5b.*\) with hidden size 128, but the small model .* has hidden size 64/);
    // A sweep refuses it before any model loads, naming the config field.
    const config = join(root, "tiny.json");
    writeFileSync(config, JSON.stringify({name: "x", datasets: [{name: "toy_arith", split: "eval", limit: 1}], pairs: [{name: "tiny", small: tiny.small(), large: tiny.large()}], routers: [{kind: "mlp", file: "mlp.json", thresholds: [0.5]}]}));
    expectOneLineError(await tlr(["sweep", config, "--out", join(root, "never")]), /tiny\.json: routers\[0\]\.file: router file .*mlp\.json was trained for toy-arith-small/);
    expectOneLineError(await tlr(["generate", "--small", toy.small(), "--large", toy.large(), "--router", "mlp", "--threshold", "0.5", "--prompt", "Q"]), /router mlp needs --router-file/);
    expectOneLineError(await tlr(["generate", "--small", toy.small(), "--large", toy.large(), "--router", "logreg", "--router-file", mlp, "--threshold", "0.5", "--prompt", "Q"]), /holds a mlp router, not logreg/);
  });
});
