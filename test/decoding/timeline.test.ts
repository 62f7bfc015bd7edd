import {describe, expect, it} from "vitest";
import {OPTIMISTIC_WINDOW, PAPER_PROFILE, replayTimeline, type DecodeEvent, type NetworkModel} from "../../src/index.ts";
import {transferMs} from "../../src/decoding/networkModel.ts";

const net: NetworkModel = {rttMs: 100, upMbps: 8, downMbps: 80};
/** A routed token's request: 1000 bytes up (1 ms), 10000 down (1 ms). */
const request = (call: number, step: number, o: {guess?: number; agreed?: boolean; largeMs?: number; generated?: number} = {}): DecodeEvent[] => [
  {type: "request", call, kind: "next", step, ids: 3, bytesUp: 1000, netMs: transferMs(net, 1000, 10000), guess: o.guess ?? 0},
  {type: "large", call, evaluated: 3, generated: o.generated ?? 1, ms: o.largeMs ?? 20},
  {type: "reply", call, bytesDown: 10000, tokens: o.generated ?? 1, agreed: o.agreed ?? false},
];
const step = (ms = 10, routerMs = 0.5): DecodeEvent[] => [{type: "small", tokens: 1, ms}, {type: "router", ms: routerMs}];
const emit = (count = 1): DecodeEvent => ({type: "emit", count});

describe("the timeline", () => {
  // small 10, router 0.5 each step; step 1 routed: large 20, network 100 + 1 + 1.
  const log: DecodeEvent[] = [...step(), emit(), ...step(), ...request(0, 1), emit(), ...step(), emit()];

  it("a sequential run: each step's small + router + large + network, in order; overall is their sum", () => {
    const t = replayTimeline(log, {network: net});
    expect(t.ready).toEqual([10.5, 10.5 + (10 + 0.5 + 20 + 102), 10.5 + 132.5 + 10.5]);
    expect(t).toMatchObject({ttftMs: 10.5, smallMs: 30, routerMs: 1.5, largeMs: 20, networkMs: 102, totalMs: 30 + 1.5 + 20 + 102, speculativeSteps: 0});
    expect(t.tbtMs).toBeCloseTo((153.5 - 10.5) / 2, 12);
  });

  it("the discrete-event simulation of a sequential log agrees with the serial sum", () => {
    const serial = replayTimeline(log, {network: net});
    const simulated = replayTimeline(log, {network: net, simulate: true});
    simulated.ready.forEach((r, i) => expect(r).toBeCloseTo(serial.ready[i]!, 9));
    expect(simulated.totalMs).toBeCloseTo(serial.totalMs, 9);
  });

  it("optimistic, reply agrees: the device goes on; tokens are final when the reply is in", () => {
    const agreed: DecodeEvent[] = [...step(), emit(), ...step(), ...request(0, 1, {guess: 1, agreed: true}), emit(), ...step(), emit(), ...step(), emit()];
    const t = replayTimeline(agreed, {network: net, optimistic: true});
    const arrival = 21 + 0.5 * 0 + 1 + 50 + 20 + 50 + 1; // sent at 21, up 1 + 50, large 20, down 50 + 1
    expect(t.ready[1]).toBeCloseTo(arrival, 9);
    expect(t.ready[2]).toBeCloseTo(arrival, 9); // computed at 31.5 but waits for the reply before it
    expect(t.ready[3]).toBeCloseTo(arrival, 9);
    expect(t.totalMs).toBeCloseTo(arrival, 9);
    expect(t.smallMs).toBe(40);
    expect(t.speculativeSteps).toBe(0);
  });

  it("optimistic, reply disagrees: mean-priced steps until the reply, the one in progress finished, then the sequential run's", () => {
    const rest = Array.from({length: 30}, () => [...step(), emit()]).flat();
    const disagreed: DecodeEvent[] = [...step(), emit(), ...step(), ...request(0, 1, {guess: 1, agreed: false}), emit(), ...rest];
    const t = replayTimeline(disagreed, {network: net, optimistic: true});
    const arrival = 21 + 1 + 50 + 20 + 50 + 1;
    const phantoms = Math.ceil((arrival - 21) / 10.5); // 10: fewer than the 30 tokens left, and 10 × 1/32 requests per step send none
    expect(t.speculativeSteps).toBe(phantoms);
    expect(t.ready[1]).toBeCloseTo(21 + phantoms * 10.5, 9);
    expect(t.ready[2]).toBeCloseTo(21 + phantoms * 10.5 + 10.5, 9);
    expect(t.smallMs).toBeCloseTo(320 + phantoms * 10, 9);
  });

  it("optimistic, reply disagrees near the end: the device makes no more steps than the run has tokens left, then waits", () => {
    const disagreed: DecodeEvent[] = [...step(), emit(), ...step(), ...request(0, 1, {guess: 1, agreed: false}), emit(), ...step(), emit()];
    const t = replayTimeline(disagreed, {network: net, optimistic: true});
    const arrival = 21 + 1 + 50 + 20 + 50 + 1;
    expect(t.speculativeSteps).toBe(1); // 3 tokens: 1 final, 1 guessed, 1 left
    expect(t.ready[1]).toBeCloseTo(arrival, 9);
    expect(t.ready[2]).toBeCloseTo(arrival + 10.5, 9);
  });

  it("optimistic, a real run's record of a wrong guess: its steps replayed, its void request answered before the next real one", () => {
    const wasted: DecodeEvent = {type: "void", call: 0, steps: [10.5, 10.5], requests: [{after: 1, kind: "next", bytesUp: 1000, bytesDown: 10000, ms: 200}]};
    const log: DecodeEvent[] = [...step(), emit(), ...step(), ...request(0, 1, {guess: 1, agreed: false}), wasted, emit(), ...step(), ...request(1, 2, {guess: 1, agreed: true}), emit()];
    const t = replayTimeline(log, {network: net, optimistic: true});
    // Request 0 leaves at 21 and is back at 143. The device makes the two recorded steps (to 42),
    // sending the void request at 31.5: the server takes it at 92, after request 0, until 292.
    // From the reply (143) one step, then request 1 leaves at 153.5, reaches the server at 204.5
    // and waits for the void request: done at 312, back at 363.
    expect(t.speculativeSteps).toBe(2);
    expect(t.ready).toEqual([10.5, 143, 363].map((x) => expect.closeTo(x, 9)));
    expect(t.smallMs).toBeCloseTo(30 + 21, 9);
    // Without the record (a sequential run's log), the estimate: mean steps, 2 tokens left, 1 request per 3 steps.
    const estimated = replayTimeline(log.filter((e) => e.type !== "void"), {network: net, optimistic: true});
    expect(estimated.speculativeSteps).toBe(1);
    expect(estimated.ready.at(-1)).toBeCloseTo(143 + 10.5 + 51 + 20 + 51, 9);
  });

  it(`optimistic: at most OPTIMISTIC_WINDOW (${OPTIMISTIC_WINDOW}) requests in flight; the device waits for the oldest reply before its next step`, () => {
    const log: DecodeEvent[] = [];
    for (let k = 0; k <= OPTIMISTIC_WINDOW; k++) log.push(...step(1, 0), ...request(k, k, {guess: 1, agreed: true, largeMs: 0}), emit());
    const t = replayTimeline(log, {network: net, optimistic: true});
    // Request k leaves at k + 1 and is back at k + 103; the last one leaves only once the first is back (103), after its step: 104.
    expect(t.ready[OPTIMISTIC_WINDOW - 1]).toBeCloseTo(OPTIMISTIC_WINDOW - 1 + 103, 9);
    expect(t.ready[OPTIMISTIC_WINDOW]).toBeCloseTo(104 + 102, 9);
  });

  it("several requests in flight: the server answers a session's requests one at a time", () => {
    const two: DecodeEvent[] = [...step(), ...request(0, 0, {guess: 1, agreed: true, largeMs: 200}), emit(), ...step(), ...request(1, 1, {guess: 1, agreed: true, largeMs: 200}), emit()];
    const t = replayTimeline(two, {network: net, optimistic: true});
    const first = 10.5 + 51 + 200 + 51;
    // The second request reaches the server at 21 + 51 but waits for the first's 200 ms of compute.
    const second = 10.5 + 51 + 200 + 200 + 51;
    expect(t.ready[0]).toBeCloseTo(first, 9);
    expect(t.ready[1]).toBeCloseTo(second, 9);
  });

  it("a device profile replaces the measured compute; the network stays the run's", () => {
    const t = replayTimeline([{type: "small", tokens: 80, ms: 1}, {type: "router", ms: 0.1}, emit(), ...step(), ...request(0, 1, {generated: 4}), emit(4)], {network: net, profile: PAPER_PROFILE});
    expect(t.ready[0]).toBe(280 + 79 * 2);
    expect(t.largeMs).toBe(730 + 3 * 30);
    expect(t.totalMs).toBe(280 + 79 * 2 + 280 + 730 + 90 + 102);
    expect(t.ready.slice(1)).toEqual([t.totalMs, t.totalMs, t.totalMs, t.totalMs]);
  });
});
