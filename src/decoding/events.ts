/*
 * The event log of one run: what the device, the link and the server did, in the order a
 * sequential run did it. Tokens come from the transcript; latency comes from replaying this log
 * on one timeline (timeline.ts), with the measured compute times or a device profile's.
 *
 * A log is *sequential*: the device waits for each reply. Optimistic continuation is a way of
 * replaying it (timeline.ts), not a different log, which is why its tokens cannot differ. A real
 * optimistic run's log is the sequential one plus `void` events: what its device did in vain.
 */

/** What a request asks the large model for (and what its bytes encode: wire/sessionWire). */
export type CallKind = "next" | "span" | "stitch" | "verify";

export type DecodeEvent =
  /** The small model evaluated `tokens` tokens and predicted, on the device. */
  | {type: "small"; tokens: number; ms: number}
  /**
   * Small-model steps the sequential run made only to learn whether an optimistic device's guess
   * of a multi-token reply would have held (span + optimistic): not part of the sequential run's
   * own time, replayed only as the optimistic device's guessing work.
   */
  | {type: "guess"; call: number; tokens: number; ms: number}
  /** The router scored a step. */
  | {type: "router"; ms: number}
  /** The large model evaluated only so that the oracle could peek: not on the timeline (as in the paper's accounting). */
  | {type: "probe"; evaluated: number; ms: number}
  /**
   * A request leaves the device. `ids`: transcript ids it carries; `guess`: tokens an optimistic
   * device would assume the reply holds (its own continuation; 0 when it cannot guess).
   */
  | {type: "request"; call: number; kind: CallKind; step: number; ids: number; bytesUp: number; netMs: number; guess: number}
  /** The large model's work for a request: tokens evaluated (catch-up and drafts) and tokens it wrote, and its compute time. */
  | {type: "large"; call: number; evaluated: number; generated: number; ms: number}
  /** The reply reaches the device. `agreed`: it equals the optimistic device's guess. */
  | {type: "reply"; call: number; bytesDown: number; tokens: number; agreed: boolean}
  /** `count` tokens become final (shown to the user). */
  | {type: "emit"; count: number}
  /** Speculative tokens thrown away (drafts the large model rejected). */
  | {type: "discard"; count: number}
  /**
   * What a real optimistic device did in vain while request `call` was in flight, whose reply
   * disagreed with its guess (decode with `overlap: "real"` only: a sequential run never makes
   * these steps, and the timeline estimates them): its thrown-away steps (each a small-model
   * evaluation with its router call, or a guessing step, measured ms) and the requests they sent,
   * now void, which the server still answered before the next real one (`after`: sent after that
   * many of the steps; payload bytes and the server's compute, 0 where the reply never came).
   * Not part of the sequential run: its counts and bytes are left out of the results.
   */
  | {type: "void"; call: number; steps: number[]; requests: VoidRequest[]};

/** A request an optimistic device sent during a speculation that turned out wrong. */
export interface VoidRequest {
  after: number;
  kind: CallKind;
  bytesUp: number;
  bytesDown: number;
  ms: number;
}

/** Appends events and hands out request numbers. */
export class EventLog {
  readonly events: DecodeEvent[] = [];
  private calls = 0;

  push(event: DecodeEvent): void {
    this.events.push(event);
  }

  /** The number of the next request. */
  newCall(): number {
    return this.calls++;
  }

  get requests(): number {
    return this.calls;
  }
}

/** Counts over a log that the results report (sums in log order, so they are reproducible to the bit). */
export interface LogCounts {
  /** Requests to the large model. */
  calls: number;
  bytesUp: number;
  bytesDown: number;
  /** Tokens each model evaluated (the small model's guesses excluded; the oracle's peeks included). */
  smallEvaluated: number;
  largeEvaluated: number;
  /** Tokens the large model wrote (verification's corrections and bonus tokens included). */
  largeGenerated: number;
  /** Drafts the large model rejected. */
  discarded: number;
}

export function countLog(events: readonly DecodeEvent[]): LogCounts {
  const c: LogCounts = {calls: 0, bytesUp: 0, bytesDown: 0, smallEvaluated: 0, largeEvaluated: 0, largeGenerated: 0, discarded: 0};
  for (const e of events) {
    if (e.type === "request") {
      c.calls++;
      c.bytesUp += e.bytesUp;
    } else if (e.type === "reply") c.bytesDown += e.bytesDown;
    else if (e.type === "small") c.smallEvaluated += e.tokens;
    else if (e.type === "large") {
      c.largeEvaluated += e.evaluated;
      c.largeGenerated += e.generated;
    } else if (e.type === "probe") c.largeEvaluated += e.evaluated;
    else if (e.type === "discard") c.discarded += e.count;
  }
  return c;
}
