import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {
  createRouter,
  decode,
  encodePrompt,
  loadPair,
  replayTimeline,
  summarizeRecords,
  type DecodeOptions,
  type DecodeResult,
  type ModelPair,
  type RouterSpec,
  type TokenRecord,
} from "../../src/index.ts";
import {toy} from "../helpers.ts";
import {toyPrompts} from "../remote/toy.ts";

const QUESTIONS = 12;
let pair: ModelPair;
let prompts: number[][];

beforeAll(async () => {
  pair = await loadPair({small: {path: toy.small(), gpu: false}, large: {path: toy.large(), gpu: false}});
  prompts = toyPrompts(QUESTIONS).map((p) => encodePrompt(pair.small.tokenizer, p));
});
afterAll(async () => pair?.dispose());

function run(q: number, router: RouterSpec, threshold: number, extra: Partial<DecodeOptions> = {}): Promise<DecodeResult> {
  return decode({
    prompt: prompts[q]!,
    small: pair.small,
    large: pair.large,
    tokenizer: pair.small.tokenizer,
    router: createRouter(router),
    threshold,
    maxTokens: 200,
    key: `q${q}`,
    sharedVocabSize: pair.vocabulary.sharedSize,
    network: {rttMs: 170, upMbps: 20, downMbps: 100, jitterMs: 30, seed: 3},
    ...extra,
  });
}

/** The accounting decoding did before policies: one clock, advanced by each token's small + router + large + network. */
function legacyClock(records: readonly TokenRecord[]): number[] {
  let clock = 0;
  return records.map((r) => (clock += r.smallMs + r.routerMs + r.largeMs + r.netMs));
}

describe("the token policy on the timeline", () => {
  it("gives every token's tMs and the run's latency figures exactly as the pre-policy accounting did (bit for bit)", async () => {
    let routed = 0;
    for (let q = 0; q < QUESTIONS; q++) {
      for (const [router, threshold] of [[{kind: "max-prob"}, 0.9], [{kind: "max-prob"}, 0.999], [{kind: "oracle"}, 0.5], [{kind: "random", seed: 1}, 0.1]] as const) {
        const r = await run(q, router, threshold);
        routed += r.stats.largeCalls;
        expect(r.records.map((x) => x.tMs)).toEqual(legacyClock(r.records));
        const legacy = summarizeRecords(r.records, r.stats.stopReason, r.stats.wallMs);
        expect(r.stats).toEqual(legacy);
        // One request per routed token, and the log holds exactly the records' costs.
        expect(r.stats.largeCalls).toBe(r.stats.largeTokens);
        expect(r.policy).toBe("token");
      }
    }
    expect(routed).toBeGreaterThan(50);
  });

  it("the discrete-event replay of the same logs agrees with the serial sum", async () => {
    for (let q = 0; q < 4; q++) {
      const r = await run(q, {kind: "max-prob"}, 0.999);
      const simulated = replayTimeline(r.events, {network: {rttMs: 170, upMbps: 20, downMbps: 100}, simulate: true});
      simulated.ready.forEach((t, i) => expect(t).toBeCloseTo(r.records[i]!.tMs, 6));
      expect(simulated.totalMs).toBeCloseTo(r.stats.totalMs, 6);
    }
  });
});
