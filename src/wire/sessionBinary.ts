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

export function canEncodeSession(session: string): boolean {
  return /^[0-9a-f]{16}$/.test(session);
}

export function encodeSessionRequest(session: string, keep: number, ids: readonly Token[], batches?: readonly number[], top?: number): Buffer {
  const bytes: number[] = [VERSION, ...Buffer.from(session, "hex")];
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
  if (top !== undefined) varint(top);
  return Buffer.from(bytes);
}

/** The request as the JSON route would parse it; throws an Error saying what is wrong. */
export function decodeSessionRequest(body: Buffer): {session: string; keep: number; ids: number[]; batches?: number[]; top?: number} {
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
  if (body[0] !== VERSION) fail(`unknown version ${body[0]}`);
  const session = body.subarray(1, 9).toString("hex");
  at = 9;
  const keep = varint("keep");
  const n = varint("the id count");
  if (n > body.length - at) fail(`it announces ${n} ids but has ${body.length - at} bytes left`);
  const ids = Array.from({length: n}, () => varint("an id"));
  const m = varint("the batch count");
  if (m > body.length - at) fail(`it announces ${m} batches but has ${body.length - at} bytes left`);
  const batches = Array.from({length: m}, () => varint("a batch size"));
  const top = at < body.length ? varint("top") : undefined;
  if (top === 0) fail("top must be a positive count");
  if (at !== body.length) fail(`${body.length - at} bytes follow the request`);
  return {session, keep, ids, ...(m > 0 ? {batches} : {}), ...(top !== undefined ? {top} : {})};
}
