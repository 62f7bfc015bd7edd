import {spawn} from "node:child_process";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {connectRemote, createRouter, decode, encodePrompt, loadDataset, LocalModel, readResults, sweepTree, type DecodeResult} from "../../src/index.ts";
import {tlr} from "../support/run.ts";
import {repoRoot} from "../support/helpers.ts";
import {freePort, spawnTlrServe, type ServerProcess} from "../support/spawn.ts";
import {whenParts} from "../support/parts.ts";

const toy = (m: string) => resolve(repoRoot, `models/toy-arith/toy-arith-${m}.gguf`);
const root = mkdtempSync(join(tmpdir(), "tlr-remote-sweep-"));
let server: ServerProcess;

beforeAll(async () => {
  server = await spawnTlrServe(toy("large"), ["--port", String(await freePort())]);
});
afterAll(async () => {
  await server?.stop();
  rmSync(root, {recursive: true, force: true});
});

const untimed = (rows: object[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !/Ms$/.test(k))));

/** Comparable fields: tokens, sources, scores, catch-up sizes, bytes (the large model's log-probabilities are compared apart: JSON carries 6 decimals). */
function comparable(r: DecodeResult) {
  return {
    transcript: r.transcript,
    records: r.records.map((x) => ({id: x.id, source: x.source, score: x.score, small: x.small, largeToken: x.large?.token ?? null, largeTop: x.large?.top.map((t) => t.id) ?? null, smallEvaluated: x.smallEvaluated, largeEvaluated: x.largeEvaluated, bytesUp: x.bytesUp, bytesDown: x.bytesDown})),
  };
}

/** The large model's top log-probabilities agree to the 6 decimals the protocol carries (a batch-schedule difference is ~1e-3). */
function expectSameLargeLogprobs(a: DecodeResult, b: DecodeResult) {
  a.records.forEach((x, j) => x.large?.top.forEach((t, k) => expect(Math.abs(t.logprob - b.records[j]!.large!.top[k]!.logprob)).toBeLessThan(1e-6)));
}

describe("sweeps with the large model behind tlr serve", () => {
  it("the exact tree sweep through the session protocol equals independent local runs, token for token", async () => {
    const small = await LocalModel.load({path: toy("small"), gpu: false});
    const localLarge = await LocalModel.load({path: toy("large"), gpu: false});
    const backend = await connectRemote({url: server.url});
    const remote = backend.createModel();
    try {
      const {examples} = await loadDataset("toy_arith", {split: "eval"});
      const thresholds = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999];
      const router = createRouter("max-prob");
      let branched = 0;
      for (const example of examples.slice(0, 6)) {
        const prompt = encodePrompt(small.tokenizer, `Question: ${example.question}\nChoices:\n${example.choices.map((c) => `${c.label}. ${c.text}\n`).join("")}Answer:`);
        const common = {prompt, small, tokenizer: small.tokenizer, router, maxTokens: 200, key: example.id};
        const tree = await sweepTree({...common, large: remote, thresholds});
        if (new Set(tree.runs.map((r) => r!.generated.join())).size > 1) branched++;
        for (const [i, threshold] of thresholds.entries()) {
          await small.reset();
          await localLarge.reset();
          const alone = await decode({...common, large: localLarge, threshold});
          expect(comparable(tree.runs[i]!), `${example.id} τ=${threshold}`).toEqual(comparable(alone));
          expectSameLargeLogprobs(tree.runs[i]!, alone);
        }
      }
      expect(branched).toBeGreaterThan(0);
    } finally {
      await remote.dispose();
      backend.dispose();
      await small.dispose();
      await localLarge.dispose();
    }
  });

  const config = (url: string, retries: number) => ({
    name: "remote-sweep",
    datasets: [{name: "toy_arith", split: "eval", limit: 12}],
    pairs: [{name: "served", small: toy("small"), large: {url, retries}}],
    routers: [{kind: "max-prob", thresholds: [0.9, 0.99]}],
    maxTokens: 200,
  });

  it("runs from a config whose large model is a server URL, recording its address in the results", async () => {
    const file = join(root, "ok.json");
    writeFileSync(file, JSON.stringify(config(server.url, 2)));
    const run = await tlr(["sweep", file, "--out", join(root, "ok")]);
    expect(run.code, run.stderr).toBe(0);
    const results = readResults(join(root, "ok"));
    expect(results.metadata.models).toMatchObject({served: {large: {url: server.url, server: "tlr", protocol: "session"}}});
    expect(results.summary.every((s) => s.errors === 0)).toBe(true);
    expect(results.summary.find((s) => s.router === "large-only")!.uploadFraction).toBe(1);
  });

  it("a server killed and restarted mid-sweep: the sweep completes and equals an uninterrupted one, timings aside", async () => {
    const port = await freePort();
    let victim = await spawnTlrServe(toy("large"), ["--port", String(port)]);
    const file = join(root, "restarted.json");
    const out = join(root, "restarted");
    // 8 retries wait up to ~20 s (0.25 → 4 s each): a restart fits even on a heavily loaded machine.
    writeFileSync(file, JSON.stringify(config(victim.url, 8)));
    const child = spawn(process.execPath, [resolve(repoRoot, "bin/tlr.js"), "sweep", file, "--out", out, "--flush-every", "1"], {stdio: "ignore"});
    const exited = new Promise<number | null>((r) => child.once("exit", r));
    await whenParts(out, 3, exited);
    await victim.kill();
    victim = await spawnTlrServe(toy("large"), ["--port", String(port)]); // back within the retry budget
    const code = await exited;
    await victim.stop();
    expect(code).toBe(0);
    const restarted = readResults(out, {tokens: false});
    const uninterrupted = readResults(join(root, "ok"), {tokens: false});
    expect(restarted.questions.every((q) => q.error === null)).toBe(true);
    expect(untimed(restarted.questions)).toEqual(untimed(uninterrupted.questions));
  });

  it("a server killed mid-sweep: the sweep completes, finished questions are kept, the rest are recorded with their error", async () => {
    const victim = await spawnTlrServe(toy("large"), ["--port", String(await freePort())]);
    const file = join(root, "killed.json");
    const out = join(root, "killed");
    writeFileSync(file, JSON.stringify(config(victim.url, 1)));
    const child = spawn(process.execPath, [resolve(repoRoot, "bin/tlr.js"), "sweep", file, "--out", out, "--flush-every", "1"], {stdio: ["ignore", "pipe", "pipe"]});
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    const exited = new Promise<number | null>((r) => child.once("exit", r));
    await whenParts(out, 3, exited);
    await victim.kill();
    const code = await exited;
    expect(code).toBe(0);
    expect(stdout).toMatch(/errors\)/);
    const results = readResults(out);
    const failed = results.questions.filter((q) => q.error !== null);
    const fine = results.questions.filter((q) => q.error === null);
    expect(failed.length).toBeGreaterThan(0);
    expect(fine.length).toBeGreaterThanOrEqual(3 * 4); // the first questions, all 4 runs each
    expect(failed[0]!.error).toMatch(/refused|reset|ECONN/i);
    expect(failed.every((q) => !q.correct && q.stopReason === "error")).toBe(true);
    // Only the runs that needed the large model end with its error: small-only never does, and its
    // rows are the uninterrupted sweep's; large-only, which needs it from the first token, does.
    expect(failed.some((q) => q.routerRole === "baseline-small")).toBe(false);
    const smallOnly = (qs: typeof results.questions) => untimed(qs.filter((q) => q.routerRole === "baseline-small"));
    expect(smallOnly(results.questions)).toEqual(smallOnly(readResults(join(root, "ok"), {tokens: false}).questions));
    const erroredQuestions = new Set(failed.map((q) => q.questionIndex));
    for (const i of erroredQuestions) expect(results.questions.find((q) => q.questionIndex === i && q.routerRole === "baseline-large")!.error).not.toBeNull();
    for (const s of results.summary) expect(s.questions).toBe(12);
    expect(results.summary.find((s) => s.routerRole === "baseline-small")!.errors).toBe(0);
    expect(results.summary.find((s) => s.routerRole === "baseline-large")!.errors).toBe(erroredQuestions.size);
    // The error text is visible beside the tables, not only "(n errors)".
    const summary = await tlr(["summary", out]);
    expect(summary.stdout).toMatch(/\nerrors \(recorded, counted wrong; tlr sweep --retry-errors runs those questions again\):\n- .*(refused|reset|ECONN)/i);
  });
});
