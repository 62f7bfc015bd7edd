import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {connectRemote, createRouter, decode, encodePrompt, LocalModel, parsePolicy, startSlowLink, type DecodeResult, type SlowLink, type TokenModel} from "../../src/index.ts";
import {freePort, spawnTlrServe, type ServerProcess} from "../support/spawn.ts";
import {toy, toyPrompts} from "../support/toy.ts";

/*
 * Optimistic continuation for real: tlr serve behind a slow link (30 ms round trip), the device
 * decoding ahead while requests are in flight, several at once, rolling back when a reply
 * disagrees with its guess. Its tokens, records and event log must be the sequential run's.
 */
const QUESTIONS = 4;
let small: LocalModel;
let prompts: number[][];
let server: ServerProcess;
let link: SlowLink;

beforeAll(async () => {
  small = await LocalModel.load({path: toy.small, gpu: false});
  prompts = toyPrompts(QUESTIONS).map((p) => encodePrompt(small.tokenizer, p));
  server = await spawnTlrServe(toy.large, ["--port", String(await freePort())]);
  const port = Number(new URL(server.url).port);
  link = await startSlowLink({target: {host: "127.0.0.1", port}, rttMs: 30, upMbps: 20, downMbps: 100});
});
afterAll(async () => {
  await link?.close();
  await server?.stop();
  await small?.dispose();
});

async function runAll(large: TokenModel, policy: string, overlap: "simulate" | "real"): Promise<DecodeResult[]> {
  const out: DecodeResult[] = [];
  for (const [q, prompt] of prompts.entries()) {
    await small.reset();
    await large.reset();
    out.push(await decode({prompt, small, large, tokenizer: small.tokenizer, router: createRouter("max-prob"), threshold: 0.999, maxTokens: 200, key: `q${q}`, policy: parsePolicy(policy), overlap}));
  }
  return out;
}

const untimed = (r: DecodeResult) => ({
  transcript: r.transcript,
  records: r.records.map((x) => ({step: x.step, id: x.id, source: x.source, score: x.score, call: x.call, large: x.large?.token ?? null, smallEvaluated: x.smallEvaluated, largeEvaluated: x.largeEvaluated, bytesUp: x.bytesUp, bytesDown: x.bytesDown, netMs: x.netMs})),
  events: r.events.flatMap((e): object[] => (e.type === "small" ? [{type: e.type, tokens: e.tokens}] : e.type === "request" || e.type === "reply" || e.type === "emit" ? [e] : e.type === "large" ? [{...e, ms: 0}] : [])),
  stats: {calls: r.stats.largeCalls, upload: r.stats.uploadFraction, bytesUp: r.stats.bytesUp, stop: r.stats.stopReason},
});

describe("optimistic continuation through a slow link", () => {
  for (const policy of ["token+optimistic", "span:3+optimistic", "stitch:0.97:6+optimistic"]) {
    it(`${policy} for real gives the sequential run's tokens, records and log`, async () => {
      const backend = await connectRemote({url: link.url});
      const large = backend.createModel();
      try {
        const sequential = await runAll(large, policy, "simulate");
        const real = await runAll(large, policy, "real");
        expect(real.map(untimed)).toEqual(sequential.map(untimed));
        expect(real.every((r) => r.policy === policy.replace("stitch:0.97:6", "stitch(σ=0.97,cap=6)"))).toBe(true);
        // The device really ran ahead and sometimes had to throw its steps away.
        const thrown = real.reduce((s, r) => s + r.stats.speculativeSteps, 0);
        expect(thrown).toBeGreaterThan(0);
        // Each wrong guess is recorded (a void event after its request): the steps thrown away and the requests they sent.
        for (const r of real) {
          const wrong = r.events.filter((e) => e.type === "reply" && !e.agreed).map((e) => (e as {call: number}).call);
          const voids = r.events.filter((e) => e.type === "void");
          expect(voids.map((v) => v.call)).toEqual(wrong);
          expect(voids.reduce((n, v) => n + v.steps.length, 0)).toBe(r.stats.speculativeSteps);
          for (const v of voids) for (const q of v.requests) expect(q.bytesUp).toBeGreaterThan(0);
        }
      } finally {
        await large.dispose();
        backend.dispose();
      }
    });
  }

  it("refuses a router that peeks at the large model, and a local large model, in one line", async () => {
    const localLarge = await LocalModel.load({path: toy.large, gpu: false});
    try {
      const base = {prompt: prompts[0]!, small, tokenizer: small.tokenizer, threshold: 0.5, maxTokens: 20, policy: parsePolicy("token+optimistic"), overlap: "real" as const};
      await expect(decode({...base, large: localLarge, router: createRouter("max-prob")})).rejects.toThrow(/^optimistic continuation runs for real only with the large model behind tlr serve/);
      const backend = await connectRemote({url: link.url});
      const remote = backend.createModel();
      try {
        await expect(decode({...base, large: remote, router: createRouter("oracle")})).rejects.toThrow(/^router oracle peeks at the large model at every step/);
      } finally {
        await remote.dispose();
        backend.dispose();
      }
    } finally {
      await localLarge.dispose();
    }
  });
});
