import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {
  connectRemote,
  createRouter,
  decode,
  encodePrompt,
  LocalModel,
  readVocabulary,
  RemoteError,
  type DecodeResult,
  type RemoteBackend,
  type RemoteProtocol,
  type TokenModel,
} from "../../src/index.ts";
import {tiny} from "../support/helpers.ts";
import {spawnLlamaServer, type ServerProcess} from "../support/spawn.ts";
import {startSglangStandIn, startVllmStandIn, type StandIn} from "./standIns.ts";

/*
 * SGLang's native /generate and vLLM's /v1/completions, against local servers that answer as
 * those servers do (test/remote/standIns.ts cites the versions and sources) and compute with the
 * real large model. The transcript must equal the local large model's, and each protocol's byte
 * model must count exactly the request bodies the client sent.
 */
const PROMPTS = ["Once upon a time", "Lily wanted to"];
const THRESHOLD = 0.9;
const MAX = 40;

let small: LocalModel;
let local: DecodeResult[];
const closers: (() => Promise<void>)[] = [];

async function pass(large: TokenModel, protocol?: RemoteBackend["byteModel"]): Promise<DecodeResult[]> {
  await small.reset();
  const out: DecodeResult[] = [];
  for (const text of PROMPTS) {
    const prompt = encodePrompt(small.tokenizer, text);
    out.push(await decode({prompt, small, large, tokenizer: small.tokenizer, router: createRouter("max-prob"), threshold: THRESHOLD, maxTokens: MAX, key: text, protocol}));
  }
  return out;
}

async function remote(url: string, protocol: RemoteProtocol | "auto"): Promise<{backend: RemoteBackend; runs: DecodeResult[]}> {
  const backend = await connectRemote({url, protocol, vocabulary: await readVocabulary(tiny.small()), tokenizer: small.tokenizer, retry: {minDelayMs: 1, maxDelayMs: 2}});
  try {
    const model = backend.createModel();
    const runs = await pass(model, backend.byteModel);
    await model.dispose();
    return {backend, runs};
  } finally {
    backend.dispose();
  }
}

function expectSameAsLocal(runs: DecodeResult[]): void {
  expect(runs).toHaveLength(local.length);
  runs.forEach((r, i) => {
    expect(r.generated, `run ${i}`).toEqual(local[i]!.generated);
    expect(r.records.map((x) => x.large?.token ?? null)).toEqual(local[i]!.records.map((x) => x.large?.token ?? null));
    r.records.forEach((x, j) => {
      if (x.large) expect(x.large.maxProb).toBeCloseTo(local[i]!.records[j]!.large!.maxProb, 5);
    });
  });
}

/** Simulated request bytes are the bodies really sent; replies carry the server's metadata on top of the byte model's minimal body. */
function expectBytesOfProtocol(runs: DecodeResult[]): void {
  let routed = 0;
  for (const r of runs) {
    for (const x of r.records.filter((x) => x.source === "large")) {
      routed++;
      expect(x.wire!.requests).toBe(1);
      expect(x.bytesUp).toBe(x.wire!.bodyBytesUp);
      expect(x.bytesDown).toBeGreaterThan(0);
      expect(x.bytesDown).toBeLessThan(x.wire!.bodyBytesDown);
    }
  }
  expect(routed).toBeGreaterThan(0);
}

beforeAll(async () => {
  small = await LocalModel.load({path: tiny.small(), threads: 1, gpu: false});
  const large = await LocalModel.load({path: tiny.large(), threads: 1, gpu: false});
  try {
    local = await pass(large);
  } finally {
    await large.dispose();
  }
  const routed = local.reduce((a, r) => a + r.stats.largeTokens, 0);
  expect(routed).toBeGreaterThan(0); // the comparison below means something
});

afterAll(async () => {
  for (const close of closers) await close();
  await small?.dispose();
});

describe("SGLang's native /generate", () => {
  let sglang: StandIn;
  beforeAll(async () => {
    sglang = await startSglangStandIn(tiny.large(), {served: "stories260K"});
    closers.push(() => sglang.close());
  });

  it("is recognised by --protocol auto (/v1/models owned_by sglang) and gives the local large model's transcript", async () => {
    const {backend, runs} = await remote(sglang.url, "auto");
    expect(backend.server).toBe("sglang");
    expect(backend.protocol).toBe("sglang");
    expect(backend.info.contextSize).toBeGreaterThan(0);
    expectSameAsLocal(runs);
    // SGLang says what its radix cache held: it evaluated at most the run's own catch-up.
    for (const x of runs.flatMap((r) => r.records).filter((x) => x.source === "large")) {
      expect(x.wire!.serverEvaluated).toBeGreaterThanOrEqual(1);
      expect(x.wire!.serverEvaluated).toBeLessThanOrEqual(x.largeEvaluated);
    }
  });

  it("counts each routed token with SGLang's byte model: the simulated request is the body sent", async () => {
    const {runs} = await remote(sglang.url, "sglang");
    expectBytesOfProtocol(runs);
    expect(sglang.requests).toContain("POST /generate");
  });

  it("its OpenAI /v1/completions names tokens by text: refused at once as unsupported, pointing to --protocol sglang", async () => {
    const backend = await connectRemote({url: sglang.url, protocol: "openai", vocabulary: await readVocabulary(tiny.small()), tokenizer: small.tokenizer, retry: {minDelayMs: 1, maxDelayMs: 2}});
    try {
      const error = await backend.createModel().next(encodePrompt(small.tokenizer, PROMPTS[0]!)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      expect((error as RemoteError).kind).toBe("unsupported");
      expect((error as RemoteError).attempts).toBe(1);
      expect((error as RemoteError).message).toMatch(/tokens come as text .*--protocol sglang/);
    } finally {
      backend.dispose();
    }
  });
});

describe("vLLM's /v1/completions", () => {
  let vllm: StandIn;
  beforeAll(async () => {
    vllm = await startVllmStandIn(tiny.large(), {served: "stories260K"});
    closers.push(() => vllm.close());
  });

  it("is recognised by --protocol auto (owned_by vllm): token_id names, the local large model's transcript, exact request bytes", async () => {
    const {backend, runs} = await remote(vllm.url, "auto");
    expect(backend.server).toBe("vllm");
    expect(backend.protocol).toBe("openai");
    expect(backend.info.name).toBe("stories260K");
    expectSameAsLocal(runs);
    expectBytesOfProtocol(runs);
  });

  it("the paper's whole-text protocol: simulated request bytes are the text bodies sent", async () => {
    const {runs} = await remote(vllm.url, "openai-text");
    expectBytesOfProtocol(runs);
  });
});

describe("llama-server's /completion", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await spawnLlamaServer(tiny.large());
    closers.push(() => server.stop());
  });

  it("simulated request bytes are the bodies sent (its replies add ~2 kB of settings and timings)", async () => {
    const {backend, runs} = await remote(server.url, "llama");
    expect(backend.server).toBe("llama.cpp");
    expectBytesOfProtocol(runs);
  });
});
