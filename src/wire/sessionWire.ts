import {z} from "zod";
import type {Prediction, Token} from "../core/Prediction.ts";

/*
 * The incremental-session protocol of `tlr serve`, shared by the server, the client and the
 * simulated byte model (so the simulated bytes are the real bodies, by construction).
 *
 *   POST /session/next   {"session":"…","keep":K,"ids":[…]}            → {"token":T,"top":[[id,logprob],…]}
 *   POST /session/close  {"session":"…"}                               → {"closed":true}
 *
 * The server's view of a session is a token list: what it evaluated plus the token it produced
 * last. `keep` is how many of those the client's transcript shares; the server drops the rest
 * (a rollback), appends `ids` and predicts. So a routed request carries only the ids the large
 * side has not seen. A session the server does not hold (evicted, restarted, or shorter than
 * `keep`) answers 404 `unknown-session`, and the client resends its prefix from keep = 0 with
 * `batches`: the sizes of the evaluation batches it used before, so the server replays the same
 * batch schedule and reproduces the same numbers (logits depend on how a prefix was batched).
 */

/** Session ids are made by clients: 16 hex digits (64 random bits). */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const SESSION_ID_LENGTH = 16;

/** Log-probabilities travel with 6 decimals: ample for features, half the bytes of full doubles. */
export const LOGPROB_DECIMALS = 6;

const tokenId = z.number().int().nonnegative();

/** What a request asks for beyond one prediction (see sessionBinary.ts, version 2). */
export const SessionCallSchema = z.discriminatedUnion("mode", [
  z.object({mode: z.literal("next")}).strict(),
  z.object({mode: z.literal("span"), max: z.number().int().positive(), stopIds: z.array(tokenId)}).strict(),
  z.object({mode: z.literal("stitch"), max: z.number().int().positive(), sigma: z.number().min(0).max(1), stopIds: z.array(tokenId)}).strict(),
  z.object({mode: z.literal("verify"), drafts: z.number().int().nonnegative()}).strict(),
]);

export const SessionNextRequest = z
  .object({
    session: z.string().regex(SESSION_ID_PATTERN, "session must be 1–64 letters, digits, '-' or '_'"),
    keep: z.number().int().nonnegative(),
    ids: z.array(tokenId),
    batches: z.array(z.number().int().positive()).optional(),
    call: SessionCallSchema.optional(),
    seq: z.number().int().nonnegative().optional(),
    /** More top log-probabilities than the server's --top-k (a client whose best shared id is not among them). */
    top: z.number().int().positive().optional(),
  })
  .strict()
  .refine((r) => r.call?.mode !== "verify" || r.call.drafts <= r.ids.length, {message: "drafts cannot outnumber ids", path: ["call", "drafts"]})
  .refine((r) => r.keep + r.ids.length > 0, {message: "keep + ids must hold at least one token", path: ["ids"]})
  .refine((r) => !r.batches || r.batches.reduce((a, b) => a + b, 0) === r.ids.length, {
    message: "batches must sum to the number of ids",
    path: ["batches"],
  });
export type SessionNextRequest = z.infer<typeof SessionNextRequest>;

export const SessionNextReply = z.object({
  token: tokenId,
  top: z.array(z.tuple([tokenId, z.number()])).min(1),
});
export type SessionNextReply = z.infer<typeof SessionNextReply>;

/** The reply to a turn (span, stitch) or a verification: one prediction per written token; for verify, the accepted drafts. */
export const SessionTurnReply = z.object({
  steps: z.array(SessionNextReply).min(1),
  accepted: z.number().int().nonnegative().optional(),
});
export type SessionTurnReply = z.infer<typeof SessionTurnReply>;

export const SessionCloseRequest = z.object({session: z.string().regex(SESSION_ID_PATTERN)}).strict();

/** The error body every `tlr serve` 4xx/5xx carries. */
export const ErrorReply = z.object({error: z.object({code: z.string(), message: z.string()})});
export type ErrorReply = z.infer<typeof ErrorReply>;

export function sessionRequestBody(session: string, keep: number, ids: readonly Token[], batches?: readonly number[]): string {
  return JSON.stringify(batches ? {session, keep, ids, batches} : {session, keep, ids});
}

export function sessionReplyBody(p: Pick<Prediction, "token" | "top">): string {
  return JSON.stringify({token: p.token, top: p.top.map((t) => [t.id, roundLogprob(t.logprob)])});
}

/** `{"steps":[{"token","top"},…]}`, with `"accepted"` for a verification: the steps are sessionReplyBody's. */
export function sessionTurnReplyBody(steps: readonly Pick<Prediction, "token" | "top">[], accepted?: number): string {
  return `{"steps":[${steps.map(sessionReplyBody).join(",")}]${accepted === undefined ? "" : `,"accepted":${accepted}`}}`;
}

export function roundLogprob(x: number): number {
  return Number(x.toFixed(LOGPROB_DECIMALS));
}

/** Headers carrying the server's compute time and catch-up size, outside the body. */
export const COMPUTE_HEADER = "server-timing";
export const EVALUATED_HEADER = "x-tlr-evaluated";
