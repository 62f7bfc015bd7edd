import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {tiny} from "../support/helpers.ts";
import {freePort, spawnTlrServe, type ServerProcess} from "../support/spawn.ts";
import {tlr} from "../support/run.ts";

function expectOneLineError(run: {code: number | null; stderr: string}, pattern: RegExp) {
  expect(run.code, run.stderr).toBe(2);
  const lines = run.stderr.trimEnd().split("\n").filter((l) => !l.startsWith("tlr: warning"));
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tlr: error: /);
  expect(lines[0]).toMatch(pattern);
}

let server: ServerProcess;
beforeAll(async () => {
  server = await spawnTlrServe(tiny.large(), ["--token", "cli-secret"]);
});
afterAll(async () => {
  await server?.stop();
});

const args = (large: string) => ["generate", "--small", tiny.small(), "--large", large, "--router", "random", "--threshold", "0.4", "--seed", "2", "--max-tokens", "30", "--prompt", "The big dog"];

describe("tlr generate --large URL", () => {
  it("gives the same text as the local large model, and reports measured traffic (key from TLR_API_KEY)", async () => {
    const [local, remote, human] = await Promise.all([
      tlr([...args(tiny.large()), "--json"]),
      tlr([...args(server.url), "--json"], {env: {TLR_API_KEY: "cli-secret"}}),
      tlr([...args(server.url), "--api-key", "cli-secret"]),
    ]);
    expect(local.code, local.stderr).toBe(0);
    expect(remote.code, remote.stderr).toBe(0);
    const l = JSON.parse(local.stdout), r = JSON.parse(remote.stdout);
    expect(r.text).toBe(l.text);
    expect(r.generated).toEqual(l.generated);
    expect(r.run.large).toMatchObject({source: `${server.url}/`, name: "stories260K", vocabSize: 512, contextSize: 512});
    expect(r.stats.wire.requests).toBe(r.stats.largeCalls);
    expect(r.stats.wire.bodyBytesUp).toBe(r.stats.bytesUp);
    expect(l.stats.wire).toBeUndefined();
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/measured: \d+ requests · up \d+ B · down \d+ B \(bodies \d+ \/ \d+\) · HTTP/);
  });

  it("a server that wants a token, without one: one line saying how to give it", async () => {
    expectOneLineError(await tlr(args(server.url)), /HTTP 401: missing or wrong bearer token.*give the server's token with --api-key or TLR_API_KEY/);
  });

  it("nothing listening: one line naming the URL, after the retries", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    expectOneLineError(await tlr([...args(url), "--retries", "1"]), new RegExp(`${url}/: connection refused \\(is the server running\\?\\) \\(gave up after 2 attempts\\)`));
  });

  it("a protocol the server does not speak", async () => {
    expectOneLineError(await tlr([...args(server.url), "--api-key", "cli-secret", "--protocol", "llama"]), /is not llama-server \(no \/props\): use --protocol session/);
  });
});

describe("tlr serve: bad input is one line and exit code 2", () => {
  it("a missing model file", async () => {
    expectOneLineError(await tlr(["serve", "--model", "/nonexistent/large.gguf"]), /model file not found: \/nonexistent\/large.gguf/);
  });

  it("a port in use", async () => {
    expectOneLineError(await tlr(["serve", "--model", tiny.large(), "--port", String(server.port)]), new RegExp(`port ${server.port} on 127.0.0.1 is in use: pick another with --port`));
  });
});
