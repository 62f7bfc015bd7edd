import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {readLabels, readResults} from "../../src/index.ts";
import {repoRoot, sharedPath} from "../support/helpers.ts";
import {qwenRecipePair} from "../support/qwen.ts";
import {tlr} from "../support/run.ts";
import {spawnTlrServe, type ServerProcess} from "../support/spawn.ts";
import {startSglangStandIn, type StandIn} from "../remote/standIns.ts";

/*
 * The paper's recipe (README, "Reproducing the paper") end to end through the real `tlr` binary,
 * at the paper's shape but tiny: a Qwen2.5-shaped pair with the real tokenizer, 151,936 and
 * 152,064 output rows (test/support/qwen.ts), CITER's CommonsenseQA prompt, copies of
 * experiments/paper-*.json with these models, 5 questions and 30 tokens. collect → train → sweep
 * → table1 → plot, with the large model local, behind tlr serve, and behind an SGLang-like server
 * (test/remote/standIns.ts). Labels collected through either server equal the local ones.
 */
const QUESTIONS = 5;
const TOKENS = 30;

let root: string;
let pair: {small: string; large: string};
let serve: ServerProcess;
let sglang: StandIn;
let router: string;
let localLabels: ReturnType<typeof readLabels>;

const data = () => sharedPath("data");
const threads = ["--small-threads", "1", "--large-threads", "1"];

function collectArgs(large: string, out: string, extra: string[] = []): string[] {
  return [
    "router", "collect", "--small", pair.small, "--large", large, "--dataset", "commonsense_qa", "--split", "train", "--task", "commonsense_qa:citer",
    "--limit", String(QUESTIONS), "--seed", "0", "--reference", "large", "--max-tokens", String(TOKENS), "--data-dir", data(), "--out", out, ...threads, ...extra,
  ];
}

/** A copy of experiments/<name>.json with these models, the trained router, 5 questions and 30 tokens. */
function paperConfig(name: "paper-csqa" | "paper-table1", variant: string, large: unknown): string {
  const config = JSON.parse(readFileSync(join(repoRoot, "experiments", `${name}.json`), "utf8")) as Record<string, unknown> & {
    datasets: Record<string, unknown>[];
    routers: {kind: string; file?: string}[];
  };
  delete config.$schema;
  config.name = `${name}-${variant}`;
  config.datasets = config.datasets.map((d) => ({...d, limit: QUESTIONS, dataDir: data()}));
  config.pairs = [{name: "qwen2.5-tiny", small: {path: pair.small, threads: 1, gpu: "false"}, large}];
  config.routers = config.routers.map((r) => (r.file ? {...r, file: router} : r));
  config.maxTokens = TOKENS;
  config.out = join(root, "results", `${name}-${variant}`);
  const file = join(root, `${name}-${variant}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "tlr-recipe-"));
  pair = await qwenRecipePair();
  serve = await spawnTlrServe(pair.large);
  sglang = await startSglangStandIn(pair.large, {served: "qwen2.5-tiny-large"});
});
afterAll(async () => {
  await serve?.stop();
  await sglang?.close();
  if (root) rmSync(root, {recursive: true, force: true});
});

describe("the paper's recipe on the tiny Qwen2.5-shaped pair", () => {
  it("collect: CITER labels along the large model's greedy output, the same locally, behind tlr serve and behind SGLang", async () => {
    const local = join(root, "labels", "local.arrow");
    const viaServe = join(root, "labels", "serve.arrow");
    const viaSglang = join(root, "labels", "sglang.arrow");
    const runs = await Promise.all([
      tlr(collectArgs(pair.large, local)),
      tlr(collectArgs(serve.url, viaServe)),
      tlr(collectArgs(sglang.url, viaSglang, ["--protocol", "sglang"])),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    localLabels = readLabels(local);
    const labels = localLabels.rows.map((r) => r.label);
    expect(new Set(localLabels.rows.map((r) => r.questionIndex)).size).toBe(QUESTIONS);
    expect(labels).toContain(0);
    expect(labels).toContain(1);
    expect(localLabels.rows[0]!.hidden).toHaveLength(64);
    for (const other of [viaServe, viaSglang]) {
      const got = readLabels(other);
      expect(got.rows.map((r) => [r.questionIndex, r.step, r.refToken, r.smallToken, r.largeToken, r.label])).toEqual(
        localLabels.rows.map((r) => [r.questionIndex, r.step, r.refToken, r.smallToken, r.largeToken, r.label]),
      );
    }
    expect(readLabels(viaSglang).metadata.large).toMatchObject({server: "sglang", protocol: "sglang"});
  });

  it("train: CITER's MLP over the small model's hidden state", async () => {
    router = join(root, "routers", "qwen2.5-tiny-csqa-mlp.json");
    const run = await tlr(["router", "train", "--data", join(root, "labels", "local.arrow"), "--features", "hidden", "--epochs", "3", "--out", router]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(router)).toBe(true);
    expect(existsSync(`${router}.checkpoint`)).toBe(false);
  });

  const variants = [
    ["local", () => ({path: pair.large, threads: 1, gpu: "false"}), "session"],
    ["tlr-serve", () => ({url: serve.url}), "session"],
    ["sglang", () => ({url: sglang.url, protocol: "sglang"}), "sglang"],
  ] as const;

  for (const [variant, largeModel, protocol] of variants) {
    it(`sweep → table1 → plot, large model ${variant}`, async () => {
      const csqa = paperConfig("paper-csqa", variant, largeModel());
      const table1 = paperConfig("paper-table1", variant, largeModel());
      for (const config of [csqa, table1]) {
        const run = await tlr(["sweep", config]);
        expect(run.code, run.stderr).toBe(0);
      }
      const results = readResults(join(root, "results", `paper-csqa-${variant}`), {tokens: true});
      expect(results.summary.map((s) => s.router)).toEqual(expect.arrayContaining(["small-only", "large-only", "max-prob", "oracle"]));
      expect(results.summary.every((s) => s.questions === QUESTIONS && s.errors === 0)).toBe(true);
      expect(results.questions.every((q) => q.generated <= TOKENS)).toBe(true);
      if (variant !== "local") expect(results.metadata.models).toMatchObject({"qwen2.5-tiny": {large: {protocol}}});
      const largeOnly = results.summary.find((s) => s.router === "large-only")!;
      expect(largeOnly.bytesUpPerQuestion).toBeGreaterThan(0);
      // Simulated bytes are those of the protocol in use: SGLang resends the whole transcript every time.
      const small = results.summary.find((s) => s.router === "small-only")!;
      expect(small.bytesUpPerQuestion).toBe(0);
      const printed = await tlr(["table1", join(root, "results", `paper-table1-${variant}`)]);
      expect(printed.code, printed.stderr).toBe(0);
      expect(printed.stdout).toMatch(/routing number/);
      expect(printed.stdout).toMatch(/0\.4.*0\.9/s);
      const plots = join(root, "plots", variant);
      mkdirSync(plots, {recursive: true});
      const plot = await tlr(["plot", join(root, "results", `paper-csqa-${variant}`), "--out", plots]);
      expect(plot.code, plot.stderr).toBe(0);
      const files = plot.stdout.trim().split("\n");
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(readFileSync(f, "utf8")).toMatch(/^<svg/);
    });
  }

  it("the tree sweep through tlr serve's sessions equals the local one, token for token", () => {
    const local = readResults(join(root, "results", "paper-csqa-local"), {tokens: false});
    const served = readResults(join(root, "results", "paper-csqa-tlr-serve"), {tokens: false});
    expect(served.questions.map((q) => [q.router, q.threshold, q.generatedIds])).toEqual(local.questions.map((q) => [q.router, q.threshold, q.generatedIds]));
  });
});
