import type {z} from "zod";
import type {HttpExchange} from "./HttpClient.ts";
import {RemoteError} from "./RemoteError.ts";
import {describeZodIssue} from "../../util/zodIssue.ts";

/*
 * Turning an HTTP exchange into validated JSON, or into the `RemoteError` that says what went
 * wrong: 5xx, 408 and 429 are `http` (retryable), other 4xx `rejected` (not), a body that is not
 * the promised JSON `malformed` (retryable: proxies and restarting servers answer such things).
 */

export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The server's own words for an error, from tlr serve's, llama-server's or OpenAI's error bodies. */
function serverMessage(ex: HttpExchange): string {
  const e = (tryJson(ex.text) as {error?: {message?: string} | string} | undefined)?.error;
  const m = typeof e === "string" ? e : e?.message;
  if (m) return `: ${m}`;
  return ex.text ? `: ${ex.text.slice(0, 120).replace(/\s+/g, " ")}` : "";
}

/** tlr serve's error code (`unknown-session`, …), if the body carries one. */
export function errorCode(ex: HttpExchange): string | undefined {
  return (tryJson(ex.text) as {error?: {code?: string}} | undefined)?.error?.code;
}

export function malformed(ex: HttpExchange, url: string, why: string): RemoteError {
  return new RemoteError("malformed", url, `${url} answered HTTP ${ex.status} with an unusable body: ${why}`, {status: ex.status});
}

/** The reply's JSON after a 2xx, else the error its status means. `url` names the request in messages. */
export function replyJson(ex: HttpExchange, url: string): unknown {
  if (ex.status >= 500 || ex.status === 429 || ex.status === 408) {
    throw new RemoteError("http", url, `${url} answered HTTP ${ex.status}${serverMessage(ex)}`, {status: ex.status});
  }
  if (ex.status >= 400) {
    const hint = ex.status === 401 || ex.status === 403 ? " (give the server's token with --api-key or TLR_API_KEY)" : "";
    throw new RemoteError("rejected", url, `${url} refused the request: HTTP ${ex.status}${serverMessage(ex)}${hint}`, {status: ex.status});
  }
  const json = tryJson(ex.text);
  if (json === undefined) throw malformed(ex, url, `the body is not JSON (${JSON.stringify(ex.text.slice(0, 60))})`);
  return json;
}

/** `replyJson`, validated by a schema; the first problem names its field. */
export function replyData<S extends z.ZodType>(ex: HttpExchange, url: string, schema: S): z.infer<S> {
  const r = schema.safeParse(replyJson(ex, url));
  if (r.success) return r.data;
  throw malformed(ex, url, describeZodIssue(r.error.issues[0]!, "body"));
}
