import http from "node:http";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {encodeSessionRequest, SESSION_BINARY_TYPE} from "../../src/wire/sessionBinary.ts";
import {tiny} from "../support/helpers.ts";
import {spawnTlrServe, type ServerProcess} from "../support/spawn.ts";

const TOKEN = "s3cret-token";
const LIMIT = 64 * 1024;
let server: ServerProcess;

beforeAll(async () => {
  server = await spawnTlrServe(tiny.large(), ["--token", TOKEN, "--max-body-bytes", String(LIMIT)]);
});
afterAll(async () => {
  await server?.stop();
});

interface Answer {
  status: number;
  body: {error?: {code: string; message: string}} & Record<string, unknown>;
}

/** A raw request through Node's http (bodies of any size and shape, any headers). */
function send(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {authorization: `Bearer ${TOKEN}`}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, {method, headers: {"content-type": "application/json", ...headers}}, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({status: res.statusCode!, body: JSON.parse(text)}));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const post = (body: unknown, headers?: Record<string, string>) => send("POST", "/session/next", JSON.stringify(body), headers);

/** A 4xx with a one-line message naming the problem. */
function expectClientError(a: Answer, status: number, code: string, message: RegExp) {
  expect(a.status).toBe(status);
  expect(a.body.error?.code).toBe(code);
  expect(a.body.error?.message).toMatch(message);
  expect(a.body.error?.message).not.toContain("\n");
}

describe("malformed requests to tlr serve: a 4xx with a clear message, and the server stays up", () => {
  it("answers the health check without a token", async () => {
    expect(await send("GET", "/", undefined, {})).toEqual({status: 200, body: {status: "ok", service: "tlr serve"}});
  });

  it("a missing or wrong bearer token", async () => {
    expectClientError(await post({session: "a", keep: 0, ids: [1]}, {}), 401, "unauthorized", /missing or wrong bearer token: send Authorization: Bearer <token>/);
    expectClientError(await post({session: "a", keep: 0, ids: [1]}, {authorization: "Bearer nope"}), 401, "unauthorized", /bearer token/);
    expectClientError(await send("GET", "/info", undefined, {}), 401, "unauthorized", /bearer token/);
  });

  it("a body that is not declared as JSON (or the binary session request): 415, not parsed anyway", async () => {
    const auth = {authorization: `Bearer ${TOKEN}`};
    const good = JSON.stringify({session: "0123456789abcdef", keep: 0, ids: [1]});
    expectClientError(await send("POST", "/session/next", good, {...auth, "content-type": "text/plain"}), 415, "unsupported-media-type", /^\/session\/next takes Content-Type: application\/json or application\/x-tlr-session, not text\/plain$/);
    expectClientError(await send("POST", "/v1/completions", JSON.stringify({prompt: [1]}), {...auth, "content-type": "application/x-www-form-urlencoded"}), 415, "unsupported-media-type", /^\/v1\/completions takes Content-Type: application\/json, not application\/x-www-form-urlencoded$/);
    expectClientError(await send("POST", "/session/close", "{}", {...auth, "content-type": ""}), 415, "unsupported-media-type", /not none$/);
    const ok = await send("POST", "/session/next", good, {...auth, "content-type": "Application/JSON; charset=utf-8"});
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });

  it("bad JSON", async () => {
    expectClientError(await send("POST", "/session/next", '{"session": "a", "keep": 0, "ids": [1,'), 400, "bad-json", /not valid JSON/);
  });

  it("a huge body is refused before it is read", async () => {
    const huge = JSON.stringify({session: "a", keep: 0, ids: Array.from({length: 200_000}, () => 1)});
    expect(huge.length).toBeGreaterThan(LIMIT);
    expectClientError(await send("POST", "/session/next", huge), 413, "body-too-large", new RegExp(`exceeds the server's limit of ${LIMIT} bytes`));
  });

  it("a malformed binary session request, and out-of-vocabulary ids in a good one", async () => {
    const headers = {authorization: `Bearer ${TOKEN}`, "content-type": SESSION_BINARY_TYPE};
    const good = encodeSessionRequest("00112233445566aa", 0, [1, 300, 301]);
    expectClientError(await send("POST", "/session/next", good.subarray(0, 6), headers), 400, "bad-request", /shorter than its 9-byte header/);
    // One varint after the batch schedule is an optional `top`; anything after it is refused.
    expectClientError(await send("POST", "/session/next", Buffer.concat([good, Buffer.from([7, 0])]), headers), 400, "bad-request", /1 bytes follow the request/);
    expectClientError(await send("POST", "/session/next", encodeSessionRequest("00112233445566aa", 0, [1, 99999]), headers), 400, "bad-token", /99999/);
    const ok = await send("POST", "/session/next", good, headers);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({token: expect.any(Number)});
  });

  it("an unknown session", async () => {
    expectClientError(await post({session: "never-seen", keep: 5, ids: [300]}), 404, "unknown-session", /session never-seen is not held .* resend the whole prefix with keep 0/);
  });

  it("out-of-vocabulary ids, in sessions and in /v1/completions", async () => {
    expectClientError(await post({session: "a", keep: 0, ids: [1, 403, 512]}), 400, "bad-token", /ids\[2\]: token id 512 is outside the model's vocabulary of 512 ids/);
    const c = await send("POST", "/v1/completions", JSON.stringify({prompt: [1, 99999], max_tokens: 1, temperature: 0}));
    expectClientError(c, 400, "bad-token", /prompt\[1\]: token id 99999 is outside/);
  });

  it("fields of the wrong type or shape, named", async () => {
    expectClientError(await post({session: "a", keep: -1, ids: [1]}), 400, "bad-request", /^keep: /);
    expectClientError(await post({session: "a", keep: 0, ids: [1, 2.5]}), 400, "bad-request", /^ids\[1\]: /);
    expectClientError(await post({session: "a b", keep: 0, ids: [1]}), 400, "bad-request", /^session: session must be 1–64 letters/);
    expectClientError(await post({session: "a", keep: 0, ids: [1, 2], batches: [1]}), 400, "bad-request", /^batches: batches must sum to the number of ids/);
    expectClientError(await post({session: "a", keep: 0, ids: [1], extra: true}), 400, "bad-request", /extra/);
    expectClientError(await post({session: "a", keep: 0, ids: []}), 400, "bad-request", /keep \+ ids must hold at least one token/);
    expectClientError(await send("POST", "/v1/completions", JSON.stringify({prompt: [1], temperature: 0.7})), 400, "bad-request", /temperature: tlr serve decodes greedily/);
  });

  it("a transcript longer than the context", async () => {
    expectClientError(await post({session: "long", keep: 0, ids: Array.from({length: 600}, () => 300)}), 400, "context-full", /600 tokens exceed the model's context of 512 tokens/);
  });

  it("unknown endpoints and methods", async () => {
    expectClientError(await send("GET", "/nope"), 404, "not-found", /no endpoint GET \/nope/);
    expectClientError(await send("GET", "/session/next"), 405, "method-not-allowed", /takes POST/);
  });

  it("is still up and answers correctly after all of the above", async () => {
    const a = await post({session: "after", keep: 0, ids: [1, 403, 407, 261, 378]});
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({token: expect.any(Number), top: expect.any(Array)});
    expect(server.proc.exitCode).toBeNull();
    expect(server.log()).not.toMatch(/internal error/);
  });
});
