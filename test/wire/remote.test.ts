import {describe, expect, it} from "vitest";
import {featuresFromLogits} from "../../src/core/featuresFromLogits.ts";
import {jitterMs} from "../../src/decoding/networkModel.ts";
import {predictionFromLogprobs} from "../../src/wire/logprobs.ts";
import {RemoteError} from "../../src/index.ts";
import {settleAll} from "../../src/util/settleAll.ts";
import {withRetries} from "../../src/models/remote/retry.ts";
import {fromLegacy, fromOpenAIReply, OpenAICompletionReply} from "../../src/wire/logprobs.ts";

describe("log-probability shapes", () => {
  // vLLM's legacy completions shape with return_tokens_as_token_ids (as documented by vLLM).
  const vllm = {
    choices: [{text: "", logprobs: {tokens: ["token_id:435"], token_logprobs: [-0.55], top_logprobs: [{"token_id:419": -2.02, "token_id:435": -0.55, "token_id:276": -2.58}], text_offset: [0]}}],
  };

  it("reads ids from vLLM's token_id names, whatever the order of top_logprobs", () => {
    const parsed = fromOpenAIReply(OpenAICompletionReply.parse(vllm));
    expect(parsed).toEqual({token: 435, top: [{id: 419, logprob: -2.02}, {id: 435, logprob: -0.55}, {id: 276, logprob: -2.58}]});
    const p = predictionFromLogprobs(parsed as Exclude<typeof parsed, string>, 10);
    expect(p.top.map((t) => t.id)).toEqual([435, 419, 276]);
    expect(p.maxProb).toBeCloseTo(Math.exp(-0.55), 12);
    expect(p.margin).toBeCloseTo(Math.exp(-0.55) - Math.exp(-2.02), 12);
  });

  it("refuses text tokens, saying which server option gives ids", () => {
    const reason = fromLegacy({tokens: [" the"], top_logprobs: [{" the": -0.1}]});
    expect(reason).toMatch(/tokens come as text \(" the"\), not ids: the server must support return_tokens_as_token_ids/);
  });

  it("derives the same features from top-K log-probabilities as the local backend from logits", () => {
    const logits = new Map([[7, 3.0], [2, 2.5], [9, 1.0], [4, 0.2]]);
    const z = [...logits.values()].reduce((a, l) => a + Math.exp(l - 3.0), 0) + 0.3; // the rest of the vocabulary
    const local = featuresFromLogits(7, logits, z, 3, false);
    const remote = predictionFromLogprobs({token: 7, top: local.top}, 3);
    expect(remote.maxProb).toBeCloseTo(local.maxProb, 12);
    expect(remote.margin).toBeCloseTo(local.margin, 12);
    expect(remote.top).toEqual(local.top);
  });
});

describe("bounded retries", () => {
  const policy = {retries: 3, minDelayMs: 1, maxDelayMs: 2, factor: 2};
  const transient = () => new RemoteError("refused", "http://x/", "http://x/: connection refused");

  it("retries transient failures and returns the first success", async () => {
    let calls = 0;
    const retried: string[] = [];
    const out = await withRetries(async () => (++calls < 3 ? Promise.reject(transient()) : "ok"), policy, (e) => retried.push(e.kind));
    expect(out).toBe("ok");
    expect(calls).toBe(3);
    expect(retried).toEqual(["refused", "refused"]);
  });

  it("gives up after retries + 1 attempts with the last error, counting them", async () => {
    let calls = 0;
    const error = await withRetries(async () => Promise.reject(++calls && transient()), policy).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).attempts).toBe(4);
    expect((error as RemoteError).message).toBe("http://x/: connection refused (gave up after 4 attempts)");
  });

  it("does not retry a 4xx, nor anything that is not a RemoteError", async () => {
    let calls = 0;
    const rejected = new RemoteError("rejected", "http://x/", "http://x/ refused the request: HTTP 400", {status: 400});
    await expect(withRetries(async () => Promise.reject(++calls && rejected), policy)).rejects.toBe(rejected);
    await expect(withRetries(async () => Promise.reject(++calls && new Error("bug")), policy)).rejects.toThrow("bug");
    expect(calls).toBe(2);
  });
});

describe("settleAll", () => {
  it("keeps input order, records errors, never exceeds the concurrency, reports rows as they finish", async () => {
    let running = 0, most = 0;
    const seen: number[] = [];
    const rows = await settleAll(
      [30, 5, 20, 1, 10],
      2,
      async (ms, i) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, ms));
        running--;
        if (i === 2) throw new Error("question 2 failed");
        return ms * 2;
      },
      (row) => seen.push(row.index),
    );
    expect(most).toBe(2);
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(rows.map((r) => (r.ok ? r.value : r.message))).toEqual([60, 10, "question 2 failed", 2, 20]);
    expect(seen).toHaveLength(5);
    expect(seen[0]).toBe(1); // the 5 ms task finished first
  });
});

describe("simulated network jitter", () => {
  it("is seeded: the same (seed, key, step) gives the same delay, within [0, jitter)", () => {
    const net = {rttMs: 100, upMbps: 10, downMbps: 10, jitterMs: 40, seed: 3};
    const a = Array.from({length: 50}, (_, s) => jitterMs(net, "q1", s));
    expect(Array.from({length: 50}, (_, s) => jitterMs(net, "q1", s))).toEqual(a);
    expect(a.every((x) => x >= 0 && x < 40)).toBe(true);
    expect(new Set(a).size).toBeGreaterThan(45);
    expect(jitterMs({...net, seed: 4}, "q1", 0)).not.toBe(a[0]);
    expect(jitterMs({rttMs: 100, upMbps: 10, downMbps: 10}, "q1", 0)).toBe(0);
  });
});
