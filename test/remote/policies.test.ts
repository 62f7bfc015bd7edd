import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {connectRemote, createRouter, decode, encodePrompt, LocalModel, parsePolicy, readVocabulary, sweepRuns, type DecodeResult, type PolicySpec, type RemoteProtocol, type TokenModel} from "../../src/index.ts";
import {freePort, spawnLlamaServer, spawnTlrServe, type ServerProcess} from "../support/spawn.ts";
import {toy, toyPrompts} from "../support/toy.ts";

/*
 * Multi-token requests (span, stitch) and verification (speculative decoding) through a real
 * tlr serve: the server writes the turn, or scores the drafts, with the batches a local run
 * evaluates, so every transcript, record and count equals the local run's. Each pass starts
 * both models clean and runs the same questions in the same order.
 */
const QUESTIONS = 4;
const POLICIES = ["span:4", "stitch:0.97:6", "speculative:2", "speculative:4"].map(parsePolicy);
let small: LocalModel;
let prompts: number[][];
const servers: ServerProcess[] = [];

beforeAll(async () => {
  small = await LocalModel.load({path: toy.small, gpu: false});
  prompts = toyPrompts(QUESTIONS).map((p) => encodePrompt(small.tokenizer, p));
});
afterAll(async () => {
  await small?.dispose();
  await Promise.all(servers.map((s) => s.stop()));
});

async function pass(large: TokenModel, policy: PolicySpec): Promise<DecodeResult[]> {
  const out: DecodeResult[] = [];
  for (const [q, prompt] of prompts.entries()) {
    // A fresh session per question: its first request carries the whole prompt, as the byte model counts.
    await small.reset();
    await large.reset();
    const router = createRouter(policy.kind === "speculative" ? "always-small" : "max-prob");
    out.push(await decode({prompt, small, large, tokenizer: small.tokenizer, router, threshold: 0.999, maxTokens: 200, key: `q${q}`, policy}));
  }
  return out;
}

/** Everything but timings and the large model's log-probabilities (6 decimals on the wire). */
const comparable = (runs: DecodeResult[]) =>
  runs.map((r) => ({
    transcript: r.transcript,
    records: r.records.map((x) => ({id: x.id, source: x.source, score: x.score, verified: x.verified, call: x.call, largeToken: x.large?.token, smallEvaluated: x.smallEvaluated, largeEvaluated: x.largeEvaluated, bytesUp: x.bytesUp, bytesDown: x.bytesDown})),
    calls: r.stats.largeCalls,
  }));

async function remote(server: ServerProcess, protocol: RemoteProtocol) {
  return connectRemote({url: server.url, protocol, vocabulary: await readVocabulary(toy.small), tokenizer: small.tokenizer});
}

describe("policies with the large model behind tlr serve", () => {
  let local: Map<string, DecodeResult[]>;
  let server: ServerProcess;

  beforeAll(async () => {
    const large = await LocalModel.load({path: toy.large, gpu: false});
    local = new Map();
    try {
      for (const policy of POLICIES) local.set(JSON.stringify(policy), await pass(large, policy));
    } finally {
      await large.dispose();
    }
    server = await spawnTlrServe(toy.large, ["--port", String(await freePort())]);
    servers.push(server);
  });

  for (const policy of POLICIES) {
    it(`${JSON.stringify(policy)}: the same transcripts, records and counts as the local run; measured bodies equal the byte model's`, async () => {
      const backend = await remote(server, "session");
      const model = backend.createModel();
      try {
        const runs = await pass(model, policy);
        const mine = local.get(JSON.stringify(policy))!;
        expect(comparable(runs)).toEqual(comparable(mine));
        for (const r of runs) {
          for (const x of r.records) {
            if (!x.wire) continue;
            expect(x.wire.bodyBytesUp, `step ${x.step}`).toBe(x.bytesUp);
            expect(x.wire.bodyBytesDown, `step ${x.step}`).toBe(x.bytesDown);
          }
          expect(r.stats.wire!.requests).toBe(r.stats.largeCalls);
        }
        if (policy.kind === "speculative") expect(runs.some((r) => r.stats.discarded > 0)).toBe(true);
        else expect(runs.some((r) => r.records.some((x) => Number.isNaN(x.score)))).toBe(true); // some turn wrote more than one token
      } finally {
        await model.dispose();
        backend.dispose();
      }
    });
  }
});

describe("exact sweeps of every policy through tlr serve", () => {
  it("each threshold of a memoised sweep with the large model behind tlr serve equals an independent local run", async () => {
    const server = await spawnTlrServe(toy.large, ["--port", String(await freePort())]);
    servers.push(server);
    const backend = await remote(server, "session");
    const large = await LocalModel.load({path: toy.large, gpu: false});
    const thresholds = [0.9, 0.99, 0.999];
    try {
      for (const text of ["span:3", "stitch:0.97:6", "token+optimistic", "speculative:3"]) {
        const policy = parsePolicy(text);
        const router = createRouter(policy.kind === "speculative" ? "always-small" : "max-prob");
        for (const [q, prompt] of prompts.slice(0, 3).entries()) {
          await small.reset();
          const served = backend.createModel();
          const swept = await sweepRuns({prompt, small, large: served, tokenizer: small.tokenizer, router, thresholds, maxTokens: 200, key: `q${q}`, policy});
          await served.dispose();
          for (const [i, threshold] of thresholds.entries()) {
            await small.reset();
            await large.reset();
            const alone = await decode({prompt, small, large, tokenizer: small.tokenizer, router, threshold, maxTokens: 200, key: `q${q}`, policy});
            expect(comparable([swept.runs[i]!]), `${text} q${q} τ=${threshold}`).toEqual(comparable([alone]));
          }
        }
      }
    } finally {
      backend.dispose();
      await large.dispose();
    }
  });
});

describe("policies over stateless protocols", () => {
  it("llama-server writes a span with n_predict (the same tokens as the local run); stitch and verification are refused in one line", async () => {
    const server = await spawnLlamaServer(toy.large);
    servers.push(server);
    const backend = await remote(server, "llama");
    const model = backend.createModel();
    const large = await LocalModel.load({path: toy.large, gpu: false});
    try {
      const span = parsePolicy("span:4");
      const served = await pass(model, span);
      const mine = await pass(large, span);
      expect(served.map((r) => r.transcript)).toEqual(mine.map((r) => r.transcript));
      expect(served.map((r) => r.stats.largeCalls)).toEqual(mine.map((r) => r.stats.largeCalls));
      await expect(pass(model, parsePolicy("stitch"))).rejects.toThrow(/^the llama protocol cannot end a turn on the model's confidence \(stitch\): use tlr serve/);
      await expect(pass(model, parsePolicy("speculative:2"))).rejects.toThrow(/^the llama protocol cannot verify drafts/);
    } finally {
      await model.dispose();
      backend.dispose();
      await large.dispose();
    }
  });
});
