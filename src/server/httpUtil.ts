import {timingSafeEqual} from "node:crypto";
import type {IncomingMessage, ServerResponse} from "node:http";
import type {z} from "zod";
import {describeZodIssue} from "../util/zodIssue.ts";

/** An error the server answers with `{error: {code, message}}` and this status; the server stays up. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: string | object, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {"content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers});
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, {error: {code: error.code, message: error.message}}, error.headers);
}

/**
 * Reads a body of at most `limit` bytes. A longer body is refused with 413 as soon as its
 * Content-Length (or its running size) says so, without reading the rest; the connection is
 * then closed, since its unread remainder cannot be skipped cheaply.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    new HttpError(413, "body-too-large", `the request body exceeds the server's limit of ${limit} bytes (tlr serve --max-body-bytes)`, {connection: "close"});
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > limit) throw tooLarge();
  // Listeners rather than `for await`: leaving that loop early destroys the socket, and the 413
  // would never reach the client.
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        req.pause();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Parses a JSON body (see `readBody` for the size limit). */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, "bad-json", `the request body is not valid JSON (${(error as Error).message}); send Content-Type: application/json`);
  }
}

/** Validates a parsed body; the first problem becomes a 400 naming the field. */
export function validate<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  throw new HttpError(400, "bad-request", describeZodIssue(r.error.issues[0]!, "body"));
}

/** Constant-time check of `Authorization: Bearer <token>`. */
export function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(req.headers.authorization ?? "");
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
