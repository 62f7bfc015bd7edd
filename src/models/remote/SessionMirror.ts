import {planEvaluation} from "../schedule.ts";
import type {Token} from "../../core/Prediction.ts";
import type {SessionCall} from "../../wire/sessionBinary.ts";

/** One request of the session protocol as sent with an explicit schedule. */
export interface SessionRequest {
  keep: number;
  ids: Token[];
  /** Batch sizes after `keep` (always given: the server then follows exactly this schedule). */
  batches: number[];
  call: SessionCall;
}

/**
 * What a tlr serve session holds, derived from the requests it answered: its token list (for
 * `keep`), the tokens its batches evaluated and where they end. A request sent with an explicit
 * schedule leaves the server's state fully determined by the request and the tokens the server
 * wrote, so a client with several requests in flight (optimistic continuation) can plan the next
 * one against the state the earlier ones will leave, and rebuild it exactly once their replies
 * are in. A turn's written tokens (all but the last) are fed back one batch each.
 */
export class SessionMirror {
  tokens: Token[] = [];
  held: Token[] = [];
  ends: number[] = [];

  clone(): SessionMirror {
    const m = new SessionMirror();
    m.tokens = [...this.tokens];
    m.held = [...this.held];
    m.ends = [...this.ends];
    return m;
  }

  /** The request that predicts after `transcript` with exactly the batch history `cuts`, sending only what the session holds no longer. */
  plan(transcript: readonly Token[], cuts: readonly number[], call: SessionCall): SessionRequest {
    const plan = planEvaluation(this.held, this.ends, transcript, cuts);
    let keep = plan.keepLength;
    let evaluate = plan.evaluate;
    if (evaluate.length === 0) {
      // The prediction is in the server's state already: ask again for its last batch (identical numbers).
      keep = plan.keepSegments > 1 ? this.ends[plan.keepSegments - 2]! : 0;
      evaluate = [transcript.length];
    }
    const batches = evaluate.map((e, i) => e - (i === 0 ? keep : evaluate[i - 1]!));
    return {keep, ids: transcript.slice(keep), batches, call};
  }

  /**
   * The server's state after it answered `request`, as far as it is known without the reply (a
   * void request: its reply is of no use, so the client does not wait for it): the request's
   * tokens and batches, not what the server wrote after them. A request planned against this
   * keeps at most those tokens, which the server holds whatever it wrote.
   */
  applyUnanswered(request: SessionRequest): void {
    this.apply(request, []);
  }

  /** The server's state after it answered `request` having written `written`. */
  apply(request: SessionRequest, written: readonly Token[]): void {
    const transcript = [...this.tokens.slice(0, request.keep), ...request.ids];
    const cuts = this.ends.filter((e) => e < request.keep);
    if (request.keep > 0) cuts.push(request.keep);
    let end = request.keep;
    for (const size of request.batches.slice(0, -1)) cuts.push((end += size));
    const n = transcript.length;
    this.ends = [...cuts, n, ...written.slice(0, -1).map((_, i) => n + i + 1)];
    this.held = [...transcript, ...written.slice(0, -1)];
    this.tokens = [...transcript, ...written];
  }
}
