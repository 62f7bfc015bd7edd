import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import fc from "fast-check";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {sharedPath, tiny, toy} from "../support/helpers.ts";
import {runMain, type MainRun} from "../support/inProcess.ts";
import {tlr} from "../support/run.ts";

/**
 * A hostile user's inputs, generated: every command's flags and every config field replaced,
 * dropped, repeated or joined by unknown ones. Whatever comes in, tlr ends with exit 0 (the input
 * was fine after all) or 2 with one "tlr: error:" line; never 1 (a bug), never a stack trace, never
 * a hang. Runs in process through `main(argv, io)` (what bin/tlr.js calls) for speed, plus a table
 * through the real binary. Seeded: TLR_FUZZ_SEED replays a run (fast-check prints the seed and the
 * shrunk counterexample of a failure).
 */
const SEED = Number(process.env.TLR_FUZZ_SEED ?? 14);
/** ≥ 100 generated inputs per run (CI); TLR_FUZZ_RUNS=n runs n of each, to search harder. */
const RUNS = process.env.TLR_FUZZ_RUNS ? {flags: Number(process.env.TLR_FUZZ_RUNS), configs: Number(process.env.TLR_FUZZ_RUNS)} : {flags: 80, configs: 60};
const outcomes: Record<string, number> = {};
const tally = (kind: string, run: MainRun) => {
  const key = !process.env.TLR_FUZZ_RUNS ? `${kind} exit ${run.code}` : run.code === 2 ? `${kind}: ${run.stderr.trim().split("\n").at(-1)!.replace(/\/tmp\/\S+/g, "…").slice(0, 90)}` : `${kind} exit ${run.code}: ${kind}`;
  outcomes[key] = (outcomes[key] ?? 0) + 1;
};
const CASE_MS = 30_000;

// Everything a user might reach without the network: the Hub is a closed loopback port, offline.
process.env.HF_HUB_OFFLINE = "1";
process.env.HF_ENDPOINT = "http://127.0.0.1:9";
process.env.TLR_DATA_DIR = sharedPath("data");

let dir: string;
const at = (name: string) => join(dir, name);

const cwd = process.cwd();
afterAll(() => {
  process.chdir(cwd);
  rmSync(dir, {recursive: true, force: true});
  if (process.env.TLR_FUZZ_RUNS) writeFileSync(process.env.TLR_FUZZ_LOG ?? "/dev/stderr", `${JSON.stringify(outcomes, null, 1)}\n`);
});
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tlr-fuzz-"));
  process.chdir(dir); // relative paths a run writes to (--out 0x1f, results/<name>) land here
  const csqa = readFileSync(sharedPath("data/commonsense_qa/dev_rand_split.jsonl"), "utf8").split("\n").slice(0, 3);
  writeFileSync(at("tau.jsonl"), `${csqa.join("\n")}\n`);
  writeFileSync(at("dup.jsonl"), `${[csqa[0], csqa[1], csqa[0]].join("\n")}\n`);
  writeFileSync(at("latin1.jsonl"), Buffer.from(`${csqa[0]}\n${csqa[1]!.replace('"stem": "', '"stem": "\u00e9')}\n`, "latin1"));
  writeFileSync(at("garbage.txt"), "not json, not arrow\n");
  writeFileSync(at("empty.txt"), "");
  writeFileSync(at("prompt.txt"), "Once upon a time");
  writeFileSync(at("cut.gguf"), readFileSync(tiny.large()).subarray(0, 10_000));
  mkdirSync(at("empty-dir"));
  mkdirSync(at("garbage-results"));
  for (const f of ["summary.arrow", "questions.arrow", "tokens.arrow"]) writeFileSync(join(at("garbage-results"), f), "ARROW1 but not really");
  writeFileSync(join(at("garbage-results"), "sweep.json"), "{}");
  copyFileSync(join(import.meta.dirname, "../../routers/toy-arith-mlp.json"), at("mlp.json"));
  writeFileSync(at("exp.json"), JSON.stringify(baseConfig()));
});

/** A valid config that plans in well under a second and sweeps in a few: 3 questions of a local file, the tiny pair, 8 tokens. */
function baseConfig(): Record<string, unknown> {
  return {
    name: "fuzz",
    datasets: [{name: at("tau.jsonl"), limit: 3, task: "letter"}],
    pairs: [{name: "tiny", small: tiny.small(), large: tiny.large()}],
    routers: [{kind: "max-prob", thresholds: [0.5, 0.9]}, {kind: "random", seed: 1, thresholds: [0.2]}],
    maxTokens: 8,
    out: at("out-config"),
  };
}

/** Values a hostile user types: numbers out of range or malformed, paths that cannot be, files of the wrong kind. */
const hostileValues = (): string[] => [
  "", " ", "-1", "0", "1.5", "-0", "NaN", "Infinity", "1e309", "0x1f", "99999", "abc", "--", "-", "=", "🙂", "ü\u00a0x", "x".repeat(3000),
  // Paths: none that a run could write into outside the test's folder (the cwd), even as root.
  "/proc", "/proc/tlr-fuzz/x", "/sys/tlr-fuzz", "/dev/null", "/etc/passwd", "/nonexistent/x", "sub/..", "$HOME", "%s%n",
  at("garbage.txt"), at("empty.txt"), at("cut.gguf"), at("empty-dir"), at("garbage-results"), at("dup.jsonl"), at("latin1.jsonl"), at("mlp.json"),
];

/** Each command with a valid (fast) invocation and the optional flags it takes; the fuzzer starts from these. */
const commands = (): {argv: string[]; flags: string[]}[] => [
  {argv: ["generate", "--small", tiny.small(), "--large", tiny.large(), "--threshold", "0.5", "--max-tokens", "6", "--prompt", "Once"],
    flags: ["--router", "--router-file", "--seed", "--prompt-file", "--stop", "--json", "--plain", "--small-threads", "--context-size", "--top-k", "--features", "--entropy", "--gpu", "--rtt", "--up-mbps", "--jitter", "--special"]},
  {argv: ["sweep", at("exp.json"), "--out", at("out-flags"), "--flush-every", "2"], flags: ["--shard", "--out", "--flush-every"]},
  {argv: ["summary", at("garbage-results")], flags: ["--json"]},
  {argv: ["merge", at("garbage-results"), at("empty-dir"), "--out", at("merged")], flags: ["--out"]},
  {argv: ["plot", at("garbage-results"), "--format", "png", "--out", at("plots")], flags: ["--format", "--out", "--scale"]},
  {argv: ["report", at("garbage-results"), "--out", at("report.html")], flags: ["--title", "--out"]},
  {argv: ["table1", at("garbage-results")], flags: ["--router", "--json"]},
  {argv: ["compare", at("garbage-results"), "--at", "0.02"], flags: ["--at", "--router", "--json"]},
  {argv: ["data", "show", "commonsense_qa", "--limit", "2"], flags: ["--split", "--limit", "--seed", "--format", "--json", "--source", "--offline", "--skip-bad-rows", "--no-verify", "--data-dir"]},
  {argv: ["data", "stats", "openbookqa"], flags: ["--json", "--source", "--data-dir", "--revision"]},
  {argv: ["data", "list"], flags: ["--json"]},
  {argv: ["data", "pull", "piqa"], flags: ["--split", "--cache-dir", "--hub-url", "--revision"]},
  {argv: ["models", "list"], flags: ["--json", "--cache-dir"]},
  {argv: ["models", "pull", "qwen2.5-0.5b-instruct"], flags: ["--cache-dir", "--hub-url", "--json"]},
  {argv: ["router", "collect", "--small", tiny.small(), "--large", tiny.large(), "--dataset", at("tau.jsonl"), "--limit", "2", "--max-tokens", "6", "--out", at("labels.arrow")],
    flags: ["--split", "--task", "--seed", "--reference", "--labels", "--top-k", "--no-hidden", "--pair"]},
  {argv: ["router", "train", "--data", at("garbage.txt"), "--out", at("router.json")], flags: ["--kind", "--features", "--seed", "--validation", "--epochs", "--batch-size", "--lr", "--dropout"]},
  {argv: ["router", "eval", at("mlp.json"), "--data", at("garbage.txt")], flags: ["--json"]},
];

type Edit = {op: "set"; index: number; value: string} | {op: "drop"; index: number} | {op: "insert"; index: number; tokens: string[]};

/** 1 to 3 edits of a command line: a token replaced by a hostile value, a token dropped, a flag (known or not) inserted with a hostile value. */
function editedArgv(): fc.Arbitrary<string[]> {
  return fc.integer({min: 0, max: commands().length - 1}).chain((c) => {
    const {argv, flags} = commands()[c]!;
    const value = fc.constantFrom(...hostileValues());
    const index = fc.integer({min: 1, max: argv.length});
    const edit: fc.Arbitrary<Edit> = fc.oneof(
      fc.record({op: fc.constant("set" as const), index, value}),
      fc.record({op: fc.constant("drop" as const), index}),
      fc.record({op: fc.constant("insert" as const), index, tokens: fc.tuple(fc.constantFrom(...flags, "--bogus", "-x"), value)}),
    );
    return fc.array(edit, {minLength: 1, maxLength: 3}).map((edits) => {
      const out = [...argv];
      for (const e of edits) {
        const i = Math.min(e.index, out.length);
        if (e.op === "set" && i < out.length) out[i] = e.value;
        else if (e.op === "drop" && i < out.length && out.length > 1) out.splice(i, 1);
        else if (e.op === "insert") out.splice(i, 0, ...e.tokens);
      }
      return out;
    });
  });
}

/** JSON values a hostile config holds: wrong types, out of range, a NUL in a path, deep nesting. */
const hostileJson = (): unknown[] => [
  null, true, 0, -1, 0.5, 1.5, 2, 1e308, -1e308, 99999999, "", " ", "x", "a\u0000b", "/proc/tlr-fuzz/x", "/proc", "../../etc/passwd", [], [0.8, 0.8], [-1], [2],
  {}, {kind: "max-prob"}, {name: "x"}, {preset: "toy-arith"}, {url: "http://127.0.0.1:9"}, {url: "ftp://x"}, {path: "/dev/null"}, [[[]]], at("dup.jsonl"), at("latin1.jsonl"), at("cut.gguf"), "toy_arith", "mmlu",
];

const CONFIG_PATHS: (string | number)[][] = [
  ["name"], ["description"], ["datasets"], ["datasets", 0], ["datasets", 0, "name"], ["datasets", 0, "limit"], ["datasets", 0, "seed"], ["datasets", 0, "split"], ["datasets", 0, "task"], ["datasets", 0, "skipBadRows"], ["datasets", 1],
  ["pairs"], ["pairs", 0], ["pairs", 0, "name"], ["pairs", 0, "small"], ["pairs", 0, "large"], ["pairs", 1],
  ["routers"], ["routers", 0], ["routers", 0, "kind"], ["routers", 0, "thresholds"], ["routers", 0, "thresholds", 0], ["routers", 0, "targets"], ["routers", 0, "file"], ["routers", 0, "seed"], ["routers", 1, "seed"], ["routers", 2],
  ["maxTokens"], ["topK"], ["features"], ["stop"], ["network"], ["network", "rttMs"], ["calibration"], ["calibration", "limit"], ["concurrency"], ["out"], ["bogus"],
];

/** A copy of the base config with 1 to 3 fields set to hostile values or deleted. */
function editedConfig(): fc.Arbitrary<Record<string, unknown>> {
  const edit = fc.record({path: fc.constantFrom(...CONFIG_PATHS), value: fc.oneof(fc.constantFrom(...hostileJson()), fc.constant(undefined))});
  return fc.array(edit, {minLength: 1, maxLength: 3}).map((edits) => {
    const config = structuredClone(baseConfig()) as Record<string, unknown>;
    for (const {path, value} of edits) setAt(config, path, value);
    return config;
  });
}

function setAt(target: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== "object") return;
    node = (node as Record<string | number, unknown>)[key];
  }
  if (node === null || typeof node !== "object") return;
  const last = path.at(-1)!;
  if (value === undefined) delete (node as Record<string | number, unknown>)[last];
  else (node as Record<string | number, unknown>)[last] = structuredClone(value);
}

/**
 * Exit 0 (progress and warnings may come on stderr), or 2 with exactly one "tlr: error:" line, the
 * last (warnings and progress before it allowed); never a stack frame.
 */
function expectClean(run: MainRun | {code: number | null; stderr: string}, input: string): void {
  const lines = run.stderr.split("\n").filter((l) => l !== "");
  expect([0, 2], `${input}\n${run.stderr}`).toContain(run.code);
  expect(run.stderr, `${input}: a stack trace`).not.toMatch(/^\s+at /m);
  if (run.code === 2) {
    expect(lines.filter((l) => l.startsWith("tlr: error: ")), `${input}\n${run.stderr}`).toHaveLength(1);
    expect(lines.at(-1), input).toMatch(/^tlr: error: /);
  }
}

async function withinTime<T>(work: Promise<T>, what: string, ms = CASE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`no answer within ${ms} ms (a hang?): ${what}`)), ms)));
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe(`fuzzing the CLI (seed ${SEED})`, () => {
  it(`${RUNS.flags} edited command lines: exit 0 or a one-line error (exit 2), never 1, never a hang`, {timeout: 600_000}, async () => {
    await fc.assert(
      fc.asyncProperty(editedArgv(), async (argv) => {
        const what = JSON.stringify(argv);
        const run = await withinTime(runMain(argv), what);
        tally(run.code === 0 ? JSON.stringify(argv).replace(/\/tmp\/[^"]+/g, "…") : argv[0]!, run);
        expectClean(run, what);
      }),
      {seed: SEED, numRuns: RUNS.flags, endOnFailure: true},
    );
  });

  it(`${RUNS.configs} edited sweep configs: exit 0 or a one-line error naming the file, never 1, never a hang`, {timeout: 600_000}, async () => {
    const file = at("fuzz.json");
    let n = 0;
    await fc.assert(
      fc.asyncProperty(editedConfig(), async (config) => {
        writeFileSync(file, JSON.stringify(config));
        const what = JSON.stringify(config);
        const run = await withinTime(runMain(["sweep", file, "--out", at(`out-fuzz-${n++}`)]), what);
        tally("config", run);
        expectClean(run, what);
      }),
      {seed: SEED, numRuns: RUNS.configs, endOnFailure: true},
    );
  });

  // One at a time: a process start under tsx takes seconds, and many at once on two cores take longer than the hang limit.
  it.each([
    [["serve", "--model", "/nonexistent.gguf"]],
    [["serve", "--model", "PLACEHOLDER_TOY", "--port", "99999"]],
    [["serve", "--model", "PLACEHOLDER_TOY", "--max-sessions", "0"]],
    [["serve", "--model", "PLACEHOLDER_TOY", "--idle-seconds", "-5"]],
    [["generate", "--small", "PLACEHOLDER_TOY", "--large", "http://127.0.0.1:9", "--retries", "0", "--threshold", "0.5", "--prompt", "x"]],
    [["--bogus"]],
  ])("through the real binary: %j", async (argv) => {
    const real = argv.map((a) => a.replace("PLACEHOLDER_TOY", toy.large()));
    const run = await withinTime(tlr(real), JSON.stringify(real), 2 * CASE_MS);
    expect(run.code, run.stderr).toBe(2);
    expectClean(run, JSON.stringify(real));
  });
});
