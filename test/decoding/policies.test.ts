import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {
  createRouter,
  decode,
  encodePrompt,
  loadPair,
  parsePolicy,
  policyName,
  replayTimeline,
  sweepRuns,
  type DecodeOptions,
  type DecodeResult,
  type ModelPair,
  type RouterSpec,
  type TokenRecord,
} from "../../src/index.ts";
import {summarizeRecords} from "../../src/decoding/stats.ts";
import {toy} from "../support/helpers.ts";
import {toyPrompts} from "../support/toy.ts";

const QUESTIONS = 12;
let pair: ModelPair;
let prompts: number[][];

beforeAll(async () => {
  pair = await loadPair({small: {path: toy.small(), gpu: false}, large: {path: toy.large(), gpu: false}});
  prompts = toyPrompts(QUESTIONS).map((p) => encodePrompt(pair.small.tokenizer, p));
});
afterAll(async () => pair?.dispose());

/** One run from fresh model states, as `tlr generate` makes it (a state left by the previous run would make its steps free). */
async function run(q: number, router: RouterSpec, threshold: number, extra: Partial<DecodeOptions> = {}): Promise<DecodeResult> {
  await pair.small.reset();
  await pair.large.reset();
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

/** Tokens and the decisions behind them (no timings, no bytes: those differ between policies by design). */
const tokensOf = (r: DecodeResult) => ({transcript: r.transcript, sources: r.records.map((x) => x.source), stop: r.stats.stopReason});

describe("span and stitch", () => {
  it("span:1 and stitch with σ = 0 write exactly the token policy's tokens", async () => {
    for (let q = 0; q < 6; q++) {
      for (const threshold of [0.9, 0.999]) {
        const token = await run(q, {kind: "max-prob"}, threshold);
        for (const policy of [parsePolicy("span:1"), parsePolicy("stitch:0:8")]) {
          const other = await run(q, {kind: "max-prob"}, threshold, {policy});
          expect(tokensOf(other), `q${q} τ=${threshold} ${policyName(policy)}`).toEqual(tokensOf(token));
          expect(other.records.map((x) => [x.score, x.smallEvaluated, x.largeEvaluated])).toEqual(token.records.map((x) => [x.score, x.smallEvaluated, x.largeEvaluated]));
          expect(other.stats.largeCalls).toBe(token.stats.largeCalls);
        }
      }
    }
  });

  it("with always-large, span:k writes the large model's own greedy output in ⌈n/k⌉ requests", async () => {
    for (let q = 0; q < 4; q++) {
      const large = await run(q, {kind: "always-large"}, 0);
      for (const k of [2, 4, 8]) {
        const span = await run(q, {kind: "always-large"}, 0, {policy: parsePolicy(`span:${k}`)});
        expect(span.generated).toEqual(large.generated);
        expect(span.stats.largeCalls).toBe(Math.ceil(large.generated.length / k));
        expect(span.stats.uploadFraction).toBe(1);
      }
    }
  });

  it("a turn's catch-ups: the large model evaluates each token once, the small model catches up on a turn in one batch", async () => {
    let turns = 0;
    for (let q = 0; q < 6; q++) {
      const r = await run(q, {kind: "max-prob"}, 0.999, {policy: parsePolicy("span:4")});
      const P = r.promptLength;
      let largeSeen = 0;
      for (const [i, x] of r.records.entries()) {
        if (x.source === "large" && x.score === x.score) {
          // The turn's first token: a routed step. The large model catches up on everything since it last saw the transcript.
          expect(x.largeEvaluated).toBe(P + x.step - largeSeen);
          let m = 1;
          while (r.records[i + m]?.source === "large" && Number.isNaN(r.records[i + m]!.score)) m++;
          for (let j = 1; j < m; j++) expect(r.records[i + j]!.largeEvaluated).toBe(1);
          largeSeen = P + x.step + m - 1;
          // The small model's next prediction catches up on the whole turn in one batch.
          if (r.records[i + m]) expect(r.records[i + m]!.smallEvaluated).toBe(m);
          if (m > 1) turns++;
        }
      }
      expect(r.stats.largeEvaluated).toBe(largeSeen);
    }
    expect(turns).toBeGreaterThan(5);
  });

  it("stitch: the large model keeps the turn while unsure and hands back after its first confident token (or at the cap)", async () => {
    const sigma = 0.97, cap = 6;
    let long = 0;
    for (let q = 0; q < 8; q++) {
      const r = await run(q, {kind: "max-prob"}, 0.999, {policy: {kind: "stitch", sigma, cap}});
      for (let i = 0; i < r.records.length; i++) {
        const x = r.records[i]!;
        if (!(x.source === "large" && x.score === x.score)) continue;
        const turn = [x];
        while (r.records[i + turn.length]?.source === "large" && Number.isNaN(r.records[i + turn.length]!.score)) turn.push(r.records[i + turn.length]!);
        for (const t of turn.slice(0, -1)) expect(t.large!.maxProb).toBeLessThan(sigma);
        const last = turn.at(-1)!;
        const ended = i + turn.length === r.records.length;
        expect(last.large!.maxProb >= sigma || turn.length === cap || ended).toBe(true);
        if (turn.length > 1) long++;
        i += turn.length - 1;
      }
    }
    expect(long).toBeGreaterThan(0);
  });
});

describe("speculative decoding", () => {
  it("writes the large model's greedy output, verifying γ drafts per request (upload = tokens the large model scored)", async () => {
    let differing = 0, compared = 0, drafted = 0, rejected = 0;
    for (let q = 0; q < QUESTIONS; q++) {
      const large = await run(q, {kind: "always-large"}, 0);
      for (const gamma of [2, 4]) {
        const spec = await run(q, {kind: "always-small"}, 0, {policy: parsePolicy(`speculative:${gamma}`)});
        compared++;
        if (spec.generated.join() !== large.generated.join()) differing++;
        expect(spec.policy).toBe(`speculative:${gamma}`);
        expect(spec.stats.uploadFraction).toBe(1); // every token was written or scored by the large model
        expect(spec.stats.verified + spec.stats.largeTokens).toBe(spec.stats.generated);
        // Each request verifies at most γ drafts and adds one token of the large model's own (unless the run ends on an accepted draft).
        expect(spec.stats.largeCalls - spec.stats.largeTokens).toBeGreaterThanOrEqual(0);
        expect(spec.stats.largeCalls - spec.stats.largeTokens).toBeLessThanOrEqual(1);
        expect(spec.stats.largeCalls).toBeLessThan(large.stats.largeCalls);
        for (const x of spec.records) if (x.verified) expect(x.id).toBe(x.large!.token);
        drafted += spec.stats.verified + spec.stats.discarded;
        rejected += spec.stats.discarded;
      }
    }
    // Batched verification computes the large model's logits in batches of γ, a different schedule from
    // token-by-token decoding (README, Batch schedules): a near-tie could flip. On the toy pair none does.
    expect({differing, compared}).toEqual({differing: 0, compared: 2 * QUESTIONS});
    expect(rejected).toBeGreaterThan(0);
    expect(drafted).toBeGreaterThan(rejected);
  });
});

/** Everything but timings: what a swept run must share with an independent one. */
function untimed(r: DecodeResult) {
  return {
    transcript: r.transcript,
    text: r.text,
    records: r.records.map(({smallMs: _a, largeMs: _b, probeMs: _c, routerMs: _d, tMs: _e, ...rest}) => rest),
    // speculativeSteps is the timeline's estimate of an optimistic device's thrown-away steps, priced at the measured step times.
    stats: (({ttftMs: _a, tbtMs: _b, smallMs: _c, largeMs: _d, routerMs: _e, totalMs: _f, wallMs: _g, speculativeSteps: _h, ...rest}) => rest)(r.stats),
    events: r.events.filter((e) => e.type !== "small" && e.type !== "router" && e.type !== "large" && e.type !== "probe" && e.type !== "guess"),
  };
}

describe("exact sweeps for every policy", () => {
  it("each threshold of a memoised sweep equals an independent run, for span, stitch, optimistic and speculative", async () => {
    const thresholds = [0.5, 0.9, 0.99, 0.999];
    let shared = 0;
    for (const text of ["span:4", "stitch:0.97:6", "token+optimistic", "span:3+optimistic", "speculative:3"]) {
      const policy = parsePolicy(text);
      const router = createRouter(policy.kind === "speculative" ? "always-small" : "max-prob");
      for (let q = 0; q < 5; q++) {
        const common = {prompt: prompts[q]!, small: pair.small, large: pair.large, tokenizer: pair.small.tokenizer, router, maxTokens: 200, key: `q${q}`, sharedVocabSize: pair.vocabulary.sharedSize, policy};
        const swept = await sweepRuns({...common, thresholds});
        shared += swept.runs.reduce((s, r) => s + r!.stats.smallEvaluated, 0) - swept.work.small.evaluated;
        for (const [i, threshold] of thresholds.entries()) {
          await pair.small.reset();
          await pair.large.reset();
          const alone = await decode({...common, threshold});
          expect(untimed(swept.runs[i]!), `${text} q${q} τ=${threshold}`).toEqual(untimed(alone));
        }
      }
    }
    expect(shared).toBeGreaterThan(0); // the memo saved evaluations
  });
});

describe("optimistic continuation", () => {
  it("changes only latency: tokens, records, upload and bytes are those of the policy without it", async () => {
    let faster = 0, agreed = 0, disagreed = 0;
    for (const base of ["token", "span:4", "stitch:0.97:6"]) {
      for (let q = 0; q < QUESTIONS; q++) {
        for (const threshold of [0.9, 0.99, 0.999]) {
          const plain = await run(q, {kind: "max-prob"}, threshold, {policy: parsePolicy(base)});
          const optimistic = await run(q, {kind: "max-prob"}, threshold, {policy: parsePolicy(`${base}+optimistic`)});
          const {events: _a, ...a} = untimed(optimistic);
          const {events: _b, ...b} = untimed(plain);
          expect(a, `${base} q${q} τ=${threshold}`).toEqual(b);
          expect(optimistic.policy).toBe(`${policyName(parsePolicy(base))}+optimistic`);
          for (const e of optimistic.events) if (e.type === "reply") (e.agreed ? agreed++ : disagreed++);
          if (optimistic.stats.totalMs < plain.stats.totalMs) faster++;
          // A token is final no earlier than it was computed in order: ready times never decrease.
          optimistic.records.forEach((x, i) => i > 0 && expect(x.tMs).toBeGreaterThanOrEqual(optimistic.records[i - 1]!.tMs));
        }
      }
    }
    expect(agreed).toBeGreaterThan(0);
    expect(disagreed).toBeGreaterThan(0);
    expect(faster).toBeGreaterThan(0);
  });
});
