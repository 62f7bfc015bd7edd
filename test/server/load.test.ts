import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {connectRemote, encodePrompt, LocalModel, type RemoteBackend, type Token, type TokenModel, type WireUse} from "../../src/index.ts";
import {tiny} from "../support/helpers.ts";
import {spawnTlrServe, type ServerProcess} from "../support/spawn.ts";

const CLIENTS = 8;
const STEPS = 200;
const ROUNDS = 4;
const PROMPTS = ["Once upon a time", "Lily wanted to", "The big dog", "Tom saw a", "One day, a little", "The sun was", "Sara and Ben", "There was a cat"];

/** Greedy decoding of the large model alone, one routed step per token: every step is a request. */
async function greedy(model: TokenModel, prompt: readonly Token[], steps: number): Promise<{ids: Token[]; wire: WireUse[]}> {
  const transcript = [...prompt];
  const wire: WireUse[] = [];
  for (let i = 0; i < steps; i++) {
    const r = await model.next(transcript);
    if (r.wire) wire.push(r.wire);
    transcript.push(r.prediction.token);
  }
  return {ids: transcript.slice(prompt.length), wire};
}

describe("tlr serve under a bounded load on loopback", () => {
  let server: ServerProcess;
  let backend: RemoteBackend;
  let prompts: Token[][];
  let reference: Token[][];

  beforeAll(async () => {
    const local = await LocalModel.load({path: tiny.large(), threads: 1, gpu: false});
    try {
      prompts = PROMPTS.map((t) => encodePrompt(local.tokenizer, t));
      // What each client must get: the same model in-process, from a clean state.
      reference = [];
      for (const p of prompts) {
        await local.reset();
        reference.push((await greedy(local, p, STEPS)).ids);
      }
    } finally {
      await local.dispose();
    }
    server = await spawnTlrServe(tiny.large(), ["--max-sessions", String(CLIENTS)]);
    backend = await connectRemote({url: server.url, maxInFlight: CLIENTS});
  });
  afterAll(async () => {
    backend?.dispose();
    await server?.stop();
  });

  it(`${CLIENTS} concurrent clients × ${STEPS} steps: no errors, each transcript equals its solo run, memory bounded`, async () => {
    // Solo: one client at a time.
    const solo: Token[][] = [];
    for (const p of prompts) {
      const m = backend.createModel();
      solo.push((await greedy(m, p, STEPS)).ids);
      await m.dispose();
    }
    expect(solo).toEqual(reference);
    const afterSolo = server.memory();

    // Rounds of all clients at once. Clients of odd rounds close their sessions; those of even
    // rounds abandon them (as a crashed device would), so the server must evict to make room.
    const rss: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const models = prompts.map(() => backend.createModel());
      const runs = await Promise.all(prompts.map((p, i) => greedy(models[i]!, p, STEPS)));
      if (round % 2) await Promise.all(models.map((m) => m.dispose()));
      runs.forEach((r, i) => {
        expect(r.ids, `client ${i}, round ${round}`).toEqual(solo[i]);
        expect(r.wire).toHaveLength(STEPS);
        expect(r.wire.every((w) => w.requests === 1 && w.retries === 0 && w.resends === 0)).toBe(true);
      });
      rss.push(server.memory().rssBytes);
    }
    const summary = `tlr serve RSS: after solo ${(afterSolo.rssBytes / 2 ** 20).toFixed(1)} MiB, after each round ${rss.map((x) => (x / 2 ** 20).toFixed(1)).join(", ")} MiB`;
    const info = (await (await fetch(`${server.url}/info`)).json()) as {sessions: {active: number; max: number}};
    expect(info.sessions.active).toBeLessThanOrEqual(CLIENTS);
    // Bounded: ≤ 8 tiny contexts on top of the solo phase's footprint, and no growth from round to round.
    expect(rss.at(-1)! - afterSolo.rssBytes, summary).toBeLessThan(64 * 2 ** 20);
    expect(rss.at(-1)! - rss[1]!, summary).toBeLessThan(8 * 2 ** 20);
    expect(server.proc.exitCode).toBeNull();
  });
});

describe("tlr serve evicts the least recently used session; its client resends without noticing", () => {
  let server: ServerProcess;
  afterAll(async () => {
    await server?.stop();
  });

  it("3 clients over 2 session slots: every step is answered, transcripts equal the solo runs, resends are counted", async () => {
    const local = await LocalModel.load({path: tiny.large(), threads: 1, gpu: false});
    const prompts = PROMPTS.slice(0, 3).map((t) => encodePrompt(local.tokenizer, t));
    const reference: Token[][] = [];
    for (const p of prompts) {
      await local.reset();
      reference.push((await greedy(local, p, 40)).ids);
    }
    await local.dispose();

    server = await spawnTlrServe(tiny.large(), ["--max-sessions", "2"]);
    const backend = await connectRemote({url: server.url});
    try {
      // Round-robin steps, so each client's session has been evicted by the time it asks again.
      const models = prompts.map(() => backend.createModel());
      const transcripts = prompts.map((p) => [...p]);
      let resends = 0;
      for (let step = 0; step < 40; step++) {
        for (const [i, m] of models.entries()) {
          const r = await m.next(transcripts[i]!);
          resends += r.wire!.resends;
          transcripts[i]!.push(r.prediction.token);
        }
      }
      transcripts.forEach((t, i) => expect(t.slice(prompts[i]!.length), `client ${i}`).toEqual(reference[i]));
      expect(resends).toBeGreaterThanOrEqual(39 * 3); // every step after the first found its session evicted
      const info = (await (await fetch(`${server.url}/info`)).json()) as {sessions: {active: number; evictions: number}};
      expect(info.sessions.active).toBe(2);
      expect(info.sessions.evictions).toBeGreaterThan(100);
    } finally {
      backend.dispose();
    }
  });
});

describe("tlr serve frees idle sessions", () => {
  let server: ServerProcess;
  afterAll(async () => {
    await server?.stop();
  });

  it("a session unused past --idle-seconds is freed; its client resends and gets the same tokens", async () => {
    server = await spawnTlrServe(tiny.large(), ["--idle-seconds", "0.3"]);
    const backend = await connectRemote({url: server.url});
    try {
      const local = await LocalModel.load({path: tiny.large(), threads: 1, gpu: false});
      const prompt = encodePrompt(local.tokenizer, PROMPTS[0]!);
      const reference = (await greedy(local, prompt, 12)).ids;
      await local.dispose();

      const m = backend.createModel();
      const transcript = [...prompt];
      let resends = 0;
      for (let step = 0; step < 12; step++) {
        if (step === 6) {
          await new Promise((r) => setTimeout(r, 800));
          const info = (await (await fetch(`${server.url}/info`)).json()) as {sessions: {active: number}};
          expect(info.sessions.active).toBe(0);
        }
        const r = await m.next(transcript);
        resends += r.wire!.resends;
        transcript.push(r.prediction.token);
      }
      expect(resends).toBe(1);
      expect(transcript.slice(prompt.length)).toEqual(reference);
    } finally {
      backend.dispose();
    }
  });
});
