import {COMPUTE_HEADER, EVALUATED_HEADER, SessionCloseRequest, SessionNextRequest, sessionReplyBody} from "../wire/sessionWire.ts";
import type {Token} from "../core/Prediction.ts";
import {HttpError, validate} from "./httpUtil.ts";
import type {ServerContext} from "./ServerContext.ts";

export interface RouteReply {
  status?: number;
  body: string | object;
  headers?: Record<string, string>;
}

/** POST /session/next: the incremental-session protocol (see sessionWire.ts). */
export async function sessionNext(ctx: ServerContext, body: unknown): Promise<RouteReply> {
  const r = validate(SessionNextRequest, body);
  checkIds(ctx, r.ids, "ids");
  const lost = () =>
    new HttpError(404, "unknown-session", `session ${r.session} is not held with ${r.keep} tokens (evicted, expired, or the server restarted): resend the whole prefix with keep 0`);
  const known = ctx.pool.get(r.session);
  if (r.keep > 0 && (!known || known.tokens.length < r.keep)) throw lost();
  const n = r.keep + r.ids.length;
  if (n > ctx.info.contextSize) {
    throw new HttpError(400, "context-full", `keep + ids = ${n} tokens exceed the model's context of ${ctx.info.contextSize} tokens (tlr serve --context-size)`);
  }
  const session = await ctx.pool.acquire(r.session);
  try {
    if (session.tokens.length < r.keep) throw lost(); // evicted while this request waited
    const transcript = [...session.tokens.slice(0, r.keep), ...r.ids];
    const step = await ctx.pool.evaluate(session, transcript, r.batches ? {keep: r.keep, batches: r.batches} : undefined, r.top);
    return {
      body: sessionReplyBody(step.prediction),
      headers: {[COMPUTE_HEADER]: `compute;dur=${step.ms.toFixed(3)}`, [EVALUATED_HEADER]: String(step.evaluated)},
    };
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
