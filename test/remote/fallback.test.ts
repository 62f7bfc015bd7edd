import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {connectRemote, createRouter, decode, encodePrompt, LocalModel, readResults, type RemoteBackend} from "../../src/index.ts";
import {tlr} from "../support/run.ts";
import {freePort, spawnTlrServe, type ServerProcess} from "../support/spawn.ts";
import {startFaultProxy, type FaultProxy} from "../support/faultProxy.ts";
import {toy, toyPrompts} from "../support/toy.ts";

/*
 * onLargeError "small": a large model that still fails after its retries leaves the run to the
 * small model, token by token marked `fallback`; "fail" keeps today's error. A fault proxy in
 * front of a real tlr serve answers HTTP 500 to every request from the third on.
 */
let server: ServerProcess;
let proxy: FaultProxy;
let small: LocalModel;
const root = mkdtempSync(join(tmpdir(), "tlr-fallback-"));

beforeAll(async () => {
  server = await spawnTlrServe(toy.large, ["--port", String(await freePort())]);
  proxy = await startFaultProxy(server.url, (n) => (n >= 3 ? "status500" : undefined));
  small = await LocalModel.load({path: toy.small, gpu: false});
});
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
  await small?.dispose();
  rmSync(root, {recursive: true, force: true});
});

describe("falling back to the small model", () => {
  let backend: RemoteBackend;
  beforeAll(async () => {
    backend = await connectRemote({url: proxy.url, retry: {retries: 1, minDelayMs: 1, maxDelayMs: 2}});
  });
  afterAll(() => backend?.dispose());

  const run = async (onLargeError: "fail" | "small") => {
    proxy.posts = 0;
    const large = backend.createModel();
    await small.reset();
    try {
      const prompt = encodePrompt(small.tokenizer, toyPrompts(1)[0]!);
      return await decode({prompt, small, large, tokenizer: small.tokenizer, router: createRouter("max-prob"), threshold: 0.999, maxTokens: 200, onLargeError});
    } finally {
      await large.dispose();
    }
  };

  it('"small": the run goes on with the small model alone, each routed step marked fallback', async () => {
    const r = await run("small");
    expect(r.stats.largeCalls).toBe(2); // the two requests that got through
    const fallbacks = r.records.filter((x) => x.fallback);
    expect(fallbacks.length).toBeGreaterThan(0);
    expect(r.stats.fallbacks).toBe(fallbacks.length);
    for (const x of fallbacks) {
      expect(x.source).toBe("small");
      expect(x.id).toBe(x.small!.token);
      expect(x.score).toBeLessThan(0.999); // the router did want the large model
    }
    // After the failure no step is sent again: every later routed step falls back.
    const firstFallback = r.records.findIndex((x) => x.fallback);
    expect(r.records.slice(firstFallback).every((x) => x.source === "small")).toBe(true);
    expect(r.stats.stopReason).toBe("eos");
  });

  it('"fail": the run fails with the remote error, as before', async () => {
    await expect(run("fail")).rejects.toThrow(/HTTP 500/);
  });

  it("a sweep with onLargeError small records fallbacks per token, per question and in the summary", async () => {
    const config = join(root, "fallback.json");
    writeFileSync(
      config,
      JSON.stringify({
        name: "fallback",
        datasets: [{name: "toy_arith", split: "eval", limit: 3}],
        pairs: [{name: "served", small: toy.small, large: {url: proxy.url, retries: 0}}],
        routers: [{kind: "max-prob", thresholds: [0.999]}],
        onLargeError: "small",
        maxTokens: 200,
      }),
    );
    proxy.posts = 0;
    const out = join(root, "out");
    const done = await tlr(["sweep", config, "--out", out]);
    expect(done.code, done.stderr).toBe(0);
    const {summary, questions, tokens} = readResults(out, {tokens: true});
    const routed = summary.find((s) => s.routerKind === "max-prob")!;
    expect(routed.errors).toBe(0);
    expect(routed.fallbackQuestions).toBeGreaterThan(0);
    const qs = questions.filter((q) => q.routerKind === "max-prob");
    expect(qs.filter((q) => q.fallbacks > 0).length).toBe(routed.fallbackQuestions);
    for (const q of qs) expect(tokens.filter((t) => t.router === q.router && t.questionIndex === q.questionIndex && t.fallback).length).toBe(q.fallbacks);
    expect(done.stdout).toMatch(/fell back/);
  });
});
