import {describe, expect, it} from "vitest";
import {SESSION_PROTOCOL} from "../../src/index.ts";
import {SessionMirror} from "../../src/models/remote/SessionMirror.ts";
import {decodeSessionRequest, encodeSessionRequest, type SessionCall} from "../../src/wire/sessionBinary.ts";
import {SessionNextRequest, SessionTurnReply, sessionTurnReplyBody} from "../../src/wire/sessionWire.ts";

const SESSION = "0123456789abcdef";

describe("session requests for turns and verification (version 2)", () => {
  const calls: SessionCall[] = [
    {mode: "next"},
    {mode: "span", max: 8, stopIds: [2]},
    {mode: "stitch", max: 32, sigma: 0.8, stopIds: [2, 300]},
    {mode: "verify", drafts: 3},
  ];
  for (const call of calls) {
    it(`${call.mode}: round-trips through the binary body and validates as the JSON route does`, () => {
      const body = encodeSessionRequest(SESSION, 5, [10, 200, 3000, 7], [1, 3], call, 9);
      expect(body[0]).toBe(2);
      const decoded = decodeSessionRequest(body);
      expect(decoded).toEqual({session: SESSION, keep: 5, ids: [10, 200, 3000, 7], batches: [1, 3], call, seq: 9});
      expect(SessionNextRequest.safeParse(decoded).success).toBe(true);
    });
  }

  it("a plain request stays version 1, byte for byte what the token policy always sent", () => {
    const v1 = encodeSessionRequest(SESSION, 3, [1, 2]);
    expect(v1[0]).toBe(1);
    expect(v1.length).toBe(1 + 8 + 1 + 1 + 2 + 1);
    expect(SESSION_PROTOCOL.requestBytes([1, 2], {transcript: [9, 9, 9, 1, 2], known: 3})).toBe(v1.length);
    // A span costs its mode, max, stop ids and request number on top.
    expect(SESSION_PROTOCOL.requestBytes([1, 2], {transcript: [9, 9, 9, 1, 2], known: 3, call: {mode: "span", max: 4, stopIds: [2]}})).toBe(v1.length + 1 + 1 + 1 + 1 + 1);
  });

  it("refuses a verification with more drafts than ids, and a truncated version-2 body", () => {
    expect(SessionNextRequest.safeParse({session: SESSION, keep: 0, ids: [1], call: {mode: "verify", drafts: 2}}).success).toBe(false);
    const body = encodeSessionRequest(SESSION, 0, [1, 2], undefined, {mode: "span", max: 4, stopIds: [2]});
    expect(() => decodeSessionRequest(body.subarray(0, body.length - 2))).toThrow(/^the application\/x-tlr-session body is malformed: /);
  });

  it("a turn's reply carries each written token; a verification's the accepted count", () => {
    const steps = [{token: 5, top: [{id: 5, logprob: -0.1}]}, {token: 6, top: [{id: 6, logprob: -0.25}, {id: 1, logprob: -2}]}];
    expect(SessionTurnReply.parse(JSON.parse(sessionTurnReplyBody(steps)))).toEqual({steps: [{token: 5, top: [[5, -0.1]]}, {token: 6, top: [[6, -0.25], [1, -2]]}]});
    expect(JSON.parse(sessionTurnReplyBody(steps, 1)).accepted).toBe(1);
  });
});

describe("the session mirror (several requests in flight)", () => {
  it("plans with explicit batches against the state earlier requests leave, and keeps whole batches only", () => {
    const m = new SessionMirror();
    const prompt = [1, 2, 3, 4];
    const first = m.plan(prompt, [], {mode: "next"});
    expect(first).toEqual({keep: 0, ids: prompt, batches: [4], call: {mode: "next"}});
    m.apply(first, [7]);
    expect(m).toMatchObject({tokens: [1, 2, 3, 4, 7], held: [1, 2, 3, 4], ends: [4]});
    // A span of 3 written tokens: the first two fed back one batch each.
    const span = m.plan([1, 2, 3, 4, 7, 8], [4], {mode: "span", max: 3, stopIds: []});
    expect(span).toMatchObject({keep: 4, ids: [7, 8], batches: [2]});
    m.apply(span, [9, 10, 11]);
    expect(m).toMatchObject({tokens: [1, 2, 3, 4, 7, 8, 9, 10, 11], held: [1, 2, 3, 4, 7, 8, 9, 10], ends: [4, 6, 7, 8]});
    // Back to a point inside the span: only whole batches stay (ends 4 and 6), the rest is sent again.
    const back = m.plan([1, 2, 3, 4, 7, 8, 9, 12], [4, 6, 7], {mode: "next"});
    expect(back).toEqual({keep: 7, ids: [12], batches: [1], call: {mode: "next"}});
  });

  it("a void request taken as sent, its reply unknown: the next request keeps only what the server holds whatever it wrote", () => {
    const m = new SessionMirror();
    m.apply(m.plan([1, 2, 3, 4], [], {mode: "next"}), [7]);
    // A span whose reply is not awaited: its written tokens are unknown, its own tokens and batches are not.
    const voidSpan = m.plan([1, 2, 3, 4, 7, 8], [4], {mode: "span", max: 3, stopIds: []});
    m.applyUnanswered(voidSpan);
    expect(m).toMatchObject({tokens: [1, 2, 3, 4, 7, 8], held: [1, 2, 3, 4, 7, 8], ends: [4, 6]});
    // The same transcript again (the guess failed later): at most the batch that ends at 6 is kept, never a written token.
    expect(m.plan([1, 2, 3, 4, 7, 8, 5], [4, 6], {mode: "next"})).toEqual({keep: 6, ids: [5], batches: [1], call: {mode: "next"}});
    expect(m.plan([1, 2, 3, 4, 9], [4], {mode: "next"})).toEqual({keep: 4, ids: [9], batches: [1], call: {mode: "next"}});
  });
});
