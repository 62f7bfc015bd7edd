import type {Token} from "../core/Prediction.ts";

/*
 * The compact body of POST /session/next (Content-Type: application/x-tlr-session). The JSON body
 * spends ~45 bytes on keys and quotes and 4–7 characters per id; this one spends 10 bytes plus
 * 1–3 per id, which is what the session protocol's upload figures count:
 *
 *   byte 0        version (1)
 *   bytes 1–8     the session id: 16 hex digits as 8 bytes
 *   varint        keep
 *   varint        n, then n varints: the ids
 *   varint        m (0: no batch schedule), then m varints: the batch sizes
 *   [varint]      top: how many top log-probabilities to answer, where the client needs more
 *                 than the server's --top-k (absent in the common case, so it costs nothing)
 *
 * Varints are unsigned LEB128: 7 bits a byte, low bits first, high bit set while more follow.
 * A session id that is not 16 hex digits, or a malformed body, is answered by the JSON route's
 * rules (the server validates the decoded request with the same schema).
 */
export const SESSION_BINARY_TYPE = "application/x-tlr-session";
const VERSION = 1;

/*
 * Version 2 adds what a request asks for (a body of version 1 is a plain `next`), after the batch
 * schedule:
 *
 *   varint        mode: 0 next, 1 span, 2 stitch, 3 verify
 *   span          varint max, varint s, then s varints: the ids that end the turn
 *   stitch        varint max, varint σ × 10⁶, varint s, then s ids
 *   verify        varint d: the last d ids are drafts, predicted at every position
 *   varint        seq: the request's place in its session's order (0: none); a server answers a
 *                 session's numbered requests in that order, so a client may have several in flight
 */
const VERSION_CALLS = 2;
const MODES = ["next", "span", "stitch", "verify"] as const;

/** What a request asks the large model for, beyond one prediction. */
export type SessionCall =
  | {mode: "next"}
  | {mode: "span"; max: number; stopIds: number[]}
  | {mode: "stitch"; max: number; sigma: number; stopIds: number[]}
  | {mode: "verify"; drafts: number};

/** σ travels as a whole number of millionths. */
export const SIGMA_SCALE = 1_000_000;

export function canEncodeSession(session: string): boolean {
  return /^[0-9a-f]{16}$/.test(session);
}

/**
 * The binary body. Without `call` and `seq` it is version 1 (a plain `next`, what the token policy
 * sends); with either, version 2. Either may end with `top` (more top log-probabilities than the
 * server's --top-k: a client whose best shared id is not among them).
 */
export function encodeSessionRequest(session: string, keep: number, ids: readonly Token[], batches?: readonly number[], call?: SessionCall, seq?: number, top?: number): Buffer {
  const v2 = call !== undefined || seq !== undefined;
  const bytes: number[] = [v2 ? VERSION_CALLS : VERSION, ...Buffer.from(session, "hex")];
  const varint = (v: number) => {
    let x = v;
    while (x >= 0x80) {
      bytes.push((x & 0x7f) | 0x80);
      x = Math.floor(x / 128);
    }
    bytes.push(x);
  };
  varint(keep);
  varint(ids.length);
  for (const id of ids) varint(id);
  varint(batches?.length ?? 0);
  for (const b of batches ?? []) varint(b);
  if (v2) {
    const c: SessionCall = call ?? {mode: "next"};
    varint(MODES.indexOf(c.mode));
    if (c.mode === "span" || c.mode === "stitch") {
      varint(c.max);
      if (c.mode === "stitch") varint(Math.round(c.sigma * SIGMA_SCALE));
      varint(c.stopIds.length);
      for (const id of c.stopIds) varint(id);
    } else if (c.mode === "verify") varint(c.drafts);
    varint(seq ?? 0);
  }
  if (top !== undefined) varint(top);
  return Buffer.from(bytes);
}

/** The request as the JSON route would parse it; throws an Error saying what is wrong. */
export function decodeSessionRequest(body: Buffer): {session: string; keep: number; ids: number[]; batches?: number[]; call?: SessionCall; seq?: number; top?: number} {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`the ${SESSION_BINARY_TYPE} body is malformed: ${what} (byte ${at} of ${body.length})`);
  };
  const varint = (what: string) => {
    let value = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (at >= body.length) return fail(`it ends inside ${what}`);
      if (i >= 5) return fail(`${what} is too large`);
      const b = body[at++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  };
  if (body.length < 9) fail("it is shorter than its 9-byte header");
  const version = body[0];
  if (version !== VERSION && version !== VERSION_CALLS) fail(`unknown version ${version}`);
  const session = body.subarray(1, 9).toString("hex");
  at = 9;
  const keep = varint("keep");
  const n = varint("the id count");
  if (n > body.length - at) fail(`it announces ${n} ids but has ${body.length - at} bytes left`);
  const ids = Array.from({length: n}, () => varint("an id"));
  const m = varint("the batch count");
  if (m > body.length - at) fail(`it announces ${m} batches but has ${body.length - at} bytes left`);
  const batches = Array.from({length: m}, () => varint("a batch size"));
  let call: SessionCall | undefined;
  let seq: number | undefined;
  if (version === VERSION_CALLS) {
    const mode = MODES[varint("the mode")] ?? fail("unknown mode");
    const stopIds = () => {
      const s = varint("the stop-id count");
      if (s > body.length - at) fail(`it announces ${s} stop ids but has ${body.length - at} bytes left`);
      return Array.from({length: s}, () => varint("a stop id"));
    };
    if (mode === "span") call = {mode, max: varint("max"), stopIds: stopIds()};
    else if (mode === "stitch") {
      const max = varint("max");
      const sigma = varint("σ") / SIGMA_SCALE;
      call = {mode, max, sigma, stopIds: stopIds()};
    } else if (mode === "verify") call = {mode, drafts: varint("the draft count")};
    else call = {mode};
    seq = varint("seq");
  }
  const top = at < body.length ? varint("top") : undefined;
  if (top === 0) fail("top must be a positive count");
  if (at !== body.length) fail(`${body.length - at} bytes follow the request`);
  return {session, keep, ids, ...(m > 0 ? {batches} : {}), ...(call ? {call} : {}), ...(seq ? {seq} : {}), ...(top !== undefined ? {top} : {})};
}
