import {spawnSync} from "node:child_process";
import {mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {buildProgram, COMMANDS} from "../../src/cli/main.ts";
import {processIO} from "../../src/cli/io.ts";
import {RESULTS_SCHEMA_VERSION, summarize, type QuestionRow} from "../../src/index.ts";
import {writeResults} from "../../src/results/resultsFolder.ts";
import {repoRoot} from "../support/helpers.ts";
import {sourceKey} from "../../bin/compiledCli.js";
import {BEFORE_POLICIES_QUESTION} from "../../src/results/schema.ts";

/** Packages a command that runs no model must not load (node-llama-cpp alone is ~0.7 s). */
const HEAVY = ["node-llama-cpp", "@node-llama-cpp", "onnxruntime-node", "vega", "vega-lite", "vega-embed", "@resvg/resvg-js", "playwright-core"];

const dir = mkdtempSync(join(tmpdir(), "tlr-startup-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

/** bin/tlr.js runs the compiled CLI (bin/compiledCli.js) or, with TLR_NO_BUNDLE=1, the sources through tsx. */
type Mode = "compiled" | "sources";

/** The URLs of every module `tlr ARGS` loads, recorded by a loader hook (test/support/moduleLog). */
function modulesOf(args: string[], mode: Mode = "compiled"): string[] {
  const log = join(dir, "modules.txt");
  writeFileSync(log, "");
  const run = spawnSync(process.execPath, ["--import", resolve(repoRoot, "test/support/moduleLog/register.mjs"), resolve(repoRoot, "bin/tlr.js"), ...args], {
    cwd: dir,
    env: {...process.env, TLR_MODULE_LOG: log, NO_COLOR: "1", TLR_NO_BUNDLE: mode === "sources" ? "1" : "0"},
    encoding: "utf8",
  });
  expect(run.status, run.stderr).toBe(0);
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

const packagesIn = (urls: string[]) => [...new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []))];

beforeAll(async () => {
  // A results folder written by the library, no model needed.
  const question: QuestionRow = {
    dataset: "toy_arith", split: "eval", task: "toy_arith:toy", pair: "toy-arith", router: "small-only", routerKind: "always-small", routerRole: "baseline-small", threshold: 0, target: null,
    questionIndex: 0, questionId: "q0", prompt: "Question: 1 + 1?", promptTokens: 10, generatedIds: [5, 6], output: "ab", extracted: "A", extractionRule: "none", gold: "A", correct: true,
    generated: 2, largeTokens: 0, uploadFraction: 0, largeCalls: 0, probes: 0, bytesUp: 0, bytesDown: 0, ttftMs: 1, tbtMs: 1, smallMs: 2, largeMs: 0, networkMs: 0,
    routerMs: 0, totalMs: 2, wallMs: 2, smallEvaluated: 11, largeEvaluated: 0, stopReason: "eos", error: null, ...BEFORE_POLICIES_QUESTION,
  };
  mkdirSync(join(dir, "results"));
  await writeResults(join(dir, "results"), {summary: summarize([question]), questions: [question], tokens: []}, {
    schemaVersion: RESULTS_SCHEMA_VERSION, config: {name: "startup"}, models: {}, datasets: [], calibration: {}, code: [], machines: [], shards: [], created: new Date(0).toISOString(),
  });
});

describe("commands that run no model load no model runtime", () => {
  it.each([
    [["--help"], "compiled"],
    [["summary", "results"], "compiled"],
    [["data", "list"], "compiled"],
    [["--help"], "sources"],
    [["summary", "results"], "sources"],
    [["data", "list"], "sources"],
  ] as [string[], Mode][])("tlr %j (%s)", (args, mode) => {
    const loaded = packagesIn(modulesOf(args, mode));
    expect(loaded.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it("tlr runs the compiled CLI, which prints what the sources print", () => {
    const urls = modulesOf(["--help"]);
    expect(urls.some((u) => u.includes("/node_modules/.cache/tlr-cli/"))).toBe(true);
    expect(urls.filter((u) => u.includes("/src/"))).toEqual([]);
    for (const args of [["--help"], ["summary", "results"], ["data", "list"], ["sweep", "--help"], ["summary", "nowhere"]]) {
      const out = (noBundle: string) => spawnSync(process.execPath, [resolve(repoRoot, "bin/tlr.js"), ...args], {cwd: dir, env: {...process.env, NO_COLOR: "1", TLR_NO_BUNDLE: noBundle}, encoding: "utf8"});
      const [compiled, sources] = [out("0"), out("1")];
      expect([compiled.status, compiled.stdout, compiled.stderr], args.join(" ")).toEqual([sources.status, sources.stdout, sources.stderr]);
    }
  });

  it("the compiled CLI's cache key changes with any source file's content or time, and only then", () => {
    const checkout = join(dir, "checkout");
    mkdirSync(join(checkout, "src/cli"), {recursive: true});
    writeFileSync(join(checkout, "src/cli/main.ts"), "export const a = 1;\n");
    writeFileSync(join(checkout, "src/index.ts"), "export {};\n");
    const key = sourceKey(checkout, "0.28.2");
    expect(sourceKey(checkout, "0.28.2")).toBe(key);
    expect(sourceKey(checkout, "0.28.3")).not.toBe(key);
    writeFileSync(join(checkout, "src/cli/main.ts"), "export const a = 2;\n"); // same size, later mtime
    utimesSync(join(checkout, "src/cli/main.ts"), new Date(0), new Date(1000));
    const edited = sourceKey(checkout, "0.28.2");
    expect(edited).not.toBe(key);
    writeFileSync(join(checkout, "src/cli/new.ts"), "");
    expect(sourceKey(checkout, "0.28.2")).not.toBe(edited);
  });

  it("tlr --help loads no command at all; a command's help loads that command only", () => {
    expect(modulesOf(["--help"], "sources").filter((u) => u.includes("/src/") && !u.endsWith("/src/cli/main.ts") && !u.endsWith("/src/cli/io.ts") && !u.endsWith("/src/util/errors.ts"))).toEqual([]);
    const sweepHelp = modulesOf(["sweep", "--help"], "sources").filter((u) => u.includes("/src/cli/"));
    expect(sweepHelp.map((u) => u.slice(u.indexOf("/src/cli/"))).sort()).toContain("/src/cli/sweep.ts");
    expect(sweepHelp.some((u) => u.endsWith("/src/cli/generate.ts"))).toBe(false);
  });

  it("the top-level help says what each command's own help says", async () => {
    const full = await buildProgram(processIO);
    for (const entry of COMMANDS) expect(full.commands.find((c) => c.name() === entry.name)?.description(), entry.name).toBe(entry.description);
  });
});
