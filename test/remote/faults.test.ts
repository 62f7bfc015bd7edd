import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {connectRemote, createRouter, decode, encodePrompt, isRemoteError, LocalModel, RemoteError, type DecodeResult, type RemoteOptions, type RemoteProtocol} from "../../src/index.ts";
import {tiny} from "../support/helpers.ts";
import {freePort, spawnLlamaServer, spawnTlrServe, type ServerProcess} from "../support/spawn.ts";
import {startFaultProxy, type Fault} from "../support/faultProxy.ts";

const TIMEOUT_MS = 400;
const RETRY = {retries: 2, minDelayMs: 20, maxDelayMs: 50};

let small: LocalModel;
let tlrServer: ServerProcess;
let llamaServer: ServerProcess;

beforeAll(async () => {
  small = await LocalModel.load({path: tiny.small(), threads: 1, gpu: false});
  [tlrServer, llamaServer] = await Promise.all([spawnTlrServe(tiny.large(), ["--token", "tok"]), spawnLlamaServer(tiny.large())]);
});
afterAll(async () => {
  await small?.dispose();
  await Promise.all([tlrServer?.stop(), llamaServer?.stop()]);
});

async function run(options: RemoteOptions): Promise<DecodeResult> {
  const backend = await connectRemote({timeoutMs: TIMEOUT_MS, retry: RETRY, ...options});
  const large = backend.createModel();
  try {
    await small.reset();
    return await decode({
      prompt: encodePrompt(small.tokenizer, "Once upon a time"),
      small,
      large,
      tokenizer: small.tokenizer,
      router: createRouter({kind: "random", seed: 4}),
      threshold: 0.5,
      maxTokens: 40,
      key: "faults",
    });
  } finally {
    await large.dispose();
    backend.dispose();
  }
}

const servers = () => [
  {name: "tlr serve (sessions)", server: tlrServer, protocol: "session" as RemoteProtocol, apiKey: "tok"},
  {name: "llama-server (/completion)", server: llamaServer, protocol: "llama" as RemoteProtocol, apiKey: undefined},
];

describe("transient faults are retried with back-off and leave no trace in the tokens", () => {
  for (const which of [0, 1]) {
    it(`500, non-JSON, wrong shape, timeout and a dropped connection, each once (${which === 0 ? "tlr serve" : "llama-server"})`, async () => {
      const {server, protocol, apiKey} = servers()[which]!;
      const clean = await run({url: server.url, protocol, apiKey});
      const faults: Fault[] = ["status500", "garbage", "shape", "hang", "drop"];
      const proxy = await startFaultProxy(server.url, (n) => (n % 3 === 0 ? faults[n / 3 - 1] : undefined));
      try {
        const faulty = await run({url: proxy.url, protocol, apiKey});
        expect(proxy.faults).toEqual(faults);
        expect(faulty.generated).toEqual(clean.generated);
        expect(faulty.stats.wire!.retries).toBe(faults.length);
        expect(faulty.stats.wire!.requests).toBe(faulty.stats.largeCalls + faults.length);
        expect(faulty.stats.largeCalls).toBeGreaterThan(2 * faults.length);
      } finally {
        await proxy.close();
      }
    });
  }
});

describe("persistent faults: bounded retries, then a RemoteError the caller can record", () => {
  async function failure(options: RemoteOptions): Promise<{error: RemoteError; ms: number}> {
    const start = performance.now();
    const error = await run(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRemoteError(error), String(error)).toBe(true);
    return {error: error as RemoteError, ms: performance.now() - start};
  }

  const cases: [Fault, string, RegExp][] = [
    ["status500", "http", /answered HTTP 500: injected/],
    ["garbage", "malformed", /unusable body: the body is not JSON/],
    ["shape", "malformed", /unusable body: (missing field ")?(token|completion_probabilities)/],
    ["hang", "timeout", new RegExp(`no answer within ${TIMEOUT_MS} ms`)],
    ["drop", "reset", /closed mid-request/],
  ];
  for (const [fault, kind, message] of cases) {
    it(`${fault} on every request → kind "${kind}" after ${RETRY.retries + 1} attempts`, async () => {
      const proxy = await startFaultProxy(tlrServer.url, () => fault);
      try {
        const {error, ms} = await failure({url: proxy.url, apiKey: "tok"});
        expect(error.kind).toBe(kind);
        expect(error.attempts).toBe(RETRY.retries + 1);
        expect(proxy.posts).toBe(RETRY.retries + 1);
        expect(error.message).toMatch(message);
        expect(error.message).toMatch(/gave up after 3 attempts/);
        expect(ms).toBeLessThan(3 * TIMEOUT_MS + 2000); // bounded
      } finally {
        await proxy.close();
      }
    });
  }

  it("connection refused → kind refused (the connection attempt itself is retried too)", async () => {
    const {error} = await failure({url: `http://127.0.0.1:${await freePort()}`});
    expect(error.kind).toBe("refused");
    expect(error.attempts).toBe(RETRY.retries + 1);
    expect(error.message).toMatch(/connection refused \(is the server running\?\)/);
  });

  it("a missing token → kind rejected at once (a 4xx is not retried), saying what to do", async () => {
    const {error} = await failure({url: tlrServer.url});
    expect(error.kind).toBe("rejected");
    expect(error.status).toBe(401);
    expect(error.attempts).toBe(1);
    expect(error.message).toMatch(/HTTP 401.*give the server's token with --api-key or TLR_API_KEY/);
  });
});
