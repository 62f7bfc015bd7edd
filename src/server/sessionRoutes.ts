import {COMPUTE_HEADER, EVALUATED_HEADER, SessionCloseRequest, SessionNextRequest, sessionReplyBody, sessionTurnReplyBody} from "../wire/sessionWire.ts";
import type {Token} from "../core/Prediction.ts";
import {HttpError, validate} from "./httpUtil.ts";
import type {ServerContext} from "./ServerContext.ts";

export interface RouteReply {
  status?: number;
  body: string | object;
  headers?: Record<string, string>;
}

/**
 * POST /session/next: the incremental-session protocol (see sessionWire.ts and sessionBinary.ts).
 * One prediction, or (version 2) a turn of several tokens (span, stitch) or a verification of
 * drafts; a numbered request (`seq`) waits for its session's earlier ones.
 */
export async function sessionNext(ctx: ServerContext, body: unknown): Promise<RouteReply> {
  const r = validate(SessionNextRequest, body);
  if (!r.seq) return answer(ctx, r);
  await ctx.pool.inOrder(r.session, r.seq);
  try {
    return await answer(ctx, r);
  } finally {
    ctx.pool.answered(r.session, r.seq);
  }
}

async function answer(ctx: ServerContext, r: SessionNextRequest): Promise<RouteReply> {
  checkIds(ctx, r.ids, "ids");
  const call = r.call ?? {mode: "next" as const};
  if (call.mode === "span" || call.mode === "stitch") checkIds(ctx, call.stopIds, "call.stopIds");
  const lost = () =>
    new HttpError(404, "unknown-session", `session ${r.session} is not held with ${r.keep} tokens (evicted, expired, or the server restarted): resend the whole prefix with keep 0`);
  const known = ctx.pool.get(r.session);
  if (r.keep > 0 && (!known || known.tokens.length < r.keep)) throw lost();
  // A turn evaluates all but its last written token.
  const n = r.keep + r.ids.length + (call.mode === "span" || call.mode === "stitch" ? call.max - 1 : 0);
  if (n > ctx.info.contextSize) {
    throw new HttpError(400, "context-full", `keep + ids${n > r.keep + r.ids.length ? " + the turn" : ""} = ${n} tokens exceed the model's context of ${ctx.info.contextSize} tokens (tlr serve --context-size)`);
  }
  const session = await ctx.pool.acquire(r.session);
  try {
    if (session.tokens.length < r.keep) throw lost(); // evicted while this request waited
    const transcript = [...session.tokens.slice(0, r.keep), ...r.ids];
    const schedule = r.batches ? {keep: r.keep, batches: r.batches} : undefined;
    const headers = (ms: number, evaluated: number) => ({[COMPUTE_HEADER]: `compute;dur=${ms.toFixed(3)}`, [EVALUATED_HEADER]: String(evaluated)});
    if (call.mode === "next") {
      const step = await ctx.pool.evaluate(session, transcript, schedule, r.top);
      return {body: sessionReplyBody(step.prediction), headers: headers(step.ms, step.evaluated)};
    }
    if (call.mode === "verify") {
      if (transcript.length === call.drafts) throw new HttpError(400, "bad-request", "call.drafts: the drafts must follow at least one token of the transcript");
      const committed = transcript.slice(0, transcript.length - call.drafts);
      const v = await ctx.pool.verify(session, committed, transcript.slice(committed.length), schedule);
      return {body: sessionTurnReplyBody(v.predictions, v.accepted), headers: headers(v.ms, v.evaluated)};
    }
    const turn = await ctx.pool.turn(session, transcript, schedule, {max: call.max, stopIds: call.stopIds, ...(call.mode === "stitch" ? {confident: call.sigma} : {})});
    return {body: sessionTurnReplyBody(turn.steps.map((x) => x.prediction)), headers: headers(turn.ms, turn.evaluated)};
  } finally {
    ctx.pool.release(session);
  }
}

/** POST /session/close: frees a session's state now rather than at eviction. */
export function sessionClose(ctx: ServerContext, body: unknown): RouteReply {
  const {session} = validate(SessionCloseRequest, body);
  const s = ctx.pool.get(session);
  if (s && !s.busy) ctx.pool.drop(s, true);
  return {body: {closed: s !== undefined}};
}

/** Refuses ids outside the vocabulary before any evaluation, naming the first bad one. */
export function checkIds(ctx: ServerContext, ids: readonly Token[], field: string): void {
  const bad = ids.findIndex((id) => id >= ctx.info.vocabSize);
  if (bad >= 0) {
    throw new HttpError(400, "bad-token", `${field}[${bad}]: token id ${ids[bad]} is outside the model's vocabulary of ${ctx.info.vocabSize} ids`);
  }
}
