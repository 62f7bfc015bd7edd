import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {connectRemote, createRouter, decode, encodePrompt, isRemoteError, LocalModel, type DecodeResult, type RemoteBackend, type Token} from "../../src/index.ts";
import {settleAll, type Settled} from "../../src/util/settleAll.ts";
import {type RetryPolicy} from "../../src/models/remote/retry.ts";
import {toy, toyPrompts} from "../support/toy.ts";
import {freePort, spawnTlrServe, type ServerProcess} from "../support/spawn.ts";

/*
 * A sweep-like loop: many questions through decode() with p-limit concurrency (settleAll), the
 * large model behind a real `tlr serve` that is killed (SIGKILL) and restarted mid-run. Each
 * question starts from a clean state (small model reset, a new session), so its tokens do not
 * depend on which worker ran it, or when.
 */
const N = 18;
const CONCURRENCY = 3;
const MAX_TOKENS = 100;
const THRESHOLD = 0.998; // routes about a fifth of the toy small model's tokens

let smalls: LocalModel[];
let prompts: Token[][];
let port: number;
const running: ServerProcess[] = [];

beforeAll(async () => {
  smalls = await Promise.all(Array.from({length: CONCURRENCY}, () => LocalModel.load({path: toy.small, threads: 1, gpu: false})));
  prompts = toyPrompts(N).map((t) => encodePrompt(smalls[0]!.tokenizer, t));
  port = await freePort();
});
afterAll(async () => {
  await Promise.all(running.map((s) => s.kill()));
  await Promise.all((smalls ?? []).map((s) => s.dispose()));
});

async function startServer(): Promise<ServerProcess> {
  const s = await spawnTlrServe(toy.large, ["--port", String(port)]);
  running.push(s);
  return s;
}

/** Runs every question; `gate(i)` may hold question i back; `onSettled` sees rows as they finish. */
function sweep(backend: RemoteBackend, onSettled: (row: Settled<DecodeResult>) => void, gate: (i: number) => Promise<void> = async () => {}) {
  const free = [...smalls];
  return settleAll(
    prompts,
    CONCURRENCY,
    async (prompt, i) => {
      await gate(i);
      const small = free.pop()!;
      const large = backend.createModel();
      try {
        await small.reset();
        return await decode({prompt, small, large, tokenizer: small.tokenizer, router: createRouter("max-prob"), threshold: THRESHOLD, maxTokens: MAX_TOKENS, key: String(i)});
      } finally {
        free.push(small);
        await large.dispose();
      }
    },
    onSettled,
  );
}

const connect = (retry: Partial<RetryPolicy>) => connectRemote({url: `http://127.0.0.1:${port}`, retry, timeoutMs: 5_000});

describe("the server killed and restarted in the middle of a sweep", () => {
  let baseline: Token[][];

  beforeAll(async () => {
    const server = await startServer();
    const backend = await connect({});
    const rows = await sweep(backend, () => {});
    backend.dispose();
    await server.stop();
    expect(rows.every((r) => r.ok)).toBe(true);
    baseline = rows.map((r) => (r.ok ? r.value.generated : []));
    const routed = rows.reduce((a, r) => a + (r.ok ? r.value.stats.largeTokens : 0), 0);
    expect(routed).toBeGreaterThan(N); // the sweep really talks to the server
  });

  it("back within the retry budget: every question completes, as if nothing happened, and finished rows are kept", async () => {
    let server = await startServer();
    const backend = await connect({retries: 10, minDelayMs: 100, maxDelayMs: 1000});
    const finished: Settled<DecodeResult>[] = [];
    let restarted: Promise<void> | undefined;
    const rows = await sweep(backend, (row) => {
      finished.push(row);
      if (finished.length === 5) {
        restarted = (async () => {
          await server.kill();
          await new Promise((r) => setTimeout(r, 300));
          server = await startServer();
        })();
      }
    });
    await restarted;
    backend.dispose();
    await server.stop();

    expect(rows).toHaveLength(N);
    for (const r of rows) expect(r.ok, r.ok ? "" : r.message).toBe(true);
    // Rows finished before the kill are in the results untouched.
    for (const row of finished.slice(0, 5)) expect(rows[row.index]).toBe(row);
    // The affected questions retried and rebuilt their sessions on the new server...
    const wire = rows.map((r) => (r.ok ? r.value.stats.wire : undefined));
    expect(wire.reduce((a, w) => a + (w?.retries ?? 0), 0)).toBeGreaterThan(0);
    expect(wire.reduce((a, w) => a + (w?.resends ?? 0), 0)).toBeGreaterThan(0);
    // ...and, replaying their batch schedule, produced exactly the uninterrupted tokens.
    rows.forEach((r, i) => expect(r.ok && r.value.generated, `question ${i}`).toEqual(baseline[i]));
  });

  it("down longer than the retry budget: affected questions are recorded with their error, the sweep goes on", async () => {
    let server = await startServer();
    const retry = {retries: 2, minDelayMs: 50, maxDelayMs: 100};
    const backend = await connect(retry);
    const finished: Settled<DecodeResult>[] = [];
    let back!: () => void;
    const serverBack = new Promise<void>((r) => (back = r));
    const LATE = 12; // questions from here on start after the restart (a sweep's later questions)
    const rows = await sweep(
      backend,
      (row) => {
        finished.push(row);
        if (finished.length === 5) void server.kill();
        // Restart once some questions have failed for good.
        if (!row.ok && finished.filter((r) => !r.ok).length === 1) {
          void (async () => {
            await new Promise((r) => setTimeout(r, 200));
            server = await startServer();
            back();
          })();
        }
      },
      (i) => (i >= LATE ? serverBack : Promise.resolve()),
    );
    backend.dispose();
    await server.stop();

    expect(rows).toHaveLength(N);
    for (const row of finished.slice(0, 5)) expect(rows[row.index]).toBe(row);
    const failed = rows.filter((r) => !r.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) {
      const e = (r as {error: unknown}).error;
      expect(isRemoteError(e), String(e)).toBe(true);
      if (!isRemoteError(e)) continue;
      expect(["refused", "reset"]).toContain(e.kind);
      expect(e.attempts).toBe(retry.retries + 1);
      expect(e.toJSON()).toMatchObject({kind: e.kind, url: expect.stringContaining(`127.0.0.1:${port}`), attempts: 3});
      expect(r.ok ? "" : r.message).toMatch(/gave up after 3 attempts/);
    }
    // Everything that did finish is right; all late questions finished.
    rows.forEach((r, i) => {
      if (r.ok) expect(r.value.generated, `question ${i}`).toEqual(baseline[i]);
    });
    expect(rows.slice(LATE).every((r) => r.ok)).toBe(true);
  });
});
