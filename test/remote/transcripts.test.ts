import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {bytesByProtocol, connectRemote, createRouter, decode, encodePrompt, LocalModel, readVocabulary, SESSION_PROTOCOL, type DecodeResult, type RemoteProtocol, type TokenModel} from "../../src/index.ts";
import {tiny} from "../support/helpers.ts";
import {spawnLlamaServer, spawnTlrServe, type ServerProcess} from "../support/spawn.ts";

/*
 * The large model's tokens must not depend on where it runs. Logits depend on the evaluation
 * schedule (one batch vs several), so every pass starts both models from a clean state and runs
 * the same questions in the same order: each backend then evaluates the same batches (the
 * prompt in one batch, then each routed catch-up in one batch; between questions the shared
 * BOS stays cached everywhere, in llama-server's slot as in our sessions).
 */
const PROMPTS = ["Once upon a time", "Lily wanted to", "The big dog"];
const THRESHOLDS = [0.5, 0.9];
const MAX = 60;

let small: LocalModel;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  small = await LocalModel.load({path: tiny.small(), threads: 1, gpu: false});
});
afterAll(async () => {
  await small?.dispose();
  await Promise.all(servers.map((s) => s.stop()));
});

async function pass(large: TokenModel): Promise<DecodeResult[]> {
  await small.reset();
  const out: DecodeResult[] = [];
  for (const threshold of THRESHOLDS) {
    for (const text of PROMPTS) {
      out.push(
        await decode({
          prompt: encodePrompt(small.tokenizer, text),
          small,
          large,
          tokenizer: small.tokenizer,
          router: createRouter("max-prob"),
          threshold,
          maxTokens: MAX,
          key: text,
        }),
      );
    }
  }
  return out;
}

async function remotePass(server: ServerProcess, protocol: RemoteProtocol) {
  const backend = await connectRemote({url: server.url, protocol, vocabulary: await readVocabulary(tiny.small()), tokenizer: small.tokenizer});
  try {
    const model = backend.createModel();
    const runs = await pass(model);
    await model.dispose();
    return {backend, runs};
  } finally {
    backend.dispose();
  }
}

describe("the tiny pair's transcript is identical with the large model local, behind tlr serve and behind llama-server", () => {
  let local: DecodeResult[];

  beforeAll(async () => {
    const large = await LocalModel.load({path: tiny.large(), threads: 1, gpu: false});
    try {
      local = await pass(large);
    } finally {
      await large.dispose();
    }
  });

  it("the local runs route some tokens at each threshold, not all", () => {
    for (const [i, threshold] of THRESHOLDS.entries()) {
      const runs = local.slice(i * PROMPTS.length, (i + 1) * PROMPTS.length);
      const routed = runs.reduce((a, r) => a + r.stats.largeTokens, 0);
      const generated = runs.reduce((a, r) => a + r.stats.generated, 0);
      expect(routed, `τ=${threshold}`).toBeGreaterThan(0);
      expect(routed, `τ=${threshold}`).toBeLessThan(generated);
    }
  });

  const expectSameAsLocal = (runs: DecodeResult[]) => {
    expect(runs).toHaveLength(local.length);
    runs.forEach((r, i) => {
      expect(r.generated, `run ${i}`).toEqual(local[i]!.generated);
      expect(r.records.map((x) => x.source)).toEqual(local[i]!.records.map((x) => x.source));
      expect(r.records.map((x) => x.large?.token ?? null)).toEqual(local[i]!.records.map((x) => x.large?.token ?? null));
      // Its log-probabilities agree with the local ones (llama-server computes its softmax its own way).
      r.records.forEach((x, j) => {
        if (x.large) expect(x.large.maxProb).toBeCloseTo(local[i]!.records[j]!.large!.maxProb, 3);
      });
    });
  };

  it("behind tlr serve, incremental sessions: same tokens, one request per routed token", async () => {
    const server = await spawnTlrServe(tiny.large());
    servers.push(server);
    const {backend, runs} = await remotePass(server, "session");
    expect(backend.server).toBe("tlr");
    expectSameAsLocal(runs);
    for (const r of runs) {
      expect(r.stats.wire?.requests ?? 0).toBe(r.stats.largeCalls);
      expect(r.stats.wire?.resends ?? 0).toBe(0);
      for (const x of r.records) expect(x.wire === undefined).toBe(x.source === "small");
    }
  });

  it("the session byte model is the real protocol: measured bodies equal the simulated bytes, headers come on top", async () => {
    // One session per question, as a sweep makes them (a reused session also skips the shared BOS).
    const server = servers[0]!;
    const backend = await connectRemote({url: server.url});
    try {
      for (const text of PROMPTS) {
        const large = backend.createModel();
        const r = await decode({prompt: encodePrompt(small.tokenizer, text), small, large, tokenizer: small.tokenizer, router: createRouter({kind: "random", seed: 1}), threshold: 0.3, maxTokens: MAX, key: text});
        await large.dispose();
        expect(r.stats.largeCalls).toBeGreaterThan(0);
        for (const x of r.records.filter((x) => x.source === "large")) {
          expect(x.wire!.bodyBytesUp).toBe(x.bytesUp);
          expect(x.wire!.bodyBytesDown).toBe(x.bytesDown);
          expect(x.wire!.bytesUp).toBeGreaterThan(x.wire!.bodyBytesUp);
          expect(x.wire!.bytesDown).toBeGreaterThan(x.wire!.bodyBytesDown);
        }
        expect(bytesByProtocol(r, small.tokenizer)[SESSION_PROTOCOL.name]).toEqual({bytesUp: r.stats.bytesUp, bytesDown: r.stats.bytesDown, calls: r.stats.largeCalls});
      }
    } finally {
      backend.dispose();
    }
  });

  it("behind tlr serve, OpenAI /v1/completions (legacy logprobs with token_id names): same tokens", async () => {
    const server = await spawnTlrServe(tiny.large());
    servers.push(server);
    const {runs} = await remotePass(server, "openai");
    expectSameAsLocal(runs);
  });

  for (const protocol of ["llama", "openai"] as const) {
    it(`behind llama-server, ${protocol === "llama" ? "native /completion" : "/v1/completions (llama.cpp's logprobs.content)"}: same tokens`, async () => {
      const server = await spawnLlamaServer(tiny.large()); // a fresh slot for each pass
      servers.push(server);
      const {backend, runs} = await remotePass(server, protocol);
      expect(backend.server).toBe("llama.cpp");
      expect(backend.warnings).toEqual([]); // vocabulary checked: size, type, BOS/EOS, every token's text
      expectSameAsLocal(runs);
      // Records carry each run's own catch-up sizes, as locally; llama-server's own counts (what its
      // prefix cache lacked, which depends on the runs before) come with the measured traffic.
      runs.forEach((r, i) => expect(r.records.map((x) => x.largeEvaluated)).toEqual(local[i]!.records.map((x) => x.largeEvaluated)));
      for (const r of runs) {
        for (const x of r.records.filter((x) => x.source === "large")) {
          expect(x.wire!.serverEvaluated).toBeGreaterThanOrEqual(1);
          expect(x.wire!.serverEvaluated).toBeLessThanOrEqual(x.largeEvaluated);
        }
      }
    });
  }
});
