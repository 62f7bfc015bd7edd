import {describe, expect, it} from "vitest";
import {SESSION_PROTOCOL, type Prediction, type TokenRecord} from "../../src/index.ts";
import {summarizeRecords} from "../../src/decoding/stats.ts";
import {transferMs} from "../../src/decoding/networkModel.ts";
import {markText} from "../../src/cli/render.ts";

const p: Prediction = {token: 7, top: [{id: 7, logprob: -0.1234567}, {id: 9, logprob: -2.5}], maxProb: 0.88, margin: 0.8, entropy: 0.4, entropyExact: true};

function rec(step: number, source: "small" | "large", extra: Partial<TokenRecord> = {}): TokenRecord {
  return {
    step, id: 7, piece: "x", source, score: 0.5, small: p, large: source === "large" ? p : null,
    smallEvaluated: 1, largeEvaluated: source === "large" ? 2 : 0, smallMs: 2, largeMs: source === "large" ? 5 : 0,
    probeMs: 0, routerMs: 0, netMs: source === "large" ? 170 : 0, bytesUp: source === "large" ? 40 : 0,
    bytesDown: source === "large" ? 60 : 0, tMs: 0, ...extra,
  };
}

describe("network model and byte accounting", () => {
  it("charges one round trip plus both payloads at their bandwidths", () => {
    expect(transferMs({rttMs: 170, upMbps: 8, downMbps: 80}, 1000, 10000)).toBeCloseTo(170 + 1 + 1, 9);
    expect(transferMs({rttMs: 0, upMbps: 1, downMbps: 1}, 125, 0)).toBeCloseTo(1, 9);
  });

  it("counts the session protocol's bytes as its bodies (those tlr serve's clients send)", () => {
    // Binary request: version, 8-byte session id, then varints: keep, count, ids (1 byte below 128, 2 below 16384), batch count.
    expect(SESSION_PROTOCOL.requestBytes([1, 22, 333])).toBe(1 + 8 + 1 + 1 + (1 + 1 + 2) + 1);
    const known = {transcript: [1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 22, 333], known: 11};
    expect(SESSION_PROTOCOL.requestBytes([22, 333], known)).toBe(1 + 8 + 1 + 1 + (1 + 2) + 1);
    expect(SESSION_PROTOCOL.replyBytes(p)).toBe('{"token":7,"top":[[7,-0.123457],[9,-2.5]]}'.length);
    // More unseen ids cost more bytes.
    expect(SESSION_PROTOCOL.requestBytes([1, 2, 3, 4])).toBeGreaterThan(SESSION_PROTOCOL.requestBytes([1]));
  });
});

describe("summarizeRecords", () => {
  it("derives the run's figures from its records", () => {
    const records = [rec(0, "small", {tMs: 10}), rec(1, "large", {tMs: 187}), rec(2, "small", {tMs: 189}), rec(3, "large", {tMs: 366})];
    const s = summarizeRecords(records, "eos", 12);
    expect(s).toMatchObject({generated: 4, largeTokens: 2, uploadFraction: 0.5, largeCalls: 2, probes: 0, ttftMs: 10, smallMs: 8, largeMs: 10, networkMs: 340, bytesUp: 80, bytesDown: 120, smallEvaluated: 4, largeEvaluated: 4, stopReason: "eos", wallMs: 12});
    expect(s.tbtMs).toBeCloseTo((366 - 10) / 3, 9);
    expect(s.totalMs).toBe(8 + 10 + 340);
  });

  it("counts oracle peeks that kept the small token as probes", () => {
    const s = summarizeRecords([rec(0, "small", {large: p, probeMs: 3})], "max-tokens", 1);
    expect(s.probes).toBe(1);
    expect(s.largeCalls).toBe(0);
  });
});

describe("marked text", () => {
  it("brackets runs of large tokens when piped and colours them on a terminal", () => {
    const r = (piece: string, source: "small" | "large") => ({piece, source});
    const records = [r("The", "small"), r(" cat", "large"), r(" sat", "large"), r(" down", "small"), r("", "large")];
    expect(markText(records, false)).toBe("The[ cat sat] down");
    expect(markText(records, true)).toBe("The\x1b[31m cat sat\x1b[0m down");
    expect(markText([r("a", "large")], false)).toBe("[a]");
  });
});
